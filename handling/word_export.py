"""The 意见采纳情况表 (adoption table) of a draft as a Word file, written as a stream.

A Civil-Code-sized consultation has 100,000 opinions and more, one table row each.  python-docx
would build all of them as lxml elements first (a row per ``table.add_row()``, slow and several
hundred megabytes), so the rows are written as XML strings straight into the file as they come
(``cms.officialdoc.OfficialDocument.save`` with a ``tail``): memory stays flat however many rows
the iterator gives.

Layout is that of every official document (cms.officialdoc: GB/T 9704 margins, fonts, ``— 1 —``
page numbers) on a landscape page: title in 方正小标宋 二号, title block in 仿宋 三号, and the table
in 仿宋 小四 (12 pt), which fits 20 characters a line in the opinion column; 三号 would fit 15 and
add a third to the page count.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import chain
from typing import BinaryIO

from cms.officialdoc import (
    BODY_FONT,
    BODY_STYLE,
    KAI_FONT,
    SIZE_3,
    SIZE_5,
    SIZE_SMALL_4,
    TABLE_CENTRED_STYLE,
    TABLE_TEXT_STYLE,
    TITLE_STYLE,
    OfficialDocument,
    Paragraph,
    ParagraphStyle,
    Run,
    Table,
    clean,
    lines,
    text_width,
)

__all__ = [
    "ADOPTION_TABLE",
    "EXCERPT_STYLE",
    "HEADER",
    "NO_OPINIONS",
    "AdoptionRow",
    "Redline",
    "TableMeta",
    "adoption_document",
    "numbered_rows",
    "write_adoption_table",
]

NO_OPINIONS = "本草案暂无意见。"

STAGE_STYLE = "AdoptionStage"
INFO_STYLE = "AdoptionInfo"
ARTICLE_STYLE = "AdoptionArticle"
EXCERPT_STYLE = "AdoptionExcerpt"

STYLES = (
    ParagraphStyle(STAGE_STYLE, "采纳情况表稿别", BODY_FONT, SIZE_3, keep_next=True),
    ParagraphStyle(INFO_STYLE, "采纳情况表说明", BODY_FONT, SIZE_3, align="both", keep_next=True),
    # Exact line heights, as the table's other styles have (cms.officialdoc): 16 pt, and 14 pt for 五号.
    ParagraphStyle(ARTICLE_STYLE, "采纳情况表条款", BODY_FONT, SIZE_SMALL_4, bold=True, align="left", line=320),
    ParagraphStyle(EXCERPT_STYLE, "采纳情况表条文摘录", KAI_FONT, SIZE_5, align="left", line=SIZE_5 * 10 * 4 // 3),
)

# Label, share of the text width in per cent, style.  序号 fits six digits; 处理情况 fits 部分采纳 on a line.
_COLUMNS = (
    ("序号", 7, TABLE_CENTRED_STYLE),
    ("条款", 14, ARTICLE_STYLE),
    ("意见内容", 38, TABLE_TEXT_STYLE),
    ("来源", 14, TABLE_TEXT_STYLE),
    ("处理情况", 9, TABLE_CENTRED_STYLE),
    ("理由说明", 18, TABLE_TEXT_STYLE),
)
HEADER = [label for label, _share, _style in _COLUMNS]
#: The table across a landscape page.
ADOPTION_TABLE = Table.by_shares(
    text_width(landscape=True), [share for _label, share, _style in _COLUMNS], [style for *_, style in _COLUMNS]
)


@dataclass(frozen=True)
class Redline:
    """A proposed wording under an opinion: its heading (建议修改为：) and the marked text, as
    ("equal" | "delete" | "insert", text) parts (comments.redline.redline_parts)."""

    heading: str
    parts: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class AdoptionRow:
    """One opinion as the table shows it."""

    article: str  # 第十二条, or 总体意见 for opinions on the draft as a whole
    excerpt: str  # the start of the article's text, may be ""
    body: str
    source: str  # 网上征求意见 · 老张
    disposition: str  # 采纳
    reason: str
    proposal: Redline | None = None  # the wording the opinion proposed
    outcome: str = ""  # 修改为：第十二条　… (what an adopted opinion's article became, once published)


@dataclass(frozen=True)
class TableMeta:
    """What the title block says."""

    draft_title: str
    version_label: str  # 征求意见稿
    period: str  # 2026年11月1日至2026年11月30日
    totals: list[tuple[str, int]]  # [("意见总数", 1234), ("采纳", 20), …]
    generated: str  # 2026年12月1日
    maker: str = ""  # 制表单位: the office that made the table (settings.OFFICE_NAME)


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
    document = adoption_document(meta)
    if first is None:
        document.paragraph(BODY_STYLE, NO_OPINIONS)
        document.save(out)
        return 0
    count = 0

    def cells() -> Iterator[list]:
        nonlocal count
        for count, row, excerpt in numbered_rows(chain([first], rows)):
            yield _cells(count, row, excerpt)
            if progress and count % progress_every == 0:
                progress(count)
        if progress and count % progress_every:
            progress(count)

    document.save(out, tail=ADOPTION_TABLE.xml(cells(), header=HEADER))
    return count


def adoption_document(meta: TableMeta) -> OfficialDocument:
    """The document with its title block written: title, stage, period and date, totals."""
    title = f"《{meta.draft_title.strip().strip('《》')}》意见采纳情况表"
    document = OfficialDocument(title, styles=STYLES, landscape=True)
    stage = meta.version_label.strip().strip("（）()")
    period = f"征求意见期间：{meta.period.strip()}" if meta.period.strip() else ""
    generated = f"制表日期：{meta.generated.strip()}" if meta.generated.strip() else ""
    maker = f"制表单位：{meta.maker.strip()}" if meta.maker.strip() else ""
    totals = "，".join(f"{label}{count}条" for label, count in meta.totals)
    block = [
        (TITLE_STYLE, title),
        (STAGE_STYLE, f"（{stage}）" if stage else ""),
        (INFO_STYLE, period),
        (INFO_STYLE, "　　".join(part for part in (maker, generated) if part)),
        (INFO_STYLE, f"意见统计：{totals}。" if totals else ""),
    ]
    for style, text in block:
        if text:
            document.paragraph(style, text)
    return document


def numbered_rows(rows: Iterable[AdoptionRow]) -> Iterator[tuple[int, AdoptionRow, str]]:
    """Rows numbered from 1, each with the excerpt to print: only where a new article starts, as
    repeated on every opinion of a much-discussed article it would add lines to each row."""
    previous = None
    for number, row in enumerate(rows, 1):
        yield number, row, "" if (row.article, row.excerpt) == previous else row.excerpt
        previous = (row.article, row.excerpt)


def redline_paragraphs(redline: Redline) -> list[Paragraph]:
    """The heading, then the proposed text a 款 or 项 a paragraph: deleted words struck through, added
    words in bold (as a 修改前后对照表 marks them), so that the change reads in black and white."""
    paragraphs = [Paragraph([Run(redline.heading, bold=True)])]
    runs: list[str | Run] = []
    for op, text in redline.parts:
        for index, piece in enumerate(text.split("\n")):
            if index:
                paragraphs.append(Paragraph(runs))
                runs = []
            if piece:
                runs.append(Run(piece, strike=op == "delete", bold=op == "insert") if op != "equal" else piece)
    paragraphs.append(Paragraph(runs))
    return [paragraph for paragraph in paragraphs if paragraph.text.strip()]


def _cells(number: int, row: AdoptionRow, excerpt: str) -> list:
    article = row.article
    if excerpt := lines(clean(excerpt)):
        article = [*lines(clean(article)), *(Paragraph([line], EXCERPT_STYLE) for line in excerpt)]
    body = row.body
    if row.proposal is not None:
        body = [*lines(clean(body)), *redline_paragraphs(row.proposal)]
    reason = row.reason
    if row.outcome:
        reason = "\n".join(part for part in (reason, row.outcome) if part)
    return [str(number), article, body, row.source, row.disposition, reason]
