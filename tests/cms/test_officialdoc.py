"""The official-document writer every Word file goes through (cms.officialdoc)."""

import io
import re
import zipfile

import docx
import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from cms.officialdoc import (
    BODY_STYLE,
    SHORT_ROW_LINES,
    TABLE_HEADER_STYLE,
    TABLE_NUMBER_STYLE,
    TITLE_STYLE,
    Cell,
    OfficialDocument,
    Paragraph,
    ParagraphStyle,
    Run,
    Table,
    clean,
    is_number,
    lines,
    title_lines,
)
from tests.libreoffice import convert_to_pdf

# A 修改前后对照表 in small: deleted words struck through, added words in bold, a chapter heading
# across the table.
COMPARISON_HEADER = ["修改前", "修改后", "修改理由"]
COMPARISON_ROWS = [
    [Cell("第一章　总则", span=3)],
    [
        "第一条　为了规范物业管理，制定本条例。",
        [
            Paragraph(
                [
                    Run("第一条", bold=True),
                    "　为了规范物业管理",
                    Run("活动", bold=True),
                    "，",
                    Run("维护业主合法权益", underline=True),
                    Run("等", strike=True),
                    "，制定本条例。",
                ]
            )
        ],
        "采纳网民意见（第12号）",
    ],
]


def saved(document: OfficialDocument, **kwargs) -> bytes:
    out = io.BytesIO()
    document.save(out, **kwargs)
    return out.getvalue()


def comparison(*, landscape: bool = True) -> bytes:
    document = OfficialDocument("《某市物业管理条例》修改前后对照表", landscape=landscape)
    document.paragraph(TITLE_STYLE, "《某市物业管理条例》修改前后对照表")
    table = Table.by_shares(document.text_width, [40, 40, 20])
    document.table(table, COMPARISON_ROWS, header=COMPARISON_HEADER)
    return saved(document)


def open_docx(data: bytes):
    return docx.Document(io.BytesIO(data))


def test_landscape_page_is_a4_on_its_side_with_the_table_across_the_text_width() -> None:
    document = open_docx(comparison())
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    sizes = [section.page_width, section.page_height, section.left_margin, section.right_margin]
    assert [round(size.mm) for size in sizes] == [297, 210, 28, 26]
    grid = [int(col.get(qn("w:w"))) for col in document.tables[0]._tbl.tblGrid.gridCol_lst]
    assert sum(grid) == section.page_width.twips - section.left_margin.twips - section.right_margin.twips
    assert abs(grid[0] - grid[1]) <= 2 and grid[1] == 2 * grid[2]


def test_portrait_page_keeps_the_22_line_grid_and_landscape_has_none() -> None:
    portrait, landscape = (open_docx(comparison(landscape=flag)).sections[0] for flag in (False, True))
    assert portrait.orientation == WD_ORIENT.PORTRAIT
    assert portrait._sectPr.find(qn("w:docGrid")).get(qn("w:linePitch")) == "579"
    assert portrait._sectPr.find(qn("w:docGrid")).get(qn("w:type")) == "lines"
    grid = landscape._sectPr.find(qn("w:docGrid"))
    assert grid is None or grid.get(qn("w:type")) in (None, "default")  # Word's default: no grid


def test_runs_in_a_cell_carry_strike_bold_and_underline() -> None:
    (table,) = open_docx(comparison()).tables
    (paragraph,) = table.rows[2].cells[1].paragraphs
    runs = [(run.text, run.bold, run.font.strike, run.underline) for run in paragraph.runs]
    assert runs == [
        ("第一条", True, None, None),
        ("　为了规范物业管理", None, None, None),
        ("活动", True, None, None),
        ("，", None, None, None),
        ("维护业主合法权益", None, None, True),
        ("等", None, True, None),
        ("，制定本条例。", None, None, None),
    ]


def test_header_row_repeats_and_a_cell_may_span_the_table() -> None:
    (table,) = open_docx(comparison()).tables
    header, chapter, article = (row._tr for row in table.rows)
    assert header.trPr.find(qn("w:tblHeader")) is not None
    assert article.trPr.find(qn("w:tblHeader")) is None
    assert [cell.text for cell in table.rows[0].cells] == COMPARISON_HEADER
    assert {cell.paragraphs[0].style.style_id for cell in table.rows[0].cells} == {TABLE_HEADER_STYLE}
    (spanning,) = chapter.tc_lst
    assert spanning.tcPr.find(qn("w:gridSpan")).get(qn("w:val")) == "3"
    assert int(spanning.tcPr.tcW.get(qn("w:w"))) == sum(
        int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.gridCol_lst
    )


def test_a_row_that_does_not_fill_the_table_is_refused() -> None:
    table = Table([1000, 1000])
    with pytest.raises(ValueError, match="a row of 1 columns"):
        table.row(["只有一格"])


def test_short_rows_stay_on_one_page_and_long_ones_may_break() -> None:
    table = Table.by_shares(10000, [50, 50])
    chars_a_line = (5000 - 216) // 240
    short = table.row(["短", "字" * chars_a_line * SHORT_ROW_LINES])
    long = table.row(["短", "字" * (chars_a_line * SHORT_ROW_LINES + 1)])
    assert "<w:cantSplit/>" in short
    assert "<w:cantSplit/>" not in long
    assert "<w:cantSplit/>" in table.row(["短", "字" * 1000], keep_together=True)


def test_figures_align_right_when_the_table_asks_for_it() -> None:
    document = OfficialDocument("表")
    table = Table.by_shares(document.text_width, [50, 25, 25], number_style=TABLE_NUMBER_STYLE)
    document.table(table, [["网上征求意见", "1,450", "40.0%"], ["来信", "—", ""]], header=["渠道", "意见", "采纳率"])
    rows = open_docx(saved(document)).tables[0].rows
    styles = [[cell.paragraphs[0].style.style_id for cell in row.cells] for row in rows[1:]]
    assert styles == [
        ["DocTableText", TABLE_NUMBER_STYLE, TABLE_NUMBER_STYLE],
        ["DocTableText", TABLE_NUMBER_STYLE, "DocTableText"],
    ]
    assert rows[1].cells[1].paragraphs[0].style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.RIGHT


def test_text_is_escaped_and_what_xml_cannot_carry_is_dropped() -> None:
    document = OfficialDocument("标题")
    document.paragraph(BODY_STYLE, "<w:p/>&amp;\x01\x0b", Run(" 加粗 ", bold=True))
    table = Table([4000])
    document.table(table, [["第一行\x0c\n\n  第二行 <b>"], [""], [["格中\x02一段", ""]]])
    opened = open_docx(saved(document))
    assert opened.paragraphs[0].text == "<w:p/>&amp; 加粗 "
    cells = [[p.text for p in row.cells[0].paragraphs] for row in opened.tables[0].rows]
    assert cells == [["第一行", "第二行 <b>"], [""], ["格中一段", ""]]


def test_styles_of_their_own_join_the_base_styles_with_chinese_fonts() -> None:
    style = ParagraphStyle("Note", "附注", "楷体_GB2312", 28, align="left", on_grid=False)
    document = OfficialDocument("标题", styles=[style])
    document.paragraph("Note", "附注文字")
    opened = open_docx(saved(document))
    element = opened.styles.element.get_by_id("Note")
    assert element.find(qn("w:rPr")).find(qn("w:rFonts")).get(qn("w:eastAsia")) == "楷体_GB2312"
    assert element.find(qn("w:pPr")).find(qn("w:snapToGrid")).get(qn("w:val")) == "0"
    assert opened.paragraphs[0].style.name == "附注"
    title = opened.styles.element.get_by_id(TITLE_STYLE).find(qn("w:rPr")).find(qn("w:rFonts"))
    assert title.get(qn("w:eastAsia")) == "方正小标宋简体"


def test_every_document_names_font_fallbacks_and_no_tool_as_its_author() -> None:
    data = saved(OfficialDocument("标题"))
    fonts = docx.oxml.parse_xml(zipfile.ZipFile(io.BytesIO(data)).read("word/fontTable.xml"))
    alternatives = {
        font.get(qn("w:name")): font.find(qn("w:altName")).get(qn("w:val"))
        for font in fonts.iter(qn("w:font"))
        if font.find(qn("w:altName")) is not None
    }
    assert alternatives["仿宋_GB2312"] == "仿宋"
    assert alternatives["黑体"] == "SimHei"
    properties = open_docx(data).core_properties
    assert properties.title == "标题"
    assert properties.author == ""


def test_footers_carry_the_page_number_between_dashes() -> None:
    section = open_docx(saved(OfficialDocument("标题"))).sections[0]
    for footer in (section.footer, section.even_page_footer):
        (paragraph,) = footer.paragraphs
        assert [node.text.strip() for node in paragraph._p.iter(qn("w:instrText"))] == ["PAGE"]
        assert paragraph.text == "— 1 —"


def test_a_tail_streams_after_the_blocks_into_an_output_that_cannot_seek() -> None:
    class Pipe(io.RawIOBase):
        def __init__(self) -> None:
            self.chunks: list[bytes] = []

        def writable(self) -> bool:
            return True

        def write(self, data) -> int:
            self.chunks.append(bytes(data))
            return len(data)

    document = OfficialDocument("标题")
    document.paragraph(TITLE_STYLE, "标题")
    table = Table([3000, 3000])
    read = []

    def rows():
        for number in range(1, 3001):
            read.append(number)
            yield [str(number), "意见" * 20]

    pipe = Pipe()
    document.save(pipe, tail=table.xml(rows(), header=["序号", "意见"]))
    opened = open_docx(b"".join(pipe.chunks))
    assert opened.paragraphs[0].text == "标题"
    assert len(opened.tables[0].rows) == 3001
    assert opened.tables[0].rows[-1].cells[0].text == "3000"
    assert read == list(range(1, 3001))


def test_the_document_can_be_handed_to_python_docx() -> None:
    document = OfficialDocument("标题")
    document.paragraph(TITLE_STYLE, "标题")
    document.table(Table([3000]), [["甲"]])
    word = document.docx()
    assert [p.text for p in word.paragraphs] == ["标题"]
    word.add_paragraph("python-docx 加的段落")
    opened = open_docx(saved(document))
    assert [p.text for p in opened.paragraphs] == ["标题", "python-docx 加的段落"]
    assert opened.tables[0].rows[0].cells[0].text == "甲"


def test_helpers_for_text() -> None:
    assert clean("a\tb\x00c\ud800") == "a bc"
    assert lines("  一 \r\n\n 二\n") == ["一", "二"]
    # — stands for a figure that cannot be given (a rate of nothing): it lines up with the figures.
    assert [is_number(text) for text in ("1,234", "12.5%", "20", "", "—", "第1条")] == [
        True,
        True,
        True,
        False,
        True,
        False,
    ]


def test_libreoffice_renders_the_landscape_comparison(tmp_path) -> None:
    source = tmp_path / "comparison.docx"
    source.write_bytes(comparison())
    pdf = convert_to_pdf(source)
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("《某市物业管理条例》意见汇总报告", ["《某市物业管理条例》意见汇总报告"]),
        ("《杭州市物业管理条例（修订草案）》意见汇总报告", ["《杭州市物业管理条例（修订草案）》", "意见汇总报告"]),
        (
            "《中华人民共和国个人信息保护法（草案二次审议稿）》修改前后对照表",
            ["《中华人民共和国个人信息保护法", "（草案二次审议稿）》修改前后对照表"],
        ),
        ("关于杭州市物业管理条例修订草案征求意见情况的报告", ["关于杭州市物业管理条例修订草案征求意见情况的报告"]),
    ],
)
def test_a_long_title_breaks_between_words_never_inside_one(title, expected) -> None:
    lines = title_lines(title, 20)
    assert lines == expected and "".join(lines) == title


def test_the_title_paragraph_carries_its_line_breaks_into_word() -> None:
    document = OfficialDocument("t")
    document.paragraph(TITLE_STYLE, "《杭州市物业管理条例（修订草案）》意见汇总报告")
    out = io.BytesIO()
    document.save(out)
    (title,) = Document(io.BytesIO(out.getvalue())).paragraphs
    assert title.text == "《杭州市物业管理条例（修订草案）》\n意见汇总报告"
