"""Turn an uploaded draft file into a parsed provision tree.

Uploads come from legislative staff and from the public, so the file type is decided
from the content (an extension says little), the file passes the safety checks every
upload does (cms.uploads), and every refusal carries a message in Chinese that tells the
user what to do.  Accepted: plain text / Markdown in UTF-8, UTF-16 (with BOM) or
GB18030/GBK, and Word .docx.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from docx import Document
from docx.document import Document as WordDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from lxml import etree

from cms import uploads
from cms.uploads import UploadError

from .numerals import MAX_NUMBER, to_chinese
from .parser import (
    HEADING_LEVELS,
    Node,
    ParseResult,
    SourceLine,
    TableCell,
    join_cells,
    normalize_chars,
    parse_lines,
    parse_text,
)

__all__ = [
    "ACCEPTED_FORMATS",
    "MAX_DRAFT_FILE_BYTES",
    "DraftFileError",
    "docx_lines",
    "read_draft_file",
    "write_docx",
]

MAX_DRAFT_FILE_BYTES = 20 * 1024 * 1024

ACCEPTED_FORMATS = "可接受的格式：纯文本（.txt）、Markdown（.md）、Word 文档（.docx）。"


class DraftFileError(UploadError):
    """A readable file that is not a draft regulation; ``message`` is for the user (Chinese).

    The other refusals of an upload (empty, too large, encrypted, damaged, not a text …) are
    cms.uploads.UploadError, which callers catch for both.
    """


# --- entry point ----------------------------------------------------------------------


def read_draft_file(name: str, data: bytes) -> ParseResult:
    """Read an uploaded draft (dispatching on content, not on ``name``) and parse it.

    Raises UploadError for anything that is not a readable regulation text: DraftFileError,
    a kind of it, for a readable text in which no 第…条 article can be found.
    """
    uploads.check_size(data, limit=MAX_DRAFT_FILE_BYTES)
    if uploads.is_ole(data):
        raise uploads.ole_refusal(name, data, ACCEPTED_FORMATS, kinds=("docx",))
    if uploads.is_zip(data):
        document = uploads.open_docx(data, accepted=ACCEPTED_FORMATS)
        result = parse_lines(_DocxReader(document).lines())
    else:
        if kind := uploads.binary_label(data):
            raise UploadError(f"不支持{kind}。{ACCEPTED_FORMATS}", "unsupported")
        result = parse_text(uploads.decode_text(data, accepted=ACCEPTED_FORMATS))
    if not result.is_valid:
        raise DraftFileError("未在文件中找到“第……条”形式的条文，请检查文件是否为法规草案。", "no_articles")
    return result


# --- .docx: numbering -----------------------------------------------------------------


_ROMAN = (
    (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"),
    (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
)  # fmt: skip


def _roman(n: int) -> str:
    out = []
    for value, letters in _ROMAN:
        count, n = divmod(n, value)
        out.append(letters * count)
    return "".join(out)


def _letters(n: int) -> str:
    """Word's letter numbering: a..z, then aa..zz, aaa..."""
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def _chinese(n: int, zero: str = "零") -> str:
    return to_chinese(n).replace("零", zero) if 1 <= n <= MAX_NUMBER else str(n)


_FULLWIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")
_IDEOGRAPH_DIGITS = str.maketrans("0123456789", "〇一二三四五六七八九")

# numFmt values that appear in Chinese legal documents, rendered the way Word does.
_NUMBER_FORMATS: dict[str, Callable[[int], str]] = {
    "decimal": str,
    "decimalZero": lambda n: f"{n:02d}",
    "decimalFullWidth": lambda n: str(n).translate(_FULLWIDTH_DIGITS),
    "decimalFullWidth2": lambda n: str(n).translate(_FULLWIDTH_DIGITS),
    "chineseCounting": lambda n: _chinese(n, "〇"),
    "japaneseCounting": lambda n: _chinese(n, "〇"),
    "chineseCountingThousand": _chinese,
    "ideographDigital": lambda n: str(n).translate(_IDEOGRAPH_DIGITS),
    "lowerLetter": _letters,
    "upperLetter": lambda n: _letters(n).upper(),
    "lowerRoman": _roman,
    "upperRoman": lambda n: _roman(n).upper(),
    "none": lambda n: "",
}
_LEVEL_PLACEHOLDER_RE = re.compile(r"%([1-9])")
_SUFFIXES = {"tab": " ", "space": " ", "nothing": ""}


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = ""
    suffix: str = " "
    # w:lvlRestart: restart after a level < this (1-based) is used; 0 = never; None = any.
    restart: int | None = None


def _attr(element: etree._Element | None, path: str) -> str | None:
    """The w:val of the child at ``path`` (e.g. ``w:numFmt``), if any."""
    if element is None:
        return None
    found = element.find(path, namespaces=_NS)
    return None if found is None else found.get(qn("w:val"))


_NS = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _read_level(lvl: etree._Element) -> _Level:
    return _Level(
        start=_int(_attr(lvl, "w:start"), 1),
        fmt=_attr(lvl, "w:numFmt") or "decimal",
        text=_attr(lvl, "w:lvlText") or "",
        suffix=_SUFFIXES.get(_attr(lvl, "w:suff") or "tab", " "),
        restart=None if (restart := _attr(lvl, "w:lvlRestart")) is None else _int(restart, 0),
    )


class _Numbering:
    """Renders Word automatic numbering (w:numPr) as the text Word would display.

    One counter per (numId, ilvl); numbering a level resets the deeper levels, so that
    第%1条 / （%2） style lists restart their items in each article, unless a deeper level
    says otherwise with w:lvlRestart (第%1章 / 第%2条 lists number articles continuously).
    """

    def __init__(self, numbering: etree._Element | None) -> None:
        self.levels: dict[str, dict[int, _Level]] = {}
        self.counters: dict[str, list[int | None]] = {}
        if numbering is None:
            return
        abstract: dict[str, dict[int, _Level]] = {}
        for element in numbering.iterfind("w:abstractNum", _NS):
            abstract[element.get(qn("w:abstractNumId"), "")] = {
                _int(lvl.get(qn("w:ilvl")), 0): _read_level(lvl) for lvl in element.iterfind("w:lvl", _NS)
            }
        for num in numbering.iterfind("w:num", _NS):
            levels = dict(abstract.get(_attr(num, "w:abstractNumId") or "", {}))
            for override in num.iterfind("w:lvlOverride", _NS):
                ilvl = _int(override.get(qn("w:ilvl")), 0)
                lvl = override.find("w:lvl", _NS)
                if lvl is not None:
                    levels[ilvl] = _read_level(lvl)
                start = _attr(override, "w:startOverride")
                if start is not None and ilvl in levels:
                    base = levels[ilvl]
                    levels[ilvl] = replace(base, start=_int(start, 1))
            self.levels[num.get(qn("w:numId"), "")] = levels

    def render(self, num_id: str, ilvl: int) -> str:
        """Advance the counter of (num_id, ilvl) and return the prefix, e.g. ``第三条 ``."""
        levels = self.levels.get(num_id)
        if not levels or ilvl not in levels:
            return ""
        counters = self.counters.setdefault(num_id, [None] * 10)
        current = counters[ilvl]
        counters[ilvl] = levels[ilvl].start if current is None else current + 1
        for deeper in range(ilvl + 1, len(counters)):
            restart = levels[deeper].restart if deeper in levels else None
            if restart is None or ilvl < restart:
                counters[deeper] = None

        def value(match: re.Match[str]) -> str:
            index = int(match[1]) - 1
            level = levels.get(index, _Level())
            count = counters[index] if counters[index] is not None else level.start
            return _NUMBER_FORMATS.get(level.fmt, str)(count)

        level = levels[ilvl]
        if level.fmt == "bullet":
            return ""  # bullet glyphs (often private-use Symbol characters) are not text
        prefix = _LEVEL_PLACEHOLDER_RE.sub(value, level.text)
        return prefix + level.suffix if prefix else ""


# --- .docx: text ----------------------------------------------------------------------


@dataclass
class _Style:
    name: str
    based_on: str | None
    num_id: str | None
    ilvl: str | None
    outline: str | None


def _read_styles(styles: etree._Element) -> dict[str, _Style]:
    result: dict[str, _Style] = {}
    for style in styles.iterfind("w:style", _NS):
        ppr = style.find("w:pPr", _NS)
        result[style.get(qn("w:styleId"), "")] = _Style(
            name=(_attr(style, "w:name") or "").lower(),
            based_on=_attr(style, "w:basedOn"),
            num_id=_attr(ppr, "w:numPr/w:numId"),
            ilvl=_attr(ppr, "w:numPr/w:ilvl"),
            outline=_attr(ppr, "w:outlineLvl"),
        )
    return result


_RUN_XPATH = etree.XPath(
    ".//w:r[not(ancestor::w:del or ancestor::w:moveFrom or ancestor::w:txbxContent or ancestor::mc:Fallback)]",
    namespaces={**_NS, "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006"},
)
_RUN_TEXT = {qn("w:t"): None, qn("w:tab"): " ", qn("w:cr"): "\n", qn("w:noBreakHyphen"): "-"}


class _DocxReader:
    """Walks the document body in order: paragraphs, tables, content controls."""

    def __init__(self, document: WordDocument, *, cells: bool = False) -> None:
        self.cells = cells
        try:
            numbering = document.part.part_related_by(RT.NUMBERING).element
        except KeyError:
            numbering = None
        self.numbering = _Numbering(numbering)
        self.styles = _read_styles(document.styles.element)
        self.body = document.element.body
        self.count = 0
        self.tables = 0

    def lines(self) -> Iterator[SourceLine]:
        yield from self._blocks(self.body)

    def _blocks(self, container: etree._Element) -> Iterator[SourceLine]:
        for child in container:
            if child.tag == qn("w:p"):
                self.count += 1
                text = self._paragraph_text(child)
                heading = self._is_heading(child)
                for piece in text.split("\n"):
                    if piece.strip():
                        yield SourceLine(piece.strip(), self.count, heading)
            elif child.tag == qn("w:tbl"):
                yield from self._table(child)
            elif child.tag == qn("w:sdt"):
                content = child.find("w:sdtContent", _NS)
                if content is not None:
                    yield from self._blocks(content)

    def _table(self, table: etree._Element) -> Iterator[SourceLine]:
        """Each row becomes one ``a | b`` line; it is kept as part of the current article.

        With ``cells`` every paragraph of every cell is a line of its own instead, with its
        ``TableCell``, for readers that need the columns (the proposer column of meeting notes).
        """
        self.tables += 1
        table_number = self.tables
        for row_number, row in enumerate(table.iterfind("w:tr", _NS)):
            if self.cells:
                column = 0
                for cell in row.iterfind("w:tc", _NS):
                    # A table nested in a cell is read as that cell's text.
                    where = TableCell(table_number, row_number, column)
                    yield from (replace(line, table=True, cell=where) for line in self._blocks(cell))
                    column += max(1, _int(_attr(cell.find("w:tcPr", _NS), "w:gridSpan"), 1))
                continue
            self.count += 1
            cells = [" ".join(line.text for line in self._blocks(cell)) for cell in row.iterfind("w:tc", _NS)]
            text = join_cells(cells)
            if text:
                yield SourceLine(text, self.count, table=True)

    def _paragraph_text(self, paragraph: etree._Element) -> str:
        parts = [self._number_prefix(paragraph)]
        for run in _RUN_XPATH(paragraph):
            for element in run:
                if element.tag in _RUN_TEXT:
                    parts.append(_RUN_TEXT[element.tag] or element.text or "")
                elif element.tag == qn("w:br") and element.get(qn("w:type")) in (
                    None,
                    "textWrapping",
                ):
                    parts.append("\n")
        return normalize_chars("".join(parts))

    def _style_chain(self, style_id: str | None) -> Iterator[_Style]:
        seen: set[str] = set()
        while style_id and style_id in self.styles and style_id not in seen:
            seen.add(style_id)
            style = self.styles[style_id]
            yield style
            style_id = style.based_on

    def _number_prefix(self, paragraph: etree._Element) -> str:
        ppr = paragraph.find("w:pPr", _NS)
        num_id, ilvl = _attr(ppr, "w:numPr/w:numId"), _attr(ppr, "w:numPr/w:ilvl")
        for style in self._style_chain(_attr(ppr, "w:pStyle")):
            num_id = num_id or style.num_id
            ilvl = ilvl or style.ilvl
        if not num_id or num_id == "0":  # numId 0 explicitly removes numbering
            return ""
        return self.numbering.render(num_id, _int(ilvl, 0))

    def _is_heading(self, paragraph: etree._Element) -> bool:
        ppr = paragraph.find("w:pPr", _NS)
        if _attr(ppr, "w:outlineLvl") not in (None, "9"):
            return True
        return any(
            style.name == "title" or style.name.startswith(("heading", "标题")) or style.outline not in (None, "9")
            for style in self._style_chain(_attr(ppr, "w:pStyle"))
        )


def docx_lines(data: bytes, *, cells: bool = False) -> list[SourceLine]:
    """The text lines of a .docx (numbering rendered, tables as rows), after safety checks.

    ``SourceLine.line`` is the number of the paragraph (or table row) in the body.  With
    ``cells``, table cells are not joined into rows: each paragraph in a cell is a line
    (flagged ``table``, with its ``cell``) numbered as a paragraph.
    Raises cms.uploads.UploadError for a file that is not a readable .docx.
    """
    return list(_DocxReader(uploads.open_docx(data), cells=cells).lines())


# --- writing .docx --------------------------------------------------------------------


def write_docx(result: ParseResult) -> bytes:
    """A simple .docx of a parsed text: title, preamble, headings, articles, items.

    Reading it back with read_draft_file gives the same tree (round trip), which lets
    staff download a clean Word version of an imported draft.
    """
    document = Document()
    if result.title:
        document.add_paragraph(result.title, style="Title")
    for line in result.preamble.splitlines():
        document.add_paragraph(line)
    for node in result.nodes:
        _write_node(document, node)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _write_node(document: WordDocument, node: Node) -> None:
    if node.kind in HEADING_LEVELS:
        heading = f"{node.label}　{node.title}" if node.title else node.label
        document.add_heading(heading, level=HEADING_LEVELS[node.kind] + 1)
        for line in node.text.splitlines():
            document.add_paragraph(line)
        for child in node.children:
            _write_node(document, child)
        return
    if node.kind == "article":
        label = node.label + (f"（{node.title}）" if node.title else "")
        paragraphs = node.children or [Node("paragraph", 1, "第一款")]
        first, *rest = paragraphs
        _write_text(document, f"{label}　{first.text}" if first.text else label)
        for child in first.children:
            _write_node(document, child)
        for paragraph in rest:
            _write_node(document, paragraph)
        return
    prefix = node.label if node.kind in ("item", "subitem") else ""
    _write_text(document, prefix + node.text)
    for child in node.children:
        _write_node(document, child)


def _write_text(document: WordDocument, text: str) -> None:
    """First line as a paragraph; further lines are table rows appended to it."""
    first, *rows = text.split("\n")
    document.add_paragraph(first)
    if not rows:
        return
    cells = [row.split(" | ") for row in rows]
    table = document.add_table(rows=len(cells), cols=max(map(len, cells)))
    for row, values in zip(table.rows, cells, strict=False):
        for cell, value in zip(row.cells, values, strict=False):
            cell.text = value
