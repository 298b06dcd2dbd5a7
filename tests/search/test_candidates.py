"""The database backend past its candidate window: what a common word gets (newest matches ranked and paged,
facets over them, an estimated total), on SQLite and on PostgreSQL, with the window made small."""

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cms.roles import Role
from comments.models import Channel, ModerationState, Opinion
from search import selectors, services
from search.backends import database
from search.backends.base import PUBLIC, SearchQuery
from tests.factories import DraftFactory, UserFactory

pytestmark = pytest.mark.django_db

TEXT = "示例物业条例\n\n第一章 总则\n\n第一条 物业服务企业应当公开收支。\n\n第二条 业主大会依法成立。"
OPINIONS = 9


@pytest.fixture
def indexed_draft(draft_index, settings):
    """A two-article draft with nine opinions on its first article, in three channels, all indexed."""
    settings.ELASTICSEARCH_URL = ""
    draft = DraftFactory(
        index=draft_index, text=TEXT, title="示例物业条例（草案）", opens_at=timezone.now() - timedelta(days=3)
    )
    article = draft.current_version.provisions.get(kind="article", number=1)
    channels = [Channel.ONLINE, Channel.LETTER, Channel.EMAIL]
    for n in range(OPINIONS):
        Opinion.objects.create(
            draft=draft,
            version=draft.current_version,
            article=article,
            body=f"第{n}条意见：物业公司应当公开账目。",
            channel=channels[n % 3],
            moderation_state=ModerationState.PUBLISHED if n % 3 == 0 else ModerationState.INTERNAL,
        )
    services.rebuild()
    return draft


@pytest.fixture
def small_window(monkeypatch):
    monkeypatch.setattr(database, "CANDIDATES", 4)


def _staff():
    return UserFactory(username="staff", roles=[Role.STAFF])


def _opinion_ids(result):
    return [hit.object_id for hit in result.hits if hit.kind == "opinion"]


def test_below_the_window_everything_is_exact(indexed_draft):
    result = selectors.search(text="物业", user=_staff())
    assert result.total == OPINIONS + 2  # the draft, article 1 and the opinions
    assert not result.total_is_estimate and not result.facets_over
    assert {f.value: f.count for f in result.facets["channel"]} == {"online": 3, "letter": 3, "email": 3}


def test_past_the_window_the_newest_matches_are_ranked_and_the_facets_say_so(indexed_draft, small_window):
    staff = _staff()
    result = selectors.search(text="物业", user=staff)
    newest = list(Opinion.objects.order_by("-pk").values_list("pk", flat=True)[:4])
    assert sorted(_opinion_ids(result)) == sorted(newest)
    assert result.window == 4 + 2 and result.facets_over == result.window
    assert sum(f.count for f in result.facets["channel"]) == 4
    if connection.vendor == "postgresql":
        assert result.total_is_estimate and result.total > result.window
    else:  # small databases are counted
        assert not result.total_is_estimate and result.total == OPINIONS + 2
    backend = database.DatabaseBackend()
    assert backend.count(SearchQuery(text="物业", tokens=[PUBLIC, "staff"], is_staff=True)) == OPINIONS + 2
    assert backend.count(SearchQuery(text="物业", tokens=[PUBLIC])) == OPINIONS // 3 + 2
    # A filter narrows the matches back under the window: exact again, every letter found.
    letters = selectors.search(text="物业", user=staff, filters={"channel": "letter"})
    assert letters.total == 3 and not letters.total_is_estimate and len(letters.hits) == 3


def test_paging_stops_at_the_window(client, indexed_draft, small_window, monkeypatch):
    staff = _staff()
    assert selectors.search(text="物业", user=staff, page=2).hits == []
    client.force_login(staff)
    page = client.get(reverse("search"), {"q": "物业"}).content.decode()
    assert "结果很多" in page and "下一页" not in page
    assert 'class="search-facets"' in page and "letter" in page  # facet links are there


@pytest.mark.parametrize("older_way", ["backwards", "through the index"])
def test_postgresql_reads_older_rows_the_cheaper_way(indexed_draft, small_window, monkeypatch, older_way):
    if connection.vendor != "postgresql":
        pytest.skip("the two-step scan is PostgreSQL's")
    monkeypatch.setattr(database, "WINDOW", 3)  # the newest ids hold fewer than 4 matching opinions
    if older_way == "backwards":
        monkeypatch.setattr(database, "FETCH_ROW_US", 1e9)
    else:
        monkeypatch.setattr(database, "SCAN_ROW_US", 1e9)
    result = selectors.search(text="物业", user=_staff())
    newest = list(Opinion.objects.order_by("-pk").values_list("pk", flat=True)[:4])
    assert sorted(_opinion_ids(result)) == sorted(newest)
    assert result.total_is_estimate and result.total >= 5
    rare = selectors.search(text="业主", user=_staff())  # in article 2 only
    assert [hit.kind for hit in rare.hits] == ["article"] and rare.total == 1


def test_estimates_are_written_as_readers_say_them():
    from django.utils import translation

    from search.templatetags.search_extras import rough

    with translation.override("zh-hans"):
        assert (rough(514_027), rough(40_000), rough(8_000)) == ("51.4 万", "4 万", "8000")
    with translation.override("en"):
        assert rough(514_027) == "514,027"
