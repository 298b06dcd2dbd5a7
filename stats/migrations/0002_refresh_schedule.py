"""Refresh the tallies of recent drafts and of this year every ten minutes (django-q2 schedule)."""

from django.db import migrations
from django.utils import timezone

NAME = "统计数据更新（每十分钟）"


def add_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.get_or_create(
        name=NAME,
        defaults={
            "func": "stats.services.tallies_refresh_recent",
            "schedule_type": "I",  # django_q's Schedule.MINUTES
            "minutes": 10,
            "repeats": -1,
            "next_run": timezone.now(),
        },
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("stats", "0001_tally"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]
    operations = [migrations.RunPython(add_schedule, remove_schedule)]
