"""Drafts and articles as posting looks them up: kept per process, one query for a version's articles."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from drafts import lookup
from drafts.models import Provision

pytestmark = pytest.mark.django_db


def test_the_first_article_asked_loads_them_all_and_a_change_is_seen(draft):
    live = lookup.live_draft(draft.pk)
    articles = list(Provision.objects.filter(version=draft.current_version, kind="article").order_by("position"))
    assert len(articles) > 3
    with CaptureQueriesContext(connection) as queries:
        found = [lookup.article(article.pk, live) for article in articles]
    assert [a.number for a in found] == [a.number for a in articles]
    assert len(queries) == 1
    assert lookup.article(articles[0].pk + 100_000, live) is None  # not an article of this draft
    chapter = Provision.objects.filter(version=draft.current_version).exclude(kind="article").first()
    if chapter is not None:
        assert lookup.article(chapter.pk, live) is None  # a chapter heading is not an article

    articles[0].text = "改过的条文。"
    articles[0].save()  # a signal renews the generation
    assert lookup.article(articles[0].pk, lookup.live_draft(draft.pk)).text == "改过的条文。"
