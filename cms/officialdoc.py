"""Official documents (公文) as Word files, laid out as GB/T 9704-2012 asks.

Every Word file the platform writes goes through here: the draft regulation (drafts.word), the
意见采纳情况表 and the 意见汇总报告 (handling.word_export, handling.exports), the annual report
(stats.report), and next the 修改前后对照表.  Staff print them for meetings and send them to other
offices, so they must look like documents typed by hand in the office: A4 with the standard
margins (portrait on a 22-line grid, or landscape for wide tables), a 方正小标宋 二号 title, 仿宋
三号 body text, 黑体 headings, tables whose header row repeats on every page, ``— 1 —`` page
numbers, and fonts named for Chinese text through w:eastAsia (python-docx's ``font.name`` leaves
it unset).  The formatting lives in named styles so that staff can change it for the whole
document in Word.

python-docx builds the skeleton only: page, styles, footers, properties, pictures.  The body is
written as WordprocessingML strings (``paragraph_xml``, ``Table``), which is several times faster
than python-docx's ``add_paragraph``/``add_row`` and lets ``OfficialDocument.save`` stream a
table of 100,000 rows into the file without holding it in memory.

    document = OfficialDocument("《某某条例》修改前后对照表", landscape=True)
    document.paragraph(TITLE_STYLE, "《某某条例》修改前后对照表")
    table = Table.by_shares(document.text_width, [40, 40, 20])
    document.table(table, rows, header=["修改前", "修改后", "修改理由"])
    document.save(out)

where a cell of ``rows`` is text (one paragraph a line) or a list of ``Paragraph``s made of
``Run``s, which may be bold, struck through or underlined.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import chain
from typing import BinaryIO

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Twips
from lxml import etree

__all__ = [
    "BASE_STYLES",
    "BODY_FONT",
    "BODY_STYLE",
    "FULL_WIDTH_SPACE",
    "HEADING_FONT",
    "HEADING_STYLE",
    "KAI_FONT",
    "LATIN_FONT",
    "LINE_PITCH",
    "PAGE_NUMBER_FONT",
    "SIZE_2",
    "SIZE_3",
    "SIZE_4",
    "SIZE_5",
    "SIZE_SMALL_4",
    "STAGE_STYLE",
    "TABLE_CENTRED_STYLE",
    "TABLE_HEADER_STYLE",
    "TABLE_NUMBER_STYLE",
    "TABLE_TEXT_STYLE",
    "TITLE_FONT",
    "TITLE_STYLE",
    "Cell",
    "CharacterStyle",
    "OfficialDocument",
    "Paragraph",
    "ParagraphStyle",
    "Run",
    "Table",
    "clean",
    "is_number",
    "lines",
    "paragraph_xml",
    "run_properties",
    "text_width",
]

LATIN_FONT = "Times New Roman"
BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
KAI_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"

# Chinese font sizes, in half-points as Word stores them.
SIZE_2 = 44  # 二号, 22 pt
SIZE_3 = 32  # 三号, 16 pt
SIZE_4 = 28  # 四号, 14 pt
SIZE_SMALL_4 = 24  # 小四, 12 pt
SIZE_5 = 21  # 五号, 10.5 pt

PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
TOP_MM, BOTTOM_MM, LEFT_MM, RIGHT_MM = 37, 35, 28, 26
#: GB/T 9704 asks for 22 lines a page (and 28 characters a line, see _set_up_page).
LINES_PER_PAGE = 22
#: Exact line spacing in twips: 225 mm / 22 lines = 28.95 pt (579).  A round 29 pt would push
#: the 22nd line onto the next page.
LINE_PITCH = Mm(PAGE_HEIGHT_MM - TOP_MM - BOTTOM_MM).twips // LINES_PER_PAGE

FULL_WIDTH_SPACE = "\u3000"

# Style ids: the first ones keep the names they had when only drafts were written, so that files
# already sent out and the new ones share them.
BODY_STYLE = "Normal"
TITLE_STYLE = "DraftTitle"
STAGE_STYLE = "DraftStage"
PAGE_NUMBER_STYLE = "DraftPageNumber"
HEADING_STYLE = "DocHeading"
TABLE_HEADER_STYLE = "DocTableHeader"
TABLE_TEXT_STYLE = "DocTableText"
TABLE_CENTRED_STYLE = "DocTableCentred"
TABLE_NUMBER_STYLE = "DocTableNumber"

#: TableGrid's left and right cell margins together, in twips.
CELL_MARGINS = 2 * 108
#: Rows up to about half a page are kept on one page; longer ones may break, or the page before
#: would end in a gap (and a row longer than a page has to break anyway).
SHORT_ROW_LINES = 12

# Word substitutes a missing font by w:altName, else by one of the same charset (86: GB2312) and
# family, so a machine without the official-document fonts still prints in Chinese fonts of the
# right kind.
_FONT_FALLBACKS = (
    (BODY_FONT, "仿宋", "modern", "fixed"),
    (TITLE_FONT, "宋体", "auto", "variable"),
    (KAI_FONT, "楷体", "modern", "fixed"),
    (HEADING_FONT, "SimHei", "modern", "fixed"),
    (PAGE_NUMBER_FONT, "SimSun", "auto", "variable"),
)
_DOCUMENT_PART = "word/document.xml"
_FONT_TABLE_PART = "word/fontTable.xml"
#: Streamed body text is written to the zip in pieces of about this many characters.
_WRITE_CHARS = 256 * 1024

# Characters XML 1.0 cannot carry (lxml refuses them); tabs would need <w:tab/>.
_XML_INVALID_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


# --- text -----------------------------------------------------------------------------


def clean(text: str) -> str:
    """``text`` without the characters XML cannot carry, tabs as spaces."""
    return _XML_INVALID_RE.sub("", text.replace("\t", " "))


def lines(text: str) -> list[str]:
    """The non-blank lines of ``text``, stripped."""
    return [line for line in map(str.strip, text.splitlines()) if line]


# Where a long title may break (GB/T 9704 asks for breaks between words, never inside one): after a law's
# closing 》 or ）, before an opening 《 or （.
_TITLE_BREAKS = re.compile(r"(?<=[》）])|(?=[《（])")


def title_lines(title: str, per_line: int) -> list[str]:
    """``title`` in lines of at most ``per_line`` characters, broken only where _TITLE_BREAKS allows
    (「《杭州市物业管理条例（修订草案）》」 / 「意见汇总报告」, not 「……意见汇」 / 「总报告」). A stretch with no
    allowed break longer than a line is left whole for Word to wrap."""
    title = title.strip()
    if per_line <= 0 or len(title) <= per_line:
        return [title]
    cuts = [m.start() for m in _TITLE_BREAKS.finditer(title) if 0 < m.start() < len(title)]
    fitting = [cut for cut in cuts if cut <= per_line]
    if not fitting:
        return [title]
    cut = fitting[-1]
    return [title[:cut], *title_lines(title[cut:], per_line)]


def is_number(text: str) -> bool:
    """1,234 or 12.5% or 20, or — for a figure that cannot be given: a figure, which tables align right."""
    return text == "—" or (bool(text) and text.replace(",", "").replace(".", "").replace("%", "").isdigit())


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@dataclass(frozen=True)
class Run:
    """Text with its own formatting, inside a paragraph: a character style, or direct bold,
    strike-through (deleted words) or underline (added words)."""

    text: str
    style: str | None = None
    bold: bool = False
    strike: bool = False
    underline: bool = False

    def xml(self) -> str:
        properties = (
            (f'<w:rStyle w:val="{self.style}"/>' if self.style else "")
            + ("<w:b/><w:bCs/>" if self.bold else "")
            + ("<w:strike/>" if self.strike else "")
            + ('<w:u w:val="single"/>' if self.underline else "")
        )
        return _run_xml(self.text, f"<w:rPr>{properties}</w:rPr>" if properties else "")


def _run_xml(text: str, properties: str = "") -> str:
    return f'<w:r>{properties}<w:t xml:space="preserve">{_escaped(clean(text))}</w:t></w:r>'


def paragraph_xml(style: str, *runs: str | Run) -> str:
    """A paragraph in ``style`` made of ``runs`` (plain text or ``Run``s); empty ones are left out."""
    start = "<w:p>" if style == BODY_STYLE else f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>'
    body = "".join(_run_xml(run) if isinstance(run, str) else run.xml() for run in runs if _text(run))
    return f"{start}{body}</w:p>"


def _text(run: str | Run) -> str:
    return run if isinstance(run, str) else run.text


@dataclass(frozen=True)
class Paragraph:
    """A paragraph in a table cell: its runs, and its style if not the cell's."""

    runs: Sequence[str | Run]
    style: str | None = None

    @property
    def text(self) -> str:
        return "".join(map(_text, self.runs))


# --- styles ---------------------------------------------------------------------------


def run_properties(
    font: str, size: int | None = None, *, bold: bool = False, latin: str = LATIN_FONT, chinese: bool = False
) -> str:
    """Fonts for every script: w:eastAsia is the one that matters for Chinese text; the hint
    makes Word set “” and — in the Chinese font.  ``chinese`` marks the text as zh-CN
    (proofing, line breaking)."""
    return (
        f'<w:rPr><w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" w:eastAsia="{font}" w:cs="{latin}"'
        ' w:hint="eastAsia"/>'
        + ("<w:b/><w:bCs/>" if bold else "")
        + (f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>' if size else "")
        + ('<w:lang w:val="en-US" w:eastAsia="zh-CN"/>' if chinese else "")
        + "</w:rPr>"
    )


def _paragraph_properties(
    *,
    align: str,
    first_line_chars: int,
    side_chars: int,
    before: int,
    line: int | None,
    outline: int | None,
    keep_next: bool,
    on_grid: bool,
) -> str:
    """Exact ``line`` spacing in twips (None: single); indents are given both in characters
    (Word) and in twips (LibreOffice ignores the former)."""
    char = SIZE_3 * 10
    spacing = f'w:line="{line}" w:lineRule="exact"' if line else 'w:line="240" w:lineRule="auto"'
    return (
        "<w:pPr>"
        + ("<w:keepNext/><w:keepLines/>" if keep_next else "")
        + '<w:widowControl w:val="0"/>'
        + ("" if on_grid else '<w:snapToGrid w:val="0"/>')
        + f'<w:spacing w:before="{before}" w:after="0" {spacing}/>'
        + f'<w:ind w:leftChars="{side_chars * 100}" w:left="{side_chars * char}"'
        + f' w:rightChars="{side_chars * 100}" w:right="{side_chars * char}"'
        + f' w:firstLineChars="{first_line_chars * 100}" w:firstLine="{first_line_chars * char}"/>'
        + f'<w:jc w:val="{align}"/>'
        + (f'<w:outlineLvl w:val="{outline}"/>' if outline is not None else "")
        + "</w:pPr>"
    )


@dataclass(frozen=True)
class ParagraphStyle:
    """A paragraph style based on Normal (正文), as Word shows it under ``name``.

    ``line`` is an exact line height in twips (None: single spacing); ``on_grid`` False lets
    the style's lines keep their own height on a portrait page, whose 22-line grid would give
    every line of a table, caption or picture the 29 pt of a line of body text.  ``outline``
    lists the paragraph in Word's navigation pane (0 for the title).
    """

    style_id: str
    name: str
    font: str
    size: int | None = None
    bold: bool = False
    latin: str = LATIN_FONT
    align: str = "center"
    first_line_chars: int = 0
    side_chars: int = 0
    before: int = 0
    line: int | None = LINE_PITCH
    outline: int | None = None
    keep_next: bool = False
    on_grid: bool = True

    def xml(self) -> str:
        paragraph = _paragraph_properties(
            align=self.align,
            first_line_chars=self.first_line_chars,
            side_chars=self.side_chars,
            before=self.before,
            line=self.line,
            outline=self.outline,
            keep_next=self.keep_next,
            on_grid=self.on_grid,
        )
        return (
            f'<w:style {nsdecls("w")} w:type="paragraph" w:customStyle="1" w:styleId="{self.style_id}">'
            f'<w:name w:val="{self.name}"/><w:basedOn w:val="{BODY_STYLE}"/><w:qFormat/>'
            f"{paragraph}{run_properties(self.font, self.size, bold=self.bold, latin=self.latin)}</w:style>"
        )


@dataclass(frozen=True)
class CharacterStyle:
    """A character style, for words set apart inside a paragraph (the 条标 of an article)."""

    style_id: str
    name: str
    font: str
    size: int | None = None
    bold: bool = False

    def xml(self) -> str:
        return (
            f'<w:style {nsdecls("w")} w:type="character" w:customStyle="1" w:styleId="{self.style_id}">'
            f'<w:name w:val="{self.name}"/><w:basedOn w:val="DefaultParagraphFont"/><w:qFormat/>'
            f"{run_properties(self.font, self.size, bold=self.bold)}</w:style>"
        )


# Exact line heights in tables (16 pt for 小四) rather than single spacing, whose height depends
# on the font: a machine that substitutes Noto CJK for 仿宋 would otherwise fit fewer rows on a
# page than one that has 仿宋.
_IN_TABLE = {"size": SIZE_SMALL_4, "line": SIZE_SMALL_4 * 10 * 4 // 3, "on_grid": False}

#: The styles of every official document, besides Normal.
BASE_STYLES: tuple[ParagraphStyle, ...] = (
    ParagraphStyle(TITLE_STYLE, "法规标题", TITLE_FONT, SIZE_2, outline=0, keep_next=True),
    ParagraphStyle(STAGE_STYLE, "稿别", KAI_FONT, SIZE_3, keep_next=True),
    # 一、二、三… in 黑体, as GB/T 9704 sets the first level of headings in the text.
    ParagraphStyle(
        HEADING_STYLE, "一级标题", HEADING_FONT, SIZE_3, align="both", first_line_chars=2, outline=1, keep_next=True
    ),
    ParagraphStyle(TABLE_HEADER_STYLE, "表头", HEADING_FONT, **_IN_TABLE),
    ParagraphStyle(TABLE_TEXT_STYLE, "表格正文", BODY_FONT, align="left", **_IN_TABLE),
    ParagraphStyle(TABLE_CENTRED_STYLE, "表格正文居中", BODY_FONT, **_IN_TABLE),
    ParagraphStyle(TABLE_NUMBER_STYLE, "表格数字", BODY_FONT, align="right", **_IN_TABLE),
    # GB/T 9704 asks for 宋体 digits too, hence no Latin font.
    ParagraphStyle(PAGE_NUMBER_STYLE, "页码", PAGE_NUMBER_FONT, SIZE_4, latin=PAGE_NUMBER_FONT, line=None),
)


def _set_up_styles(document: WordDocument, styles: Iterable[ParagraphStyle | CharacterStyle]) -> None:
    """Body text in Normal (正文), the rest in styles of their own based on it.

    The template's defaults use theme fonts, which win over explicit font names, so the
    document defaults are replaced rather than amended.
    """
    element = document.styles.element
    defaults = element.find(qn("w:docDefaults"))
    if defaults is not None:
        element.remove(defaults)
    element.insert(
        0,
        parse_xml(
            f"<w:docDefaults {nsdecls('w')}><w:rPrDefault>"
            + run_properties(BODY_FONT, SIZE_3, chinese=True)
            + '</w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="0"/></w:pPr></w:pPrDefault></w:docDefaults>'
        ),
    )
    normal = document.styles["Normal"].element
    normal.addnext(
        parse_xml(
            f'<w:style {nsdecls("w")} w:type="paragraph" w:default="1" w:styleId="{BODY_STYLE}">'
            '<w:name w:val="Normal"/><w:qFormat/>'
            + _paragraph_properties(
                align="both",
                first_line_chars=2,
                side_chars=0,
                before=0,
                line=LINE_PITCH,
                outline=None,
                keep_next=False,
                on_grid=True,
            )
            + run_properties(BODY_FONT, SIZE_3)
            + "</w:style>"
        )
    )
    element.remove(normal)
    for style in (*BASE_STYLES, *styles):
        element.append(parse_xml(style.xml()))


# --- page -----------------------------------------------------------------------------


def text_width(*, landscape: bool = False) -> int:
    """The width of the text between the margins, in twips."""
    page = Mm(PAGE_HEIGHT_MM if landscape else PAGE_WIDTH_MM).twips
    return page - Mm(LEFT_MM).twips - Mm(RIGHT_MM).twips


def _set_up_page(document: WordDocument, *, landscape: bool) -> None:
    """A4 with the GB/T 9704 margins, on its side for wide tables."""
    section = document.sections[0]
    width, height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (height, width) if landscape else (width, height)
    section.top_margin, section.bottom_margin = Mm(TOP_MM), Mm(BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(LEFT_MM), Mm(RIGHT_MM)
    # The footer's bottom edge 25 mm up puts the middle of the page number's line, where
    # the 一字线 are, about 7 mm below the text block, as GB/T 9704 asks.
    section.footer_distance = Mm(25)
    # A line grid only.  The 28-characters-a-line grid of GB/T 9704 (linesAndChars with a
    # negative charSpace) makes LibreOffice give every 三号 character two cells, which
    # doubles the length of the document; without it a line holds 27 characters.
    # Landscape pages carry tables in small type, which a 三号 line grid would space out.
    if landscape:
        return
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = etree.SubElement(section._sectPr, qn("w:docGrid"))
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE_PITCH))


def _add_page_numbers(document: WordDocument) -> None:
    """``— 1 —`` in 四号 宋体: odd pages on the right, even pages on the left, one character in."""
    document.settings.odd_and_even_pages_header_footer = True
    section = document.sections[0]
    for footer, side in ((section.footer, "right"), (section.even_page_footer, "left")):
        footer.is_linked_to_previous = False
        placeholder = footer.paragraphs[0]._p
        placeholder.addnext(parse_xml(_page_number_xml(side)))
        placeholder.getparent().remove(placeholder)


def _page_number_xml(side: str) -> str:
    def text(value: str) -> str:
        return f'<w:r><w:t xml:space="preserve">{value}</w:t></w:r>'

    def field_char(kind: str) -> str:
        return f'<w:r><w:fldChar w:fldCharType="{kind}"/></w:r>'

    return (
        f"<w:p {nsdecls('w')}>"
        f'<w:pPr><w:pStyle w:val="{PAGE_NUMBER_STYLE}"/><w:ind w:{side}="{SIZE_4 * 10}"/>'
        f'<w:jc w:val="{side}"/></w:pPr>'
        + text("— ")
        + field_char("begin")
        + '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        + field_char("separate")
        + text("1")
        + field_char("end")
        + text(" —")
        + "</w:p>"
    )


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


# --- tables ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """A cell's content when it needs more than text: a style of its own, or several columns
    (``span``, as a chapter heading across a 对照表)."""

    content: str | Sequence[str | Paragraph]
    style: str | None = None
    span: int = 1


CellContent = str | Sequence[str | Paragraph] | Cell


class Table:
    """A table of fixed column widths, written as XML strings, row by row.

    A cell holds text (one paragraph a line, in the column's style) or a list of paragraphs
    (text, or ``Paragraph``s of ``Run``s in a style of their own).  The header row repeats on
    every page.  A row is kept on one page unless it is longer than SHORT_ROW_LINES lines,
    estimated with every character full-width at ``size``.
    """

    END = "</w:tbl>"

    def __init__(
        self,
        widths: Sequence[int],
        styles: str | Sequence[str] = TABLE_TEXT_STYLE,
        *,
        number_style: str | None = None,
        size: int = SIZE_SMALL_4,
        fixed: bool = True,
        middle: bool = True,
    ) -> None:
        """``widths`` in twips; ``styles`` of each column's paragraphs (one for all, or one a
        column); text that is a figure in ``number_style`` when given; ``fixed`` column widths
        (else Word may fit them to the content); cell content in the ``middle`` (else at the top)."""
        self.widths = list(widths)
        self.styles = [styles] * len(self.widths) if isinstance(styles, str) else list(styles)
        if len(self.styles) != len(self.widths):
            raise ValueError("one style per column")
        self.number_style = number_style
        self.char_width = size * 10
        self.fixed = fixed
        self.middle = middle
        self._cell_starts = [self._cell_start(width) for width in self.widths]
        self._chars_a_line = [self._chars(width) for width in self.widths]
        self._starts: dict[str, str] = {}

    @classmethod
    def by_shares(cls, width: int, shares: Sequence[int], styles: str | Sequence[str] = TABLE_TEXT_STYLE, **options):
        """Columns sharing ``width`` in proportion to ``shares``; the widest takes what rounding leaves."""
        widths = [width * share // sum(shares) for share in shares]
        widths[shares.index(max(shares))] += width - sum(widths)
        return cls(widths, styles, **options)

    def xml(
        self, rows: Iterable[Sequence[CellContent]], *, header: Sequence[CellContent] | None = None
    ) -> Iterator[str]:
        """The table, as pieces of XML: start, header row, rows, end."""
        yield self.start()
        if header is not None:
            yield self.row(header, header=True)
        for row in rows:
            yield self.row(row)
        yield self.END

    def start(self) -> str:
        grid = "".join(f'<w:gridCol w:w="{width}"/>' for width in self.widths)
        return (
            '<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/>'
            f'<w:tblW w:w="{sum(self.widths)}" w:type="dxa"/><w:jc w:val="center"/>'
            + ('<w:tblLayout w:type="fixed"/>' if self.fixed else "")
            + f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>"
        )

    def row(self, cells: Sequence[CellContent], *, header: bool = False, keep_together: bool | None = None) -> str:
        """One row; ``keep_together`` None decides by its length.  A header row repeats on every page."""
        parts = []
        tallest = 0
        column = 0
        for content in cells:
            span, style = 1, None
            if isinstance(content, Cell):
                content, style, span = content.content, content.style, content.span
            if header and style is None:
                style = TABLE_HEADER_STYLE
            if span == 1:
                start, chars_a_line = self._cell_starts[column], self._chars_a_line[column]
            else:
                width = sum(self.widths[column : column + span])
                start, chars_a_line = self._cell_start(width, span), self._chars(width)
            xml, height = self._content(content, style or self.styles[column], chars_a_line)
            parts += (start, xml, "</w:tc>")
            tallest = max(tallest, height)
            column += span
        if column != len(self.widths):
            raise ValueError(f"a row of {column} columns in a table of {len(self.widths)}")
        if keep_together is None:
            keep_together = header or tallest <= SHORT_ROW_LINES
        properties = "<w:cantSplit/>" if keep_together else ""
        properties += "<w:tblHeader/>" if header else ""
        return f"<w:tr>{f'<w:trPr>{properties}</w:trPr>' if properties else ''}{''.join(parts)}</w:tr>"

    def _chars(self, width: int) -> int:
        """Full-width characters a line of a cell ``width`` wide holds."""
        return max((width - CELL_MARGINS) // self.char_width, 1)

    def _cell_start(self, width: int, span: int = 1) -> str:
        return (
            f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>'
            + (f'<w:gridSpan w:val="{span}"/>' if span > 1 else "")
            + ('<w:vAlign w:val="center"/>' if self.middle else "")
            + "</w:tcPr>"
        )

    def _content(self, content: str | Sequence[str | Paragraph], style: str, chars_a_line: int) -> tuple[str, int]:
        """The paragraphs of a cell, and the lines they take; a cell holds at least one, even an empty one."""
        if isinstance(content, str):
            texts = lines(clean(content))
        elif all(isinstance(item, str) for item in content):
            texts = [clean(item) for item in content]
        else:
            paragraphs = [item if isinstance(item, Paragraph) else Paragraph([item]) for item in content]
            xml = "".join(paragraph_xml(item.style or style, *item.runs) for item in paragraphs)
            return xml or f"{self._start(style)}</w:p>", sum(-(-len(item.text) // chars_a_line) for item in paragraphs)
        if not texts:
            return f"{self._start(style)}</w:p>", 0
        start = self._start(style)
        number_start = self._start(self.number_style) if self.number_style else None
        xml = []
        height = 0
        for text in texts:
            xml.append(number_start if number_start and is_number(text) else start)
            if text:
                xml += ('<w:r><w:t xml:space="preserve">', _escaped(text), "</w:t></w:r>")
            xml.append("</w:p>")
            height += -(-len(text) // chars_a_line)
        return "".join(xml), height

    def _start(self, style: str) -> str:
        start = self._starts.get(style)
        if start is None:
            start = self._starts[style] = paragraph_xml(style)[: -len("</w:p>")]
        return start


# --- the document ---------------------------------------------------------------------


class OfficialDocument:
    """An official document being written: set up on creation, then filled block by block in
    reading order, and saved once."""

    def __init__(
        self,
        title: str,
        *,
        styles: Iterable[ParagraphStyle | CharacterStyle] = (),
        landscape: bool = False,
        author: str = "",
    ) -> None:
        """``title`` and ``author`` go into the file's properties (the text is written apart);
        ``styles`` are the document's own, besides the BASE_STYLES every one has."""
        self.document = Document()
        _set_up_page(self.document, landscape=landscape)
        _set_up_styles(self.document, styles)
        _add_page_numbers(self.document)
        properties = self.document.core_properties
        properties.title = title
        properties.author = author
        properties.comments = properties.last_modified_by = ""
        properties.created = properties.modified = datetime.now(UTC)
        self.text_width = text_width(landscape=landscape)
        self.blocks: list[str] = []

    def append(self, xml: str) -> None:
        """A block of WordprocessingML (``w:`` prefixed): a paragraph, a table or part of one."""
        self.blocks.append(xml)

    def paragraph(self, style: str = BODY_STYLE, *runs: str | Run) -> None:
        if style == TITLE_STYLE and len(runs) == 1 and isinstance(runs[0], str):
            per_line = self.text_width // (SIZE_2 * 10)  # 二号 characters on a line (half-points → twips)
            broken = title_lines(runs[0], per_line)
            if len(broken) > 1:
                breaks = "<w:r><w:br/></w:r>".join(_run_xml(line) for line in broken)
                self.blocks.append(paragraph_xml(style)[: -len("</w:p>")] + breaks + "</w:p>")
                return
        self.blocks.append(paragraph_xml(style, *runs))

    def table(
        self, table: Table, rows: Iterable[Sequence[CellContent]], *, header: Sequence[CellContent] | None = None
    ) -> None:
        self.blocks.extend(table.xml(rows, header=header))

    def picture(self, png: bytes, *, style: str) -> None:
        """A picture at the width of the text, alone in a paragraph of ``style`` (single-spaced,
        or an exact line height would clip it)."""
        inline = self.document.part.new_pic_inline(io.BytesIO(png), Twips(self.text_width), None)
        drawing = etree.tostring(inline, encoding=str)
        self.blocks.append(
            f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr><w:r><w:drawing>{drawing}</w:drawing></w:r></w:p>'
        )

    def docx(self) -> WordDocument:
        """The document as python-docx sees it, the blocks written so far in its body."""
        body = self.document.element.body
        for block in parse_xml(f"<w:body {nsdecls('w')}>{''.join(self.blocks)}</w:body>"):
            body.sectPr.addprevious(block)
        self.blocks.clear()
        return self.document

    def save(self, out: BinaryIO, *, tail: Iterable[str] = ()) -> None:
        """Write the .docx to ``out``, which need not be seekable.

        ``tail`` are blocks after those written so far, read once as the file is written, so
        that a long table streams into it in flat memory.  The font table names fallbacks for
        the official-document fonts.
        """
        skeleton = io.BytesIO()
        self.document.save(skeleton)
        with zipfile.ZipFile(skeleton) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                data = source.read(info)
                if info.filename == _FONT_TABLE_PART:
                    target.writestr(info.filename, _with_font_fallbacks(data))
                elif info.filename == _DOCUMENT_PART:
                    with target.open(_DOCUMENT_PART, "w") as document:
                        self._write_body(document, data, tail)
                else:
                    target.writestr(info.filename, data)

    def _write_body(self, document: BinaryIO, skeleton: bytes, tail: Iterable[str]) -> None:
        # The body ends with the section properties: everything goes before them.
        end = skeleton.rindex(b"<w:sectPr")
        document.write(skeleton[:end])
        pending: list[str] = []
        size = 0
        for piece in chain(self.blocks, tail):
            pending.append(piece)
            size += len(piece)
            if size >= _WRITE_CHARS:
                document.write("".join(pending).encode())
                pending.clear()
                size = 0
        document.write("".join(pending).encode())
        document.write(skeleton[end:])
