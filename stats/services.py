"""Refreshing the kept tallies (called by tasks, the schedule, and staff's 「立即更新」)."""

import time
from datetime import timedelta

from django.utils import timezone

from drafts.models import DraftPage
from stats import figures
from stats.models import Tally


def draft_key(draft_id: int) -> str:
    return f"draft:{draft_id}"


def year_key(year: int) -> str:
    return f"year:{year}"


def _store(key: str, compute) -> Tally:
    started = time.perf_counter()
    data = compute()
    tally, _created = Tally.objects.update_or_create(
        key=key,
        defaults={
            "data": data,
            "computed_at": timezone.now(),
            "seconds": round(time.perf_counter() - started, 3),
            "refresh_requested_at": None,
        },
    )
    return tally


def draft_tally_refresh(draft_id: int) -> Tally | None:
    draft = DraftPage.objects.filter(pk=draft_id).first()
    if draft is None:
        return None
    return _store(draft_key(draft_id), lambda: figures.draft_data(draft))


def year_tally_refresh(year: int) -> Tally:
    return _store(year_key(year), lambda: figures.year_data(year))


def tallies_refresh_recent(now=None) -> int:
    """The schedule: drafts open now or closed within thirty days, and the current year."""
    now = now or timezone.now()
    recent = DraftPage.objects.live().filter(opens_at__lte=now, closes_at__gte=now - timedelta(days=30))
    ids = list(recent.values_list("pk", flat=True))
    for pk in ids:
        draft_tally_refresh(pk)
    year_tally_refresh(timezone.localdate().year)
    return len(ids) + 1
