"""Computing the figures of a draft or a year from the opinions (a handful of grouped queries).

Counted opinions are the ones the adoption table counts: top-level, published online or received
offline (contact points, letters, e-mail); pending, rejected, hidden and withdrawn ones and replies are not.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, F
from django.db.models.functions import ExtractMonth, TruncDate
from django.utils import timezone

from comments.models import ADOPTING
from comments.selectors import opinions_counted
from drafts.models import DraftPage, Provision, ProvisionKind
from referrals.models import Referral, ReferralState


def _referral_states(referrals, now) -> dict:
    states = dict(referrals.values_list("state").annotate(n=Count("pk")).order_by())
    overdue = referrals.filter(state__in=[ReferralState.SENT, ReferralState.ACKNOWLEDGED], deadline__lt=now).count()
    return {"states": states, "overdue": overdue}


def draft_data(draft: DraftPage, now=None) -> dict:
    """Everything a draft's dashboard shows, as plain JSON-able values."""
    now = now or timezone.now()
    opinions = opinions_counted(draft=draft)
    by_article: dict[str, int] = defaultdict(int)
    adopted_by_article: dict[str, int] = defaultdict(int)
    channels: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    dispositions: dict[str, int] = defaultdict(int)
    rows = opinions.values_list("article_id", "channel", "disposition").annotate(n=Count("pk")).order_by()
    for article_id, channel, disposition, n in rows:
        key = str(article_id or "")
        by_article[key] += n
        if disposition in ADOPTING:
            adopted_by_article[key] += n
        channels[channel][disposition] += n
        dispositions[disposition] += n
    days = {
        day.isoformat(): n
        for day, n in opinions.annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values_list("day")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("day", "n")
    }
    points: dict[str, dict] = {}
    for point_id, name, disposition, n in (
        opinions.filter(contact_point_link__isnull=False)
        .values_list("contact_point_link__contact_point_id", "contact_point_link__contact_point__name", "disposition")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        entry = points.setdefault(str(point_id), {"name": name, "total": 0, "adopted": 0})
        entry["total"] += n
        if disposition in ADOPTING:
            entry["adopted"] += n
    # Articles of earlier versions count for the article of the current version with the same lineage.
    lineage_of = dict(
        Provision.objects.filter(version__draft=draft, kind=ProvisionKind.ARTICLE).values_list("pk", "lineage")
    )
    by_lineage: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for key, n in by_article.items():
        if key:
            entry = by_lineage[str(lineage_of.get(int(key), key))]
            entry[0] += n
            entry[1] += adopted_by_article.get(key, 0)
    return {
        "total": sum(dispositions.values()),
        "general": [by_article.get("", 0), adopted_by_article.get("", 0)],
        "by_lineage": dict(by_lineage),
        "channels": {channel: dict(d) for channel, d in channels.items()},
        "dispositions": dict(dispositions),
        "days": days,
        "points": points,
        "referrals": _referral_states(Referral.objects.filter(draft=draft), now),
    }


def year_data(year: int, now=None) -> dict:
    """Everything the year's dashboard and the annual report need."""
    from contact_points.models import ContactPoint
    from contact_points.selectors import point_statistics

    now = now or timezone.now()
    tz = timezone.get_current_timezone()
    start = dt.datetime(year, 1, 1, tzinfo=tz)
    end = dt.datetime(year + 1, 1, 1, tzinfo=tz)
    opinions = opinions_counted(created_at__gte=start, created_at__lt=end)
    channels: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    months: dict[int, int] = defaultdict(int)
    for channel, disposition, month, n in (
        opinions.annotate(month=ExtractMonth("created_at", tzinfo=tz))
        .values_list("channel", "disposition", "month")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        channels[channel][disposition] += n
        months[month] += n
    drafts = list(
        DraftPage.objects.live()
        .filter(opens_at__gte=start, opens_at__lt=end)
        .order_by("opens_at")
        .values_list("pk", "title", "stage", "opens_at", "closes_at")
    )
    per_draft: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for draft_id, disposition, n in (
        opinions_counted(draft_id__in=[d[0] for d in drafts])
        .values_list("draft_id", "disposition")
        .annotate(n=Count("pk"))
    ).order_by():
        per_draft[draft_id][0] += n
        if disposition in ADOPTING:
            per_draft[draft_id][1] += n
    points = point_statistics(year=year)
    referrals = Referral.objects.filter(created_at__gte=start, created_at__lt=end)
    answered = referrals.filter(replied_at__isnull=False)
    return {
        "year": year,
        "channels": {channel: dict(d) for channel, d in channels.items()},
        "months": {str(m): n for m, n in months.items()},
        "drafts": [
            {
                "id": pk,
                "title": title,
                "stage": stage,
                "opens": opens.isoformat() if opens else None,
                "closes": closes.isoformat() if closes else None,
                "opinions": per_draft[pk][0],
                "adopted": per_draft[pk][1],
            }
            for pk, title, stage, opens, closes in drafts
        ],
        "points": [
            {"id": s.point.pk, "name": s.point.name, "submitted": s.submitted, "adopted": s.adopted, "rank": s.rank}
            for s in points
            if s.submitted or s.meetings
        ],
        "points_total": ContactPoint.objects.filter(is_active=True).count(),
        "referrals": {
            "total": referrals.count(),
            "answered": answered.count(),
            "on_time": answered.filter(replied_at__lte=F("deadline")).count(),
            **_referral_states(referrals, now),
        },
    }


def current_articles(draft: DraftPage) -> list[tuple[int, str, str, str]]:
    """(number, label, lineage, chapter label) of the current version's articles, in text order."""
    if draft.current_version_id is None:
        return []
    rows = Provision.objects.filter(
        version_id=draft.current_version_id, kind__in=[ProvisionKind.CHAPTER, ProvisionKind.ARTICLE]
    ).values_list("kind", "number", "label", "title", "lineage")
    chapter, result = "", []
    for kind, number, label, title, lineage in rows.order_by("position"):
        if kind == ProvisionKind.CHAPTER:
            chapter = f"{label} {title}".strip()
        else:
            result.append((number, label, str(lineage), chapter))
    return result
