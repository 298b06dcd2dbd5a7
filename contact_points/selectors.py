"""Reads of the contact-point channel: the registry, a point's record, workspaces, statistics."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from comments.models import ADOPTING
from contact_points.filters import BatchStaffFilterSet, SolicitationFilterSet
from contact_points.models import (
    ATTENDANCE_FIELDS,
    BatchItem,
    BatchState,
    ContactPoint,
    ContactPointOpinion,
    ItemState,
    Meeting,
    OpinionBatch,
    Solicitation,
    SolicitationTarget,
)
from drafts.models import DraftPage, Provision, ProvisionKind


def contact_point_count_active() -> int:
    return ContactPoint.objects.filter(is_active=True).count()


def coordinator_points(user) -> QuerySet[ContactPoint]:
    if not user.is_authenticated:
        return ContactPoint.objects.none()
    return ContactPoint.objects.filter(coordinators=user, is_active=True)


def contact_point_list_public(*, district: str = "", kind: str = "") -> QuerySet[ContactPoint]:
    qs = ContactPoint.objects.filter(is_active=True)
    if district:
        qs = qs.filter(district=district)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("district", "name")


def districts() -> list[str]:
    return list(
        ContactPoint.objects.filter(is_active=True).order_by("district").values_list("district", flat=True).distinct()
    )


# Statistics -------------------------------------------------------------------------------------


@dataclass
class PointStats:
    point: ContactPoint
    submitted: int = 0
    adopted: int = 0
    drafts: int = 0
    meetings: int = 0
    attendance: int = 0
    rank: int = 0
    draft_ids: set[int] = field(default_factory=set, repr=False)

    @property
    def adoption_rate(self) -> float | None:
        return self.adopted / self.submitted if self.submitted else None


def _attendance_sum():
    total = None
    for name, _category in ATTENDANCE_FIELDS:
        total = F(name) if total is None else total + F(name)
    return Sum(total)


def point_statistics(*, year: int | None = None, points: QuerySet[ContactPoint] | None = None) -> list[PointStats]:
    """Per contact point: opinions submitted and adopted (incl. partly), drafts, meetings, attendance.

    Ranked by adopted, then submitted, then meetings; equal figures share a rank. Four grouped
    queries whatever the number of points or opinions.
    """
    points = points if points is not None else ContactPoint.objects.all()
    stats = {p.pk: PointStats(point=p) for p in points.order_by("district", "name")}
    links = ContactPointOpinion.objects.filter(contact_point_id__in=stats)
    meetings = Meeting.objects.filter(contact_point_id__in=stats)
    batches = OpinionBatch.objects.filter(contact_point_id__in=stats).exclude(state=BatchState.DRAFT)
    if year:
        links = links.filter(opinion__created_at__year=year)
        meetings = meetings.filter(held_on__year=year)
        batches = batches.filter(submitted_at__year=year)
    for row in links.values("contact_point_id").annotate(
        n=Count("pk"), adopted=Count("pk", filter=Q(opinion__disposition__in=ADOPTING))
    ):
        s = stats[row["contact_point_id"]]
        s.submitted, s.adopted = row["n"], row["adopted"]
    for row in meetings.values("contact_point_id").annotate(n=Count("pk"), people=_attendance_sum()):
        s = stats[row["contact_point_id"]]
        s.meetings, s.attendance = row["n"], row["people"] or 0
    for point_id, draft_id in [
        *meetings.values_list("contact_point_id", "draft_id").distinct(),
        *batches.values_list("contact_point_id", "draft_id").distinct(),
    ]:
        stats[point_id].draft_ids.add(draft_id)
    result = list(stats.values())
    for s in result:
        s.drafts = len(s.draft_ids)
    result.sort(key=lambda s: (-s.adopted, -s.submitted, -s.meetings, s.point.name))
    previous, rank = None, 0
    for i, s in enumerate(result, start=1):
        key = (s.adopted, s.submitted, s.meetings)
        if key != previous:
            rank, previous = i, key
        s.rank = rank
    return result


def statistics_years() -> list[int]:
    years = {d.year for d in Meeting.objects.dates("held_on", "year")}
    years |= {d.year for d in OpinionBatch.objects.exclude(submitted_at=None).datetimes("submitted_at", "year")}
    years.add(timezone.localdate().year)
    return sorted(years, reverse=True)


# A point's public record ------------------------------------------------------------------------


def point_rank(point: ContactPoint, year: int | None = None) -> PointStats:
    """The point's figures for a year (or in all), with its rank among the active points."""
    ranked = point_statistics(year=year, points=ContactPoint.objects.filter(Q(is_active=True) | Q(pk=point.pk)))
    return next(s for s in ranked if s.point.pk == point.pk)


def point_record(point: ContactPoint) -> dict:
    """What the public page of a point shows: figures in all and per year with its rank, meetings
    (no summaries), drafts."""
    stats = point_rank(point)
    years = [(year, point_rank(point, year)) for year in statistics_years()]
    meetings = list(point.meetings.select_related("draft").order_by("-held_on", "-id")[:50])
    drafts = DraftPage.objects.live().filter(pk__in=stats.draft_ids).order_by("-opens_at")
    return {"stats": stats, "years": years, "meetings": meetings, "drafts": list(drafts)}


# Workspace --------------------------------------------------------------------------------------


def point_solicitations(point: ContactPoint) -> list[SolicitationTarget]:
    return list(
        SolicitationTarget.objects.filter(contact_point=point)
        .select_related("solicitation__draft", "solicitation__version")
        .order_by("answered_at", "solicitation__deadline")
    )


def point_batches(point: ContactPoint) -> QuerySet[OpinionBatch]:
    return (
        point.batches.select_related("draft", "version", "solicitation")
        .annotate(item_count=Count("items"), candidate_count=Count("items", filter=Q(items__state=ItemState.CANDIDATE)))
        .order_by("-created_at")
    )


def point_meetings(point: ContactPoint) -> QuerySet[Meeting]:
    return point.meetings.select_related("draft").annotate(note_count=Count("notes")).order_by("-held_on", "-id")


def drafts_for_point(point: ContactPoint) -> QuerySet[DraftPage]:
    """Drafts a point may hold meetings and gather opinions on: open ones and those it was asked about."""
    now = timezone.now()
    asked = Solicitation.objects.filter(targets__contact_point=point).values("draft_id")
    open_now = Q(opens_at__lte=now) & (Q(closes_at__isnull=True) | Q(closes_at__gt=now))
    return DraftPage.objects.live().filter(current_version__isnull=False).filter(open_now | Q(pk__in=asked))


def batch_items(batch: OpinionBatch) -> QuerySet[BatchItem]:
    return batch.items.select_related("article", "meeting").order_by("position", "id")


def article_choices(version_id: int) -> list[tuple[str, list[tuple[int, str]]]]:
    """The version's articles grouped by chapter, for a <select> with optgroups."""
    groups: list[tuple[str, list[tuple[int, str]]]] = []
    chapter = ""
    for kind, pk, label, title, text in Provision.objects.filter(
        version_id=version_id, kind__in=[ProvisionKind.CHAPTER, ProvisionKind.ARTICLE]
    ).values_list("kind", "pk", "label", "title", "text"):
        if kind == ProvisionKind.CHAPTER:
            chapter = f"{label} {title}".strip()
            groups.append((chapter, []))
            continue
        if not groups:
            groups.append(("", []))
        excerpt = (title or text or "")[:24]
        groups[-1][1].append((pk, f"{label} {excerpt}".strip()))
    return groups


def point_opinions(point: ContactPoint) -> QuerySet[ContactPointOpinion]:
    """The point's submitted opinions with their handling, newest first."""
    return (
        ContactPointOpinion.objects.filter(contact_point=point)
        .select_related(
            "opinion__draft__current_version",
            "opinion__article",
            "opinion__proposal",
            "opinion__resulting_article__version",
            "batch",
        )
        .order_by("-opinion__created_at", "opinion_id")
    )


# Staff ------------------------------------------------------------------------------------------


def solicitation_targets(solicitation: Solicitation) -> list[SolicitationTarget]:
    return list(solicitation.targets.select_related("contact_point").order_by("answered_at", "contact_point__name"))


def solicitation_list(
    *, filters: Mapping | None = None, filterset: SolicitationFilterSet | None = None
) -> QuerySet[Solicitation]:
    """Solicitations, newest first, as the list's filters select them, with how many points have answered."""
    if filterset is None:
        filterset = SolicitationFilterSet(filters or {})
    return (
        filterset.qs.select_related("draft", "version")
        .annotate(
            target_count=Count("targets", distinct=True),
            answered_count=Count("targets", filter=Q(targets__answered_at__isnull=False), distinct=True),
        )
        .order_by("-created_at", "-id")
    )


def batch_list_staff(
    *, filters: Mapping | None = None, filterset: BatchStaffFilterSet | None = None
) -> QuerySet[OpinionBatch]:
    """Batches submitted to staff, as the batch list's filters select them (submitted ones by default)."""
    if filterset is None:
        filterset = BatchStaffFilterSet(filters)
    return filterset.qs.select_related(
        "contact_point", "draft", "submitted_by", "received_by", "solicitation"
    ).order_by("-submitted_at", "-id")


def batch_opinions(batch: OpinionBatch):
    return batch.links.select_related("opinion__article", "meeting").order_by("opinion_id")


def article_numbers_and_text(version_id: int) -> list[tuple[int, str]]:
    return list(
        Provision.objects.filter(version_id=version_id, kind=ProvisionKind.ARTICLE)
        .order_by("position")
        .values_list("number", "text")
    )
