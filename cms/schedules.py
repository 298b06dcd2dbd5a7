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


# Coalesced background work queued after commits ------------------------------------------------------

_last_queued: dict[str, float] = {}


def queue_after_commit(flag: str, func: str) -> None:
    """After the current transaction commits, queue the task `func` unless one is already queued and not
    started (the task deletes `flag` as it starts, so work committed after that queues another run).

    A process that queued it less than QUEUE_DEBOUNCE_SECONDS ago does not even ask the cache: at hundreds
    of posts a second that is one cache call a second instead of one a post. Work committed in that second is picked
    up by the run already queued, by the next commit's, or by the schedule that runs every minute.
    """
    import time

    from django.conf import settings
    from django.db import transaction

    def enqueue():
        from django.core.cache import cache
        from django_q.tasks import async_task

        now, debounce = time.monotonic(), settings.QUEUE_DEBOUNCE_SECONDS
        if debounce and now - _last_queued.get(flag, -debounce) < debounce:
            return
        _last_queued[flag] = now
        if cache.add(flag, 1, timeout=300):
            async_task(func)

    transaction.on_commit(enqueue)
