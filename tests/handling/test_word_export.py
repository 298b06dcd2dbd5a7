import io
import zipfile

import docx
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

from handling.word_export import AdoptionRow, TableMeta, write_adoption_table
from tests.libreoffice import convert_to_pdf

HEADER = ["序号", "条款", "意见内容", "来源", "处理情况", "理由说明"]
META = TableMeta(
    draft_title="某市物业管理条例（草案）",
    version_label="征求意见稿",
    period="2026年11月1日至2026年11月30日",
    totals=[("意见总数", 3), ("采纳", 1), ("未采纳", 2)],
    generated="2026年12月1日",
    maker="某市人大常委会法制工作委员会",
)
EXCERPT = "业主大会应当自首次业主大会会议召开之日起三十日内备案。"


def opinion(n: int, **overrides) -> AdoptionRow:
    values = {
        "article": "第十二条",
        "excerpt": EXCERPT,
        "body": f"第{n}条意见：建议明确物业服务企业公示维修资金使用情况的期限。",
        "source": "联系点 · 湖滨街道 · 王某某",
        "disposition": "采纳",
        "reason": "已在第十二条中增加相关规定。",
    } | overrides
    return AdoptionRow(**values)


def export(rows, meta: TableMeta = META, **kwargs) -> bytes:
    out = io.BytesIO()
    count = write_adoption_table(out, meta=meta, rows=(row for row in rows), **kwargs)
    assert count == len(rows)
    return out.getvalue()


def open_docx(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def cell_texts(data: bytes) -> list[list[str]]:
    (table,) = open_docx(data).tables
    return [[cell.text for cell in row.cells] for row in table.rows]


def style_font(document, style_id: str) -> str:
    return document.styles.element.get_by_id(style_id).find(qn("w:rPr")).find(qn("w:rFonts")).get(qn("w:eastAsia"))


def test_table_has_the_header_row_and_one_row_per_opinion_in_order() -> None:
    rows = [
        opinion(1),
        opinion(2, disposition="未采纳", reason="属于实施层面问题。"),
        opinion(3, article="第十三条", excerpt="", source="来信", disposition="部分采纳"),
    ]
    assert cell_texts(export(rows)) == [
        HEADER,
        ["1", f"第十二条\n{EXCERPT}", rows[0].body, rows[0].source, "采纳", "已在第十二条中增加相关规定。"],
        ["2", "第十二条", rows[1].body, rows[1].source, "未采纳", "属于实施层面问题。"],
        ["3", "第十三条", rows[2].body, "来信", "部分采纳", "已在第十二条中增加相关规定。"],
    ]


def test_article_is_bold_and_its_excerpt_smaller_on_the_first_row_of_its_group() -> None:
    document = open_docx(export([opinion(1), opinion(2)]))
    article, excerpt = document.tables[0].rows[1].cells[1].paragraphs
    assert article.style.font.bold
    assert excerpt.style.font.size.pt < article.style.font.size.pt == 12
    assert [p.text for p in document.tables[0].rows[2].cells[1].paragraphs] == ["第十二条"]


def test_title_and_title_block_precede_the_table() -> None:
    document = open_docx(export([opinion(1)]))
    assert [(p.style.style_id, p.text) for p in document.paragraphs] == [
        ("DraftTitle", "《某市物业管理条例（草案）》意见采纳情况表"),
        ("AdoptionStage", "（征求意见稿）"),
        ("AdoptionInfo", "征求意见期间：2026年11月1日至2026年11月30日"),
        ("AdoptionInfo", "制表单位：某市人大常委会法制工作委员会\u3000\u3000制表日期：2026年12月1日"),
        ("AdoptionInfo", "意见统计：意见总数3条，采纳1条，未采纳2条。"),
    ]
    assert document.core_properties.title == "《某市物业管理条例（草案）》意见采纳情况表"
    title = document.styles.element.get_by_id("DraftTitle").find(qn("w:rPr"))
    assert title.find(qn("w:sz")).get(qn("w:val")) == "44"  # 二号


def test_text_xml_cannot_carry_is_dropped_and_markup_kept_as_text() -> None:
    controls = "".join(map(chr, range(0x00, 0x09))) + "\x0b\x0c\x0e\x1f"
    long_body = "很长的意见。" * 5000
    rows = [
        opinion(1, body=f"<script>alert('x')</script> & &amp; \"引号\"{controls}完", source="网友 😀 <b>"),
        opinion(2, body=long_body, reason="理由]]><w:p/>"),
    ]
    texts = cell_texts(export(rows))
    assert texts[1][2] == "<script>alert('x')</script> & &amp; \"引号\"完"
    assert texts[1][3] == "网友 😀 <b>"
    assert texts[2][2] == long_body
    assert texts[2][5] == "理由]]><w:p/>"


def test_line_breaks_in_an_opinion_become_paragraphs_of_its_cell() -> None:
    document = open_docx(export([opinion(1, body="第一点。\r\n\n  第二点。\n")]))
    assert [p.text for p in document.tables[0].rows[1].cells[2].paragraphs] == ["第一点。", "第二点。"]


def test_header_row_repeats_on_every_page_and_short_rows_are_not_split() -> None:
    table = open_docx(export([opinion(1), opinion(2, body="很长的意见。" * 200)])).tables[0]
    header, short, long = (row._tr.trPr for row in table.rows)
    assert header.find(qn("w:tblHeader")) is not None
    assert short.find(qn("w:tblHeader")) is None
    assert short.find(qn("w:cantSplit")) is not None
    # Longer than a page can hold: it has to break, and Word would otherwise cut it off.
    assert long is None or long.find(qn("w:cantSplit")) is None


def test_page_is_a4_landscape_with_official_document_margins() -> None:
    data = export([opinion(1)])
    section = open_docx(data).sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert section.page_width > section.page_height
    sizes = [section.page_width, section.page_height, section.top_margin, section.bottom_margin]
    sizes += [section.left_margin, section.right_margin]
    assert [round(size.mm) for size in sizes] == [297, 210, 37, 35, 28, 26]
    assert b'w:orient="landscape"' in zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")
    grid = sum(int(col.get(qn("w:w"))) for col in open_docx(data).tables[0]._tbl.tblGrid.gridCol_lst)
    assert grid == section.page_width.twips - section.left_margin.twips - section.right_margin.twips


def test_footer_carries_the_page_number_field_between_dashes() -> None:
    section = open_docx(export([opinion(1)])).sections[0]
    for footer in (section.footer, section.even_page_footer):
        (paragraph,) = footer.paragraphs
        assert [node.text.strip() for node in paragraph._p.iter(qn("w:instrText"))] == ["PAGE"]
        assert paragraph.text == "— 1 —"


def test_fonts_are_set_for_chinese_text_with_fallbacks_named() -> None:
    data = export([opinion(1)])
    document = open_docx(data)
    assert style_font(document, "DraftTitle") == "方正小标宋简体"
    assert style_font(document, "AdoptionInfo") == "仿宋_GB2312"
    assert style_font(document, "DocTableText") == "仿宋_GB2312"
    assert style_font(document, "DocTableHeader") == "黑体"
    assert document.styles.element.get_by_id("AdoptionInfo").find(qn("w:rPr")).find(qn("w:sz")).get(qn("w:val")) == (
        "32"  # 三号
    )
    fonts = docx.oxml.parse_xml(zipfile.ZipFile(io.BytesIO(data)).read("word/fontTable.xml"))
    alternatives = {
        font.get(qn("w:name")): font.find(qn("w:altName")).get(qn("w:val"))
        for font in fonts.iter(qn("w:font"))
        if font.find(qn("w:altName")) is not None
    }
    assert alternatives["仿宋_GB2312"] == "仿宋"
    assert alternatives["方正小标宋简体"] == "宋体"


def test_no_opinions_says_so_in_one_line_instead_of_an_empty_table() -> None:
    data = export([])
    document = open_docx(data)
    assert document.tables == []
    assert document.paragraphs[-1].text == "本草案暂无意见。"
    assert document.paragraphs[0].text == "《某市物业管理条例（草案）》意见采纳情况表"
    assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None


def test_progress_is_reported_every_so_many_rows_and_at_the_end() -> None:
    calls = []
    export([opinion(n) for n in range(1, 8)], progress=calls.append, progress_every=3)
    assert calls == [3, 6, 7]


def test_output_may_go_to_a_stream_that_cannot_seek() -> None:
    class Pipe(io.RawIOBase):
        def __init__(self) -> None:
            self.chunks: list[bytes] = []

        def writable(self) -> bool:
            return True

        def write(self, data) -> int:
            self.chunks.append(bytes(data))
            return len(data)

    pipe = Pipe()
    assert write_adoption_table(pipe, meta=META, rows=[opinion(1), opinion(2)]) == 2
    assert len(cell_texts(b"".join(pipe.chunks))) == 3


def test_libreoffice_converts_the_table_to_pdf(tmp_path) -> None:
    source = tmp_path / "adoption.docx"
    source.write_bytes(export([opinion(n) for n in range(1, 41)]))
    pdf = convert_to_pdf(source)
    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 1000
