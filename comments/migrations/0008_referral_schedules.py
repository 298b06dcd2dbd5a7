"""Schedule the referral oversight tasks with django-q2: daily reminders and escalation, a weekly digest."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations

# (name, function, schedule type, first run: days from today, local time). "D" and "W" are
# django_q's Schedule.DAILY and Schedule.WEEKLY (historical models do not carry class constants).
SCHEDULES = [
    ("转办到期提醒（每日）", "comments.tasks.referrals_remind_task", "D", time(8, 0)),
    ("转办逾期督办（每日）", "comments.tasks.referrals_escalate_task", "D", time(9, 0)),
    ("转办督办周报（每周一）", "comments.tasks.referrals_weekly_digest", "W", time(8, 30)),
]


def _first_run(kind: str, at: time) -> datetime:
    """Tomorrow at `at` (local time); the weekly one on the next Monday."""
    today = datetime.now(ZoneInfo(settings.TIME_ZONE)).date()
    day = today + timedelta(days=1)
    if kind == "W":
        day = today + timedelta(days=7 - today.weekday())
    return datetime.combine(day, at, tzinfo=ZoneInfo(settings.TIME_ZONE))


def add_schedules(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    for name, func, kind, at in SCHEDULES:
        Schedule.objects.get_or_create(
            name=name, defaults={"func": func, "schedule_type": kind, "repeats": -1, "next_run": _first_run(kind, at)}
        )


def remove_schedules(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.filter(name__in=[name for name, *_rest in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0007_handling_roles"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]
    operations = [migrations.RunPython(add_schedules, remove_schedules)]
