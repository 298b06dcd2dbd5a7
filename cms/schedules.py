"""django-q2 schedules created by data migrations (historical models, so no Schedule class constants)."""

from django.db import migrations
from django.utils import timezone


def every_minutes(name: str, func: str, minutes: int) -> migrations.RunPython:
    """A migration operation that schedules `func` every `minutes` (get_or_create by name; reversible)."""

    def add(apps, schema_editor):
        apps.get_model("django_q", "Schedule").objects.get_or_create(
            name=name,
            defaults={
                "func": func,
                "schedule_type": "I",  # django_q's Schedule.MINUTES
                "minutes": minutes,
                "repeats": -1,
                "next_run": timezone.now(),
            },
        )

    def remove(apps, schema_editor):
        apps.get_model("django_q", "Schedule").objects.filter(name=name).delete()

    return migrations.RunPython(add, remove)
