"""The 修改前后对照表 as a Word file: GB/T 9704 layout on landscape A4 (cms.officialdoc).

The title 「《…》修改前后对照表」 and the two texts named under it; then one table, its header row
repeated on every page: 修改前 | 修改后 | 修改理由（意见来源）, or the first two only, as legislatures
publish it.  Rows follow the newer text, under a row for each 编, 章 or 节 heading they enter.  In the
修改后 column deleted words are struck through and added words bold (a character diff, as the
version diff shows on screen), so the column reads as a redline; an added article is bold
throughout and says so in the 修改前 column, a deleted one says so and is struck through.

Unchanged articles are left out, and so are those only renumbered by an insertion or deletion
before them (their new number follows from the rows shown); with ``everything`` every article
is there, unchanged ones as 「同左」.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import BinaryIO

from cms.officialdoc import (
    BODY_FONT,
    FULL_WIDTH_SPACE,
    HEADING_FONT,
    KAI_FONT,
    SIZE_3,
    SIZE_SMALL_4,
    TITLE_STYLE,
    Cell,
    CharacterStyle,
    OfficialDocument,
    Paragraph,
    ParagraphStyle,
    Run,
    Table,
    text_width,
)
from drafts.comparison import ADDED, DELETED, MODIFIED, MOVED, Article, Comparison, ComparisonRow
from drafts.text_diff import DELETE, EQUAL, INSERT, char_diff

__all__ = [
    "ADDED_MARK",
    "DELETED_MARK",
    "HEADER",
    "MOVED_MARK",
    "SAME_AS_LEFT",
    "comparison_docx",
    "shown_rows",
    "write_comparison",
]

HEADER = ("修改前", "修改后", "修改理由（意见来源）")
SAME_AS_LEFT = "同左"
ADDED_MARK = "（新增条文）"
DELETED_MARK = "（删除本条）"
MOVED_MARK = "（条文位置调整）"

STAGES_STYLE = "ComparisonStages"
HEADING_ROW_STYLE = "ComparisonHeading"
LABEL_STYLE = "ComparisonArticleLabel"
MARK_STYLE = "ComparisonMark"

# Exact line heights in the table, as the shared table styles have (16 pt for 小四).
_IN_TABLE = {"size": SIZE_SMALL_4, "line": SIZE_SMALL_4 * 10 * 4 // 3, "on_grid": False}
STYLES = (
    ParagraphStyle(STAGES_STYLE, "对照表稿别", BODY_FONT, SIZE_3, keep_next=True),
    # Kept with the row after it: a chapter's heading never ends a page.
    ParagraphStyle(HEADING_ROW_STYLE, "对照表章节标题", HEADING_FONT, keep_next=True, **_IN_TABLE),
    CharacterStyle(LABEL_STYLE, "对照表条标", HEADING_FONT),
    CharacterStyle(MARK_STYLE, "对照表标注", KAI_FONT),
)

# Text at the top of its cell, so that the two versions of an article start on the same line.
_THREE_COLUMNS = Table.by_shares(text_width(landscape=True), [40, 40, 20], middle=False)
_TWO_COLUMNS = Table.by_shares(text_width(landscape=True), [50, 50], middle=False)
#: The two texts are named on one line under the title when they fit on it (三号 on landscape A4).
STAGES_LINE_CHARS = 40


def comparison_docx(comparison: Comparison, *, everything: bool = False, reasons: bool = True) -> bytes:
    """The table as the bytes of a .docx (see ``write_comparison``)."""
    buffer = io.BytesIO()
    write_comparison(buffer, comparison, everything=everything, reasons=reasons)
    return buffer.getvalue()


def write_comparison(out: BinaryIO, comparison: Comparison, *, everything: bool = False, reasons: bool = True) -> int:
    """Write the table to ``out``; ``everything`` for every article (unchanged ones 「同左」), ``reasons``
    False for the two-column variant.  Returns the number of article rows."""
    title = f"《{comparison.title}》修改前后对照表"
    document = OfficialDocument(title, styles=STYLES, landscape=True)
    document.paragraph(TITLE_STYLE, title)
    stages = [f"修改前：{comparison.old.name}", f"修改后：{comparison.new.name}"]
    if sum(map(len, stages)) + 2 <= STAGES_LINE_CHARS:
        stages = [(FULL_WIDTH_SPACE * 2).join(stages)]
    for line in stages:
        document.paragraph(STAGES_STYLE, line)
    table = _THREE_COLUMNS if reasons else _TWO_COLUMNS
    columns = len(table.widths)
    shown = shown_rows(comparison, everything=everything)

    def rows() -> Iterator[list]:
        current: tuple[str, ...] = ()
        for headings, row in shown:
            common = 0
            while common < min(len(current), len(headings)) and current[common] == headings[common]:
                common += 1
            for heading in headings[common:]:
                yield [Cell([Paragraph([heading])], style=HEADING_ROW_STYLE, span=columns)]
            current = headings
            cells = [_before(row), _after(row)]
            yield [*cells, _reasons(row)] if reasons else cells

    document.save(out, tail=table.xml(rows(), header=list(HEADER[:columns])))
    return len(shown)


def shown_rows(comparison: Comparison, *, everything: bool = False) -> list[tuple[tuple[str, ...], ComparisonRow]]:
    """The rows the table prints, with their headings: all of them, or those whose text changed,
    was added or deleted, or moved to another place."""
    return [
        (headings, row)
        for headings, row in comparison.placed()
        if everything or row.change in (MODIFIED, ADDED, DELETED) or (row.change == MOVED and row.moved)
    ]


# --- cells ----------------------------------------------------------------------------


def _label(text: str, **formatting) -> Run:
    return Run(text, style=LABEL_STYLE, **formatting)


def _mark(text: str) -> Run:
    return Run(text, style=MARK_STYLE)


def _article(article: Article, **formatting) -> list[Paragraph]:
    """An article as it reads: the label in 黑体, then its text, one paragraph a line."""
    first, *rest = article.text.split("\n")
    head = [_label(article.heading, **formatting), Run(FULL_WIDTH_SPACE + first, **formatting) if first else ""]
    return [Paragraph(head), *(Paragraph([Run(line, **formatting)]) for line in rest)]


def _before(row: ComparisonRow) -> list[Paragraph]:
    if row.old is None:
        return [Paragraph([_mark(ADDED_MARK)])]
    return _article(row.old)


def _after(row: ComparisonRow) -> list[Paragraph]:
    if row.change == DELETED:
        return [Paragraph([_mark(DELETED_MARK)]), *_article(row.old, strike=True)]
    if row.change == ADDED:
        return _article(row.new, bold=True)
    old, new = row.old, row.new
    if row.change not in (MODIFIED, MOVED):
        return [Paragraph([SAME_AS_LEFT])]
    # 第十二条 → 第十三条: the number redlined like the words.
    label = _redline(old.heading, new.heading, label=True)[0] if old.heading != new.heading else [_label(new.heading)]
    if row.change == MOVED:
        mark = [_mark(MOVED_MARK)] if row.moved else []
        return [Paragraph([*label, FULL_WIDTH_SPACE + SAME_AS_LEFT, *mark])]
    first, *rest = _redline(old.text, new.text)
    return [Paragraph([*label, FULL_WIDTH_SPACE, *first]), *map(Paragraph, rest)]


def _redline(old: str, new: str, *, label: bool = False) -> list[list[Run]]:
    """The character diff of two texts as runs, one list a line: deletions struck, insertions bold.

    A deleted line break starts a line too, so a deleted 款 shows as a struck paragraph of its own.
    """
    lines: list[list[Run]] = [[]]
    formatting = {EQUAL: {}, DELETE: {"strike": True}, INSERT: {"bold": True}}
    for op, text in char_diff(old, new):
        for k, piece in enumerate(text.split("\n")):
            if k:
                lines.append([])
            if piece:
                style = {"style": LABEL_STYLE} if label else {}
                lines[-1].append(Run(piece, **style, **formatting[op]))
    return lines


def _reasons(row: ComparisonRow) -> list[Paragraph]:
    paragraphs = [Paragraph([reason]) for reason in row.note.reasons]
    if row.note.opinions:
        numbers = "、".join(str(pk) for pk in row.note.opinions)
        paragraphs.append(Paragraph([_mark(f"意见来源：第{numbers}号意见")]))
    return paragraphs
