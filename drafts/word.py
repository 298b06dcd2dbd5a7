"""A draft regulation as a Word file laid out as a Chinese official document (GB/T 9704-2012).

Legislative-affairs staff print drafts for meetings and send them to other offices, so the file
must look like one they would have typed themselves: the page, fonts and page numbers of every
official document the platform writes (cms.officialdoc), 黑体 chapter headings and article labels.
The formatting lives in named styles (法规标题, 章标题, 条标, …) so that staff can change it for the
whole document in Word.

The file reads back through ``drafts.readers.read_draft_file`` to the same articles.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from cms.officialdoc import (
    BODY_FONT,
    BODY_STYLE,
    FULL_WIDTH_SPACE,
    HEADING_FONT,
    KAI_FONT,
    LINE_PITCH,
    SIZE_3,
    SIZE_4,
    STAGE_STYLE,
    TITLE_STYLE,
    CharacterStyle,
    OfficialDocument,
    ParagraphStyle,
    Run,
    Table,
    lines,
)

from .parser import HEADING_LEVELS, Node

__all__ = ["WordDraft", "draft_docx"]

BYLINE_STYLE = "DraftByline"
NOTE_STYLE = "DraftNote"
TABLE_TEXT_STYLE = "DraftTableText"
ARTICLE_LABEL_STYLE = "DraftArticleLabel"
HEADING_STYLES = {
    "part": "DraftPart",
    "subpart": "DraftSubpart",
    "chapter": "DraftChapter",
    "section": "DraftSection",
}

# The headings carry outline levels: Word's navigation pane lists them, and drafts.readers
# recognises them as headings when the file comes back.
_HEADING = {"before": LINE_PITCH, "keep_next": True}
STYLES = (
    ParagraphStyle(BYLINE_STYLE, "起草单位与日期", KAI_FONT, SIZE_4, keep_next=True),
    ParagraphStyle(NOTE_STYLE, "题注", KAI_FONT, SIZE_3, align="both", side_chars=2),
    ParagraphStyle(HEADING_STYLES["part"], "编标题", HEADING_FONT, SIZE_3, outline=1, **_HEADING),
    ParagraphStyle(HEADING_STYLES["subpart"], "分编标题", HEADING_FONT, SIZE_3, outline=2, **_HEADING),
    ParagraphStyle(HEADING_STYLES["chapter"], "章标题", HEADING_FONT, SIZE_3, outline=3, **_HEADING),
    ParagraphStyle(HEADING_STYLES["section"], "节标题", KAI_FONT, SIZE_3, bold=True, outline=4, keep_next=True),
    ParagraphStyle(TABLE_TEXT_STYLE, "表格文字", BODY_FONT, SIZE_4, align="left", line=None),
    CharacterStyle(ARTICLE_LABEL_STYLE, "条标", HEADING_FONT),
)


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
    document = OfficialDocument(draft.title, styles=STYLES, author=draft.drafting_body)
    writer = _DraftWriter(document)
    writer.front_matter(draft)
    writer.nodes(draft.nodes)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


class _DraftWriter:
    """Writes the title block and the provision tree, in reading order."""

    def __init__(self, document: OfficialDocument) -> None:
        self.document = document

    def paragraph(self, style: str, *runs: str | Run) -> None:
        self.document.paragraph(style, *runs)

    def front_matter(self, draft: WordDraft) -> None:
        """Title, （征求意见稿）, drafting body, date and 题注, then a blank line before the body."""
        written = False
        stage = draft.stage_label.strip().strip("（）()")
        front = [
            (TITLE_STYLE, draft.title.strip()),
            (STAGE_STYLE, f"（{stage}）" if stage else ""),
            (BYLINE_STYLE, draft.drafting_body.strip()),
            (BYLINE_STYLE, draft.date_text.strip()),
            *((NOTE_STYLE, line) for line in lines(draft.preamble)),
        ]
        for style, text in front:
            if text:
                self.paragraph(style, text)
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
        self.paragraph(HEADING_STYLES[node.kind], text)
        for line in lines(node.text):  # stray text between a heading and its first article
            self.paragraph(BODY_STYLE, line)
        self.nodes(node.children)

    def article(self, node: Node) -> None:
        """One paragraph per 款; the first starts with the label (and title) in 黑体."""
        label = node.label + (f"（{node.title}）" if node.title else "")
        if not node.children:
            first, *rest = node.text.split("\n")
            self.labelled(label, first)
            for line in lines("\n".join(rest)):
                self.paragraph(BODY_STYLE, line)
            return
        first_child, *others = node.children
        self.provision(first_child, label)
        self.nodes(others)

    def labelled(self, label: str, text: str) -> None:
        self.paragraph(BODY_STYLE, Run(label, style=ARTICLE_LABEL_STYLE), FULL_WIDTH_SPACE + text if text else "")

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
            self.paragraph(BODY_STYLE, first)
        if any(" | " in row for row in rows):
            self.table([row.split(" | ") for row in rows])
        else:
            for line in lines("\n".join(rows)):
                self.paragraph(BODY_STYLE, line)
        self.nodes(node.children)

    def table(self, rows: list[list[str]]) -> None:
        """Columns of equal width that Word may fit to their content, text at the top of its cell."""
        columns = max(map(len, rows))
        table = Table.by_shares(
            self.document.text_width, [1] * columns, TABLE_TEXT_STYLE, size=SIZE_4, fixed=False, middle=False
        )
        # A cell is one paragraph, whatever line breaks its text had.
        cells = ([[value.strip()] for value in values + [""] * (columns - len(values))] for values in rows)
        self.document.table(table, cells)
