"""Reads of referrals: a liaison's inbox, the opinions and history of one referral, the staff board's
per-department counts and lists, and the redaction of contact details a department must not see."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cms.dates import chinese_date
from cms.redaction import redact_contact_details
from comments import sources
from comments.models import Opinion
from referrals.filters import IN_HAND, ReferralStaffFilterSet
from referrals.models import Department, Referral, ReferralEvent, ReferralOpinion, ReferralState

OPEN = (ReferralState.SENT, ReferralState.ACKNOWLEDGED, ReferralState.REPLIED)


def referrals_of_liaison(user) -> QuerySet[Referral]:
    """The referrals sent to the departments the user is a liaison of (none for anyone else)."""
    if not user.is_authenticated:
        return Referral.objects.none()
    return Referral.objects.filter(department__liaisons=user).select_related("department", "draft")


def overdue_q(now: datetime, prefix: str = "") -> Q:
    return Q(**{f"{prefix}state__in": IN_HAND, f"{prefix}deadline__lt": now})


INBOX_FILTERS = {
    "open": lambda now: Q(state__in=OPEN),
    "overdue": overdue_q,
    "closed": lambda now: Q(state=ReferralState.CLOSED),
}


def referral_inbox(*, user, show: str, now: datetime) -> QuerySet[Referral]:
    referrals = referrals_of_liaison(user).filter(INBOX_FILTERS[show](now)).annotate(opinion_count=Count("opinions"))
    if show == "closed":
        return referrals.order_by("-closed_at", "-id")
    return referrals.order_by("deadline", "id")


INBOX_EXCERPT_CHARS = 60


def attach_inbox_summaries(referrals) -> None:
    """Give each referral of an inbox page what tells two referrals apart: `summary_articles`, the
    articles its opinions are on (in text order; 整体意见 for the draft as a whole), and `summary_excerpt`,
    the start of its first opinion with contact details blanked out. One query for the page."""
    referrals = list(referrals)
    if not referrals:
        return
    rows = (
        ReferralOpinion.objects.filter(referral__in=referrals)
        .order_by("referral_id", F("opinion__article__position").asc(nulls_first=True), "opinion_id")
        .values_list("referral_id", "opinion__article__label", "opinion__body")
    )
    articles: dict[int, list[str]] = {}
    excerpts: dict[int, str] = {}
    whole = _("整体意见")
    for referral_id, label, body in rows:
        labels = articles.setdefault(referral_id, [])
        label = label or whole
        if label not in labels:
            labels.append(label)
        if referral_id not in excerpts:
            text = " ".join(redact_contact_details(body).split())
            cut = text[:INBOX_EXCERPT_CHARS]
            excerpts[referral_id] = cut + ("…" if len(text) > INBOX_EXCERPT_CHARS else "")
    for referral in referrals:
        referral.summary_articles = articles.get(referral.pk, [])
        referral.summary_excerpt = excerpts.get(referral.pk, "")


def referral_inbox_counts(*, user, now: datetime) -> dict[str, int]:
    return referrals_of_liaison(user).aggregate(
        **{name: Count("pk", filter=condition(now)) for name, condition in INBOX_FILTERS.items()}
    )


def referral_opinions(referral: Referral, *, for_staff: bool) -> QuerySet[Opinion]:
    """The forwarded opinions; for a department only what it may read (no account, e-mail, phone or IP)."""
    opinions = referral.opinions.select_related("article").order_by("article__position", "id")
    if for_staff:
        return sources.annotate_name(opinions.select_related("author"))
    # Loading only these columns keeps the author out of the page even by accident.
    return opinions.only(
        "id", "body", "channel", "proposer_name", "created_at", "article", "article__label", "article__title"
    )


def referral_history(referral: Referral) -> QuerySet[ReferralEvent]:
    return referral.events.select_related("actor").order_by("created_at", "id")


@dataclass
class DepartmentCounts:
    department: Department
    open: int
    overdue: int
    awaiting_review: int
    closed: int
    closed_recently: int
    average_reply_days: float | None


def referral_department_counts(*, now: datetime, closed_since: datetime) -> list[DepartmentCounts]:
    """Per department: open, overdue, replied and awaiting review, closed (in all and since a date), and
    the average days from sending to the (latest) reply. Active departments and any that had referrals."""
    to_reply = ExpressionWrapper(F("referrals__replied_at") - F("referrals__created_at"), output_field=DurationField())
    rows = (
        Department.objects.annotate(
            total=Count("referrals"),
            open_count=Count("referrals", filter=Q(referrals__state__in=OPEN)),
            overdue_count=Count("referrals", filter=overdue_q(now, "referrals__")),
            review_count=Count("referrals", filter=Q(referrals__state=ReferralState.REPLIED)),
            closed_count=Count("referrals", filter=Q(referrals__state=ReferralState.CLOSED)),
            closed_recently=Count(
                "referrals", filter=Q(referrals__state=ReferralState.CLOSED, referrals__closed_at__gte=closed_since)
            ),
            reply_time=Avg(to_reply, filter=Q(referrals__replied_at__isnull=False)),
        )
        .filter(Q(is_active=True) | Q(total__gt=0))
        .order_by("-overdue_count", "-open_count", "name")
    )
    return [
        DepartmentCounts(
            department=row,
            open=row.open_count,
            overdue=row.overdue_count,
            awaiting_review=row.review_count,
            closed=row.closed_count,
            closed_recently=row.closed_recently,
            average_reply_days=round(row.reply_time.total_seconds() / 86400, 1) if row.reply_time else None,
        )
        for row in rows
    ]


def referral_list_staff(
    *, filters: Mapping | None = None, filterset: ReferralStaffFilterSet | None = None, now: datetime | None = None
) -> QuerySet[Referral]:
    """Every referral the board's filters select (`filters` from the request, or the view's `filterset`)."""
    if filterset is None:
        filterset = ReferralStaffFilterSet(filters or {}, now=now)
    return filterset.qs.select_related("department", "draft").annotate(opinion_count=Count("opinions"))


def referral_replies_for_export(draft_id: int) -> dict[int, str]:
    """What the adoption table says of each forwarded opinion whose referral is closed: the department,
    the date and its reply (a reply may name a person: contact details are blanked)."""
    found: dict[int, str] = {}
    items = (
        ReferralOpinion.objects.filter(referral__draft_id=draft_id, referral__state=ReferralState.CLOSED)
        .order_by("opinion_id", "referral_id")
        .values_list("opinion_id", "referral__department__name", "referral__closed_at", "referral__reply")
    )
    for opinion_id, department, closed_at, reply in items:
        found[opinion_id] = _("%(department)s答复（%(date)s办结）：%(reply)s") % {
            "department": department,
            "date": chinese_date(closed_at),
            "reply": " ".join(redact_contact_details(reply).split()),
        }
    return found


def _latest_referrals(opinion_ids: list[int]) -> dict[int, Referral]:
    """The newest referral of each opinion (an opinion returned to undecided may be forwarded again)."""
    latest: dict[int, Referral] = {}
    items = (
        Referral.opinions.through.objects.filter(opinion_id__in=opinion_ids)
        .select_related("referral__department")
        .order_by("opinion_id", "referral_id")
    )
    for item in items:
        latest[item.opinion_id] = item.referral
    return latest


def referral_notes_for_staff(opinions: list) -> dict:
    """The staff workspace's line under a forwarded opinion: the department and where the referral stands."""
    from comments.extensions import Note

    found = {}
    for pk, referral in _latest_referrals([o.pk for o in opinions]).items():
        department = referral.department
        text = _("转%(department)s · %(state)s · 期限 %(deadline)s") % {
            "department": department.short_name or department.name,
            "state": referral.get_state_display(),
            "deadline": timezone.localtime(referral.deadline).strftime("%Y-%m-%d"),
        }
        found[pk] = [Note(text, reverse("referrals_admin", args=[referral.pk]), _("查看转办"))]
    return found


def referral_notes_for_proposers(opinions: list) -> dict:
    """Under 我的意见 and a contact point's feedback: once the department's reply is accepted, a link to it."""
    from comments.extensions import Note

    found = {}
    for pk, referral in _latest_referrals([o.pk for o in opinions]).items():
        if referral.state == ReferralState.CLOSED:
            found[pk] = [
                Note(_("承办单位已答复。"), reverse("referrals:rate", args=[referral.pk]), _("查看答复并评价"))
            ]
    return found


def referral_events_of_opinion(opinion) -> list[ReferralEvent]:
    """The steps of the referrals an opinion was forwarded in, for its history on the staff page."""
    return list(ReferralEvent.objects.filter(referral__opinions=opinion).select_related("actor"))
