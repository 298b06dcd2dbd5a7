"""Computing the figures of a draft or a year from the opinions (a handful of grouped queries).

Counted opinions are the ones the adoption table counts (comments.selectors.opinions_counted): top-level,
published online or received offline (contact points, letters, e-mail); pending, rejected, hidden and withdrawn
ones and replies are not. Groups are tallied by comments.tallies, as the exports and the workspace do.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, F
from django.db.models.functions import ExtractMonth, TruncDate
from django.utils import timezone

from comments.selectors import opinions_counted
from comments.tallies import OpinionTally, opinion_tallies
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
    by_article: dict[str, OpinionTally] = defaultdict(OpinionTally)
    by_channel: dict[str, OpinionTally] = defaultdict(OpinionTally)
    for (article_id, channel), tally in opinion_tallies("article_id", "channel", opinions=opinions).items():
        by_article[str(article_id or "")] += tally
        by_channel[channel] += tally
    total = OpinionTally.total(by_channel.values())
    days = {
        day.isoformat(): n
        for day, n in opinions.annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values_list("day")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("day", "n")
    }
    point_tallies = opinion_tallies(
        "contact_point_link__contact_point_id",
        "contact_point_link__contact_point__name",
        opinions=opinions.filter(contact_point_link__isnull=False),
    )
    points = {
        str(point_id): {"name": name, "total": tally.count, "adopted": tally.adopted}
        for (point_id, name), tally in point_tallies.items()
    }
    # Articles of earlier versions count for the article of the current version with the same lineage.
    lineage_of = dict(
        Provision.objects.filter(version__draft=draft, kind=ProvisionKind.ARTICLE).values_list("pk", "lineage")
    )
    by_lineage: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for key, tally in by_article.items():
        if key:
            entry = by_lineage[str(lineage_of.get(int(key), key))]
            entry[0] += tally.count
            entry[1] += tally.adopted
    general = by_article.get("", OpinionTally())
    return {
        "total": total.count,
        "general": [general.count, general.adopted],
        "by_lineage": dict(by_lineage),
        "channels": {channel: tally.by_disposition for channel, tally in by_channel.items()},
        "dispositions": total.by_disposition,
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
    channels: dict[str, OpinionTally] = defaultdict(OpinionTally)
    months: dict[int, int] = defaultdict(int)
    with_month = opinions.annotate(month=ExtractMonth("created_at", tzinfo=tz))
    by_month = opinion_tallies("channel", "month", opinions=with_month)
    for (channel, month), tally in by_month.items():
        channels[channel] += tally
        months[month] += tally.count
    drafts = list(
        DraftPage.objects.live()
        .filter(opens_at__gte=start, opens_at__lt=end)
        .order_by("opens_at")
        .values_list("pk", "title", "stage", "opens_at", "closes_at")
    )
    per_draft = opinion_tallies("draft_id", draft_id__in=[d[0] for d in drafts])
    points = point_statistics(year=year)
    referrals = Referral.objects.filter(created_at__gte=start, created_at__lt=end)
    answered = referrals.filter(replied_at__isnull=False)
    return {
        "year": year,
        "channels": {channel: tally.by_disposition for channel, tally in channels.items()},
        "months": {str(m): n for m, n in months.items()},
        "drafts": [
            {
                "id": pk,
                "title": title,
                "stage": stage,
                "opens": opens.isoformat() if opens else None,
                "closes": closes.isoformat() if closes else None,
                "opinions": per_draft.get(pk, OpinionTally()).count,
                "adopted": per_draft.get(pk, OpinionTally()).adopted,
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
