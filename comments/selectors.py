"""Reads on opinions: thread pages with cursor pagination, replies, "my opinions", the moderation queue.

A thread page costs a fixed number of queries whatever the thread's size: one for the page of
top-level opinions (by a partial index), one for their first replies (a window function), one for
what the reader has supported.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber

from comments import extensions, sources
from comments.filters import ModerationFilterSet
from comments.models import ADOPTING, COUNTED_STATES, ModerationState, Opinion, Proposal, Support
from drafts.comparison import ChangeNote
from drafts.matching import normalize_text

PAGE_SIZE = 20
FIRST_REPLIES = 3
REPLIES_PAGE_SIZE = 50
SORTS = ("new", "top")


@dataclass
class ThreadPage:
    opinions: list[Opinion]
    sort: str
    next_cursor: str = ""
    replies: dict[int, list[Opinion]] = field(default_factory=dict)
    supported: set[int] = field(default_factory=set)

    def __iter__(self):
        for opinion in self.opinions:
            yield opinion, self.replies.get(opinion.pk, [])


def parse_cursor(sort: str, cursor: str | None) -> tuple[int, int] | None:
    """`new` cursors are the last id; `top` cursors are "support-id". Anything else: the first page."""
    if not cursor:
        return None
    try:
        if sort == "top":
            support, pk = cursor.split("-", 1)
            return int(support), int(pk)
        return 0, int(cursor)
    except ValueError:
        return None


def _public():
    return Opinion.objects.filter(moderation_state=ModerationState.PUBLISHED).select_related(
        "author", "reply_to__author", "proposal"
    )


def _supported_by(user, ids: list[int]) -> set[int]:
    if user is None or not user.is_authenticated or not ids:
        return set()
    return set(Support.objects.filter(user=user, opinion_id__in=ids).values_list("opinion_id", flat=True))


def thread_page(
    *, draft_id: int, article_id: int | None, sort: str = "new", cursor: str | None = None, user=None
) -> ThreadPage:
    """One page of the published top-level opinions on an article (or on the draft as a whole)."""
    sort = sort if sort in SORTS else "new"
    qs = _public().filter(parent__isnull=True)
    qs = qs.filter(article_id=article_id) if article_id else qs.filter(draft_id=draft_id, article__isnull=True)
    position = parse_cursor(sort, cursor)
    if sort == "top":
        if position:
            support, pk = position
            qs = qs.filter(Q(support_count__lt=support) | Q(support_count=support, id__lt=pk))
        qs = qs.order_by("-support_count", "-id")
    else:
        if position:
            qs = qs.filter(id__lt=position[1])
        qs = qs.order_by("-id")
    opinions = list(qs[: PAGE_SIZE + 1])
    page = ThreadPage(opinions=opinions[:PAGE_SIZE], sort=sort)
    if len(opinions) > PAGE_SIZE:
        last = page.opinions[-1]
        page.next_cursor = f"{last.support_count}-{last.pk}" if sort == "top" else str(last.pk)
    ids = [o.pk for o in page.opinions if o.reply_count]
    if ids:
        replies = (
            _public()
            .filter(parent_id__in=ids)
            .annotate(rank=Window(RowNumber(), partition_by=[F("parent_id")], order_by=[F("id").asc()]))
            .filter(rank__lte=FIRST_REPLIES)
            .order_by("parent_id", "id")
        )
        for reply in replies:
            page.replies.setdefault(reply.parent_id, []).append(reply)
    shown = [o.pk for o in page.opinions] + [r.pk for rs in page.replies.values() for r in rs]
    page.supported = _supported_by(user, shown)
    return page


def replies_page(*, parent: Opinion, cursor: str | None = None, user=None) -> ThreadPage:
    """Replies to one top-level opinion, oldest first, a page at a time."""
    qs = _public().filter(parent=parent).order_by("id")
    position = parse_cursor("new", cursor)
    if position:
        qs = qs.filter(id__gt=position[1])
    replies = list(qs[: REPLIES_PAGE_SIZE + 1])
    page = ThreadPage(opinions=replies[:REPLIES_PAGE_SIZE], sort="old")
    if len(replies) > REPLIES_PAGE_SIZE:
        page.next_cursor = str(page.opinions[-1].pk)
    page.supported = _supported_by(user, [o.pk for o in page.opinions])
    return page


def public_opinion(pk: int) -> Opinion | None:
    return _public().select_related("draft", "article").filter(pk=pk).first()


def my_opinions(*, user, page_number=1, per_page: int = 20):
    qs = (
        Opinion.objects.filter(author=user)
        .select_related("draft__current_version", "article", "parent", "proposal", "resulting_article__version")
        .order_by("-created_at", "-id")
    )
    page = Paginator(qs, per_page).get_page(page_number)
    extensions.attach_opinion_notes(list(page.object_list))
    return page


def moderation_queue(*, filters: Mapping | None = None, filterset: ModerationFilterSet | None = None, user=None):
    """Online opinions and replies the moderation queue's filters select (of the drafts `user` may see), newest
    first."""
    if filterset is None:
        filterset = ModerationFilterSet(filters, user=user)
    return filterset.qs.select_related("draft", "article", "author", "parent", "proposal").order_by("-id")


# Public feedback (反馈) -------------------------------------------------------------------------


def opinions_counted(**filters):
    """Top-level opinions in a counted state (comments.models.COUNTED_STATES), further filtered."""
    return Opinion.objects.filter(parent__isnull=True, moderation_state__in=COUNTED_STATES, **filters)


def feedback_generation_key(draft_id: int) -> str:
    """Bumped by every handling change of the draft's opinions, so the cached summary is never stale."""
    return f"comments:feedback-generation:{draft_id}"


def _feedback_qs(draft_id: int):
    return opinions_counted(draft_id=draft_id)


@dataclass
class FeedbackArticle:
    article: object  # Provision or None for the draft as a whole
    counts: dict[str, int]
    # What the article became in a later version (feedback_outcomes): its successors, and whether it
    # stands in an earlier version than the current one at all.
    became: list = field(default_factory=list)
    superseded: bool = False

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def adopted(self) -> int:
        """Opinions adopted or partly adopted."""
        return sum(self.counts.get(disposition, 0) for disposition in ADOPTING)

    @property
    def outcome(self) -> str:
        """ "" (the article is in the current version), "deleted" (no later article came of it), "changed"
        or "same" (the later text against the one the opinions were written on)."""
        if not self.superseded:
            return ""
        if not self.became:
            return "deleted"
        same = all(normalize_text(later.text) == normalize_text(self.article.text) for later in self.became)
        return "same" if same else "changed"

    @property
    def other(self) -> int:
        main = ("adopted", "partly_adopted", "not_adopted")
        return sum(n for disposition, n in self.counts.items() if disposition not in main)


def feedback_summary(draft_id: int) -> tuple[dict[str, int], list[FeedbackArticle]]:
    """Counts by disposition for the draft and for each article (in version and text order)."""
    from drafts.models import Provision

    rows = _feedback_qs(draft_id).values_list("article_id", "disposition").annotate(n=Count("pk")).order_by()
    per_article: dict[int | None, dict[str, int]] = {}
    totals: dict[str, int] = {}
    for article_id, disposition, n in rows:
        per_article.setdefault(article_id, {})[disposition] = n
        totals[disposition] = totals.get(disposition, 0) + n
    provisions = Provision.objects.filter(pk__in=[pk for pk in per_article if pk]).select_related("version")
    ordered = sorted(provisions, key=lambda p: (p.version.number, p.position))
    articles = [FeedbackArticle(None, per_article[None])] if None in per_article else []
    articles += [FeedbackArticle(p, per_article[p.pk]) for p in ordered]
    return totals, articles


def feedback_outcomes(draft_id: int, articles: list[FeedbackArticle], *, current_version_id: int | None) -> None:
    """Fill in what each article of an earlier version became: the articles its adopted opinions were
    adopted into (Opinion.resulting_article), in the latest version that has them, else its successor in
    the current version by lineage.  Three queries, whatever the number of articles."""
    earlier = [a for a in articles if a.article is not None and a.article.version_id != current_version_id]
    if current_version_id is None or not earlier:
        return
    from drafts.models import Provision
    from drafts.selectors import article_successors

    pairs = (
        opinions_counted(
            draft_id=draft_id,
            article_id__in=[a.article.pk for a in earlier],
            disposition__in=ADOPTING,
            resulting_article__isnull=False,
        )
        .values_list("article_id", "resulting_article_id")
        .distinct()
        .order_by()
    )
    resulting: dict[int, set[int]] = {}
    for article_id, resulting_id in pairs:
        resulting.setdefault(article_id, set()).add(resulting_id)
    adopted_into = Provision.objects.filter(pk__in={pk for ids in resulting.values() for pk in ids}).select_related(
        "version"
    )
    by_id = {p.pk: p for p in adopted_into}
    successors = article_successors(articles=[a.article for a in earlier], version_id=current_version_id)
    for item in earlier:
        item.superseded = True
        later = [by_id[pk] for pk in resulting.get(item.article.pk, ()) if pk in by_id]
        if later:
            newest = max(p.version.number for p in later)
            item.became = sorted((p for p in later if p.version.number == newest), key=lambda p: p.position)
        elif item.article.pk in successors:
            item.became = [successors[item.article.pk]]


def adopted_change_notes(old, new, provision_ids: list[int]) -> dict[int, list[ChangeNote]]:
    """The 对照表's extension: the opinions adopted (or partly adopted) into each article of the newer
    version, with their reasons where staff left them public, as on the feedback page."""
    found: dict[int, list[ChangeNote]] = {}
    adopted = opinions_counted(resulting_article_id__in=provision_ids, disposition__in=ADOPTING).order_by("pk")
    for pk, article_id, reason, public in adopted.values_list(
        "pk", "resulting_article_id", "disposition_reason", "reason_public"
    ):
        reasons = (reason,) if public and reason.strip() else ()
        found.setdefault(article_id, []).append(ChangeNote(reasons=reasons, opinions=(pk,)))
    return found


def _feedback_handled(draft_id: int, article_id: int | None):
    qs = _feedback_qs(draft_id).exclude(disposition="undecided")
    return qs.filter(article_id=article_id) if article_id else qs.filter(article__isnull=True)


def feedback_opinions(draft_id: int, article_id: int | None):
    """The handled opinions whose text the public may read: published ones only.

    Opinions kept internal (letters, e-mails, contact points' meetings: ModerationState.INTERNAL) are counted
    in the summary but their text and proposer never appear on a public page (issue 21, item 5): they were
    collected with the promise that they stay internal, and their proposers' names were typed by staff."""
    qs = _feedback_handled(draft_id, article_id).filter(moderation_state=ModerationState.PUBLISHED)
    # The draft's current version and each adopted opinion's article: 「修改为」 (comments.redline.outcome_of).
    related = ("author", "merged_into", "draft__current_version", "resulting_article__version", "proposal")
    return sources.annotate_name(qs.select_related(*related)).order_by("id")


def feedback_internal_count(draft_id: int, article_id: int | None) -> int:
    """How many handled opinions on the article the feedback page counts without showing (internal ones)."""
    return _feedback_handled(draft_id, article_id).filter(moderation_state=ModerationState.INTERNAL).count()


def staged_proposals(keys: list[str]) -> dict[str, Proposal]:
    """The proposals staged under `keys` (comments.services.proposals_stage), by key, whether they still wait
    for their opinions or have them."""
    return {p.staged_for: p for p in Proposal.objects.filter(staged_for__in=keys)}
