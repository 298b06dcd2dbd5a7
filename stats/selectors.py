"""Reading the tallies: fresh enough ones as they are, stale ones refreshed in the background."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from stats import services
from stats.models import Tally

REQUEST_AGAIN_AFTER = timedelta(minutes=2)  # a refresh asked for but not done yet is asked for again after this


def _tally(key: str, refresh, arg) -> Tally:
    """The tally under `key`: computed now when there is none, otherwise returned at once and, when older
    than STATS_MAX_AGE_SECONDS, refreshed by a background task (one request at a time)."""
    tally = Tally.objects.filter(key=key).first()
    if tally is None:
        return refresh(arg)
    now = timezone.now()
    stale = now - tally.computed_at > timedelta(seconds=settings.STATS_MAX_AGE_SECONDS)
    requested = tally.refresh_requested_at and now - tally.refresh_requested_at < REQUEST_AGAIN_AFTER
    if stale and not requested:
        # A conditional UPDATE: of two readers finding it stale at once, one asks for the refresh.
        claimed = Tally.objects.filter(pk=tally.pk, refresh_requested_at=tally.refresh_requested_at).update(
            refresh_requested_at=now
        )
        if claimed:
            from django_q.tasks import async_task

            async_task(f"stats.services.{refresh.__name__}", arg)
    return tally


def draft_tally(draft_id: int) -> Tally:
    return _tally(services.draft_key(draft_id), services.draft_tally_refresh, draft_id)


def year_tally(year: int) -> Tally:
    return _tally(services.year_key(year), services.year_tally_refresh, year)
