"""A draft regulation as a Word file laid out as a Chinese official document (GB/T 9704-2012).

Legislative-affairs staff print drafts for meetings and send them to other offices, so the
file must look like one they would have typed themselves: A4 with the standard margins, a
方正小标宋 title, 仿宋 body text on a 22-line grid, 黑体 chapter headings and article labels,
``— 1 —`` page numbers.  The formatting lives in named styles (法规标题, 章标题, 条标, …) so
that staff can change it for the whole document in Word, and so that the body is plain
paragraphs which lxml builds quickly (python-docx's ``add_paragraph``/``add_run`` would look
up the style and scan the text character by character on every call).

The file reads back through ``drafts.readers.read_draft_file`` to the same articles.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm
from lxml import etree

from .parser import HEADING_LEVELS, Node

__all__ = ["WordDraft", "draft_docx"]

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

PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
TOP_MM, BOTTOM_MM, LEFT_MM, RIGHT_MM = 37, 35, 28, 26
#: GB/T 9704 asks for 22 lines a page (and 28 characters a line, see _set_up_page).
LINES_PER_PAGE = 22
#: Exact line spacing in twips: 225 mm / 22 lines = 28.95 pt (579).  A round 29 pt would push
#: the 22nd line onto the next page.
LINE_PITCH = Mm(PAGE_HEIGHT_MM - TOP_MM - BOTTOM_MM).twips // LINES_PER_PAGE

FULL_WIDTH_SPACE = "\u3000"

BODY_STYLE = "Normal"
TITLE_STYLE = "DraftTitle"
STAGE_STYLE = "DraftStage"
BYLINE_STYLE = "DraftByline"
NOTE_STYLE = "DraftNote"
TABLE_TEXT_STYLE = "DraftTableText"
PAGE_NUMBER_STYLE = "DraftPageNumber"
ARTICLE_LABEL_STYLE = "DraftArticleLabel"
HEADING_STYLES = {
    "part": "DraftPart",
    "subpart": "DraftSubpart",
    "chapter": "DraftChapter",
    "section": "DraftSection",
}

# Characters XML 1.0 cannot carry (lxml refuses them); tabs would need <w:tab/>.
_XML_INVALID_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

_P, _PPR, _PSTYLE, _R, _RPR, _RSTYLE, _T, _VAL = (
    qn(tag) for tag in ("w:p", "w:pPr", "w:pStyle", "w:r", "w:rPr", "w:rStyle", "w:t", "w:val")
)
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


@dataclass
class WordDraft:
    """What goes into the Word file: the title block and the provision tree."""

    title: str
    stage_label: str = ""  # 征求意见稿 → printed as （征求意见稿） under the title
    drafting_body: str = ""  # 起草单位
    date_text: str = ""  # 2026年11月22日
    preamble: str = ""  # 题注, one paragraph per line
    nodes: list[Node] = field(default_factory=list)


def draft_docx(draft: WordDraft) -> bytes:
    """The draft as a .docx in official-document layout."""
    document = Document()
    _set_up_page(document)
    _set_up_styles(document)
    _add_page_numbers(document)
    properties = document.core_properties
    properties.title = draft.title
    properties.author = draft.drafting_body
    properties.comments = properties.last_modified_by = ""
    properties.created = properties.modified = datetime.now(UTC)

    writer = _BodyWriter(document)
    writer.front_matter(draft)
    writer.nodes(draft.nodes)
    writer.close()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- page -----------------------------------------------------------------------------


def _set_up_page(document: WordDocument, *, landscape: bool = False) -> None:
    """A4 with the GB/T 9704 margins; ``landscape`` for wide tables (comments.word_export)."""
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


# --- styles ---------------------------------------------------------------------------


def _run_properties(
    font: str, size: int | None = None, *, bold: bool = False, latin: str = LATIN_FONT, chinese: bool = False
) -> str:
    """Fonts for every script: python-docx's ``font.name`` leaves w:eastAsia, the one that
    matters for Chinese text, unset; the hint makes Word set “” and — in the Chinese font.
    ``chinese`` marks the text as zh-CN (proofing, line breaking)."""
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
    align: str = "center",
    first_line_chars: int = 0,
    side_chars: int = 0,
    before: int = 0,
    line: int | None = LINE_PITCH,
    outline: int | None = None,
    keep_next: bool = False,
) -> str:
    """Exact ``line`` spacing in twips (None: single); indents are given both in characters
    (Word) and in twips (LibreOffice ignores the former)."""
    char = SIZE_3 * 10
    spacing = f'w:line="{line}" w:lineRule="exact"' if line else 'w:line="240" w:lineRule="auto"'
    return (
        "<w:pPr>"
        + ("<w:keepNext/><w:keepLines/>" if keep_next else "")
        + '<w:widowControl w:val="0"/>'
        + f'<w:spacing w:before="{before}" w:after="0" {spacing}/>'
        + f'<w:ind w:leftChars="{side_chars * 100}" w:left="{side_chars * char}"'
        + f' w:rightChars="{side_chars * 100}" w:right="{side_chars * char}"'
        + f' w:firstLineChars="{first_line_chars * 100}" w:firstLine="{first_line_chars * char}"/>'
        + f'<w:jc w:val="{align}"/>'
        + (f'<w:outlineLvl w:val="{outline}"/>' if outline is not None else "")
        + "</w:pPr>"
    )


_HEADING = {"before": LINE_PITCH, "keep_next": True}
# style id, name shown in Word, paragraph properties, run properties.  The title and the
# headings carry outline levels: Word's navigation pane lists them, and drafts.readers
# recognises them as headings when the file comes back.
_PARAGRAPH_STYLES = (
    (TITLE_STYLE, "法规标题", {"outline": 0, "keep_next": True}, _run_properties(TITLE_FONT, SIZE_2)),
    (STAGE_STYLE, "稿别", {"keep_next": True}, _run_properties(KAI_FONT, SIZE_3)),
    (BYLINE_STYLE, "起草单位与日期", {"keep_next": True}, _run_properties(KAI_FONT, SIZE_4)),
    (NOTE_STYLE, "题注", {"align": "both", "side_chars": 2}, _run_properties(KAI_FONT, SIZE_3)),
    (HEADING_STYLES["part"], "编标题", {"outline": 1, **_HEADING}, _run_properties(HEADING_FONT, SIZE_3)),
    (HEADING_STYLES["subpart"], "分编标题", {"outline": 2, **_HEADING}, _run_properties(HEADING_FONT, SIZE_3)),
    (HEADING_STYLES["chapter"], "章标题", {"outline": 3, **_HEADING}, _run_properties(HEADING_FONT, SIZE_3)),
    (
        HEADING_STYLES["section"],
        "节标题",
        {"outline": 4, "keep_next": True},
        _run_properties(KAI_FONT, SIZE_3, bold=True),
    ),
    (TABLE_TEXT_STYLE, "表格文字", {"align": "left", "line": None}, _run_properties(BODY_FONT, SIZE_4)),
    # GB/T 9704 asks for 宋体 digits too, hence no Latin font.
    (PAGE_NUMBER_STYLE, "页码", {"line": None}, _run_properties(PAGE_NUMBER_FONT, SIZE_4, latin=PAGE_NUMBER_FONT)),
)


def _paragraph_style(style_id: str, name: str, paragraph: dict, run: str) -> str:
    """A paragraph style based on Normal, in the (style id, name, paragraph, run) form above."""
    return (
        f'<w:style {nsdecls("w")} w:type="paragraph" w:customStyle="1" w:styleId="{style_id}">'
        f'<w:name w:val="{name}"/><w:basedOn w:val="{BODY_STYLE}"/><w:qFormat/>'
        f"{_paragraph_properties(**paragraph)}{run}</w:style>"
    )


def _style_definitions() -> Iterator[str]:
    for style in _PARAGRAPH_STYLES:
        yield _paragraph_style(*style)
    yield (
        f'<w:style {nsdecls("w")} w:type="character" w:customStyle="1" w:styleId="{ARTICLE_LABEL_STYLE}">'
        '<w:name w:val="条标"/><w:basedOn w:val="DefaultParagraphFont"/><w:qFormat/>'
        f"{_run_properties(HEADING_FONT)}</w:style>"
    )


def _set_up_styles(document: WordDocument) -> None:
    """Body text in Normal (正文), the rest in styles of their own based on it.

    The template's defaults use theme fonts, which win over explicit font names, so the
    document defaults are replaced rather than amended.
    """
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is not None:
        styles.remove(defaults)
    styles.insert(
        0,
        parse_xml(
            f"<w:docDefaults {nsdecls('w')}><w:rPrDefault>"
            + _run_properties(BODY_FONT, SIZE_3, chinese=True)
            + '</w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="0"/></w:pPr></w:pPrDefault></w:docDefaults>'
        ),
    )
    normal = document.styles["Normal"].element
    normal.addnext(
        parse_xml(
            f'<w:style {nsdecls("w")} w:type="paragraph" w:default="1" w:styleId="{BODY_STYLE}">'
            '<w:name w:val="Normal"/><w:qFormat/>'
            + _paragraph_properties(align="both", first_line_chars=2)
            + _run_properties(BODY_FONT, SIZE_3)
            + "</w:style>"
        )
    )
    styles.remove(normal)
    for definition in _style_definitions():
        styles.append(parse_xml(definition))


# --- body -----------------------------------------------------------------------------


def _clean(text: str) -> str:
    return _XML_INVALID_RE.sub("", text.replace("\t", " "))


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


Run = tuple[str | None, str]  # (character style id, text)


class _BodyWriter:
    """Appends paragraphs and tables to the document body, in reading order."""

    def __init__(self, document: WordDocument) -> None:
        section = document.sections[0]
        self.text_width = section.page_width.twips - section.left_margin.twips - section.right_margin.twips
        # Taken out while writing so that every block can simply be appended.
        self.body = document.element.body
        self.section = self.body.sectPr
        self.body.remove(self.section)

    def close(self) -> None:
        self.body.append(self.section)

    def paragraph(self, style: str, *runs: Run, parent: etree._Element | None = None) -> None:
        p = etree.SubElement(self.body if parent is None else parent, _P)
        if style != BODY_STYLE:
            etree.SubElement(etree.SubElement(p, _PPR), _PSTYLE).set(_VAL, style)
        for run_style, text in runs:
            if not text:
                continue
            r = etree.SubElement(p, _R)
            if run_style:
                etree.SubElement(etree.SubElement(r, _RPR), _RSTYLE).set(_VAL, run_style)
            t = etree.SubElement(r, _T)
            t.text = _clean(text)
            if text[0] == " " or text[-1] == " ":
                t.set(_XML_SPACE, "preserve")

    def front_matter(self, draft: WordDraft) -> None:
        """Title, （征求意见稿）, drafting body, date and 题注, then a blank line before the body."""
        written = False
        stage = draft.stage_label.strip().strip("（）()")
        lines = [
            (TITLE_STYLE, draft.title.strip()),
            (STAGE_STYLE, f"（{stage}）" if stage else ""),
            (BYLINE_STYLE, draft.drafting_body.strip()),
            (BYLINE_STYLE, draft.date_text.strip()),
            *((NOTE_STYLE, line) for line in _lines(draft.preamble)),
        ]
        for style, text in lines:
            if text:
                self.paragraph(style, (None, text))
                written = True
        # Headings bring their own space above.
        if written and not (draft.nodes and draft.nodes[0].kind in HEADING_LEVELS):
            self.paragraph(BODY_STYLE)

    def nodes(self, nodes: Iterable[Node]) -> None:
        for node in nodes:
            if node.kind in HEADING_LEVELS:
                self.heading(node)
            elif node.kind == "article":
                self.article(node)
            else:
                self.provision(node)

    def heading(self, node: Node) -> None:
        text = f"{node.label}{FULL_WIDTH_SPACE}{node.title}" if node.title else node.label
        self.paragraph(HEADING_STYLES[node.kind], (None, text))
        for line in _lines(node.text):  # stray text between a heading and its first article
            self.paragraph(BODY_STYLE, (None, line))
        self.nodes(node.children)

    def article(self, node: Node) -> None:
        """One paragraph per 款; the first starts with the label (and title) in 黑体."""
        label = node.label + (f"（{node.title}）" if node.title else "")
        if not node.children:
            first, *rest = node.text.split("\n")
            self.labelled(label, first)
            for line in _lines("\n".join(rest)):
                self.paragraph(BODY_STYLE, (None, line))
            return
        first_child, *others = node.children
        self.provision(first_child, label)
        self.nodes(others)

    def labelled(self, label: str, text: str) -> None:
        self.paragraph(BODY_STYLE, (ARTICLE_LABEL_STYLE, label), (None, FULL_WIDTH_SPACE + text if text else ""))

    def provision(self, node: Node, label: str = "") -> None:
        """A 款, 项 or 目 and what it contains.

        The parser appends table rows (``a | b``, see parser.join_cells) to the text of the
        provision they follow, one row per line, so the lines after the first are a table,
        unless none has two cells: then they are more likely line breaks typed by an editor
        than a one-column table, and print as paragraphs.
        """
        first, *rows = node.text.split("\n")
        if node.kind in ("item", "subitem"):
            first = node.label + first
        if label:
            self.labelled(label, first)
        elif first:  # a 款 that only introduces items has no text of its own
            self.paragraph(BODY_STYLE, (None, first))
        if any(" | " in row for row in rows):
            self.table([row.split(" | ") for row in rows])
        else:
            for line in _lines("\n".join(rows)):
                self.paragraph(BODY_STYLE, (None, line))
        self.nodes(node.children)

    def table(self, rows: list[list[str]]) -> None:
        columns = max(map(len, rows))
        width = str(self.text_width // columns)
        table = etree.SubElement(self.body, qn("w:tbl"))
        properties = etree.SubElement(table, qn("w:tblPr"))
        etree.SubElement(properties, qn("w:tblStyle")).set(_VAL, "TableGrid")
        table_width = etree.SubElement(properties, qn("w:tblW"))
        table_width.set(qn("w:w"), "5000")
        table_width.set(qn("w:type"), "pct")
        grid = etree.SubElement(table, qn("w:tblGrid"))
        for _ in range(columns):
            etree.SubElement(grid, qn("w:gridCol")).set(qn("w:w"), width)
        for values in rows:
            row = etree.SubElement(table, qn("w:tr"))
            for value in values + [""] * (columns - len(values)):
                cell = etree.SubElement(row, qn("w:tc"))
                cell_width = etree.SubElement(etree.SubElement(cell, qn("w:tcPr")), qn("w:tcW"))
                cell_width.set(qn("w:w"), width)
                cell_width.set(qn("w:type"), "dxa")
                self.paragraph(TABLE_TEXT_STYLE, (None, value.strip()), parent=cell)
