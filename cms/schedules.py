"""django-q2 schedules created by data migrations (historical models, so no Schedule class constants)."""

import os
import threading
import time
from datetime import datetime, timedelta
from datetime import time as clock
from zoneinfo import ZoneInfo

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


def daily_at(name: str, func: str, at: clock, *, kwargs: str = "") -> migrations.RunPython:
    """A migration operation that schedules `func` every day at `at`, local time (TIME_ZONE), first tomorrow;
    `kwargs` as django-q2 stores them (e.g. "q_options={'timeout': 3600}")."""

    def add(apps, schema_editor):
        from django.conf import settings

        zone = ZoneInfo(settings.TIME_ZONE)
        first = datetime.combine(datetime.now(zone).date() + timedelta(days=1), at, tzinfo=zone)
        apps.get_model("django_q", "Schedule").objects.get_or_create(
            name=name,
            defaults={
                "func": func,
                "schedule_type": "D",  # django_q's Schedule.DAILY
                "repeats": -1,
                "next_run": first,
                "kwargs": kwargs or None,
            },
        )

    def remove(apps, schema_editor):
        apps.get_model("django_q", "Schedule").objects.filter(name=name).delete()

    return migrations.RunPython(add, remove)


# Coalesced background work queued after commits ------------------------------------------------------

_last_queued: dict[str, float] = {}
_trailing: dict[str, threading.Timer] = {}
_lock = threading.Lock()


def queue_after_commit(flag: str, func: str) -> None:
    """After the current transaction commits, queue the task `func` unless one is already queued and not
    started (the task deletes `flag` as it starts, so work committed after that queues another run).

    A process queues it at most once in QUEUE_DEBOUNCE_SECONDS. At hundreds of posts a second a task per
    commit would cost more than the work (each run has its fixed queries), and even asking the cache each
    time is a round trip a post. A commit inside the interval leaves a timer that queues one more run when
    the interval ends, so the last posts of a burst wait at most that long, not for the minute schedule.
    """
    from django.conf import settings
    from django.db import transaction

    def enqueue():
        now, debounce = time.monotonic(), settings.QUEUE_DEBOUNCE_SECONDS
        with _lock:
            wait = _last_queued.get(flag, -debounce) + debounce - now if debounce else 0
            if wait > 0:
                if flag not in _trailing:
                    timer = threading.Timer(wait, _queue_trailing, (flag, func))
                    timer.daemon = True  # a process that exits leaves the work to the minute schedule
                    timer.start()
                    _trailing[flag] = timer
                return
            _last_queued[flag] = now
        _queue(flag, func)

    transaction.on_commit(enqueue)


def _queue(flag: str, func: str) -> None:
    from django.core.cache import cache

    if cache.add(flag, 1, timeout=300) and not enqueue(func):
        cache.delete(flag)  # not queued: the next commit (or the minute schedule) tries again


def _queue_trailing(flag: str, func: str) -> None:
    from django.db import connections

    with _lock:
        _trailing.pop(flag, None)
        _last_queued[flag] = time.monotonic()
    try:
        _queue(flag, func)
    finally:
        connections.close_all()  # a timer thread's own connections (the ORM broker's), if it opened any


def forget_queued(wait: float = 10) -> None:
    """Cancel the timers this process holds, wait for one already running, and forget when it last queued
    (tests start from nothing)."""
    with _lock:
        timers = list(_trailing.values())
        _trailing.clear()
        _last_queued.clear()
    for timer in timers:
        timer.cancel()
        timer.join(wait)


def fire_pending(flag: str | None = None) -> int:
    """Run now, in this thread, the trailing runs whose timers are pending (of one flag, or all), cancelling
    the timers. Tests drive the trailing edge through this instead of waiting for wall time. Returns how
    many ran.
    """
    with _lock:
        pending = [timer for key, timer in _trailing.items() if flag in (None, key)]
        for timer in pending:
            _trailing.pop(timer.args[0], None)
    for timer in pending:
        timer.cancel()
        timer.join(10)
        _queue_trailing(*timer.args)
    return len(pending)


def _after_fork() -> None:
    """A forked child has none of its parent's timer threads: it starts with no interval and no timers."""
    global _lock
    _lock = threading.Lock()
    _trailing.clear()
    _last_queued.clear()


os.register_at_fork(after_in_child=_after_fork)


def enqueue(func: str, *args) -> bool:
    """Queue a task; False, logged, when the broker cannot take it (Redis down, the database gone).

    Called after a commit, the work is already saved: a broker outage must not turn a saved post into an
    error page. What is queued here is either caught up on by a schedule (search indexing, campaign checks,
    regrouping, the export watchdog, the revision links) or a notification that is logged as not sent.
    """
    import logging

    from django.db import DatabaseError
    from django_q.tasks import async_task

    from cms.cache import UNREACHABLE

    try:
        async_task(func, *args)
    except (*UNREACHABLE, DatabaseError, OSError) as exc:
        logging.getLogger(__name__).warning("could not queue %s%r: %s", func, args, exc)
        return False
    return True


def enqueue_on_commit(func: str, *args) -> None:
    """``enqueue`` once the current transaction commits."""
    from django.db import transaction

    transaction.on_commit(lambda: enqueue(func, *args))
