from datetime import datetime

from django.db.models import QuerySet

from drafts.models import DraftPage


def draft_list_open(*, now: datetime) -> QuerySet[DraftPage]:
    return DraftPage.objects.live().public().filter(opens_at__lte=now, closes_at__gt=now).order_by("closes_at")


def draft_list_recently_closed(*, now: datetime, limit: int = 5) -> QuerySet[DraftPage]:
    return DraftPage.objects.live().public().filter(closes_at__lte=now).order_by("-closes_at")[:limit]


def draft_list_published() -> QuerySet[DraftPage]:
    return DraftPage.objects.live().public().order_by("-closes_at", "-first_published_at")
