"""Catch-up after changes: what it indexes again, and what it leaves alone, at posting rates."""

from datetime import timedelta

import pytest
from django.utils import timezone

from comments.models import ModerationState, Opinion
from drafts.models import DraftPage, DraftVersion
from search import selectors, services
from search.models import IndexState, SearchEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def settled_draft(draft):
    """The sample draft, it and its articles written an hour ago: only opinions are counted below."""
    hour_ago = timezone.now() - timedelta(hours=1)
    DraftVersion.objects.update(updated_at=hour_ago)
    DraftPage.objects.update(latest_revision_created_at=hour_ago)
    return draft


def _opinion(draft, body: str, updated_at) -> Opinion:
    opinion = Opinion.objects.create(
        draft=draft, version=draft.current_version, body=body, moderation_state=ModerationState.PUBLISHED
    )
    Opinion.objects.filter(pk=opinion.pk).update(updated_at=updated_at)  # as a bulk change would: no signal
    return opinion


def _watermark() -> timezone.datetime:
    return IndexState.objects.get(source="opinions").indexed_until


def test_catch_up_indexes_each_change_once_and_what_committed_late(settled_draft):
    services.rebuild()
    now = timezone.now()
    posted = [_opinion(settled_draft, f"电梯维修第{i}号意见", now + timedelta(seconds=i)) for i in range(5)]
    assert services.catch_up() >= 5
    assert _watermark() == now + timedelta(seconds=4)
    # The same opinions are inside the look-back now, and their entries are current: none is written again.
    assert services.catch_up() == 0

    # A transaction that committed late: its opinion is older than the watermark and not in the index yet.
    late = _opinion(settled_draft, "充电桩应当统一安装", _watermark() - timedelta(seconds=30))
    assert services.catch_up() == 1
    assert f"opinion:{late.pk}" in {hit.key for hit in selectors.search(text="充电", user=None).hits}

    # An opinion changed within the look-back, by a change stamped before the watermark: written again.
    Opinion.objects.filter(pk=posted[0].pk).update(
        body="停车位应当优先出租", updated_at=_watermark() - timedelta(seconds=1)
    )
    assert services.catch_up() == 1
    entry = SearchEntry.objects.get(key=f"opinion:{posted[0].pk}")
    assert entry.body == "停车位应当优先出租" and entry.source_updated == _watermark() - timedelta(seconds=1)

    # Older than the look-back: left to the next rebuild, as before.
    Opinion.objects.filter(pk=posted[1].pk).update(
        body="公示栏", updated_at=_watermark() - services.LOOK_BACK - timedelta(seconds=1)
    )
    assert services.catch_up() == 0
    assert _watermark() == now + timedelta(seconds=4)  # never moves back


def test_an_elasticsearch_outage_costs_the_database_index_nothing(settled_draft, settings, monkeypatch):
    """The cluster is down (a real closed port): every chunk still reaches the database index and its
    watermark moves; Elasticsearch's own watermark stays, so the cluster resumes where it stopped."""
    services.rebuild()
    monkeypatch.setattr(services, "CHUNK", 2)  # several chunks, as an outage with thousands of posts has
    now = timezone.now()
    posted = [_opinion(settled_draft, f"电梯维修第{i}号意见", now + timedelta(seconds=i)) for i in range(5)]
    es_before = IndexState.objects.filter(source="es:opinions").first()
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # nothing listens there: Elasticsearch is down
    settings.ELASTICSEARCH_TIMEOUT = 1
    assert services.catch_up() == 5  # no error: the outage is logged, the database index is complete
    assert _watermark() == now + timedelta(seconds=4)
    assert SearchEntry.objects.filter(key__in=[f"opinion:{o.pk}" for o in posted], sent_updated=None).count() == 5
    es_after = IndexState.objects.get(source="es:opinions")
    assert es_after.indexed_until == (es_before.indexed_until if es_before else None)  # not moved: nothing sent
    # The next run while the cluster is still down writes nothing again to the database index.
    assert services.catch_up() == 0


def test_elasticsearch_resumes_from_its_own_watermark(settled_draft, settings, monkeypatch):
    """After the outage the cluster gets what it missed, once, and the look-back compares what it has."""
    from search.backends.elasticsearch import ElasticsearchBackend

    services.rebuild()
    sent: list[str] = []

    def index(self, docs):
        sent.extend(doc.key for doc in docs)
        return len(docs)

    monkeypatch.setattr(ElasticsearchBackend, "index", index)
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    for state in IndexState.objects.exclude(source__startswith="es:"):  # the cluster was as far as the database
        IndexState.objects.update_or_create(
            source=f"es:{state.source}", defaults={"indexed_until": state.indexed_until}
        )
    now = timezone.now()
    posted = [_opinion(settled_draft, f"停车第{i}号意见", now + timedelta(seconds=i)) for i in range(3)]
    services.catch_up()
    assert sorted(sent) == sorted(f"opinion:{o.pk}" for o in posted)
    assert IndexState.objects.get(source="es:opinions").indexed_until == now + timedelta(seconds=2)
    sent.clear()
    services.catch_up()  # within the look-back, and the cluster has them: nothing is sent again
    assert sent == []
