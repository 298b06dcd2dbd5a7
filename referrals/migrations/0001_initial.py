"""Departments and referrals move here from the comments app (tables kept); a referral's opinions and its
events get tables of their own."""

import cms.storage
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('comments', '0010_opinion_updated_index'),
        ('drafts', '0004_opinions'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Departments, referrals and their attachments were created by the comments app and keep their
        # tables: only the state moves here. The opinions of a referral and its events are new tables.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Department',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=100, unique=True, verbose_name='名称')),
                        ('short_name', models.CharField(blank=True, max_length=30, verbose_name='简称')),
                        ('is_active', models.BooleanField(default=True, verbose_name='有效')),
                        ('liaisons', models.ManyToManyField(blank=True, related_name='departments', to=settings.AUTH_USER_MODEL, verbose_name='联络人')),
                    ],
                    options={
                        'verbose_name': '承办单位',
                        'verbose_name_plural': '承办单位',
                        'db_table': 'comments_department',
                        'ordering': ['name'],
                    },
                ),
                migrations.CreateModel(
                    name='Referral',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('instructions', models.TextField(blank=True, verbose_name='交办要求')),
                        ('deadline', models.DateTimeField(verbose_name='办理期限')),
                        ('state', models.CharField(choices=[('sent', '已交办'), ('acknowledged', '已签收'), ('replied', '已答复'), ('closed', '已办结')], default='sent', max_length=12, verbose_name='状态')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='交办时间')),
                        ('acknowledged_at', models.DateTimeField(blank=True, null=True, verbose_name='签收时间')),
                        ('reply', models.TextField(blank=True, verbose_name='答复')),
                        ('replied_at', models.DateTimeField(blank=True, null=True, verbose_name='答复时间')),
                        ('extension_until', models.DateTimeField(blank=True, null=True, verbose_name='申请延期至')),
                        ('extension_reason', models.TextField(blank=True, verbose_name='延期理由')),
                        ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='办结时间')),
                        ('rating', models.CharField(blank=True, choices=[('satisfied', '满意'), ('basically', '基本满意'), ('unsatisfied', '不满意')], max_length=12, verbose_name='满意度')),
                        ('rating_comment', models.TextField(blank=True, verbose_name='评价意见')),
                        ('rated_at', models.DateTimeField(blank=True, null=True, verbose_name='评价时间')),
                        ('reopened', models.BooleanField(default=False, verbose_name='曾因不满意重新办理')),
                        ('reminded_at', models.DateTimeField(blank=True, null=True, verbose_name='到期提醒时间')),
                        ('escalated_at', models.DateTimeField(blank=True, null=True, verbose_name='最近督办时间')),
                        ('revision', models.PositiveIntegerField(default=0, editable=False)),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('department', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='referrals', to='referrals.department', verbose_name='承办单位')),
                        ('draft', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='referrals', to='drafts.draftpage', verbose_name='法规草案')),
                    ],
                    options={
                        'verbose_name': '转办',
                        'verbose_name_plural': '转办',
                        'db_table': 'comments_referral',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='ReferralAttachment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('file', models.FileField(storage=cms.storage.private_storage, upload_to='referrals/%Y/%m/', verbose_name='文件')),
                        ('original_name', models.CharField(max_length=255, verbose_name='文件名')),
                        ('size', models.PositiveIntegerField(verbose_name='大小')),
                        ('uploaded_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='上传时间')),
                        ('referral', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attachments', to='referrals.referral')),
                        ('uploaded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': '答复附件',
                        'verbose_name_plural': '答复附件',
                        'db_table': 'comments_referralattachment',
                        'ordering': ['uploaded_at', 'id'],
                    },
                ),
                migrations.AddIndex(
                    model_name='referral',
                    index=models.Index(fields=['department', 'state', 'deadline'], name='referral_inbox'),
                ),
            ],
            database_operations=[],
        ),
        migrations.CreateModel(
            name='ReferralOpinion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('opinion', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='referral_items', to='comments.opinion')),
                ('referral', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='items', to='referrals.referral')),
            ],
            options={
                'verbose_name': '转办的意见',
                'verbose_name_plural': '转办的意见',
            },
        ),
        migrations.AddField(
            model_name='referral',
            name='opinions',
            field=models.ManyToManyField(related_name='referrals', through='referrals.ReferralOpinion', to='comments.opinion', verbose_name='转办的意见'),
        ),
        migrations.CreateModel(
            name='ReferralEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('before', models.JSONField(blank=True, default=dict, verbose_name='修改前')),
                ('after', models.JSONField(blank=True, default=dict, verbose_name='修改后')),
                ('reason', models.TextField(blank=True, verbose_name='理由')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='时间')),
                ('action', models.CharField(choices=[('forward', '转办'), ('acknowledge', '签收转办'), ('reply', '答复'), ('extend', '申请延期'), ('extension', '延期审批'), ('return', '退回重办'), ('close', '办结'), ('rate', '评价'), ('reopen', '重新办理')], max_length=12, verbose_name='操作')),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('referral', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='events', to='referrals.referral')),
            ],
            options={
                'verbose_name': '转办记录',
                'verbose_name_plural': '转办记录',
                'ordering': ['created_at', 'id'],
                'abstract': False,
                'indexes': [models.Index(fields=['referral', 'created_at'], name='referral_event_referral')],
            },
        ),
        migrations.AddConstraint(
            model_name='referralopinion',
            constraint=models.UniqueConstraint(fields=('referral', 'opinion'), name='referral_opinion_once'),
        ),
    ]
