"""The public feedback says, for each article, how many opinions it drew, how many were adopted, and what
its text became in the later version, with the redline."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments.models import Disposition
from drafts.models import DraftStage
from drafts.parser import parse_text
from drafts.services import draft_version_create
from tests.drafts.test_comparison import A1, A2, A4, A6, INSERTED, OLD, opinion, revised
from tests.factories import DraftFactory

pytestmark = pytest.mark.django_db

NEW_FIVE = "业主应当遵守管理规约和业主大会的决定。"


@pytest.fixture
def feedback(draft_index):
    """A closed draft whose 修改稿 deletes 第三条 and rewrites 第五条 (now 第四条) on two adopted opinions."""
    draft = DraftFactory(index=draft_index, slug="wuye", text=OLD, title="示例条例", closed=True)
    draft_version_create(
        draft=draft,
        result=parse_text(revised(A1, A2, A4, NEW_FIVE, A6, INSERTED, chapter_two_at=3)),
        stage=DraftStage.REVISED,
    )
    draft.refresh_from_db()
    four = draft.current_version.provisions.get(kind="article", number=4)
    opinion(draft, article=5, resulting=four, disposition=Disposition.ADOPTED, reason="写明业主大会的决定。")
    opinion(draft, article=5, resulting=four, disposition=Disposition.PARTLY_ADOPTED)
    opinion(draft, article=5, resulting=None, disposition=Disposition.NOT_ADOPTED, reason="不宜规定。")
    opinion(draft, article=3, resulting=None, disposition=Disposition.NOT_ADOPTED)
    opinion(draft, article=4, resulting=None, disposition=Disposition.NOT_ADOPTED)
    return draft


def first_version_article(draft, number):
    return draft.versions.get(number=1).provisions.get(kind="article", number=number)


def test_the_table_says_what_each_article_became(client, feedback):
    body = client.get(reverse("comments:feedback", args=[feedback.pk])).content.decode()
    # Each row of the table, by the label of the article the opinions were written on.
    rows = {re.search(r'">(第.+?条)</a>', row).group(1): row for row in body.split("<tr>") if "feedback-became" in row}
    assert set(rows) == {"第三条", "第四条", "第五条"}
    url = feedback.url
    # Adopted into the new 第四条, whose text changed.
    assert f'修改后：<a href="{url}articles/4/">第四条</a>（已修改）' in rows["第五条"]
    # Deleted in the new version.
    assert "修改后：已删除" in rows["第三条"]
    # Unchanged, renumbered: found by lineage.
    assert f'修改后：<a href="{url}articles/3/">第三条</a>（未修改）' in rows["第四条"]


def test_an_articles_feedback_counts_its_opinions_and_shows_the_redline_of_what_it_became(client, feedback):
    url = reverse("comments:feedback", args=[feedback.pk])
    five = first_version_article(feedback, 5)
    body = client.get(url, {"article": five.pk}).content.decode()
    assert "本条共收到意见 3 条，其中采纳（含部分采纳）2 条。" in body
    assert f'<a href="{feedback.url}articles/4/">修改稿第四条</a>修改为：' in body
    assert '业主应当遵守管理规约<ins><span class="visually-hidden">增加：</span>和业主大会的决定</ins>。' in body

    three = first_version_article(feedback, 3)
    deleted = client.get(url, {"article": three.pk}).content.decode()
    assert "现行版本中已没有与本条对应的条文" in deleted
    assert '<del><span class="visually-hidden">删除：</span>' in deleted

    four = first_version_article(feedback, 4)
    same = client.get(url, {"article": four.pk}).content.decode()
    assert "修改稿第三条</a>：文字未作修改。" in same
    assert "<ins>" not in same and "<del>" not in same


def test_a_draft_with_one_version_has_no_column_of_later_text(client, draft_index):
    draft = DraftFactory(index=draft_index, slug="single", text=OLD, title="示例条例", closed=True)
    opinion(draft, article=2, resulting=None, disposition=Disposition.ADOPTED)
    url = reverse("comments:feedback", args=[draft.pk])
    assert "修改后：" not in client.get(url).content.decode()
    detail = client.get(url, {"article": first_version_article(draft, 2).pk}).content.decode()
    assert "本条共收到意见 1 条，其中采纳（含部分采纳）1 条。" in detail
    assert "本条后来的修改情况" not in detail


def test_what_the_articles_became_costs_the_same_queries_for_any_number_of_articles(client, feedback):
    url = reverse("comments:feedback", args=[feedback.pk])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for number in (1, 2, 6):
        opinion(feedback, article=number, resulting=None, disposition=Disposition.NOT_ADOPTED)
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as more:
        client.get(url)
    assert len(more) == len(few)
