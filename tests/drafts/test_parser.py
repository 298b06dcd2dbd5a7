import json
from pathlib import Path

import pytest

import drafts
from drafts.numerals import article_label
from drafts.parser import Node, ParseResult, parse_text, split_source_lines

FIXTURES = Path(drafts.__file__).resolve().parent / "fixtures"
COMPANY_LAW = "公司法(2023-12-29).md"
HANGZHOU = "杭州市物业管理条例(2021-08-09).md"
CHAOZHOU = "潮州市畲族文化保护条例(2021-04-29).md"


def load(name: str) -> ParseResult:
    return parse_text((FIXTURES / name).read_text(encoding="utf-8"))


def article(result: ParseResult, number: int) -> Node:
    return next(a for a in result.articles_flat() if a.number == number)


def codes(result: ParseResult) -> list[str]:
    return [w.code for w in result.warnings]


def shape(result: ParseResult) -> list[tuple]:
    """(kind, number, label, title, text) of every node, for comparing two parses."""
    return [(n.kind, n.number, n.label, n.title, n.text) for n in result.walk()]


# --- corpus ---------------------------------------------------------------------------
# Expected numbers were counted independently with grep/awk on the Markdown files.

CORPUS = {
    COMPANY_LAW: {
        "title": "中华人民共和国公司法",
        "parts": 0,
        "chapters": 15,
        "sections": 9,
        "articles": 266,
        "paragraphs": 490,
        "items": 170,
        "subitems": 0,
        "preamble_lines": 7,
    },
    HANGZHOU: {
        "title": "杭州市物业管理条例",
        "parts": 0,
        "chapters": 9,
        "sections": 3,
        "articles": 93,
        "paragraphs": 198,
        "items": 162,
        "subitems": 0,
        "preamble_lines": 8,
    },
    CHAOZHOU: {
        "title": "潮州市畲族文化保护条例",
        "parts": 0,
        "chapters": 0,
        "sections": 0,
        "articles": 27,
        "paragraphs": 54,
        "items": 18,
        "subitems": 0,
        "preamble_lines": 2,
    },
}


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_corpus_counts(name: str) -> None:
    expected = CORPUS[name]
    result = load(name)
    assert result.title == expected["title"]
    for key in ("parts", "chapters", "sections", "articles", "paragraphs", "items", "subitems"):
        assert getattr(result, key) == expected[key], key
    assert result.warnings == []
    assert result.is_valid
    numbers = [a.number for a in result.articles_flat()]
    assert numbers == list(range(1, expected["articles"] + 1))
    assert [a.label for a in result.articles_flat()] == [article_label(n) for n in numbers]
    preamble = result.preamble.split("\n")
    assert len(preamble) == expected["preamble_lines"]
    assert all(line[:4].isdigit() for line in preamble)  # the adoption history
    assert "INFO END" not in result.preamble
    assert "\u200b" not in json.dumps(result.to_dict(), ensure_ascii=False)


def test_company_law_structure() -> None:
    result = load(COMPANY_LAW)
    chapters = result.nodes
    assert [c.kind for c in chapters] == ["chapter"] * 15
    assert [c.number for c in chapters] == list(range(1, 16))
    assert chapters[0].title == "总则"  # `## 第一章 总 则`
    assert chapters[-1].title == "附则"
    assert chapters[7].title == "公司董事、监事、高级管理人员的资格和义务"
    per_chapter = [sum(1 for n in c.walk() if n.kind == "article") for c in chapters]
    assert per_chapter == [28, 13, 42, 7, 51, 26, 10, 16, 13, 11, 11, 14, 7, 15, 2]
    chapter3 = chapters[2]
    assert [(s.label, s.title) for s in chapter3.children] == [
        ("第一节", "设立"),
        ("第二节", "组织机构"),
    ]
    assert [s.number for s in chapters[4].children] == [1, 2, 3, 4, 5]  # restart per chapter
    assert [s.title for s in chapters[5].children] == ["股份发行", "股份转让"]


def test_company_law_articles() -> None:
    result = load(COMPANY_LAW)
    first = article(result, 1)
    assert first.label == "第一条"
    assert first.title == ""
    assert first.text.startswith("为了规范公司的组织和行为")
    assert first.text.endswith("制定本法。")
    assert len(first.children) == 1

    art95 = article(result, 95)
    assert art95.label == "第九十五条"
    assert [len(p.children) for p in art95.children] == [13]
    assert art95.children[0].text == "股份有限公司章程应当载明下列事项："
    items = art95.children[0].children
    assert [i.number for i in items] == list(range(1, 14))
    assert items[10].label == "（十一）"
    assert items[0].text == "公司名称和住所；"
    assert art95.text.split("\n")[1] == "（一）公司名称和住所；"

    art121 = article(result, 121)
    assert len(art121.children) == 6
    assert [p.label for p in art121.children][-1] == "第六款"
    assert all(not p.children for p in art121.children)

    art265 = article(result, 265)
    assert len(art265.children) == 1
    assert [i.text[:4] for i in art265.children[0].children] == [
        "高级管理",
        "控股股东",
        "实际控制",
        "关联关系",
    ]

    last = article(result, 266)
    assert last.label == "第二百六十六条"
    assert len(last.children) == 2
    assert last.children[0].text == "本法自2024年7月1日起施行。"


def test_hangzhou_articles() -> None:
    result = load(HANGZHOU)
    assert [c.title for c in result.nodes][:3] == ["总则", "物业管理区域", "业主和业主组织"]
    sections = result.nodes[2].children
    assert [s.title for s in sections] == ["业主和业主大会", "业主委员会", "物业管理委员会"]
    assert [sum(1 for n in c.walk() if n.kind == "article") for c in result.nodes] == [
        8, 4, 30, 6, 12, 14, 9, 6, 4,
    ]  # fmt: skip
    art16 = article(result, 16)
    assert [len(p.children) for p in art16.children] == [11, 0]
    art18 = article(result, 18)
    assert [len(p.children) for p in art18.children] == [0, 0, 0, 4]
    assert art18.children[3].children[3].label == "（四）"
    assert article(result, 93).text == "本条例自2022年3月1日起施行。"


def test_chaozhou_articles() -> None:
    result = load(CHAOZHOU)
    assert all(node.kind == "article" for node in result.nodes)
    assert [len(p.children) for p in article(result, 3).children] == [9]
    assert [len(p.children) for p in article(result, 9).children] == [0, 6, 0]
    # 第二十六条 cites 第二十条第二款 inside its text: still one article, one paragraph.
    art26 = article(result, 26)
    assert art26.text.startswith("违反本条例第二十条第二款规定")
    assert len(art26.children) == 1
    assert article(result, 27).text == "本条例自2021年5月1日起施行。"


def test_to_dict_shape() -> None:
    data = load(CHAOZHOU).to_dict()
    keys = {"title", "stage_note", "parts", "chapters", "sections", "articles", "paragraphs", "items"}
    assert set(data) == keys | {"warnings", "tree"}
    assert (data["articles"], data["paragraphs"], data["items"]) == (27, 54, 18)
    node = data["tree"][2]
    assert set(node) == {"kind", "number", "label", "title", "text", "children"}
    assert (node["kind"], node["number"], node["label"]) == ("article", 3, "第三条")
    assert node["text"].startswith("本条例所称畲族文化")
    paragraph = node["children"][0]
    assert (paragraph["kind"], paragraph["number"], paragraph["label"]) == (
        "paragraph",
        1,
        "第一款",
    )
    item = paragraph["children"][8]
    assert (item["kind"], item["number"], item["label"]) == ("item", 9, "（九）")
    json.dumps(data, ensure_ascii=False)  # serialisable as is


def test_to_dict_warnings() -> None:
    data = parse_text("第一条 甲。\n第三条 乙。").to_dict()
    assert data["warnings"] == [
        {
            "code": "article_number_skipped",
            "message": "第2行：条文序号不连续：第三条之前缺少第二条",
            "line": 2,
        }
    ]


# --- messy input ----------------------------------------------------------------------

PLAIN = """某市养犬管理条例

（2024年1月1日某市人民代表大会常务委员会通过）

第一章　总　则

第一条　为了规范养犬行为，制定本条例。
第二条 本条例适用于本市行政区域。

本条例所称犬只，是指家养犬。
第三条本条例由市公安机关负责实施。

第二章　附　则

第四条　本条例自公布之日起施行。
"""


def test_plain_text_structure() -> None:
    result = parse_text(PLAIN)
    assert result.title == "某市养犬管理条例"
    assert result.preamble == "（2024年1月1日某市人民代表大会常务委员会通过）"
    assert [(c.label, c.title) for c in result.nodes] == [("第一章", "总则"), ("第二章", "附则")]
    assert [a.number for a in result.articles_flat()] == [1, 2, 3, 4]
    assert article(result, 2).text == "本条例适用于本市行政区域。\n本条例所称犬只，是指家养犬。"
    assert article(result, 3).text == "本条例由市公安机关负责实施。"  # no separator at all
    assert result.warnings == []


def test_crlf_bom_nbsp_and_zero_width_characters() -> None:
    messy = "\ufeff" + PLAIN.replace("\n", "\r\n")
    messy = messy.replace("第一条　", "第一条\u00a0").replace("第二条 ", "第二\u200b条 ")
    messy = messy.replace("\r\n\r\n第二章", "\r\n\u200b\r\n\u200c\u200d\ufeff\r\n第二章")
    assert shape(parse_text(messy)) == shape(parse_text(PLAIN))
    assert parse_text(messy).warnings == []


def test_paragraphs_with_or_without_blank_lines() -> None:
    compact = "第一条 甲。\n乙。\n丙。\n第二条 丁。"
    spaced = "第一条 甲。\n\n乙。\n\n\n丙。\n\n第二条 丁。\n\n"
    assert shape(parse_text(compact)) == shape(parse_text(spaced))
    assert [p.text for p in article(parse_text(spaced), 1).children] == ["甲。", "乙。", "丙。"]


@pytest.mark.parametrize(
    "heading",
    [
        "第一章 总则",
        "第一章　总　则",
        "第 一 章 总 则",
        "第一章总则",
        "第一章  总  则",
        "**第一章 总则**",
    ],
)
def test_heading_spacing_variants(heading: str) -> None:
    result = parse_text(f"{heading}\n第一条 内容。")
    chapter = result.nodes[0]
    assert (chapter.kind, chapter.number, chapter.label, chapter.title) == (
        "chapter",
        1,
        "第一章",
        "总则",
    )


def test_orphan_chapter_title_on_its_own_line() -> None:
    result = parse_text("第一章\n总　则\n第一条 内容。\n第二章\n\n附则\n\n第二条 施行。")
    assert [(c.label, c.title) for c in result.nodes] == [("第一章", "总则"), ("第二章", "附则")]
    assert result.warnings == []


def test_latin_words_keep_their_space_in_titles() -> None:
    result = parse_text("第一章 Open Data 开 放\n第一条 内容。")
    assert result.nodes[0].title == "Open Data开放"


@pytest.mark.parametrize("separator", ["\u3000", " ", "", "  ", "\u00a0"])
def test_article_label_separators(separator: str) -> None:
    result = parse_text(f"第一条{separator}为了规范。\n第二条{separator}本条例适用于本市。")
    assert [(a.label, a.text) for a in result.articles_flat()] == [
        ("第一条", "为了规范。"),
        ("第二条", "本条例适用于本市。"),
    ]


def test_arabic_article_numbers() -> None:
    result = parse_text("第1条 甲。\n第 2 条 乙。\n第１２条 丙。")
    assert [(a.number, a.label) for a in result.articles_flat()] == [
        (1, "第1条"),
        (2, "第2条"),
        (12, "第１２条"),
    ]
    assert codes(result) == ["article_number_skipped"]


@pytest.mark.parametrize(
    "line",
    ["第一条（立法目的）为了规范。", "第一条 【立法目的】 为了规范。", "第一条(立法目的)为了规范。",
     "第一条　〔立法目的〕为了规范。", "第一条 [立法目的]为了规范。"],
)  # fmt: skip
def test_article_titles(line: str) -> None:
    art = next(parse_text(line).articles_flat())
    assert (art.title, art.text) == ("立法目的", "为了规范。")


def test_bracket_after_label_that_is_not_a_title() -> None:
    # （一） is an item, a long bracket with a full stop is text.
    first = next(parse_text("第一条（一）甲；（二）乙。").articles_flat())
    assert first.title == ""
    assert [i.label for i in first.children[0].children] == ["（一）", "（二）"]
    second = next(parse_text("第一条（本条所称单位，包括个人。）适用本条例。").articles_flat())
    assert second.title == ""


def test_markdown_heading_levels_vary() -> None:
    text = (
        "# 某市条例\n\n###### 第一章 总则\n\n第一条 甲。\n\n# 第二章 管理\n\n"
        "#### 第一节 一般规定\n\n第二条 乙。\n\n## 第二节 特别规定 ##\n\n第三条 丙。\n"
        "- 第三章 附则\n\n> 第四条 丁。\n"
    )
    result = parse_text(text)
    assert result.title == "某市条例"
    assert [(c.label, c.title) for c in result.nodes] == [
        ("第一章", "总则"),
        ("第二章", "管理"),
        ("第三章", "附则"),
    ]
    assert [s.title for s in result.nodes[1].children] == ["一般规定", "特别规定"]
    assert [a.number for a in result.articles_flat()] == [1, 2, 3, 4]
    assert result.warnings == []


def test_markdown_article_headings_carry_titles() -> None:
    text = "### 第一条 立法目的\n\n为了规范。\n\n### 第二条\n\n本办法适用于本市。\n\n*第三条* 施行。"
    first, second, third = parse_text(text).articles_flat()
    assert (first.title, first.text) == ("立法目的", "为了规范。")
    assert (second.title, second.text) == ("", "本办法适用于本市。")
    assert (third.label, third.text) == ("第三条", "施行。")


def test_fenced_block_is_kept_verbatim() -> None:
    art = next(parse_text("第一条 示例：\n```\n# 不是标题\n```\n").articles_flat())
    assert art.text == "示例：\n# 不是标题"


def test_markdown_clean_up() -> None:
    text = (
        "杭州市某某条例\n==========\n\n<!-- 来源：\n某网站 -->\n\n---\n\n"
        "**第一条** 内容\\*甲\\*。\n\n| 项目 | 标准 |\n| --- | --- |\n| 甲 | 1元 |\n"
    )
    result = parse_text(text)
    assert result.title == "杭州市某某条例"
    assert result.preamble == ""
    first = next(result.articles_flat())
    assert first.line == 9  # line numbers survive the multi-line comment
    assert first.text == "内容*甲*。\n项目 | 标准\n甲 | 1元"
    assert len(first.children) == 1  # table rows are part of the paragraph


def test_items_and_subitems() -> None:
    text = (
        "第一条 有下列情形之一的，应当处理：\n（一）甲；\n（二）乙，包括：\n1.子甲；\n2．子乙；\n"
        "（三）丙：（1）目一；（2）目二。\n前款第二项所称情形，另行规定。\n"
    )
    art = next(parse_text(text).articles_flat())
    first, second = art.children
    assert [i.text for i in first.children] == ["甲；", "乙，包括：", "丙："]
    assert [(s.label, s.text) for s in first.children[1].children] == [
        ("1.", "子甲；"),
        ("2．", "子乙；"),
    ]
    assert [s.label for s in first.children[2].children] == ["（1）", "（2）"]
    assert second.text == "前款第二项所称情形，另行规定。"
    assert art.text.split("\n") == [
        "有下列情形之一的，应当处理：",
        "（一）甲；",
        "（二）乙，包括：",
        "1.子甲；",
        "2．子乙；",
        "（三）丙：",
        "（1）目一；",
        "（2）目二。",
        "前款第二项所称情形，另行规定。",
    ]
    result = parse_text(text)
    assert (result.items, result.subitems, result.paragraphs) == (3, 4, 2)


def test_item_on_the_same_line_as_its_article() -> None:
    result = parse_text("第三条 下列行为禁止：（一）甲；（二）乙；（三）丙。\n第四条 丁。")
    art = article(result, 3)
    assert len(art.children) == 1
    paragraph = art.children[0]
    assert paragraph.text == "下列行为禁止："
    assert [(i.number, i.label, i.text) for i in paragraph.children] == [
        (1, "（一）", "甲；"),
        (2, "（二）", "乙；"),
        (3, "（三）", "丙。"),
    ]


def test_brackets_that_are_not_items_do_not_split() -> None:
    text = "第一条 市、县（区）人民政府负责；区（一）号楼除外：（二）不是首项。"
    art = next(parse_text(text).articles_flat())
    assert len(art.children) == 1 and not art.children[0].children
    assert art.text == text[4:]


def test_article_label_alone_on_its_line() -> None:
    result = parse_text("第一条\n为了规范。\n第二条\n（一）甲；\n（二）乙。")
    assert article(result, 1).text == "为了规范。"
    second = article(result, 2)
    assert second.children[0].text == ""
    assert len(second.children[0].children) == 2


def test_article_suffix_zhi_yi() -> None:
    result = parse_text("第一条 甲。\n第一条之一 乙。\n第二条 丙。")
    assert [(a.number, a.label) for a in result.articles_flat()] == [
        (1, "第一条"),
        (1, "第一条之一"),
        (2, "第二条"),
    ]
    assert result.warnings == []


# --- cross-references -----------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "第十二条规定的情形，不适用本条。",
        "第十二条所称单位，包括个体工商户。",
        "第十二条第二款规定的期限可以延长。",
        "第十二条、第十三条的规定同样适用。",
        "第十二条和第十三条另有规定的除外。",
        "第十二条中的“单位”包括个人。",
        "第八章规定的处罚，由公安机关执行。",
    ],
)
def test_cross_reference_at_line_start_stays_a_paragraph(line: str) -> None:
    result = parse_text(f"第一条 总体要求。\n{line}\n第二条 下一条。")
    assert [a.number for a in result.articles_flat()] == [1, 2]
    assert [p.text for p in article(result, 1).children] == ["总体要求。", line]
    assert result.warnings == []


def test_reference_inside_text_is_not_an_article() -> None:
    result = parse_text("第一条 依照本法第十二条规定处理。\n第二条 违反本条例第二十条第二款规定的，罚款。")
    assert [a.number for a in result.articles_flat()] == [1, 2]
    assert result.warnings == []


def test_expected_next_article_is_an_article_even_if_it_reads_like_a_reference() -> None:
    result = parse_text("第一条 甲。\n第二条的规定另行制定。")
    assert [a.number for a in result.articles_flat()] == [1, 2]


def test_far_article_that_does_not_read_like_a_reference_is_an_article() -> None:
    result = parse_text("第一条 甲。\n第十二条 乙。")
    assert [a.number for a in result.articles_flat()] == [1, 12]
    assert result.warnings[0].code == "article_number_skipped"
    assert "第二条至第十一条" in result.warnings[0].message


# --- warnings -------------------------------------------------------------------------


def test_article_number_warnings() -> None:
    text = "第一条 甲。\n第二条 乙。\n第五条 丙。\n第五条 丁。\n第三条 戊。\n第四条 己。"
    result = parse_text(text)
    assert [(w.code, w.line) for w in result.warnings] == [
        ("article_number_skipped", 3),
        ("article_number_repeated", 4),
        ("article_number_out_of_order", 5),
    ]
    assert result.warnings[0].message == "第3行：条文序号不连续：第五条之前缺少第三条至第四条"
    assert "重复" in result.warnings[1].message
    assert result.is_valid  # warnings, not errors
    assert result.articles == 6


def test_first_article_not_numbered_one() -> None:
    assert codes(parse_text("第二条 甲。")) == ["article_number_skipped"]


def test_chapter_number_warnings() -> None:
    text = "第一章 总则\n第一条 甲。\n第三章 其他\n第二条 乙。\n第三章 重复\n第三条 丙。"
    result = parse_text(text)
    assert [(w.code, w.line) for w in result.warnings] == [
        ("chapter_number_skipped", 3),
        ("chapter_number_out_of_order", 5),
    ]
    assert result.warnings[0].message == "第3行：章的序号不连续：应为第二章，实际为第三章"


def test_sections_restart_in_each_chapter() -> None:
    text = (
        "第一章 甲\n第一节 一\n第一条 a。\n第二节 二\n第二条 b。\n"
        "第二章 乙\n第一节 一\n第三条 c。\n第三节 三\n第四条 d。\n"
    )
    result = parse_text(text)
    assert (result.chapters, result.sections) == (2, 4)
    assert [(w.code, w.line) for w in result.warnings] == [("section_number_skipped", 9)]


def test_parts_and_subparts_like_the_civil_code() -> None:
    text = (
        "中华人民共和国民法典\n第一编 总则\n第一章 基本规定\n第一条 a。\n"
        "第二章 自然人\n第二条 b。\n"
        "第二编 物权\n第一分编 通则\n第一章 一般规定\n第三条 c。\n第二分编 所有权\n"
        "第二章 一般规定\n第四条 d。\n"
    )
    result = parse_text(text)
    assert result.title == "中华人民共和国民法典"
    assert (result.parts, result.subparts, result.chapters, result.articles) == (2, 2, 4, 4)
    part2 = result.nodes[1]
    assert [(n.kind, n.label) for n in part2.children] == [
        ("subpart", "第一分编"),
        ("subpart", "第二分编"),
    ]
    assert part2.children[1].children[0].label == "第二章"
    assert result.warnings == []
    assert result.to_dict()["parts"] == 2


def test_empty_chapter_and_section() -> None:
    text = "第一章 甲\n第一条 a。\n第二章 乙\n第三章 丙\n第一节 一\n第二条 b。\n第二节 二\n"
    result = parse_text(text)
    assert [(w.code, w.line) for w in result.warnings] == [
        ("empty_chapter", 3),
        ("empty_chapter", 7),
    ]
    assert "第二章　乙下没有条文" in result.warnings[0].message


def test_stray_text_between_heading_and_first_article() -> None:
    text = "某某条例\n2024年1月1日通过\n第一章 总则\n本章说明文字。\n第一条 甲。"
    result = parse_text(text)
    assert result.preamble == "2024年1月1日通过"
    assert [(w.code, w.line) for w in result.warnings] == [("text_before_first_article", 4)]
    assert "本章说明文字" in result.warnings[0].message
    assert result.nodes[0].text == "本章说明文字。"  # kept, not lost
    assert article(result, 1).text == "甲。"


def test_preamble_before_first_article_does_not_warn() -> None:
    text = "某某规定\n\n（2020年通过）\n（2021年修正）\n第一条 甲。\n第二条 乙。"
    result = parse_text(text)
    assert result.preamble == "（2020年通过）\n（2021年修正）"
    assert result.warnings == []


def test_title_with_draft_note_and_leading_line() -> None:
    result = parse_text("附件1\n\n某市物业管理条例\n（修订草案征求意见稿）\n第一条 甲。")
    assert result.title == "某市物业管理条例（修订草案）" and result.stage_note == "征求意见稿"
    assert result.preamble == "附件1"


@pytest.mark.parametrize(
    ("text", "title", "stage"),
    [
        ("某市物业管理条例（草案）\n（征求意见稿）\n第一条 甲。", "某市物业管理条例（草案）", "征求意见稿"),
        ("某市物业管理条例（草案）（征求意见稿）\n第一条 甲。", "某市物业管理条例（草案）", "征求意见稿"),
        ("某市物业管理条例\n（修改稿）\n第一条 甲。", "某市物业管理条例", "修改稿"),
        ("某市物业管理条例（草案修改稿）\n第一条 甲。", "某市物业管理条例（草案）", "修改稿"),
        ("某市物业管理条例\n（二审稿）\n第一条 甲。", "某市物业管理条例", "二审稿"),
        ("某市物业管理条例（草案）\n第一条 甲。", "某市物业管理条例（草案）", ""),
        ("某市物业管理条例（修订草案）\n第一条 甲。", "某市物业管理条例（修订草案）", ""),
    ],
)
def test_the_stage_line_is_the_stage_not_part_of_the_title(text, title, stage) -> None:
    result = parse_text(text)
    assert (result.title, result.stage_note) == (title, stage)


def test_title_prefers_a_heading_that_reads_like_a_title() -> None:
    result = parse_text("## 附件2\n\n# 某市物业管理条例\n\n说明文字\n\n第一条 甲。")
    assert result.title == "某市物业管理条例"
    assert result.preamble == "附件2\n说明文字"
    # With no title-like line, the first heading is the title.
    assert parse_text("# 修改意见汇总\n第一条 甲。").title == "修改意见汇总"
    assert parse_text("一些说明\n第一条 甲。").title == ""


def test_table_of_contents_is_skipped() -> None:
    text = (
        "某某条例\n目　录\n第一章 总则\n第二章 管理\n第三章 附则\n"
        "第一章 总则\n第一条 甲。\n第二章 管理\n第二条 乙。\n第三章 附则\n第三条 丙。\n"
    )
    result = parse_text(text)
    assert result.chapters == 3
    assert [c.line for c in result.nodes] == [6, 8, 10]
    assert result.warnings == []


def test_no_articles_is_an_error() -> None:
    result = parse_text("关于某某工作的通知\n\n各单位：请认真落实。")
    assert not result.is_valid
    assert [e.code for e in result.errors] == ["no_articles"]
    assert "第……条" in result.errors[0].message
    assert result.articles == 0
    assert parse_text("").errors[0].code == "no_articles"


def test_invalid_article_number_is_reported() -> None:
    result = parse_text("第一条 甲。\n第十十条 乙。")
    assert result.articles == 1
    assert codes(result) == ["article_number_invalid"]


def test_split_source_lines_keeps_line_numbers_and_flags() -> None:
    lines = split_source_lines("# 标题\r\n\r\n\u200b\r\n| a | b |\r\n|---|---|\r\n正文")
    assert [(s.text, s.line, s.heading, s.table) for s in lines] == [
        ("标题", 1, True, False),
        ("a | b", 4, False, True),
        ("正文", 6, False, False),
    ]


def test_node_line_is_not_part_of_equality() -> None:
    assert Node("article", 1, "第一条", line=1) == Node("article", 1, "第一条", line=9)


def test_articles_flat_follows_document_order() -> None:
    result = load(HANGZHOU)
    flat = list(result.articles_flat())
    assert flat == [n for n in result.walk() if n.kind == "article"]
    assert flat[12].label == "第十三条"  # first article of 第三章第一节
