"""Reads of the handling workflow: the staff workspace's list of a draft's opinions with its filters, one
opinion with everything staff need to decide it, and its history."""

from collections.abc import Mapping

from django.db.models import F

from comments import sources
from comments.models import ModerationEvent, Opinion
from handling import extensions
from handling.filters import ExportJobFilterSet, OpinionStaffFilterSet
from handling.models import HandlingEvent


def opinion_list_staff(*, filters: Mapping | None = None, filterset: OpinionStaffFilterSet | None = None):
    """The top-level opinions of a draft the workspace filters select, whatever their channel or state,
    grouped by article in text order (opinions on the draft as a whole first). Pass the request's
    `filters`, or the `filterset` a view has already built to render its form."""
    if filterset is None:
        filterset = OpinionStaffFilterSet(filters)
    qs = filterset.qs.select_related("draft", "article", "author", "version", "assignee", "proposal")
    qs = sources.annotate_name(qs)
    return qs.order_by(F("article__position").asc(nulls_first=True), "id")


def opinion_detail_staff(pk: int) -> Opinion | None:
    qs = Opinion.objects.select_related(
        "draft__current_version",
        "version",
        "article",
        "author",
        "assignee",
        "merged_into",
        "resulting_article__version",
        "disposed_by",
        "proposal",
    )
    opinion = sources.annotate_name(qs).filter(pk=pk).first()
    if opinion is not None:
        extensions.attach_staff_notes([opinion])
    return opinion


def opinion_history(opinion: Opinion) -> list:
    """Moderation and handling events of an opinion, and those later apps add (its referral's), oldest first."""
    handling = HandlingEvent.objects.filter(opinion=opinion).select_related("actor")
    moderation = ModerationEvent.objects.filter(opinion=opinion).select_related("actor")
    events = [*handling, *moderation, *[e for found in extensions.opinion_history.call(opinion) for e in found]]
    return sorted(events, key=lambda e: (e.created_at, e.pk))


def export_job_list(*, filters: Mapping | None = None, filterset: ExportJobFilterSet | None = None):
    """The exports of a draft that the export page's filters select, newest first (the page shows 50 a page)."""
    if filterset is None:
        filterset = ExportJobFilterSet(filters)
    return filterset.qs.select_related("created_by").order_by("-created_at", "-id")
