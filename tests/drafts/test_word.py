import io
from pathlib import Path

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Mm

import drafts
from drafts.parser import Node, parse_text
from drafts.readers import read_draft_file
from drafts.word import WordDraft, draft_docx

FIXTURES = Path(drafts.__file__).resolve().parent / "fixtures"
SAMPLE = (
    "某市物业服务收费办法\n\n第一章 总则\n\n第一节 一般规定\n\n"
    "第一条（立法目的）为了规范物业服务收费行为，制定本办法。\n\n"
    "第二条 收费实行下列标准：\n（一）住宅：\n1.多层住宅；\n2.高层住宅；\n（二）非住宅，按下表执行。\n\n"
    "| 级别 | 金额 | 备注 |\n| 一级 | 1.50 | 含电梯 |\n| 二级 | 1.20 |\n\n"
    "第二章 附则\n\n第三条 本办法自公布之日起施行。\n\n本办法由市住房保障部门负责解释。\n"
)


@pytest.fixture(scope="module")
def company_law():
    return parse_text((FIXTURES / "公司法(2023-12-29).md").read_text(encoding="utf-8"))


def sample_draft(**overrides) -> WordDraft:
    result = parse_text(SAMPLE)
    values = {"title": result.title, "stage_label": "征求意见稿", "nodes": result.nodes} | overrides
    return WordDraft(**values)


def open_docx(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def texts(document) -> list[tuple[str, str]]:
    return [(paragraph.style.style_id, paragraph.text) for paragraph in document.paragraphs]


def east_asian_font(document, style_id: str) -> str | None:
    fonts = document.styles.element.get_by_id(style_id).find(qn("w:rPr")).find(qn("w:rFonts"))
    return fonts.get(qn("w:eastAsia"))


def article_paragraphs(document) -> list:
    """Paragraphs opening an article: their first run is in the 条标 character style."""
    return [
        paragraph
        for paragraph in document.paragraphs
        if paragraph._p.xpath("./w:r[1]/w:rPr/w:rStyle/@w:val") == ["DraftArticleLabel"]
    ]


def test_page_is_a4_portrait_with_official_document_margins() -> None:
    section = open_docx(draft_docx(sample_draft())).sections[0]
    sizes = [section.page_width, section.page_height, section.top_margin, section.bottom_margin]
    sizes += [section.left_margin, section.right_margin]
    assert [round(size.mm) for size in sizes] == [210, 297, 37, 35, 28, 26]
    assert section.orientation == WD_ORIENT.PORTRAIT


def test_styles_set_the_chinese_fonts_through_east_asia() -> None:
    document = open_docx(draft_docx(sample_draft()))
    assert east_asian_font(document, "Normal") == "仿宋_GB2312"
    assert east_asian_font(document, "DraftTitle") == "方正小标宋简体"
    assert east_asian_font(document, "DraftStage") == "楷体_GB2312"
    assert east_asian_font(document, "DraftChapter") == "黑体"
    assert east_asian_font(document, "DraftSection") == "楷体_GB2312"
    assert east_asian_font(document, "DraftArticleLabel") == "黑体"
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    assert normal.font.size.pt == 16
    assert document.styles.element.get_by_id("DraftTitle").find(qn("w:rPr")).find(qn("w:sz")).get(qn("w:val")) == "44"


def test_body_is_justified_with_a_two_character_indent_on_a_22_line_grid() -> None:
    document = open_docx(draft_docx(sample_draft()))
    body = document.styles["Normal"].paragraph_format
    assert body.alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.JUSTIFY
    assert body.first_line_indent.pt == 32
    assert body.line_spacing_rule == docx.enum.text.WD_LINE_SPACING.EXACTLY
    assert 28 <= body.line_spacing.pt <= 29
    text_height = Mm(297 - 37 - 35).pt
    assert int(text_height // body.line_spacing.pt) == 22


def test_title_and_stage_line_open_the_document() -> None:
    document = open_docx(draft_docx(sample_draft(drafting_body="市住房保障局", date_text="2026年11月22日")))
    assert texts(document)[:4] == [
        ("DraftTitle", "某市物业服务收费办法"),
        ("DraftStage", "（征求意见稿）"),
        ("DraftByline", "市住房保障局"),
        ("DraftByline", "2026年11月22日"),
    ]


def test_stage_label_given_in_brackets_is_not_bracketed_twice_and_empty_lines_are_left_out() -> None:
    document = open_docx(draft_docx(sample_draft(stage_label="（送审稿）", preamble="（2026年11月22日讨论）")))
    assert texts(document)[:3] == [
        ("DraftTitle", "某市物业服务收费办法"),
        ("DraftStage", "（送审稿）"),
        ("DraftNote", "（2026年11月22日讨论）"),
    ]


def test_headings_are_centred_with_label_and_title_apart() -> None:
    document = open_docx(draft_docx(sample_draft()))
    headings = [(style, text) for style, text in texts(document) if style.startswith("DraftC") or "Section" in style]
    assert headings == [
        ("DraftChapter", "第一章　总则"),
        ("DraftSection", "第一节　一般规定"),
        ("DraftChapter", "第二章　附则"),
    ]
    assert document.styles.element.get_by_id("DraftSection").find(qn("w:rPr")).find(qn("w:b")) is not None


def test_each_article_opens_one_paragraph_with_its_label_in_heiti(company_law) -> None:
    draft = WordDraft(title=company_law.title, nodes=company_law.nodes)
    opening = article_paragraphs(open_docx(draft_docx(draft)))
    articles = list(company_law.articles_flat())
    assert len(opening) == len(articles) == 266
    assert [paragraph.runs[0].text for paragraph in opening] == [article.label for article in articles]
    assert opening[0].text.startswith("第一条　为了规范公司的组织和行为")


def test_article_title_items_subitems_and_later_paragraphs_render() -> None:
    document = open_docx(draft_docx(sample_draft()))
    body = [text for style, text in texts(document) if style == "Normal" and text]
    assert body == [
        "第一条（立法目的）　为了规范物业服务收费行为，制定本办法。",
        "第二条　收费实行下列标准：",
        "（一）住宅：",
        "1.多层住宅；",
        "2.高层住宅；",
        "（二）非住宅，按下表执行。",
        "第三条　本办法自公布之日起施行。",
        "本办法由市住房保障部门负责解释。",
    ]
    labels = [paragraph.runs[0].text for paragraph in article_paragraphs(document)]
    assert labels == ["第一条（立法目的）", "第二条", "第三条"]


def test_table_rows_become_a_word_table() -> None:
    document = open_docx(draft_docx(sample_draft()))
    (table,) = document.tables
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows == [["级别", "金额", "备注"], ["一级", "1.50", "含电梯"], ["二级", "1.20", ""]]
    assert table.rows[0].cells[0].paragraphs[0].style.style_id == "DraftTableText"


def test_line_breaks_without_cells_print_as_paragraphs_not_as_a_table() -> None:
    paragraph = Node("paragraph", 1, "第一款", "", "第一行内容。\n第二行内容。")
    article = Node("article", 1, "第一条", "", paragraph.text, [paragraph])
    document = open_docx(draft_docx(WordDraft(title="某某条例", nodes=[article])))
    body = [text for style, text in texts(document) if style == "Normal" and text]
    assert body == ["第一条　第一行内容。", "第二行内容。"]
    assert document.tables == []


def test_article_without_paragraph_children_uses_its_text_lines() -> None:
    article = Node("article", 1, "第一条", "", "第一行内容。\n第二行内容。")
    document = open_docx(draft_docx(WordDraft(title="某某条例", nodes=[article])))
    body = [text for style, text in texts(document) if style == "Normal" and text]
    assert body == ["第一条　第一行内容。", "第二行内容。"]


def test_characters_xml_cannot_carry_are_dropped() -> None:
    article = Node("article", 1, "第一条", "", "", [Node("paragraph", 1, "第一款", "", "内容\x01\x0b。\t完")])
    document = open_docx(draft_docx(WordDraft(title="某某条例", nodes=[article])))
    assert article_paragraphs(document)[0].text == "第一条　内容。 完"


def test_footers_carry_the_page_number_field_between_dashes() -> None:
    document = open_docx(draft_docx(sample_draft()))
    assert document.settings.odd_and_even_pages_header_footer
    section = document.sections[0]
    for footer, alignment in ((section.footer, "RIGHT"), (section.even_page_footer, "LEFT")):
        (paragraph,) = footer.paragraphs
        instructions = [node.text for node in paragraph._p.iter(qn("w:instrText"))]
        assert [text.strip() for text in instructions] == ["PAGE"]
        assert paragraph.text == "— 1 —"
        assert paragraph.alignment.name == alignment
        assert paragraph.style.font.size.pt == 14
        assert east_asian_font(document, paragraph.style.style_id) == "宋体"


def test_round_trip_company_law_gives_the_same_articles(company_law) -> None:
    draft = WordDraft(
        title=company_law.title,
        stage_label="征求意见稿",
        drafting_body="全国人大常委会法制工作委员会",
        date_text="2023年12月29日",
        preamble=company_law.preamble,
        nodes=company_law.nodes,
    )
    again = read_draft_file("公司法.docx", draft_docx(draft))

    def articles(result):
        return [(a.number, a.label, a.title, a.text) for a in result.articles_flat()]

    assert articles(again) == articles(company_law)
    assert again.nodes == company_law.nodes
    # The 稿别 under the title is the stage, not part of the title: re-imported, the title is unchanged.
    assert again.title == "中华人民共和国公司法" and again.stage_note == "征求意见稿"
    assert again.preamble == f"全国人大常委会法制工作委员会\n2023年12月29日\n{company_law.preamble}"
    assert again.warnings == []


def test_round_trip_keeps_titles_items_subitems_and_tables() -> None:
    original = parse_text(SAMPLE)
    again = read_draft_file("x.docx", draft_docx(sample_draft()))
    assert again.nodes == original.nodes
    assert (again.sections, again.items, again.subitems) == (1, 2, 2)
