"""Catch the index up every minute, for writes that send no signal (bulk updates, bulk creates)."""

from django.db import migrations

from cms.schedules import every_minutes


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_fulltext"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]
    operations = [every_minutes("搜索索引更新（每分钟）", "search.tasks.catch_up", 1)]
