"""The 意见采纳情况表 (adoption table) of a draft as a Word file, written as a stream.

A Civil-Code-sized consultation has 100,000 opinions and more, one table row each.  python-docx
would build all of them as lxml elements first (a row per ``table.add_row()``, slow and several
hundred megabytes), so python-docx only builds the skeleton: styles, the landscape A4 page, the
title block, the table with its header row, the footer.  The skeleton is then copied member by
member into the output zip, and ``word/document.xml`` is written through zipfile's streaming
writer with the rows, as strings, in place of the empty table's end.  Memory stays flat however
many rows the iterator gives.

Layout follows drafts.word (GB/T 9704 margins, fonts, ``— 1 —`` page numbers) on a landscape page:
title in 方正小标宋 二号, title block in 仿宋 三号, and the table in 仿宋 小四 (12 pt), which fits
20 characters a line in the opinion column; 三号 would fit 15 and add a third to the page count.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import chain
from typing import BinaryIO

from docx import Document
from docx.document import Document as WordDocument
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Mm
from lxml import etree

from drafts.word import (
    BODY_FONT,
    BODY_STYLE,
    HEADING_FONT,
    KAI_FONT,
    LEFT_MM,
    PAGE_HEIGHT_MM,
    PAGE_NUMBER_FONT,
    RIGHT_MM,
    SIZE_3,
    TITLE_FONT,
    TITLE_STYLE,
    _add_page_numbers,
    _clean,
    _lines,
    _paragraph_style,
    _run_properties,
    _set_up_page,
    _set_up_styles,
)

__all__ = ["AdoptionRow", "TableMeta", "naive_adoption_table", "write_adoption_table"]

NO_OPINIONS = "本草案暂无意见。"

# Chinese font sizes in half-points, beyond those drafts.word uses.
SIZE_SMALL_4 = 24  # 小四, 12 pt
SIZE_5 = 21  # 五号, 10.5 pt

STAGE_STYLE = "AdoptionStage"
INFO_STYLE = "AdoptionInfo"
HEADER_STYLE = "AdoptionHeader"
CELL_STYLE = "AdoptionCell"
CENTRED_CELL_STYLE = "AdoptionCellCentred"
ARTICLE_STYLE = "AdoptionArticle"
EXCERPT_STYLE = "AdoptionExcerpt"

# Exact line heights (16 pt for 小四, 14 pt for 五号) rather than single spacing, whose height
# depends on the font: a machine that substitutes Noto CJK for 仿宋 would otherwise fit fewer rows
# on a page than one that has 仿宋.
_IN_CELL = {"line": SIZE_SMALL_4 * 10 * 4 // 3}
_LEFT = {**_IN_CELL, "align": "left"}
_STYLES = (
    (STAGE_STYLE, "采纳情况表稿别", {"keep_next": True}, _run_properties(BODY_FONT, SIZE_3)),
    (INFO_STYLE, "采纳情况表说明", {"align": "both", "keep_next": True}, _run_properties(BODY_FONT, SIZE_3)),
    (HEADER_STYLE, "采纳情况表表头", _IN_CELL, _run_properties(HEADING_FONT, SIZE_SMALL_4)),
    (CELL_STYLE, "采纳情况表正文", _LEFT, _run_properties(BODY_FONT, SIZE_SMALL_4)),
    (CENTRED_CELL_STYLE, "采纳情况表正文居中", _IN_CELL, _run_properties(BODY_FONT, SIZE_SMALL_4)),
    (ARTICLE_STYLE, "采纳情况表条款", _LEFT, _run_properties(BODY_FONT, SIZE_SMALL_4, bold=True)),
    (EXCERPT_STYLE, "采纳情况表条文摘录", {**_LEFT, "line": SIZE_5 * 10 * 4 // 3}, _run_properties(KAI_FONT, SIZE_5)),
)
_STYLE_NAMES = {style_id: name for style_id, name, _, _ in _STYLES}

# Shares of the text width, in per cent.  序号 fits six digits; 处理情况 fits 部分采纳 on a line.
_COLUMNS = (("序号", 7), ("条款", 14), ("意见内容", 38), ("来源", 14), ("处理情况", 9), ("理由说明", 18))
TEXT_WIDTH = Mm(PAGE_HEIGHT_MM).twips - Mm(LEFT_MM).twips - Mm(RIGHT_MM).twips  # landscape: A4 on its side
_WIDTHS = [TEXT_WIDTH * share // 100 for _, share in _COLUMNS]
_WIDTHS[2] += TEXT_WIDTH - sum(_WIDTHS)
_CELL_MARGINS = 2 * 108  # TableGrid's left and right cell margins, in twips
#: 小四 characters a line in each column (a character is 12 pt = 240 twips wide).
_CHARS_A_LINE = [(width - _CELL_MARGINS) // (SIZE_SMALL_4 * 10) for width in _WIDTHS]
#: Rows up to about half a page are kept on one page; longer ones may break, or the page before
#: would end in a gap (and a row longer than a page has to break anyway).
SHORT_ROW_LINES = 12

# Word substitutes a missing font by w:altName, else by one of the same charset (86: GB2312) and
# family, so a machine without the official-document fonts still prints the table in Chinese
# fonts of the right kind.
_FONT_FALLBACKS = (
    (BODY_FONT, "仿宋", "modern", "fixed"),
    (TITLE_FONT, "宋体", "auto", "variable"),
    (KAI_FONT, "楷体", "modern", "fixed"),
    (HEADING_FONT, "SimHei", "modern", "fixed"),
    (PAGE_NUMBER_FONT, "SimSun", "auto", "variable"),
)

DOCUMENT_PART = "word/document.xml"
FONT_TABLE_PART = "word/fontTable.xml"
_ROWS_A_WRITE = 256


@dataclass(frozen=True)
class AdoptionRow:
    """One opinion as the table shows it."""

    article: str  # 第十二条, or 总体意见 for opinions on the draft as a whole
    excerpt: str  # the start of the article's text, may be ""
    body: str
    source: str  # 网上征求意见 · 老张
    disposition: str  # 采纳
    reason: str


@dataclass(frozen=True)
class TableMeta:
    """What the title block says."""

    draft_title: str
    version_label: str  # 征求意见稿
    period: str  # 2026年11月1日至2026年11月30日
    totals: list[tuple[str, int]]  # [("意见总数", 1234), ("采纳", 20), …]
    generated: str  # 2026年12月1日


def write_adoption_table(
    out: BinaryIO,
    *,
    meta: TableMeta,
    rows: Iterable[AdoptionRow],
    progress: Callable[[int], None] | None = None,
    progress_every: int = 1000,
) -> int:
    """Write the table to ``out`` and return the number of rows.

    ``rows`` come grouped by article, in text order, and are read once; the article's excerpt is
    printed on the first row of its group only.  ``progress`` is called with the number of rows
    done every ``progress_every`` rows, and with the total at the end.  ``out`` need not be
    seekable (zipfile then writes data descriptors).
    """
    rows = iter(rows)
    first = next(rows, None)
    skeleton = io.BytesIO()
    _skeleton(meta, with_table=first is not None).save(skeleton)
    count = 0
    with zipfile.ZipFile(skeleton) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == FONT_TABLE_PART:
                data = _with_font_fallbacks(data)
            if info.filename != DOCUMENT_PART or first is None:
                target.writestr(info.filename, data)
                continue
            table_end = data.rindex(b"</w:tbl>")
            with target.open(DOCUMENT_PART, "w") as document:
                document.write(data[:table_end])
                count = _write_rows(document, chain([first], rows), progress, progress_every)
                document.write(data[table_end:])
    return count


def naive_adoption_table(out: BinaryIO, *, meta: TableMeta, rows: Iterable[AdoptionRow]) -> int:
    """The same table through python-docx alone, a row at a time: the benchmark's baseline.

    Only for comparison; it has no special case for a draft without opinions.
    """
    document = _skeleton(meta, with_table=True)
    table = document.tables[0]
    # Looked up once: python-docx finds a style given by name by scanning all of them.
    styles = {style_id: document.styles[name] for style_id, name in _STYLE_NAMES.items()}
    count = 0
    for count, row, excerpt in _numbered(rows):
        cells = table.add_row().cells
        values = (str(count), row.article, row.body, row.source, row.disposition, row.reason)
        for cell, value, style in zip(cells, values, _COLUMN_STYLES, strict=True):
            cell.text = "\n".join(_lines(_clean(value)))
            cell.paragraphs[0].style = styles[style]
        if excerpt := "\n".join(_lines(_clean(excerpt))):
            cells[1].add_paragraph(excerpt, styles[EXCERPT_STYLE])
    document.save(out)
    return count


# --- skeleton -------------------------------------------------------------------------


def official_document(title: str, styles, *, landscape: bool = False) -> WordDocument:
    """An empty GB/T 9704 document: page, the house styles plus `styles`, page numbers, properties."""
    document = Document()
    _set_up_page(document, landscape=landscape)
    _set_up_styles(document)
    for style in styles:
        document.styles.element.append(parse_xml(_paragraph_style(*style)))
    _add_page_numbers(document)
    properties = document.core_properties
    properties.title = title
    properties.comments = properties.last_modified_by = ""
    properties.created = properties.modified = datetime.now(UTC)
    return document


def _skeleton(meta: TableMeta, *, with_table: bool) -> WordDocument:
    """Everything but the rows: page, styles, footer, title block and the header row."""
    title = f"《{meta.draft_title.strip().strip('《》')}》意见采纳情况表"
    document = official_document(title, _STYLES, landscape=True)

    stage = meta.version_label.strip().strip("（）()")
    period = f"征求意见期间：{meta.period.strip()}" if meta.period.strip() else ""
    generated = f"制表日期：{meta.generated.strip()}" if meta.generated.strip() else ""
    totals = "，".join(f"{label}{count}条" for label, count in meta.totals)
    lines = [
        (TITLE_STYLE, title),
        (STAGE_STYLE, f"（{stage}）" if stage else ""),
        (INFO_STYLE, "　　".join(part for part in (period, generated) if part)),
        (INFO_STYLE, f"意见统计：{totals}。" if totals else ""),
    ]
    blocks = [_paragraph(style, _clean(text)) for style, text in lines if text]
    if with_table:
        blocks.append(_table_start() + _row(_HEADER_ROW_PROPERTIES, _header_cells()) + "</w:tbl>")
    else:
        blocks.append(_paragraph(BODY_STYLE, NO_OPINIONS))
    body = document.element.body
    for block in parse_xml(f"<w:body {nsdecls('w')}>{''.join(blocks)}</w:body>"):
        body.sectPr.addprevious(block)
    return document


def _table_start() -> str:
    grid = "".join(f'<w:gridCol w:w="{width}"/>' for width in _WIDTHS)
    return (
        '<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/>'
        f'<w:tblW w:w="{TEXT_WIDTH}" w:type="dxa"/><w:tblLayout w:type="fixed"/>'
        f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>"
    )


def _header_cells() -> list[str]:
    return [_paragraph(HEADER_STYLE, label) for label, _ in _COLUMNS]


def _with_font_fallbacks(font_table: bytes) -> bytes:
    fonts = etree.fromstring(font_table)
    for name, alternative, family, pitch in _FONT_FALLBACKS:
        fonts.append(
            parse_xml(
                f'<w:font {nsdecls("w")} w:name="{name}"><w:altName w:val="{alternative}"/>'
                f'<w:charset w:val="86"/><w:family w:val="{family}"/><w:pitch w:val="{pitch}"/></w:font>'
            )
        )
    return etree.tostring(fonts, xml_declaration=True, encoding="UTF-8", standalone=True)


# --- rows -----------------------------------------------------------------------------

_HEADER_ROW_PROPERTIES = "<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>"
_SHORT_ROW_PROPERTIES = "<w:trPr><w:cantSplit/></w:trPr>"
_COLUMN_STYLES = (CENTRED_CELL_STYLE, ARTICLE_STYLE, CELL_STYLE, CELL_STYLE, CENTRED_CELL_STYLE, CELL_STYLE)
_CELL_STARTS = [
    f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>' for width in _WIDTHS
]
_PARAGRAPH_STARTS = {
    style: f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>' for style in (*_STYLE_NAMES, TITLE_STYLE)
}
_PARAGRAPH_STARTS[BODY_STYLE] = "<w:p>"


def _write_rows(
    document: BinaryIO,
    rows: Iterable[AdoptionRow],
    progress: Callable[[int], None] | None,
    progress_every: int,
) -> int:
    batch: list[str] = []
    number = 0
    for number, row, excerpt in _numbered(rows):
        batch.append(_data_row(number, row, excerpt))
        if len(batch) == _ROWS_A_WRITE:
            document.write("".join(batch).encode())
            batch.clear()
        if progress and number % progress_every == 0:
            progress(number)
    document.write("".join(batch).encode())
    if progress and number % progress_every:
        progress(number)
    return number


def _numbered(rows: Iterable[AdoptionRow]) -> Iterator[tuple[int, AdoptionRow, str]]:
    """Rows numbered from 1, each with the excerpt to print: only where a new article starts, as
    repeated on every opinion of a much-discussed article it would add lines to each row."""
    previous = None
    for number, row in enumerate(rows, 1):
        yield number, row, "" if (row.article, row.excerpt) == previous else row.excerpt
        previous = (row.article, row.excerpt)


def _data_row(number: int, row: AdoptionRow, excerpt_text: str) -> str:
    article, excerpt, body, source, disposition, reason = (
        _lines(_clean(text)) for text in (row.article, excerpt_text, row.body, row.source, row.disposition, row.reason)
    )
    heights = (
        _height(article, _CHARS_A_LINE[1]) + _height(excerpt, _CHARS_A_LINE[1]),
        _height(body, _CHARS_A_LINE[2]),
        _height(source, _CHARS_A_LINE[3]),
        _height(disposition, _CHARS_A_LINE[4]),
        _height(reason, _CHARS_A_LINE[5]),
    )
    cells = [
        _paragraph(CENTRED_CELL_STYLE, str(number)),
        _paragraphs(ARTICLE_STYLE, article) + (_paragraphs(EXCERPT_STYLE, excerpt) if excerpt else ""),
        _paragraphs(CELL_STYLE, body),
        _paragraphs(CELL_STYLE, source),
        _paragraphs(CENTRED_CELL_STYLE, disposition),
        _paragraphs(CELL_STYLE, reason),
    ]
    return _row(_SHORT_ROW_PROPERTIES if max(heights) <= SHORT_ROW_LINES else "", cells)


def _row(properties: str, cells: list[str]) -> str:
    return (
        f"<w:tr>{properties}"
        + "".join(start + content + "</w:tc>" for start, content in zip(_CELL_STARTS, cells, strict=True))
        + "</w:tr>"
    )


def _height(lines: list[str], chars_a_line: int) -> int:
    """Lines the text takes in its column, counting every character as a full-width one."""
    return sum(-(-len(line) // chars_a_line) for line in lines)


def _paragraphs(style: str, lines: list[str]) -> str:
    # A cell holds at least one paragraph, even an empty one.
    return "".join(_paragraph(style, line) for line in lines) if lines else _paragraph(style, "")


def _paragraph(style: str, text: str) -> str:
    """``text`` must be free of characters XML cannot carry (see drafts.word._clean)."""
    if not text:
        return _PARAGRAPH_STARTS[style] + "</w:p>"
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f'{_PARAGRAPH_STARTS[style]}<w:r><w:t xml:space="preserve">{escaped}</w:t></w:r></w:p>'
