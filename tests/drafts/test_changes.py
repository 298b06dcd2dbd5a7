"""The public sees why: on a version with a predecessor each changed article says so, and its page shows
the redline and the public reasons of the change."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments.models import Disposition, ModerationState
from drafts.changes import CHANGED, NEW, article_change, version_changes
from drafts.models import DraftStage
from drafts.parser import parse_text
from drafts.services import draft_create, draft_version_create
from tests.drafts.test_comparison import A1, A2, A3, A4, A6, INSERTED, OLD, opinion, revised
from tests.drafts.test_pages import COMPANY, HANGZHOU
from tests.factories import DraftFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_FIVE = "业主应当遵守管理规约和业主大会的决定。"
BADGE_RE = re.compile(r'<a class="badge badge--(changed|added)" href="([^"]+)">([^<]+)</a>')


@pytest.fixture
def revised_draft(draft_index):
    """Version 2 (修改稿) rewrites 第五条 and adds 第七条; the rest is as in version 1."""
    draft = DraftFactory(index=draft_index, slug="wuye", text=OLD, title="示例条例")
    draft_version_create(
        draft=draft,
        result=parse_text(revised(A1, A2, A3, A4, NEW_FIVE, A6, INSERTED)),
        stage=DraftStage.REVISED,
    )
    draft.refresh_from_db()
    return draft


def test_the_current_versions_changed_and_added_articles_carry_a_badge_to_their_change(client, revised_draft):
    body = client.get(revised_draft.url).content.decode()
    assert BADGE_RE.findall(body) == [
        ("changed", f"{revised_draft.url}articles/5/#changes", "本条有修改"),
        ("added", f"{revised_draft.url}articles/7/#changes", "新增条文"),
    ]
    # The first version has no predecessor: nothing to compare it with.
    assert not BADGE_RE.findall(client.get(f"{revised_draft.url}?version=1").content.decode())


def test_a_changed_articles_page_shows_the_accessible_redline_and_only_public_reasons(client, revised_draft):
    five = revised_draft.current_version.provisions.get(kind="article", number=5)
    public = opinion(revised_draft, article=5, resulting=five, disposition=Disposition.ADOPTED, reason="衔接上位法。")
    internal = opinion(
        revised_draft,
        article=5,
        resulting=five,
        disposition=Disposition.PARTLY_ADOPTED,
        reason="内部讨论的理由",
        public=False,
    )
    author = UserFactory(username="zhangsan", phone="13800138000")
    internal.author = author
    internal.save()
    # Not adopted, or not yet published: behind no change.
    opinion(revised_draft, article=5, resulting=five, disposition=Disposition.NOT_ADOPTED, reason="不采纳的理由")
    opinion(
        revised_draft,
        article=5,
        resulting=five,
        disposition=Disposition.ADOPTED,
        reason="待审核的理由",
        state=ModerationState.PENDING,
    )

    body = client.get(f"{revised_draft.url}articles/5/").content.decode()
    section = body[body.index('id="changes"') : body.index("</section>", body.index('id="changes"'))]
    assert "与征求意见稿相比，本条有修改" in section
    assert '业主应当遵守管理规约<ins><span class="visually-hidden">增加：</span>和业主大会的决定</ins>。' in section
    assert "<li>衔接上位法。</li>" in section
    assert "本条修改所依据的意见共 2 条。" in section
    assert "diff/?from=1&amp;to=2" in section
    for secret in ("内部讨论的理由", "不采纳的理由", "待审核的理由", "zhangsan", "13800138000", public.body):
        assert secret not in section
    # The badge on the article itself points at the section.
    assert '<a class="badge badge--changed" href="/drafts/wuye/articles/5/#changes">本条有修改</a>' in body


def test_a_deletion_is_struck_with_a_hidden_word_for_screen_readers(client, draft_index):
    draft = DraftFactory(index=draft_index, slug="shanchu", text=OLD, title="示例条例")
    draft_version_create(
        draft=draft,
        result=parse_text(revised(A1, A2, "市住房主管部门负责监督管理工作。", A4, NEW_FIVE, A6)),
        stage=DraftStage.REVISED,
    )
    body = client.get(f"{draft.url}articles/3/").content.decode()
    assert '<del><span class="visually-hidden">删除：</span>物业管理活动的</del>' in body


def test_an_added_article_says_it_is_new_and_an_unchanged_one_says_nothing(client, revised_draft):
    added = client.get(f"{revised_draft.url}articles/7/").content.decode()
    assert "本条是与征求意见稿相比新增的条文。" in added
    assert "<del>" not in added
    unchanged = client.get(f"{revised_draft.url}articles/1/").content.decode()
    assert 'id="changes"' not in unchanged
    assert "badge--changed" not in unchanged
    # The earlier version's pages compare with nothing.
    assert 'id="changes"' not in client.get(f"{revised_draft.url}articles/5/?version=1").content.decode()


def test_a_renumbered_and_changed_article_names_its_old_label(client, draft_index):
    draft = DraftFactory(index=draft_index, slug="renumber", text=OLD, title="示例条例")
    draft_version_create(
        draft=draft,
        result=parse_text(revised(A1, INSERTED, A2, A3, A4, NEW_FIVE, A6, chapter_two_at=5)),
        stage=DraftStage.REVISED,
    )
    draft.refresh_from_db()
    body = client.get(draft.url).content.decode()
    # Only the text changes count: articles renumbered by the insertion carry no badge.
    assert [(kind, url) for kind, url, _label in BADGE_RE.findall(body)] == [
        ("added", f"{draft.url}articles/2/#changes"),
        ("changed", f"{draft.url}articles/6/#changes"),
    ]
    assert "本条有修改（原第五条）" in client.get(f"{draft.url}articles/6/").content.decode()


def test_the_changed_set_of_a_version_pair_is_computed_once(revised_draft):
    old, new = revised_draft.versions.order_by("number")
    with CaptureQueriesContext(connection) as first:
        changes = version_changes(old, new)
    assert len(first) == 2  # the two versions' provisions
    five, seven, one = (new.provisions.get(kind="article", number=n).pk for n in (5, 7, 1))
    assert changes == {five: CHANGED, seven: NEW}
    with CaptureQueriesContext(connection) as again:
        assert version_changes(old, new) == changes
        assert article_change(old, new, five).ops[-2:] == (("insert", "和业主大会的决定"), ("equal", "。"))
        assert article_change(old, new, five).old_label == "第五条"
        assert article_change(old, new, seven).status == NEW
        assert article_change(old, new, one) is None
    assert len(again) == 0
    # Any change of either version is a new pair.
    old.title = "示例条例（修订）"
    old.save()  # updated_at moves
    with CaptureQueriesContext(connection) as renewed:
        version_changes(old, new)
    assert len(renewed) == 2


def test_the_draft_page_of_a_revised_draft_keeps_its_query_budget(client, draft_index):
    small = draft_create(index=draft_index, result=parse_text(HANGZHOU), slug="small", publish=True)
    large = draft_create(index=draft_index, result=parse_text(COMPANY), slug="large", publish=True)
    for draft, text in ((small, HANGZHOU), (large, COMPANY)):
        edited = text.replace("本法", "本办法").replace("业主", "全体业主")
        draft_version_create(draft=draft, result=parse_text(edited), stage=DraftStage.FIRST_READING)
    with CaptureQueriesContext(connection) as cold:
        body = client.get(small.url).content.decode()
    assert "本条有修改" in body
    client.get(large.url)
    with CaptureQueriesContext(connection) as small_queries:
        assert client.get(small.url).status_code == 200
    with CaptureQueriesContext(connection) as large_queries:
        assert "本条有修改" in client.get(large.url).content.decode()
    assert len(small_queries) == len(large_queries) <= 15
    assert len(cold) <= 17  # two more than a single version's: the provisions of the pair, once
    with CaptureQueriesContext(connection) as article:
        assert "本条修改情况" in client.get(f"{large.url}articles/1/").content.decode()
    assert len(article) <= 20


def test_the_diff_page_lists_only_published_adopted_opinions_behind_a_change(client, revised_draft):
    five = revised_draft.current_version.provisions.get(kind="article", number=5)
    published = opinion(revised_draft, article=5, resulting=five, disposition=Disposition.ADOPTED)
    letter = opinion(
        revised_draft, article=5, resulting=five, disposition=Disposition.ADOPTED, state=ModerationState.INTERNAL
    )
    withdrawn = opinion(
        revised_draft, article=5, resulting=five, disposition=Disposition.ADOPTED, state=ModerationState.WITHDRAWN
    )
    for hidden, body in ((letter, "来信：林某，电话13912345678"), (withdrawn, "已撤回的意见")):
        hidden.body = body
        hidden.save()
    page = client.get(f"{revised_draft.url}diff/").content.decode()
    assert "因采纳 1 条意见而修改" in page
    assert published.body in page
    assert "林某" not in page and "13912345678" not in page and "已撤回的意见" not in page
