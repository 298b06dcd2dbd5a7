"""Parse the text of a regulation into a tree of provisions.

The hierarchy of Chinese legislation is 编 > 分编 > 章 > 节 > 条 > 款 > 项 > 目.  Headings
(编/分编/章/节) and articles (条) are recognised by their labels (第一章, 第十二条);
paragraphs (款) are the lines of an article, items (项) start with （一） and
sub-items (目) with 1. or （1）.

This module is pure Python on purpose: it is used by the importer, by tests and by
scripts that must not need Django or a database.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, overload

from .citations import ARTICLE_LABEL_RE, HEADING_LABEL_RE, continues_citation, number_value
from .numerals import MAX_NUMBER, article_label, to_chinese

__all__ = [
    "ERROR_CODES",
    "KINDS",
    "Node",
    "ParseResult",
    "ParseWarning",
    "SourceLine",
    "TableCell",
    "join_cells",
    "normalize_chars",
    "parse_lines",
    "parse_text",
    "split_source_lines",
]

KINDS = ("part", "subpart", "chapter", "section", "article", "paragraph", "item", "subitem")
HEADING_UNITS = {"编": "part", "分编": "subpart", "章": "chapter", "节": "section"}
HEADING_LEVELS = {"part": 0, "subpart": 1, "chapter": 2, "section": 3}
UNIT_NAMES = {kind: unit for unit, kind in HEADING_UNITS.items()}

#: Warning codes that make a parse unusable: the importer refuses such files.
ERROR_CODES = frozenset({"no_articles"})

# --- patterns -------------------------------------------------------------------------

# `第一条（立法目的）` / `第一条 【立法目的】`: a short bracketed title right after the label.
_ARTICLE_TITLE_RE = re.compile(
    r"^[（(【\[〔]\s*(?P<title>[^（）()【】\[\]〔〕。；;，,]{1,40}?)\s*[）)】\]〕]\s*(?P<rest>.*)$",
    re.S,
)
_ITEM_RE = re.compile(r"^(?P<label>[（(]\s*(?P<num>[一二三四五六七八九十百]+)\s*[）)])\s*(?P<rest>.*)$", re.S)
_SUBITEM_RE = re.compile(
    r"^(?P<label>[（(]\s*(?P<num>[0-9０-９]+)\s*[）)]|(?P<num2>[0-9０-９]+)\s*[.．、](?![0-9０-９]))"
    r"\s*(?P<rest>.*)$",
    re.S,
)
_SENTENCE_PUNCT_RE = re.compile(r"[。；;，,：:！!？?]")
_HEADING_SEPARATOR_RE = re.compile(r"^[\s:：、.．]+")
_TITLE_NOTE_RE = re.compile(r"[（(][^（）()]*[）)]$")
_TITLE_END_RE = re.compile(
    r"(?:条例|法|法典|规定|办法|决定|细则|规则|规程|章程|准则|决议|意见|通知|公告|纲要|标准|制度|守则"
    r"|公约|目录|清单|修正案)$"
)
# A line such as （草案） or （征求意见稿） printed under the title.
_DRAFT_NOTE_RE = re.compile(
    r"^[（(][^（）()]{0,20}(?:草案|征求意见稿|送审稿|修订稿|修改稿|审议稿|讨论稿|表决稿|[一二三四]审稿)[^（）()]{0,10}[）)]$"
)
# 稿别, the stage a text is at (（征求意见稿）, （二审稿）, （草案修改稿）): a note ending in one is the stage,
# not part of the title; what comes before the stage word (草案, 修订草案) stays with the title.
_STAGE_NOTE_RE = re.compile(
    r"[（(]\s*(?P<prefix>[^（）()]{0,12}?)[\s·・]*"
    r"(?P<stage>(?:[一二三四]审|征求意见|送审|修改|修订|审议|讨论|表决)稿)\s*[）)]$"
)
_TOC_WORDS = frozenset({"目录", "目次"})

# --- Markdown clean-up ----------------------------------------------------------------

_CHAR_FIXES = str.maketrans(
    {
        **dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None),
        **dict.fromkeys(map(ord, "\u00a0\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"), " "),
        **dict.fromkeys(map(ord, "\u200a\u202f\u205f\t\v\f"), " "),
    }
)
_FENCE_RE = re.compile(r"^(?:```|~~~)")
_QUOTE_RE = re.compile(r"^(?:>\s?)+")
_ATX_RE = re.compile(r"^#{1,6}(?!#)\s*")
_BULLET_RE = re.compile(r"^(?:[-*+]|\d+[.)])\s+")
_RULE_RE = re.compile(r"^(?:(?:\*\s*){3,}|(?:-\s*){3,}|(?:_\s*){3,})$")
_SETEXT_RE = re.compile(r"^(?:={2,}|-{2,})$")
_EMPHASIS_RE = re.compile(r"\*\*|__")
_LEADING_ITALIC_RE = re.compile(r"^([*_])(?=\S)(.+?)(?<=\S)\1")
_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>])")
_TABLE_SEPARATOR_RE = re.compile(r"^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?$")
_CELL_SPLIT_RE = re.compile(r"(?<!\\)\|")


# --- data -----------------------------------------------------------------------------


@dataclass
class Node:
    """One provision: a heading (编/分编/章/节), an article, paragraph, item or sub-item.

    For articles ``text`` is the whole article without its label; for paragraphs,
    items and sub-items it is the node's own text (items and sub-items are children).
    ``line`` is the 1-based source line; it does not take part in comparisons so that
    the same text read from Markdown and from Word compares equal.
    """

    kind: str
    number: int | None
    label: str
    title: str = ""
    text: str = ""
    children: list[Node] = field(default_factory=list)
    line: int | None = field(default=None, compare=False)

    def walk(self) -> Iterator[Node]:
        """This node and all its descendants, in document order."""
        yield self
        for child in self.children:
            yield from child.walk()

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "number": self.number,
            "label": self.label,
            "title": self.title,
            "text": self.text,
            "children": [child.to_dict() for child in self.children],
        }


@dataclass
class ParseWarning:
    """A problem found in the text; ``message`` is shown to the (Chinese) user as is."""

    code: str
    message: str
    line: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "line": self.line}


class _KindCount:
    """Read-only attribute counting the nodes of one kind (``result.articles``)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> _KindCount: ...
    @overload
    def __get__(self, obj: ParseResult, owner: type | None = None) -> int: ...
    def __get__(self, obj: ParseResult | None, owner: type | None = None) -> int | _KindCount:
        return self if obj is None else obj.counts()[self.kind]


@dataclass
class ParseResult:
    title: str = ""
    # The 稿别 printed with the title (征求意见稿, 二审稿, 修改稿 …), kept apart from it: see `stage_of`.
    stage_note: str = ""
    preamble: str = ""
    nodes: list[Node] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)

    parts = _KindCount("part")
    subparts = _KindCount("subpart")
    chapters = _KindCount("chapter")
    sections = _KindCount("section")
    articles = _KindCount("article")
    paragraphs = _KindCount("paragraph")
    items = _KindCount("item")
    subitems = _KindCount("subitem")

    def walk(self) -> Iterator[Node]:
        """Every node of the tree in document order."""
        for node in self.nodes:
            yield from node.walk()

    def counts(self) -> Counter[str]:
        """Number of nodes per kind (missing kinds count 0)."""
        return Counter(node.kind for node in self.walk())

    def articles_flat(self) -> Iterator[Node]:
        """The articles in document order, whatever headings they sit under."""
        stack = list(reversed(self.nodes))
        while stack:
            node = stack.pop()
            if node.kind == "article":
                yield node
            elif node.kind in HEADING_LEVELS:
                stack.extend(reversed(node.children))

    @property
    def errors(self) -> list[ParseWarning]:
        """Warnings that make the text unusable as a draft."""
        return [w for w in self.warnings if w.code in ERROR_CODES]

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict[str, Any]:
        counts = self.counts()
        return {
            "title": self.title,
            "stage_note": self.stage_note,
            "parts": counts["part"],
            "chapters": counts["chapter"],
            "sections": counts["section"],
            "articles": counts["article"],
            "paragraphs": counts["paragraph"],
            "items": counts["item"],
            "warnings": [w.to_dict() for w in self.warnings],
            "tree": [node.to_dict() for node in self.nodes],
        }


@dataclass(frozen=True)
class TableCell:
    """Where a line read from a table cell sits: the table (numbered in the document), row and column from 0.

    The column counts the grid columns a merged cell spans, so a column keeps its index in every row.
    """

    table: int
    row: int
    column: int


@dataclass
class SourceLine:
    """A non-empty line of input after clean-up.

    ``heading`` marks lines that were a Markdown or Word heading (used to find the
    title and to trust 第…章 lines); ``table`` marks table rows, which are appended to
    the current provision's text instead of starting a new paragraph.  ``cell`` is set
    for the lines of a Word table read cell by cell.
    """

    text: str
    line: int | None = None
    heading: bool = False
    table: bool = False
    cell: TableCell | None = None


# --- helpers --------------------------------------------------------------------------


def _compact(text: str) -> str:
    """Drop whitespace inside Chinese text (`总　则` → `总则`), keep it between Latin words."""

    def keep(match: re.Match[str]) -> str:
        before = match.string[match.start() - 1] if match.start() else ""
        after = match.string[match.end()] if match.end() < len(match.string) else ""
        latin = before.isascii() and before.isalnum() and after.isascii() and after.isalnum()
        return " " if latin else ""

    return re.sub(r"\s+", keep, text.strip())


def split_stage_note(title: str) -> tuple[str, str]:
    """(title, 稿别): `某市物业管理条例（修订草案征求意见稿）` → (`某市物业管理条例（修订草案）`, `征求意见稿`).

    The stage note is the text's stage, not part of its name: a draft re-imported from its own Word file
    (which prints the stage under the title) keeps its title."""
    match = _STAGE_NOTE_RE.search(title)
    if match is None or match.start() == 0:
        return title, ""
    prefix = match["prefix"].strip()
    return title[: match.start()] + (f"（{prefix}）" if prefix else ""), match["stage"]


def _looks_like_title(text: str) -> bool:
    if len(text) > 80 or text[0].isdigit() or _SENTENCE_PUNCT_RE.search(text):
        return False
    core = text.strip("《》")
    while (stripped := _TITLE_NOTE_RE.sub("", core)) != core:
        core = stripped.rstrip("》")
    return bool(_TITLE_END_RE.search(core))


def _looks_like_heading_title(title: str) -> bool:
    """Guard for 第…章 lines not marked as headings: a title is short and not a sentence."""
    return len(title) <= 40 and not _SENTENCE_PUNCT_RE.search(title) and not continues_citation(title)


def _item_marker(n: int) -> str:
    return rf"[（(]{to_chinese(n)}[）)]"


def _subitem_marker(n: int) -> str:
    return rf"(?:[（(]{n}[）)]|{n}[.．、](?![0-9]))"


@lru_cache(maxsize=256)
def _marker_pattern(marker: str, after_colon: bool) -> re.Pattern[str]:
    separator = r"[：:]" if after_colon else r"[；;。]"
    return re.compile(rf"{separator}\s*(?P<m>{marker})")


def _marker_value(match: re.Match[str]) -> int | None:
    return number_value(match["num"] or match.groupdict().get("num2") or "")


def _split_numbered(text: str, line_re: re.Pattern[str], marker: Callable[[int], str]) -> list[str]:
    """Split items written on one line: `下列事项：（一）甲；（二）乙。` → three pieces.

    A run starts either at the beginning of the text (when it begins with a marker) or
    right after a colon with marker number 1; each next piece must carry the next
    number after a semicolon, so `县（区）` or a quoted `（二）` never split a line.
    """
    lead = line_re.match(text)
    if lead and (value := _marker_value(lead)) is not None:
        start, search_from, number = 0, lead.end("label"), value + 1
    else:
        first = _marker_pattern(marker(1), True).search(text)
        if first is None:
            return [text]
        start, search_from, number = first.start("m"), first.end("m"), 2
    pieces = [text[:start]]
    while number <= MAX_NUMBER and (found := _marker_pattern(marker(number), False).search(text, search_from)):
        pieces.append(text[start : found.start("m")])
        start, search_from, number = found.start("m"), found.end("m"), number + 1
    pieces.append(text[start:])
    return [piece.strip() for piece in pieces if piece.strip()]


def _explode(text: str) -> list[str]:
    """Pieces of one line: the paragraph text, then inline items, then inline sub-items."""
    return [
        sub
        for piece in _split_numbered(text, _ITEM_RE, _item_marker)
        for sub in _split_numbered(piece, _SUBITEM_RE, _subitem_marker)
    ]


def _at(line: int | None, message: str) -> str:
    return f"第{line}行：{message}" if line else message


def _excerpt(text: str, size: int = 20) -> str:
    return text if len(text) <= size else text[:size] + "……"


def _article_text(article: Node) -> str:
    lines: list[str] = []
    for node in article.walk():
        if node.kind == "paragraph" and node.text:
            lines.append(node.text)
        elif node.kind in ("item", "subitem"):
            lines.append(node.label + node.text)
    return "\n".join(lines)


# --- source lines ---------------------------------------------------------------------


def normalize_chars(text: str) -> str:
    """Drop invisible characters (zero-width spaces, BOM, soft hyphens); odd spaces → space."""
    return text.translate(_CHAR_FIXES)


def join_cells(cells: Iterable[str]) -> str:
    """One table row as text: ``a | b``; trailing empty cells carry nothing and are dropped."""
    values = [cell.strip() for cell in cells]
    while values and not values[-1]:
        values.pop()
    return " | ".join(values)


def split_source_lines(text: str) -> list[SourceLine]:
    """Clean plain text or Markdown into non-empty lines, keeping source line numbers.

    Removes invisible characters (zero-width spaces, BOM), HTML comments, heading
    markers of any level, block quotes, bold markers, escapes and rules; list markers
    only in front of a heading or article label; Markdown table rows become
    ``a | b`` lines flagged as tables.
    """
    text = normalize_chars(text).replace("\r\n", "\n").replace("\r", "\n")
    text = _strip_comments(text)
    lines: list[SourceLine] = []
    in_fence = False
    for number, raw in enumerate(text.split("\n"), 1):
        stripped = raw.strip()
        if _FENCE_RE.match(stripped):
            in_fence = not in_fence
            continue
        if in_fence:
            if stripped:
                lines.append(SourceLine(stripped, number))
            continue
        cleaned = _QUOTE_RE.sub("", stripped)
        if not cleaned:
            continue
        if _SETEXT_RE.match(cleaned):
            previous = lines[-1] if lines else None
            if previous is not None and previous.line == number - 1 and not previous.table:
                previous.heading = True
            continue
        if _RULE_RE.match(cleaned):
            continue
        heading = False
        if atx := _ATX_RE.match(cleaned):
            cleaned, heading = _strip_closing_hashes(cleaned[atx.end() :]), True
        if line := _clean_line(cleaned, number, heading):
            lines.append(line)
    return lines


def _strip_comments(text: str) -> str:
    """Remove HTML comments (`<!-- INFO END -->`), keeping their newlines for line numbers.

    A plain scan rather than a regex: an unterminated `<!--` repeated many times would
    make a lazy regex quadratic.
    """
    out: list[str] = []
    position = 0
    while (start := text.find("<!--", position)) != -1:
        end = text.find("-->", start + 4)
        if end == -1:
            break
        out.append(text[position:start])
        out.append("\n" * text.count("\n", start, end))
        position = end + 3
    out.append(text[position:])
    return "".join(out)


def _strip_closing_hashes(text: str) -> str:
    """`## 第一章 总则 ##` → `第一章 总则` (closing hashes need a space before them)."""
    body = text.rstrip("#")
    if body != text and (not body or body[-1].isspace()):
        return body.rstrip()
    return text


def _clean_line(text: str, number: int, heading: bool) -> SourceLine | None:
    """Inline Markdown of one line (block markers are already gone)."""
    bullet = _BULLET_RE.match(text)
    if bullet:
        rest = _unemphasize(text[bullet.end() :])
        if HEADING_LABEL_RE.match(rest) or (text[0] in "-*+" and ARTICLE_LABEL_RE.match(rest)):
            text = rest
    text = _unemphasize(text)
    if len(text) > 1 and text.startswith("|") and text.endswith("|"):
        if _TABLE_SEPARATOR_RE.match(text):
            return None
        row = join_cells(_ESCAPE_RE.sub(r"\1", cell) for cell in _CELL_SPLIT_RE.split(text[1:-1]))
        return SourceLine(row, number, table=True) if row else None
    text = _ESCAPE_RE.sub(r"\1", text).strip()
    return SourceLine(text, number, heading) if text else None


def _unemphasize(text: str) -> str:
    """Drop bold markers anywhere and an italic pair opening the line (*第一条* 内容)."""
    text = _EMPHASIS_RE.sub("", text).strip()
    return _LEADING_ITALIC_RE.sub(r"\2", text)


# --- the parser -----------------------------------------------------------------------


class _Parser:
    """Single pass over the source lines, keeping the open headings on a stack."""

    def __init__(self) -> None:
        self.result = ParseResult()
        self.front: list[SourceLine] = []  # lines before the first heading or article
        self.stack: list[Node] = []  # open headings, outermost first
        self.article: Node | None = None
        self.paragraph: Node | None = None
        self.item: Node | None = None
        self.subitem: Node | None = None
        self.last_article = 0
        self.last_heading: dict[str, int] = {}
        self.restartable: set[str] = set()  # heading kinds whose numbering may restart at 1
        self.started = False  # a heading or an article has been seen
        self.orphan: Node | None = None  # heading waiting for a title on the next line
        self.in_toc = False
        self.toc_first: tuple[str, int] | None = None

    # -- driver --

    def feed(self, line: SourceLine) -> None:
        orphan, self.orphan = self.orphan, None
        if self.in_toc and self._skip_toc_line(line):
            return
        if self._try_heading(line) or self._try_article(line):
            return
        text = line.text
        if orphan is not None and not line.table and _looks_like_orphan_title(text):
            orphan.title = _compact(text)
        elif not self.started:
            self._front_matter(line)
        elif self.article is None:
            self._stray(line)
        elif line.table:
            self._append_row(self.article, text, line.line)
        else:
            for piece in _explode(text):
                self._add_text(self.article, piece, line.line)

    def finish(self) -> ParseResult:
        result = self.result
        self._start()
        articles = list(result.articles_flat())
        for article in articles:
            article.text = _article_text(article)
        if not articles:
            self.warn("no_articles", "未在文件中找到“第……条”形式的条文，请检查文件是否为法规草案", None)
        else:
            self._check_empty(result.nodes)
        result.warnings.sort(key=lambda w: w.line if w.line is not None else 0)
        return result

    def warn(self, code: str, message: str, line: int | None) -> None:
        self.result.warnings.append(ParseWarning(code, _at(line, message), line))

    # -- before the first heading / article --

    def _front_matter(self, line: SourceLine) -> None:
        if _compact(line.text) in _TOC_WORDS:
            self.in_toc = True
        else:
            self.front.append(line)

    def _start(self) -> None:
        """The body begins: pick the title among the lines before it, the rest is preamble.

        A （草案） line right under the title belongs to it.
        """
        if self.started:
            return
        self.started = True
        front = self.front
        chosen = _title_index(front)
        taken: set[int] = set()
        if chosen is not None:
            taken.add(chosen)
            title = front[chosen].text
            if chosen + 1 < len(front) and _DRAFT_NOTE_RE.match(front[chosen + 1].text):
                taken.add(chosen + 1)
                title += front[chosen + 1].text
            self.result.title, self.result.stage_note = split_stage_note(title)
        self.result.preamble = "\n".join(line.text for index, line in enumerate(front) if index not in taken)

    def _skip_toc_line(self, line: SourceLine) -> bool:
        """Skip a table of contents (目录 followed by the headings) until the body starts."""
        heading = HEADING_LABEL_RE.match(line.text)
        number = number_value(heading["num"]) if heading else None
        if heading and number is not None:
            key = (HEADING_UNITS[heading["unit"]], number)
            if self.toc_first is None:
                self.toc_first = key
                return True
            if key != self.toc_first:
                return True
        elif not ARTICLE_LABEL_RE.match(line.text):
            return True
        self.in_toc = False
        return False

    # -- headings --

    def _try_heading(self, line: SourceLine) -> bool:
        match = HEADING_LABEL_RE.match(line.text)
        if match is None:
            return False
        number = number_value(match["num"])
        title = _compact(_HEADING_SEPARATOR_RE.sub("", match["rest"]))
        if number is None or not (line.heading or _looks_like_heading_title(title)):
            return False
        kind = HEADING_UNITS[match["unit"]]
        label = "第" + re.sub(r"\s+", "", match["num"]) + match["unit"]
        self._start()
        self._check_heading_number(kind, number, label, line.line)
        self.article = self.paragraph = self.item = self.subitem = None
        level = HEADING_LEVELS[kind]
        while self.stack and HEADING_LEVELS[self.stack[-1].kind] >= level:
            self.stack.pop()
        node = Node(kind, number, label, title, "", [], line.line)
        self._container().append(node)
        self.stack.append(node)
        if not title:
            self.orphan = node
        return True

    def _check_heading_number(self, kind: str, number: int, label: str, line: int | None) -> None:
        """Chapters run 1..n; sections restart in each chapter (and chapters in each 编)."""
        last = self.last_heading.get(kind, 0)
        unit = UNIT_NAMES[kind]
        if number != last + 1 and not (number == 1 and kind in self.restartable):
            expected = f"第{to_chinese(last + 1)}{unit}"
            if number > last + 1:
                code, problem = f"{kind}_number_skipped", "不连续"
            else:
                code, problem = f"{kind}_number_out_of_order", "重复或顺序颠倒"
            self.warn(code, f"{unit}的序号{problem}：应为{expected}，实际为{label}", line)
        self.last_heading[kind] = number
        self.restartable.discard(kind)
        level = HEADING_LEVELS[kind]
        self.restartable.update(k for k, lvl in HEADING_LEVELS.items() if lvl > level)

    def _container(self) -> list[Node]:
        return self.stack[-1].children if self.stack else self.result.nodes

    # -- articles --

    def _try_article(self, line: SourceLine) -> bool:
        match = ARTICLE_LABEL_RE.match(line.text)
        if match is None:
            return False
        number = number_value(match["num"])
        label = "第" + re.sub(r"\s+", "", match["num"]) + "条" + (match["sub"] or "")
        rest: str = match["rest"]
        if number is None:
            if not continues_citation(rest):
                message = f"无法识别条文序号“{label}”，该行按正文处理"
                self.warn("article_number_invalid", message, line.line)
            return False
        if continues_citation(rest) and not self._is_expected(number, match["sub"]):
            return False  # a cross-reference such as 第十二条规定的…, not a new article
        self._start()
        self._check_article_number(number, match["sub"], label, line.line)
        title, rest = _article_title(rest.strip(), line.heading)
        article = Node("article", number, label, title, "", [], line.line)
        self._container().append(article)
        self.article, self.paragraph, self.item, self.subitem = article, None, None, None
        pieces = _explode(rest) if rest else []
        if pieces and not _ITEM_RE.match(pieces[0]):
            self._add_paragraph(article, pieces.pop(0), line.line)
        for piece in pieces:
            self._add_text(article, piece, line.line)
        return True

    def _is_expected(self, number: int, sub: str | None) -> bool:
        return number == (self.last_article if sub else self.last_article + 1)

    def _check_article_number(self, number: int, sub: str | None, label: str, line: int | None) -> None:
        """Articles are numbered continuously through the whole text."""
        last = self.last_article
        if sub and number == last:
            return  # 第十二条之一 follows 第十二条
        if number > last + 1:
            missing = article_label(last + 1)
            if number > last + 2:
                missing += f"至{article_label(number - 1)}"
            self.warn("article_number_skipped", f"条文序号不连续：{label}之前缺少{missing}", line)
        elif number == last:
            self.warn("article_number_repeated", f"条文序号重复：{label}出现了不止一次", line)
        elif number < last:
            self.warn(
                "article_number_out_of_order",
                f"条文序号顺序颠倒：{label}出现在{article_label(last)}之后",
                line,
            )
        self.last_article = number

    # -- paragraphs, items, sub-items --

    def _add_text(self, article: Node, text: str, line: int | None) -> None:
        if (match := _ITEM_RE.match(text)) and (number := _marker_value(match)) is not None:
            parent = self._ensure_paragraph(article, line)
            label = _compact(match["label"])
            self.item = Node("item", number, label, "", match["rest"].strip(), [], line)
            self.subitem = None
            parent.children.append(self.item)
        elif (match := _SUBITEM_RE.match(text)) and (number := _marker_value(match)) is not None:
            parent = self.item or self._ensure_paragraph(article, line)
            label = _compact(match["label"])
            self.subitem = Node("subitem", number, label, "", match["rest"].strip(), [], line)
            parent.children.append(self.subitem)
        else:
            self._add_paragraph(article, text, line)

    def _add_paragraph(self, article: Node, text: str, line: int | None) -> Node:
        number = len(article.children) + 1
        self.paragraph = Node("paragraph", number, f"第{to_chinese(number)}款", "", text, [], line)
        self.item = self.subitem = None
        article.children.append(self.paragraph)
        return self.paragraph

    def _ensure_paragraph(self, article: Node, line: int | None) -> Node:
        """Items need a paragraph; an article may start directly with its items."""
        return self.paragraph or self._add_paragraph(article, "", line)

    def _append_row(self, article: Node, text: str, line: int | None) -> None:
        """Table rows belong to the provision they follow, not to a new paragraph."""
        target = self.subitem or self.item or self.paragraph
        if target is None:
            self._add_paragraph(article, text, line)
        else:
            target.text = f"{target.text}\n{text}" if target.text else text

    # -- text outside articles --

    def _stray(self, line: SourceLine) -> None:
        """Text between a heading and its first article: keep it on the heading, but warn."""
        heading = self.stack[-1]
        heading.text = f"{heading.text}\n{line.text}" if heading.text else line.text
        self.warn(
            "text_before_first_article",
            f"“{_excerpt(line.text)}”位于{heading.label}与其第一条之间，不属于任何条文",
            line.line,
        )

    def _check_empty(self, nodes: Iterable[Node]) -> None:
        for node in nodes:
            if node.kind not in HEADING_LEVELS:
                continue
            if any(child.kind == "article" for child in node.walk()):
                self._check_empty(node.children)
            else:
                name = node.label + (f"　{node.title}" if node.title else "")
                self.warn("empty_chapter", f"{name}下没有条文", node.line)


def _article_title(rest: str, heading: bool) -> tuple[str, str]:
    """Split `（立法目的）为了…` into title and text.

    A bracketed number is an item, not a title.  On a Markdown/Word heading such as
    `### 第一条 立法目的` a short text without punctuation is the title itself.
    """
    titled = _ARTICLE_TITLE_RE.match(rest)
    if titled and number_value(titled["title"]) is None:
        return _compact(titled["title"]), titled["rest"]
    if heading and len(rest) <= 20 and not _SENTENCE_PUNCT_RE.search(rest):
        return _compact(rest), ""
    return "", rest


_TITLE_TESTS: tuple[Callable[[SourceLine], bool], ...] = (
    lambda line: line.heading and _looks_like_title(line.text),
    lambda line: _looks_like_title(line.text),
    lambda line: line.heading,
)


def _title_index(front: list[SourceLine]) -> int | None:
    """Which front line is the title: a heading reading like one (…条例, …办法), else any
    line reading like one, else the first heading."""
    for test in _TITLE_TESTS:
        for index, line in enumerate(front):
            if test(line):
                return index
    return None


def _looks_like_orphan_title(text: str) -> bool:
    """`总则` on the line after a bare `第一章` is the chapter's title."""
    compact = _compact(text)
    return (
        len(compact) <= 20
        and not _SENTENCE_PUNCT_RE.search(compact)
        and not _ITEM_RE.match(compact)
        and not _SUBITEM_RE.match(compact)
    )


def parse_lines(lines: Iterable[SourceLine]) -> ParseResult:
    """Parse already cleaned lines (used by the Word reader, which has no Markdown)."""
    parser = _Parser()
    for line in lines:
        parser.feed(line)
    return parser.finish()


def parse_text(text: str) -> ParseResult:
    """Parse a regulation given as plain text or Markdown."""
    return parse_lines(split_source_lines(text))
