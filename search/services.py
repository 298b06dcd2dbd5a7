"""Keeping the index up to date: incremental catch-up after changes, and full rebuilds.

The database index is always kept (it is the fallback when Elasticsearch is down); Elasticsearch, when
configured, is written too. Catch-up works from watermarks (the newest `updated_at` indexed per source) and
looks back a little further each time, so writes committed out of order are not missed; indexing is
idempotent, so looking twice costs only time.
"""

from __future__ import annotations

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


def _backends():
    backends = [DatabaseBackend()]
    if getattr(settings, "ELASTICSEARCH_URL", ""):
        from search.backends.elasticsearch import ElasticsearchBackend

        backends.append(ElasticsearchBackend())
    return backends


def _write(docs: list) -> int:
    """The database first; an Elasticsearch error then propagates, so the watermark stays where it was and
    the next catch-up writes these documents again. Their database entries lose their `source_updated`
    first: catch-up would otherwise take them for current and never send them to Elasticsearch."""
    written = 0
    backends = _backends()
    for backend in backends:
        try:
            written = backend.index(docs)
        except Exception:
            if backend is not backends[0]:
                from search.models import SearchEntry

                SearchEntry.objects.filter(key__in=[doc.key for doc in docs]).update(source_updated=None)
            raise
    return written


QUEUED = "search:catch-up-queued"


def schedule_catch_up() -> None:
    """After a commit, queue a catch-up (coalesced: see cms.schedules.queue_after_commit)."""
    queue_after_commit(QUEUED, "search.tasks.catch_up")


def catch_up(now=None) -> int:
    """Index what changed since the last run: opinions, versions (their articles), drafts."""
    from comments.models import Opinion
    from drafts.models import DraftPage, DraftVersion

    now = now or timezone.now()
    total = 0
    sources = [
        ("opinions", Opinion.objects.all(), "updated_at", lambda ids: documents.opinion_docs(opinion_ids=ids)),
        ("versions", DraftVersion.objects.all(), "updated_at", lambda ids: documents.article_docs(version_ids=ids)),
        ("drafts", DraftPage.objects.all(), "latest_revision_created_at", lambda ids: documents.draft_docs(ids)),
    ]
    for source, queryset, field, build in sources:
        state, _created = IndexState.objects.get_or_create(source=source)
        if state.indexed_until is None:
            changed = queryset
        elif source == "opinions":
            changed = _opinions_changed(queryset, state.indexed_until)
        else:
            changed = queryset.filter(**{f"{field}__gt": state.indexed_until - LOOK_BACK})
        rows = list(changed.values_list("pk", field))
        ids = [pk for pk, _stamp in rows]
        newest = max((stamp for _pk, stamp in rows if stamp is not None), default=None)
        for i in range(0, len(ids), 5000):
            docs = list(build(ids[i : i + 5000]))
            if docs:
                total += _write(docs)
        if newest is not None:
            # Conditional: a run that overlapped this one and got further keeps its watermark.
            IndexState.objects.filter(pk=state.pk).filter(
                Q(indexed_until__isnull=True) | Q(indexed_until__lt=newest)
            ).update(indexed_until=newest)
    return total


def _opinions_changed(opinions, indexed_until):
    """Opinions changed after the watermark, and those of the LOOK_BACK before it (a transaction that
    committed late) whose index entry is older than the opinion. At hundreds of posts a second the look-back
    holds tens of thousands of opinions already indexed: they are compared, not indexed again."""
    from django.db.models import CharField, Exists, OuterRef, Value
    from django.db.models.functions import Cast, Concat

    from search.models import SearchEntry

    current = SearchEntry.objects.filter(
        key=Concat(Value("opinion:"), Cast(OuterRef("pk"), CharField())), source_updated=OuterRef("updated_at")
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
    for source in ("opinions", "versions", "drafts"):
        IndexState.objects.update_or_create(source=source, defaults={"indexed_until": now})
    return count
