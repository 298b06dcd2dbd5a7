"""Reads of the handling workflow: the staff workspace's list of a draft's opinions with its filters, one
opinion with everything staff need to decide it, and its history."""

from dataclasses import dataclass

from django.db.models import F, Q

from comments import sources
from comments.models import ModerationEvent, Opinion
from handling import extensions
from handling.models import HandlingEvent


@dataclass
class StaffFilter:
    draft_id: int | None = None
    article_number: int | None = None
    chapter_id: int | None = None
    channel: str = ""
    contact_point_id: int | None = None
    moderation_state: str = ""
    disposition: str = ""
    assignee: str = ""  # "", "none", or a user id
    min_support: int | None = None
    cluster: str = ""  # "", "any" (only opinions in a group), or a group id
    query: str = ""


def opinion_list_staff(filters: StaffFilter):
    """Every top-level opinion of a draft, whatever its channel or state, grouped by article in text
    order (opinions on the draft as a whole first). The contact point is read through its link."""
    qs = Opinion.objects.filter(parent__isnull=True).select_related("draft", "article", "author", "version", "assignee")
    qs = sources.annotate_name(qs)
    if filters.draft_id:
        qs = qs.filter(draft_id=filters.draft_id)
    if filters.article_number:
        qs = qs.filter(article__number=filters.article_number)
    if filters.chapter_id:
        qs = qs.filter(Q(article__parent_id=filters.chapter_id) | Q(article__parent__parent_id=filters.chapter_id))
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.contact_point_id:
        qs = sources.filter_source(qs, filters.contact_point_id)
    if filters.moderation_state:
        qs = qs.filter(moderation_state=filters.moderation_state)
    if filters.disposition:
        qs = qs.filter(disposition=filters.disposition)
    if filters.assignee == "none":
        qs = qs.filter(assignee__isnull=True)
    elif filters.assignee.isdigit():
        qs = qs.filter(assignee_id=int(filters.assignee))
    if filters.min_support:
        qs = qs.filter(support_count__gte=filters.min_support)
    if filters.cluster == "any":
        qs = qs.filter(cluster__isnull=False)
    elif filters.cluster.isdigit():
        qs = qs.filter(cluster=int(filters.cluster))
    if filters.query:
        qs = qs.filter(body__contains=filters.query)
    return qs.order_by(F("article__position").asc(nulls_first=True), "id")


def opinion_detail_staff(pk: int) -> Opinion | None:
    qs = Opinion.objects.select_related(
        "draft", "version", "article", "author", "assignee", "merged_into", "resulting_article__version", "disposed_by"
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
