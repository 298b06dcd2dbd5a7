"""Renumbering and citation rewriting on real text: the Company Law of 2023 (266 articles, 24 citations of
its own articles, six 前条)."""

from pathlib import Path

import pytest

from drafts.parser import parse_text
from revisions.structure import Unit, dangling_references, number, rewrite_references, rewrite_text, snapshot

CORPUS = Path(__file__).resolve().parents[2] / "tests" / "drafts" / "versions"
COMPANY_LAW = "公司法(2023-12-29).md"
TITLE = "中华人民共和国公司法"


@pytest.fixture(scope="module")
def parsed():
    return parse_text((CORPUS / COMPANY_LAW).read_text(encoding="utf-8"))


def units_of(parsed) -> list[Unit]:
    units: list[Unit] = []

    def walk(nodes):
        for node in nodes:
            if node.kind == "article":
                units.append(Unit(len(units), "article", node.number, node.label, node.text))
            elif node.kind in ("part", "subpart", "chapter", "section"):
                units.append(Unit(len(units), node.kind, node.number, node.label))
                walk(node.children)

    walk(parsed.nodes)
    return units


def article(units, n) -> Unit:
    return next(u for u in units if u.is_article and not u.deleted and u.number == n)


def index_of(units, n) -> int:
    return next(i for i, u in enumerate(units) if u.is_article and not u.deleted and u.number == n)


def restructure(units, order, before=None):
    before = before or snapshot(units)
    after = [units[i] for i in order]
    number(after)
    rewrite_references(before, after, own_titles=[TITLE])
    return after


def test_numbering_the_parsed_text_changes_nothing(parsed):
    units = units_of(parsed)
    assert number(units) == []


def test_insert_after_article_ten_renumbers_and_rewrites_citations(parsed):
    units = units_of(parsed)
    new = Unit("new", "article", text="新增的条文。")
    units.append(new)
    at = index_of(units, 10) + 1
    after = restructure(units, [*range(at), len(units) - 1, *range(at, len(units) - 1)])
    assert new.number == 11 and new.label == "第十一条"
    assert article(after, 12).text == next(u.text for u in units_of(parsed) if u.number == 11)
    assert len([u for u in after if u.is_article]) == 267
    # 第六十七条 cited 本法第七十五条: it is now 第六十八条 citing 第七十六条.
    assert "本法第七十六条" in article(after, 68).text
    assert "本法第七十五条" not in article(after, 68).text
    # A range moves as a whole: no check, since its articles are still the same ones.
    assert "本法第一百八十三条至第一百八十五条" in article(after, 186).text
    assert article(after, 186).checks == []
    # Paragraph and item numbers are the cited article's own: they do not move.
    assert "本法第二百三十条第一款第一项、第二项、第四项、第五项" in article(after, 233).text


def test_delete_article_thirty_shifts_later_citations_down(parsed):
    units = units_of(parsed)
    before = snapshot(units)
    thirty = article(units, 30)
    thirty.deleted = True
    after = restructure(units, list(range(len(units))), before)
    assert thirty.label == "第三十条"  # a deleted article keeps its old label, for the table
    assert len([u for u in after if u.is_article and not u.deleted]) == 265
    assert "本法第七十四条" in article(after, 66).text  # was 第六十七条 citing 第七十五条


def test_deleting_a_cited_article_is_listed_for_a_person_to_check(parsed):
    units = units_of(parsed)
    before = snapshot(units)
    article(units, 75).deleted = True
    after = restructure(units, list(range(len(units))), before)
    assert any("第七十五条已删除" in check for check in article(after, 67).checks)
    assert "本法第七十五条" in article(after, 67).text  # left as written for the person to decide


def test_deleting_inside_a_range_is_listed(parsed):
    units = units_of(parsed)
    before = snapshot(units)
    article(units, 183).deleted = True
    after = restructure(units, list(range(len(units))), before)
    cited = article(after, 185)  # was 第一百八十六条: 本法第一百八十一条至第一百八十四条
    assert "本法第一百八十一条至第一百八十三条" in cited.text
    assert any("请核对范围" in check for check in cited.checks)


def test_an_insert_before_an_article_citing_the_preceding_one_is_listed(parsed):
    units = units_of(parsed)
    units.append(Unit("new", "article", text="新增的条文。"))
    at = index_of(units, 52)
    after = restructure(units, [*range(at), len(units) - 1, *range(at, len(units) - 1)])
    assert any("前条" in check for check in article(after, 53).checks)
    assert not any("前条" in check for check in article(after, 61).checks)  # its own 前条 is unchanged


def test_moving_a_chapter_renumbers_its_articles_and_every_citation(parsed):
    units = units_of(parsed)
    chapters = [i for i, u in enumerate(units) if u.kind == "chapter"]
    second, third, fourth = chapters[1], chapters[2], chapters[3]
    second_title = units[second].key
    block = list(range(second, third))
    order = [*range(second), *range(third, fourth), *block, *range(fourth, len(units))]
    after = restructure(units, order)
    # 第二章 (公司登记, 第二十九至第四十一条) now follows 第三章 and is 第三章 itself.
    moved = next(u for u in after if u.key == second_title)
    assert moved.label == "第三章"
    assert [u.label for u in after if u.kind == "chapter"][:3] == ["第一章", "第二章", "第三章"]
    # The numbering still runs on, and a citation of a moved article follows it.
    numbers = [u.number for u in after if u.is_article]
    assert numbers == list(range(1, 267))
    old = {u.key: n for u, n in zip(units_of(parsed), [u.number for u in units_of(parsed)], strict=True)}
    cited_before = 40  # 本法第四十条, in 第二百五十一条 (under 第二章 before the move)
    key = next(k for k, n in old.items() if n == cited_before and units[k].is_article)
    assert f"本法{units[key].label}" in article(after, 251).text


def test_rewrite_keeps_arabic_numerals_arabic():
    text, checks = rewrite_text("依照本条例第12条的规定。", {12: 13})
    assert text == "依照本条例第13条的规定。" and checks == []


def test_citations_of_other_laws_are_left_alone():
    text, _checks = rewrite_text("依照《中华人民共和国民法典》第十二条和本法第十二条的规定。", {12: 13})
    assert text == "依照《中华人民共和国民法典》第十二条和本法第十三条的规定。"


def test_dangling_references_name_the_missing_article():
    assert dangling_references("依照本条例第九十九条处理。", {1, 2, 3}) == [
        "“本条例第九十九条”引用的第九十九条不存在。"
    ]
    assert dangling_references("依照本条例第二条处理。", {1, 2, 3}) == []
