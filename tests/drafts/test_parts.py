"""A long draft is read part by part (issue 22): the first view of a 1,260-article draft was one 1 MB page.

Above drafts.rendering.PARTED_ABOVE articles the draft page shows the contents and one part (a chapter,
or a run of at most PART_MAX_ARTICLES articles); each part has its own address (?chapter=N), the part
holding an article is ?article=N, and the whole text stays one link away (?full=1).
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from drafts.models import DraftStage
from drafts.numerals import to_chinese
from drafts.parser import parse_text
from drafts.rendering import PART_MAX_ARTICLES, PARTED_ABOVE, Row, text_parts
from drafts.services import draft_create, draft_version_create
from tests.drafts.test_pages import HANGZHOU

pytestmark = pytest.mark.django_db

ARTICLE_RE = re.compile(r'<article class="article" id="article-(\d+)"')
# Eight chapters of 30 articles, then one of 80: more than PARTED_ABOVE in all, and a chapter longer
# than PART_MAX_ARTICLES, cut in two. 第二章 has two sections.
CHAPTERS = [30] * 8 + [80]


def long_text(chapters=CHAPTERS, sentence="规定了物业服务人和业主的权利义务。") -> str:
    lines, number = ["长篇示例条例"], 0
    for index, size in enumerate(chapters, start=1):
        lines.append(f"第{to_chinese(index)}章　第{to_chinese(index)}章的标题")
        for n in range(size):
            if index == 2 and n in (0, size // 2):
                lines.append(f"第{to_chinese(1 if n == 0 else 2)}节　第二章的一节")
            number += 1
            lines.append(f"第{to_chinese(number)}条　这是第{to_chinese(number)}条的内容，{sentence}")
    return "\n".join(lines) + "\n"


@pytest.fixture
def long_draft(draft_index):
    assert sum(CHAPTERS) > PARTED_ABOVE and max(CHAPTERS) > PART_MAX_ARTICLES
    return draft_create(index=draft_index, result=parse_text(long_text()), slug="long", publish=True)


def numbers(html: str) -> list[int]:
    return [int(n) for n in ARTICLE_RE.findall(html)]


def test_text_parts_cut_before_chapters_and_within_long_runs_keeping_sections_with_their_articles():
    def row(i, kind, number=None, label=""):
        return Row(i, None, kind, number, label, "", "", "", 0)

    rows = [row(1, "part", label="第一编"), row(2, "chapter", label="第一章")]
    rows += [row(10 + n, "article", n, f"第{n}条") for n in range(1, 4)]
    rows += [row(3, "chapter", label="第二章"), row(4, "section", label="第一节")]
    rows += [row(20 + n, "article", n, f"第{n}条") for n in range(4, 6)]
    rows += [row(5, "section", label="第二节")]
    rows += [row(30 + n, "article", n, f"第{n}条") for n in range(6, 8)]
    parts = text_parts(rows, max_articles=2)
    assert [(p.start, p.end) for p in parts] == [(0, 4), (4, 5), (5, 9), (9, 12)]
    assert [p.title for p in parts] == ["第一编 · 第一章", "第一编 · 第一章", "第一编 · 第二章", "第一编 · 第二章"]
    # The 节 heading before the cut goes with its articles, into the next part.
    assert rows[parts[3].start].label == "第二节"
    assert [(p.first_number, p.last_number) for p in parts] == [(1, 2), (3, 3), (4, 5), (6, 7)]
    assert (parts[0].span, parts[1].span) == ("第1条至第2条", "第3条")
    # A text without headings is cut every max_articles articles.
    flat = [row(n, "article", n, f"第{n}条") for n in range(1, 8)]
    assert [(p.start, p.end) for p in text_parts(flat, max_articles=3)] == [(0, 3), (3, 6), (6, 7)]


def test_a_long_draft_opens_on_its_first_chapter_with_the_contents_linking_each_heading_to_its_part(client, long_draft):
    url = long_draft.url
    first = client.get(url)
    body = first.content.decode()
    assert first.status_code == 200
    assert numbers(body) == list(range(1, 31))
    assert "第 1 部分，共 10 部分" in body
    # The contents name every chapter and link it to its own part; the whole text is one tap away.
    assert f'href="{url}?chapter=2#chapter-' in body and f'href="{url}?chapter=10#chapter-' not in body
    assert re.search(rf'href="{url}\?chapter=9#chapter-\d+">第九章', body)
    assert f'href="{url}?full=1">阅读全文</a>' in body
    assert f'rel="next" href="{url}?chapter=2#draft-text-title"' in body and 'rel="prev"' not in body
    # Every article keeps its own page.
    assert f'href="{url}articles/30/"' in body

    second = client.get(url, {"chapter": 2}).content.decode()
    assert numbers(second) == list(range(31, 61))
    assert "第一节　第二章的一节" in second and "第二节　第二章的一节" in second
    assert f'rel="prev" href="{url}?chapter=1#draft-text-title"' in second
    # 第九章 has 80 articles: two parts, the second continuing the chapter.
    assert numbers(client.get(url, {"chapter": 9}).content.decode()) == list(range(241, 301))
    last = client.get(url, {"chapter": 10}).content.decode()
    assert numbers(last) == list(range(301, 321)) and 'rel="next"' not in last
    assert "第 10 部分，共 10 部分" in last

    whole = client.get(url, {"full": 1}).content.decode()
    assert numbers(whole) == list(range(1, 321))
    assert f'href="{url}#chapter-' in whole or 'href="#chapter-' in whole
    assert len(first.content) * 5 < len(whole.encode())


def test_the_part_holding_an_article_and_nonsense_parts(client, long_draft):
    url = long_draft.url
    assert 'id="article-245"' in client.get(url, {"article": 245}).content.decode()
    assert numbers(client.get(url, {"article": 61}).content.decode())[0] == 61
    for query in ({"chapter": 0}, {"chapter": 11}, {"chapter": "二"}, {"article": 321}, {"article": "x"}):
        response = client.get(url, query)
        assert response.status_code == 404, query


def test_an_articles_page_links_to_the_text_around_it(client, long_draft):
    url = long_draft.url
    article = client.get(f"{url}articles/245/").content.decode()
    assert f'href="{url}?article=245#article-245">查看全文</a>' in article
    # An earlier version's article goes back to that version's text.
    draft_version_create(draft=long_draft, result=parse_text(long_text()), stage=DraftStage.REVISED)
    old = client.get(f"{url}articles/245/", {"version": 1}).content.decode()
    assert f'href="{url}?version=1&amp;article=245#article-245">查看全文</a>' in old
    part = client.get(url, {"version": 1, "article": 245}).content.decode()
    assert 'id="article-245"' in part
    assert f'href="{url}?version=1&amp;chapter=2#chapter-' in part  # the contents keep the version


def test_a_long_drafts_parts_carry_the_change_badges(client, long_draft):
    revised = long_text().replace("这是第二百四十五条的内容，规定了", "这是第二百四十五条的内容，重新规定了")
    draft_version_create(draft=long_draft, result=parse_text(revised), stage=DraftStage.REVISED)
    part = client.get(long_draft.url, {"article": 245}).content.decode()
    assert f'<a class="badge badge--changed" href="{long_draft.url}articles/245/#changes">本条有修改</a>' in part
    assert part.count("badge--changed") == 1
    assert "badge--changed" not in client.get(long_draft.url).content.decode()


def test_a_long_drafts_parts_cost_the_queries_of_a_short_drafts_whole_text(client, draft_index, long_draft):
    short = draft_create(index=draft_index, result=parse_text(HANGZHOU), slug="short", publish=True)
    with CaptureQueriesContext(connection) as cold:
        assert client.get(long_draft.url).status_code == 200  # renders and caches the text and its parts
    client.get(short.url)
    with CaptureQueriesContext(connection) as short_queries:
        client.get(short.url)
    counts = []
    for query in ({}, {"chapter": 5}, {"article": 300}, {"full": 1}):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(long_draft.url, query).status_code == 200
        counts.append(len(queries))
    assert counts == [len(short_queries)] * 4
    assert len(cold) <= 15


def test_a_short_draft_stays_one_page(client, draft_index):
    short = draft_create(index=draft_index, result=parse_text(HANGZHOU), slug="short", publish=True)
    body = client.get(short.url, {"chapter": 2}).content.decode()
    assert len(numbers(body)) == 93 and "阅读全文" not in body and "parts.js" not in body


def test_a_long_drafts_version_diff_comes_a_hundred_rows_at_a_time(client, long_draft):
    draft_version_create(
        draft=long_draft, result=parse_text(long_text(sentence="重新规定了物业服务人和业主的权利义务。"))
    )
    url = f"{long_draft.url}diff/"
    first = client.get(url).content.decode()
    assert first.count('class="card diff-row') == 100
    # The summary counts the whole diff; the pager keeps the versions compared.
    assert "修改 320 条" in first and "第 1 页，共 4 页" in first
    assert 'href="?from=1&amp;to=2&amp;page=2"' in first
    last = client.get(url, {"from": 1, "to": 2, "page": 4}).content.decode()
    assert last.count('class="card diff-row') == 20 and "第三百二十条" in last and "第二百条" not in last
    assert client.get(url, {"page": "x"}).status_code == 200


def test_the_contents_mark_the_part_on_screen(client, long_draft):
    """Issue 22: the contents say which part is shown, to the eye (a bar, bold) and to a screen reader
    (aria-current and 「当前部分」), and only that part; the whole text marks nothing."""
    url = long_draft.url
    second = client.get(url, {"chapter": 2}).content.decode()
    current = re.findall(r'<li class="toc__\w+ toc__current"><a href="([^"]+)" aria-current="true">', second)
    assert current and all(href.startswith(f"{url}?chapter=2#") for href in current)
    assert second.count("（当前部分）") == len(current)
    # The next part's entries are links without the mark.
    assert re.search(rf'<li class="toc__\w+"><a href="{re.escape(url)}\?chapter=3#', second)
    first = client.get(url).content.decode()
    assert 'aria-current="true"' in first
    assert all(h.startswith(f"{url}?chapter=1#") for h in re.findall(r'href="([^"]+)" aria-current="true"', first))
    assert "aria-current" not in client.get(url, {"full": 1}).content.decode()
