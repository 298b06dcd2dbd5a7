"""Public pages of a draft: list, text, article, print view, Word file, version diff."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from drafts.models import DraftStage, Provision
from drafts.parser import parse_text
from drafts.readers import read_draft_file
from drafts.services import draft_create, draft_version_create
from tests.factories import DraftFactory

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[2] / "drafts" / "fixtures"
HANGZHOU = (FIXTURES / "杭州市物业管理条例(2021-08-09).md").read_text(encoding="utf-8")
COMPANY = (FIXTURES / "公司法(2023-12-29).md").read_text(encoding="utf-8")


@pytest.fixture
def hangzhou_draft(draft_index):
    """The Hangzhou property-management regulation (93 articles in chapters), open for comment."""
    now = timezone.now()
    return DraftFactory(
        index=draft_index,
        text=HANGZHOU,
        title="",
        slug="",
        drafting_body="杭州市住房保障和房产管理局",
        opens_at=now - timedelta(days=2),
        closes_at=now + timedelta(days=28),
    )


def test_draft_page_shows_toc_and_every_article_with_an_anchor_and_link(client, hangzhou_draft):
    response = client.get(hangzhou_draft.url)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('<article class="article"') == 93
    assert 'id="article-12"' in body
    assert f'href="{hangzhou_draft.url}articles/12/"' in body
    # The table of contents names each chapter with its span of articles.
    assert "第一章　总则" in body and "第一条至第八条" in body
    assert "共 93 条" in body
    assert "下载 Word 文本" in body and "打印版" in body


def test_items_keep_their_labels_and_titles_their_brackets(client, draft_index):
    text = (
        "示例条例\n第一条（立法目的）为了示例，制定本条例。\n"
        "第二条　本条例所称：\n（一）物业，是指房屋；\n（二）业主，是指所有权人。\n"
    )
    page = draft_create(index=draft_index, result=parse_text(text), publish=True)
    body = client.get(page.url).content.decode()
    assert '<span class="article__title">（立法目的）</span>' in body
    assert "（一）物业，是指房屋；" in body and "（二）业主，是指所有权人。" in body


def test_draft_page_queries_do_not_grow_with_articles(client, draft_index):
    small = draft_create(index=draft_index, result=parse_text(HANGZHOU), slug="small", publish=True)
    large = draft_create(index=draft_index, result=parse_text(COMPANY), slug="large", publish=True)
    with CaptureQueriesContext(connection) as cold_queries:
        client.get(small.url)  # renders the text once and caches it
    client.get(large.url)
    with CaptureQueriesContext(connection) as small_queries:
        assert client.get(small.url).status_code == 200
    with CaptureQueriesContext(connection) as large_queries:
        assert client.get(large.url).status_code == 200
    assert len(small_queries) == len(large_queries) <= 15
    assert len(cold_queries) <= 15


def test_cached_text_shows_new_counts_and_notes(client, hangzhou_draft):
    assert "说的是业主大会" not in client.get(hangzhou_draft.url).content.decode()
    article = Provision.objects.get(version=hangzhou_draft.current_version, kind="article", number=12)
    Provision.objects.filter(pk=article.pk).update(opinion_count=5)
    html = client.get(hangzhou_draft.url).content.decode()
    assert f'href="{hangzhou_draft.url}articles/12/#opinions" data-article-id="{article.pk}"' in html
    assert ">5 条意见</a>" in html
    # Notes are part of the cached text: saving one through the admin renews it.
    from cms.roles import Role
    from tests.factories import UserFactory

    client.force_login(UserFactory(roles=[Role.STAFF]))
    client.post(f"/admin/drafts/{hangzhou_draft.pk}/notes/", {"article": article.pk, "note": "说的是业主大会。"})
    assert "说的是业主大会。" in client.get(hangzhou_draft.url).content.decode()


def test_article_page_by_its_url_with_note_neighbours_and_trail(client, hangzhou_draft):
    Provision.objects.filter(version=hangzhou_draft.current_version, kind="article", number=12).update(
        note="说的是业主大会。"
    )
    response = client.get(f"{hangzhou_draft.url}articles/12/")
    body = response.content.decode()
    assert response.status_code == 200
    assert '<article class="article" id="article-12">' in body
    assert "第十二条" in body and "说的是业主大会。" in body
    assert "第十一条" in body and "第十三条" in body  # previous and next
    assert "第二章" in body  # the chapter it stands in
    assert client.get(f"{hangzhou_draft.url}articles/9999/").status_code == 404


def test_unknown_version_is_not_found(client, hangzhou_draft):
    assert client.get(f"{hangzhou_draft.url}?version=7").status_code == 404
    assert client.get(f"{hangzhou_draft.url}?version=abc").status_code == 404


def test_print_view_has_the_whole_text_without_site_navigation(client, hangzhou_draft):
    response = client.get(f"{hangzhou_draft.url}print/")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('<article class="article"') == 93
    assert "site-header" not in body


def test_word_download_reads_back_to_the_same_articles(client, hangzhou_draft):
    response = client.get(f"{hangzhou_draft.url}word/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    result = read_draft_file("draft.docx", response.content)
    original = parse_text(HANGZHOU)
    assert [(a.number, a.label, a.text) for a in result.articles_flat()] == [
        (a.number, a.label, a.text) for a in original.articles_flat()
    ]
    assert io.BytesIO(response.content).getbuffer().nbytes > 10_000


def test_unpublished_draft_is_not_public(client, draft_index):
    page = draft_create(index=draft_index, result=parse_text(HANGZHOU), slug="hidden")
    assert client.get("/drafts/hidden/").status_code == 404
    assert client.get("/drafts/hidden/articles/1/").status_code == 404
    assert page.live is False


def _revise(text: str) -> str:
    lines = text.splitlines()
    out = []
    for line in lines:
        if line.startswith("第十二条"):
            line = line.replace("业主", "全体业主", 1)
        out.append(line)
    return "\n".join(out)


def test_diff_page_shows_changed_articles_with_character_changes(client, hangzhou_draft):
    hangzhou_draft.current_version.provisions.filter(kind="article", number=12).update(opinion_count=7)
    draft_version_create(draft=hangzhou_draft, result=parse_text(_revise(HANGZHOU)), stage=DraftStage.FIRST_READING)
    response = client.get(f"{hangzhou_draft.url}diff/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "修改 1 条" in body
    assert '<ins><span class="visually-hidden">增加：</span>全体</ins>' in body
    assert "原条文收到 7 条意见" in body
    # The newer version is current; the older one is still readable.
    assert "一审稿" in client.get(hangzhou_draft.url).content.decode()
    assert client.get(f"{hangzhou_draft.url}?version=1").status_code == 200


def test_diff_page_with_one_version_says_so(client, hangzhou_draft):
    body = client.get(f"{hangzhou_draft.url}diff/").content.decode()
    assert "只有一个版本" in body


def test_draft_list_filters_by_status_stage_and_year(client, draft_index):
    now = timezone.now()
    draft_create(
        index=draft_index,
        result=parse_text(HANGZHOU),
        title="正在征求意见的条例",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=9),
        publish=True,
    )
    draft_create(
        index=draft_index,
        result=parse_text(HANGZHOU),
        title="已经结束的条例",
        stage=DraftStage.SECOND_READING,
        opens_at=now - timedelta(days=400),
        closes_at=now - timedelta(days=370),
        publish=True,
    )
    url = draft_index.url
    body = client.get(url).content.decode()
    assert "正在征求意见的条例" in body and "已经结束的条例" in body
    body = client.get(url, {"status": "open"}).content.decode()
    assert "正在征求意见的条例" in body and "已经结束的条例" not in body
    body = client.get(url, {"stage": DraftStage.SECOND_READING}).content.decode()
    assert "正在征求意见的条例" not in body and "已经结束的条例" in body
    year = (now - timedelta(days=400)).year
    body = client.get(url, {"year": year}).content.decode()
    assert "已经结束的条例" in body
    # Nonsense filters are ignored, not errors.
    assert client.get(url, {"status": "nonsense", "year": "x"}).status_code == 200


def test_every_article_of_an_open_draft_says_how_to_comment_and_the_hint_and_search_come_first(client, hangzhou_draft):
    article = Provision.objects.get(version=hangzhou_draft.current_version, kind="article", number=12)
    Provision.objects.filter(pk=article.pk).update(opinion_count=5)
    html = client.get(hangzhou_draft.url).content.decode()
    articles = hangzhou_draft.current_version.provisions.filter(kind="article").count()
    # An article with no opinions yet has its way to comment too, not only the discussed ones.
    assert html.count('class="article__comment"') == articles
    assert f'href="{hangzhou_draft.url}articles/1/#opinions">发表意见</a>' in html
    assert ">5 条意见</a>" in html
    # The search box (第十二条 jumps there) and the opinions on the draft as a whole are in the first
    # screen, before the text, not after 93 articles.
    text_starts = html.index('class="card draft-text"')
    assert html.index('id="draft-search-q"') < text_starts
    assert html.index('id="general-opinions"') < text_starts
    assert "请点击该条下方的「发表意见」" in html


def test_a_closed_draft_shows_counts_but_no_way_to_comment(client, hangzhou_draft):
    now = timezone.now()
    hangzhou_draft.opens_at, hangzhou_draft.closes_at = now - timedelta(days=30), now - timedelta(days=1)
    hangzhou_draft.save_revision().publish()
    article = Provision.objects.get(version=hangzhou_draft.current_version, kind="article", number=12)
    Provision.objects.filter(pk=article.pk).update(opinion_count=5)
    html = client.get(hangzhou_draft.url).content.decode()
    assert 'class="article__comment"' not in html and ">5 条意见</a>" in html


def test_a_long_drafts_contents_start_folded_a_short_ones_open(client, draft_index):
    # Issue 22: the open contents of a 1,260-article draft put the text 8,700 px down on a phone.
    from tests.factories import DraftFactory, sample_text

    short = DraftFactory(index=draft_index, slug="short", text=sample_text(10))
    long = DraftFactory(index=draft_index, slug="long", text=sample_text(80))
    short_toc = client.get(short.url).content.decode().split('class="card toc-card"')[1].split("</summary>")[0]
    long_toc = client.get(long.url).content.decode().split('class="card toc-card"')[1].split("</summary>")[0]
    assert "<details open>" in short_toc
    assert "<details>" in long_toc and "open" not in long_toc.split("<summary>")[0]
