"""Refresh the tallies of recent drafts and of this year every ten minutes (django-q2 schedule)."""

from django.db import migrations

from cms.schedules import every_minutes


class Migration(migrations.Migration):
    dependencies = [
        ("stats", "0001_tally"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]
    operations = [every_minutes("统计数据更新（每十分钟）", "stats.services.tallies_refresh_recent", 10)]
