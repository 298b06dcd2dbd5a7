"""Keeping the index up to date: incremental catch-up after changes, and full rebuilds.

The database index is always kept complete (it is the fallback when Elasticsearch is down), whatever
Elasticsearch does; Elasticsearch, when configured, catches up after it on watermarks of its own, so an
outage of the cluster costs the database index nothing and the cluster resumes where it stopped. Catch-up
works from watermarks (the newest `updated_at` indexed per source, moved forward after each chunk) and looks
back a little further each time, so writes committed out of order are not missed; indexing is idempotent,
so looking twice costs only time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from cms.schedules import queue_after_commit
from search import documents
from search.backends.database import DatabaseBackend
from search.models import IndexState

LOOK_BACK = timedelta(minutes=2)
logger = logging.getLogger(__name__)


def _elasticsearch():
    if getattr(settings, "ELASTICSEARCH_URL", ""):
        from search.backends.elasticsearch import ElasticsearchBackend

        return ElasticsearchBackend()
    return None


def _backends():
    return [b for b in (DatabaseBackend(), _elasticsearch()) if b is not None]


QUEUED = "search:catch-up-queued"


def schedule_catch_up() -> None:
    """After a commit, queue a catch-up (coalesced: see cms.schedules.queue_after_commit)."""
    queue_after_commit(QUEUED, "search.tasks.catch_up")


CHUNK = 5000
ES_PREFIX = "es:"  # Elasticsearch's watermarks: IndexState rows "es:opinions", "es:versions", "es:drafts"


def _sources():
    from comments.models import Opinion
    from drafts.models import DraftPage, DraftVersion

    return [
        ("opinions", Opinion.objects.all(), "updated_at", lambda ids: documents.opinion_docs(opinion_ids=ids)),
        ("versions", DraftVersion.objects.all(), "updated_at", lambda ids: documents.article_docs(version_ids=ids)),
        ("drafts", DraftPage.objects.all(), "latest_revision_created_at", lambda ids: documents.draft_docs(ids)),
    ]


def catch_up(now=None) -> int:
    """Index what changed since the last run: the database index first, in full; then Elasticsearch.

    Returns the number of documents written to the database index. An Elasticsearch failure is logged and
    stops only Elasticsearch's pass; its watermark stays after the last chunk it took, for the next run.
    """
    total = _catch_up(DatabaseBackend(), prefix="")
    cluster = _elasticsearch()
    if cluster is not None:
        try:
            _catch_up(cluster, prefix=ES_PREFIX)
        except Exception as exc:  # the cluster's errors are many kinds; none may stop the database index
            logger.warning("search: Elasticsearch catch-up stopped (%s); it resumes from its watermark", exc)
    return total


def _catch_up(backend, *, prefix: str) -> int:
    total = 0
    for source, queryset, field, build in _sources():
        state, _created = IndexState.objects.get_or_create(source=prefix + source)
        if state.indexed_until is None:
            changed = queryset
        elif source == "opinions":
            changed = _opinions_changed(queryset, state.indexed_until, sent=bool(prefix))
        else:
            changed = queryset.filter(**{f"{field}__gt": state.indexed_until - LOOK_BACK})
        rows = list(changed.order_by(field, "pk").values_list("pk", field))
        for i in range(0, len(rows), CHUNK):
            chunk = rows[i : i + CHUNK]
            docs = list(build([pk for pk, _stamp in chunk]))
            if docs:
                written = backend.index(docs)
                total += written
                if prefix:
                    _mark_sent(docs)
            newest = max((stamp for _pk, stamp in chunk if stamp is not None), default=None)
            if newest is not None:
                # Conditional: a run that overlapped this one and got further keeps its watermark.
                IndexState.objects.filter(pk=state.pk).filter(
                    Q(indexed_until__isnull=True) | Q(indexed_until__lt=newest)
                ).update(indexed_until=newest)
    return total


def _mark_sent(docs: list) -> None:
    """Note, on the database index's entries, which version of each opinion Elasticsearch now has."""
    from search.models import SearchEntry

    stamps = {doc.key: doc.source_updated for doc in docs if doc.kind == "opinion"}
    entries = list(SearchEntry.objects.filter(key__in=list(stamps)).only("pk", "key"))
    for entry in entries:
        entry.sent_updated = stamps[entry.key]
    SearchEntry.objects.bulk_update(entries, ["sent_updated"], batch_size=2000)


def _opinions_changed(opinions, indexed_until, *, sent: bool = False):
    """Opinions changed after the watermark, and those of the LOOK_BACK before it (a transaction that
    committed late) whose index entry is older than the opinion (with `sent`, whose copy in Elasticsearch is).
    At hundreds of posts a second the look-back holds tens of thousands of opinions already indexed: they are
    compared, not indexed again."""
    from django.db.models import CharField, Exists, OuterRef, Value
    from django.db.models.functions import Cast, Concat

    from search.models import SearchEntry

    stamp = "sent_updated" if sent else "source_updated"
    current = SearchEntry.objects.filter(
        key=Concat(Value("opinion:"), Cast(OuterRef("pk"), CharField())), **{stamp: OuterRef("updated_at")}
    )
    # One range on the updated_at index, then the look-back part of it compared with the index.
    return opinions.filter(updated_at__gt=indexed_until - LOOK_BACK).filter(
        Q(updated_at__gt=indexed_until) | ~Exists(current)
    )


def rebuild(progress: Callable[[int, int], None] | None = None) -> int:
    """Replace every backend's index with documents built from scratch."""
    total = documents.count_all()
    count = 0
    for backend in _backends():
        count = backend.rebuild(
            documents.all_docs(), total=total, progress=(lambda n: progress(n, total)) if progress else None
        )
    now = timezone.now()
    sent = _elasticsearch() is not None
    for source in ("opinions", "versions", "drafts"):
        IndexState.objects.update_or_create(source=source, defaults={"indexed_until": now})
        if sent:
            IndexState.objects.update_or_create(source=ES_PREFIX + source, defaults={"indexed_until": now})
    if sent:
        from django.db.models import F

        from search.models import SearchEntry

        SearchEntry.objects.filter(kind="opinion").update(sent_updated=F("source_updated"))
    return count
