"""Reason templates, handling events and export jobs move here from the comments app (tables kept)."""

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
        # The tables were created by the comments app and keep their names: only the state moves here.
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='ReasonTemplate',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('text', models.TextField(verbose_name='理由')),
                    ('disposition', models.CharField(blank=True, choices=[('undecided', '待处理'), ('adopted', '采纳'), ('partly_adopted', '部分采纳'), ('not_adopted', '未采纳'), ('merged', '已合并'), ('forwarded', '转为法规实施监督建议')], help_text='留空表示都适用。', max_length=20, verbose_name='适用的处理情况')),
                    ('is_active', models.BooleanField(default=True, verbose_name='启用')),
                    ('sort_order', models.PositiveIntegerField(default=0, verbose_name='排序')),
                ],
                options={
                    'verbose_name': '常用理由',
                    'verbose_name_plural': '常用理由',
                    'db_table': 'comments_reasontemplate',
                    'ordering': ['sort_order', 'id'],
                },
            ),
            migrations.CreateModel(
                name='ExportJob',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('format', models.CharField(choices=[('docx', '意见采纳情况表（Word）'), ('summary', '意见汇总报告（Word）'), ('xlsx', '意见表（Excel）'), ('csv', '意见表（CSV）')], max_length=8, verbose_name='格式')),
                    ('state', models.CharField(choices=[('queued', '排队中'), ('running', '生成中'), ('done', '已完成'), ('failed', '失败')], default='queued', max_length=8, verbose_name='状态')),
                    ('done', models.PositiveIntegerField(default=0, verbose_name='已处理')),
                    ('total', models.PositiveIntegerField(default=0, verbose_name='总数')),
                    ('file', models.FileField(blank=True, storage=cms.storage.private_storage, upload_to='exports/%Y/%m/', verbose_name='文件')),
                    ('error', models.TextField(blank=True, verbose_name='错误')),
                    ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='创建时间')),
                    ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='完成时间')),
                    ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('draft', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='drafts.draftpage', verbose_name='法规草案')),
                ],
                options={
                    'verbose_name': '导出任务',
                    'verbose_name_plural': '导出任务',
                    'db_table': 'comments_exportjob',
                    'ordering': ['-created_at', '-id'],
                },
            ),
            migrations.CreateModel(
                name='HandlingEvent',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('before', models.JSONField(blank=True, default=dict, verbose_name='修改前')),
                    ('after', models.JSONField(blank=True, default=dict, verbose_name='修改后')),
                    ('reason', models.TextField(blank=True, verbose_name='理由')),
                    ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='时间')),
                    ('action', models.CharField(choices=[('dispose', '处理'), ('assign', '分配'), ('merge', '合并'), ('link', '关联修改条文'), ('forward', '转办')], max_length=12, verbose_name='操作')),
                    ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('opinion', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='handling_events', to='comments.opinion')),
                ],
                options={
                    'verbose_name': '处理记录',
                    'verbose_name_plural': '处理记录',
                    'db_table': 'comments_handlingevent',
                    'ordering': ['created_at', 'id'],
                    'abstract': False,
                    'indexes': [models.Index(fields=['opinion', 'created_at'], name='handling_event_opinion')],
                },
            ),
            ],
            database_operations=[],
        ),
    ]
