"""The task cluster's heartbeat every minute, a backup every night, the retention clean-up every night."""

from datetime import time

from django.db import migrations

from cms.schedules import daily_at, every_minutes


class Migration(migrations.Migration):
    dependencies = [
        ("ops", "0001_initial"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]
    operations = [
        every_minutes("任务集群心跳（每分钟）", "ops.tasks.heartbeat", 1),
        # A large database takes longer than the cluster's 300-second task timeout.
        daily_at("数据库与文件备份（每日）", "ops.tasks.backup_daily", time(2, 30), kwargs="q_options={'timeout': 7200}"),
        daily_at("过期导出与临时文件清理（每日）", "ops.tasks.retention_daily", time(3, 30)),
    ]
