"""The access audit (issue 21): AccessEvent, append-only in the database too, and its daily retention purge.

Triggers refuse every UPDATE of cms_accessevent, and every DELETE except of rows older than the `before` of a
row in cms_accessauditpurge, which only cms.access_audit.purge writes, inside its own transaction. One guard for
both vendors (PostgreSQL has no per-transaction flag SQLite could share). TRUNCATE is not a row operation: on
PostgreSQL it needs the table owner's rights, which the application's role should not have in production.
"""

from datetime import time

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from cms.schedules import daily_at

REFUSAL = "cms_accessevent is append-only"

SQL = {
    "postgresql": (
        [
            f"""
            CREATE FUNCTION cms_accessevent_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'DELETE' AND EXISTS (
                    SELECT 1 FROM cms_accessauditpurge p WHERE OLD.occurred_at < p.before
                ) THEN
                    RETURN OLD;
                END IF;
                RAISE EXCEPTION '{REFUSAL} (%)', TG_OP;
            END;
            $$;
            """,
            "CREATE TRIGGER cms_accessevent_append_only BEFORE UPDATE OR DELETE ON cms_accessevent "
            "FOR EACH ROW EXECUTE FUNCTION cms_accessevent_refuse();",
        ],
        [
            "DROP TRIGGER IF EXISTS cms_accessevent_append_only ON cms_accessevent;",
            "DROP FUNCTION IF EXISTS cms_accessevent_refuse();",
        ],
    ),
    "sqlite": (
        [
            f"""
            CREATE TRIGGER cms_accessevent_no_update BEFORE UPDATE ON cms_accessevent
            BEGIN SELECT RAISE(ABORT, '{REFUSAL} (UPDATE)'); END;
            """,
            f"""
            CREATE TRIGGER cms_accessevent_no_delete BEFORE DELETE ON cms_accessevent
            WHEN NOT EXISTS (SELECT 1 FROM cms_accessauditpurge p WHERE OLD.occurred_at < p.before)
            BEGIN SELECT RAISE(ABORT, '{REFUSAL} (DELETE)'); END;
            """,
        ],
        [
            "DROP TRIGGER IF EXISTS cms_accessevent_no_update;",
            "DROP TRIGGER IF EXISTS cms_accessevent_no_delete;",
        ],
    ),
}


def _run(index: int):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor not in SQL:
            raise RuntimeError(f"no append-only triggers for the {vendor} database")
        for statement in SQL[vendor][index]:
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('cms', '0004_roles'),
        ('django_q', '0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more'),
    ]

    operations = [
        migrations.CreateModel(
            name='AccessAuditPurge',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('before', models.DateTimeField()),
            ],
            options={
                'default_permissions': (),
            },
        ),
        migrations.CreateModel(
            name='AccessEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('login_success', '登录成功'), ('login_failure', '登录失败'), ('logout', '退出登录'), ('notes_download', '下载会议纪要'), ('attachment_download', '下载交办附件'), ('export_download', '下载导出文件'), ('role_change', '角色变更'), ('permission_change', '权限变更'), ('token_use', '使用接口令牌'), ('otp_setup', '启用两步验证'), ('otp_verify', '两步验证通过'), ('otp_failure', '两步验证失败'), ('otp_disable', '关闭两步验证'), ('otp_backup_codes', '生成备用验证码')], max_length=32, verbose_name='类型')),
                ('username', models.CharField(blank=True, max_length=150, verbose_name='用户名')),
                ('object_type', models.CharField(blank=True, max_length=100, verbose_name='对象类型')),
                ('object_id', models.CharField(blank=True, max_length=64, verbose_name='对象编号')),
                ('object_repr', models.CharField(blank=True, max_length=255, verbose_name='对象')),
                ('ip', models.GenericIPAddressField(blank=True, null=True, verbose_name='IP 地址')),
                ('user_agent', models.CharField(blank=True, max_length=512, verbose_name='浏览器标识')),
                ('occurred_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='时间')),
                ('user', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='用户')),
            ],
            options={
                'verbose_name': '访问审计记录',
                'verbose_name_plural': '访问审计记录',
                'indexes': [models.Index(fields=['kind', '-occurred_at'], name='cms_accesse_kind_0b1e42_idx'), models.Index(fields=['user', '-occurred_at'], name='cms_accesse_user_id_c562cf_idx')],
            },
        ),
        # The triggers, per vendor (RunSQL has no vendor switch).
        migrations.RunPython(_run(0), _run(1)),
        daily_at("访问审计记录过期清理（每日）", "cms.tasks.access_audit_purge", time(3, 45)),
    ]
