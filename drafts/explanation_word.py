"""The 修改情况说明 as a Word file: a first draft, written from the rows of a comparison, for the clerk
to finish in Word (GB/T 9704 portrait, cms.officialdoc).

Under the title 「关于《…》修改情况的说明」 an opening paragraph names the two texts and counts the
changes; then the changes in reading order, grouped as a committee's 说明 groups them: an article with a
title (第一条（立法目的）) is an item of its own, 「一、关于立法目的。」; the untitled articles of one
chapter (or 节) make one item, 「二、关于“业主”一章。」; in a text without chapters each untitled
article is an item, 「三、关于第五条。」.  Under each item, one paragraph a change:

- 「共有N条意见提出修改建议（意见来源：第…号意见）。」 when opinions are behind it, and 「修改理由：……。」
  with the reasons the comparison carries (public ones only, see drafts.selectors.version_comparison);
- then 「根据上述意见，」 (or 「经研究，」 with no opinions) and 「将第X条修改为：“……”。」,
  「增加一条，作为第X条：“……”。」, 「删除第X条。」 or 「将第X条调整为第Y条。」.

Article numbers in Chinese numerals (第5条 in a file read from disk is written 第五条); quotation marks
inside a quoted article become single ones, as Chinese typesetting nests them, and a quoted text ending
in its own 。 takes no second one after the closing mark.  The document is
always in Chinese: it is filed with a Chinese committee, whatever the language of the screen.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from cms.officialdoc import BODY_STYLE, HEADING_STYLE, STAGE_STYLE, TITLE_STYLE, OfficialDocument, Paragraph
from drafts.comparison import ADDED, DELETED, MODIFIED, MOVED, Article, Comparison, ComparisonRow
from drafts.comparison_word import shown_rows
from drafts.numerals import MAX_NUMBER, to_chinese

__all__ = ["MAX_LISTED_OPINIONS", "explanation_docx", "explanation_items", "write_explanation"]

#: Opinion numbers named after a change; more are summed up as 「等」 (the count says how many).
MAX_LISTED_OPINIONS = 20

_DIGITS_RE = re.compile(r"[0-9]+")
_HEADING_KIND_RE = re.compile(r"^第.+?([编章节])")


@dataclass
class Item:
    """One numbered item of the 说明: what it is about, and the changes under it."""

    subject: str
    rows: list[ComparisonRow] = field(default_factory=list)


def explanation_docx(comparison: Comparison) -> bytes:
    """The 说明 as the bytes of a .docx (see ``write_explanation``)."""
    buffer = io.BytesIO()
    write_explanation(buffer, comparison)
    return buffer.getvalue()


def write_explanation(out: BinaryIO, comparison: Comparison) -> int:
    """Write the 说明 of ``comparison`` to ``out``; returns the number of changes it explains."""
    title = f"关于《{comparison.title}》修改情况的说明"
    document = OfficialDocument(title)
    document.paragraph(TITLE_STYLE, title)
    document.paragraph(STAGE_STYLE, "（初稿）")
    document.paragraph(BODY_STYLE)
    items = explanation_items(comparison)
    document.paragraph(BODY_STYLE, _opening(comparison, [row for item in items for row in item.rows]))
    for number, item in enumerate(items, 1):
        document.paragraph(HEADING_STYLE, f"{_numeral(number)}、关于{item.subject}。")
        for row in item.rows:
            for paragraph in _change(row):
                document.paragraph(BODY_STYLE, *paragraph.runs)
    document.paragraph(BODY_STYLE, f"以上说明连同《{comparison.title}》修改稿，请审议。")
    document.save(out)
    return sum(len(item.rows) for item in items)


def explanation_items(comparison: Comparison) -> list[Item]:
    """The numbered items, in reading order: the changed, added, deleted and moved articles grouped by
    their title, else by the chapter (or 节) they stand in, else one an article."""
    items: dict[tuple, Item] = {}
    for headings, row in shown_rows(comparison):
        article = row.new or row.old
        if article.title:
            key, subject = ("title", article.key or article.label, article.title), article.title
        elif headings:
            key, subject = ("heading", headings), _heading_subject(headings[-1])
        else:
            key, subject = ("label", article.key or article.label), _label(article)
        items.setdefault(key, Item(subject)).rows.append(row)
    return list(items.values())


def _heading_subject(heading: str) -> str:
    """第二章　业主 → “业主”一章; a heading without a title stays as it is (第二章)."""
    label, _space, title = heading.partition("\u3000")
    kind = _HEADING_KIND_RE.match(label)
    if not title or kind is None:
        return _chinese_digits(heading)
    return f"“{title}”一{kind.group(1)}"


def _opening(comparison: Comparison, rows: list[ComparisonRow]) -> str:
    name = f"《{comparison.title}》"
    if not rows:
        return f"{name}{comparison.new.name}与{comparison.old.name}相比，条文没有修改。"
    counts = [
        (sum(1 for row in rows if row.change == change), verb)
        for change, verb in ((MODIFIED, "修改"), (ADDED, "增加"), (DELETED, "删除"), (MOVED, "调整位置"))
    ]
    counted = "，".join(f"{verb}{n}条" for n, verb in counts if n)
    opinions = len({pk for row in rows for pk in row.note.opinions})
    behind = f"，其中{sum(1 for row in rows if row.note.opinions)}处修改吸收了{opinions}条意见" if opinions else ""
    return f"{name}{comparison.new.name}与{comparison.old.name}相比，共{counted}{behind}。现将主要修改情况说明如下："


def _change(row: ComparisonRow) -> Iterator[Paragraph]:
    """The paragraphs explaining one row: the opinions and reasons behind it, then what was done."""
    opinions = row.note.opinions
    if opinions:
        listed = "、".join(str(pk) for pk in opinions[:MAX_LISTED_OPINIONS])
        more = "等" if len(opinions) > MAX_LISTED_OPINIONS else ""
        yield Paragraph([f"共有{len(opinions)}条意见提出修改建议（意见来源：第{listed}号{more}意见）。"])
    if row.note.reasons:
        reasons = "；".join(reason.rstrip("。；;.， ") for reason in row.note.reasons)
        yield Paragraph([f"修改理由：{reasons}。"])
    lead = "根据上述意见，" if opinions else "经研究，"
    if row.change == DELETED:
        yield Paragraph([f"{lead}删除{_label(row.old)}。"])
    elif row.change == ADDED:
        yield from _quoted(f"{lead}增加一条，作为{_label(row.new)}：", row.new)
    elif row.change == MOVED:
        yield Paragraph([f"{lead}将{_label(row.old)}调整为{_label(row.new)}。"])
    else:
        renumbered = f"作为{_label(row.new)}，" if row.renumbered else ""
        yield from _quoted(f"{lead}{renumbered}将{_label(row.old)}修改为：", row.new)


def _quoted(lead: str, article: Article) -> Iterator[Paragraph]:
    """``lead`` then the article's text in quotation marks, one paragraph a 款, the first after the lead."""
    lines = [_nested_quotes(line) for line in article.text.split("\n") if line.strip()] or [""]
    if article.title:
        lines[0] = f"（{article.title}）{lines[0]}"
    lines[0] = f"{lead}“{lines[0]}"
    # 修改为：“……。” : a text ending its own sentence takes no second full stop after the quote.
    lines[-1] = f"{lines[-1]}”" + ("" if lines[-1].endswith(("。", "；", "！", "？", "：")) else "。")
    for line in lines:
        yield Paragraph([line])


def _nested_quotes(text: str) -> str:
    return text.replace("“", "‘").replace("”", "’")


def _label(article: Article) -> str:
    """第五条, with any Arabic digits of the label in Chinese numerals (第5条之1 → 第五条之一)."""
    return _chinese_digits(article.label)


def _chinese_digits(text: str) -> str:
    def chinese(match: re.Match) -> str:
        number = int(match.group())
        return to_chinese(number) if 1 <= number <= MAX_NUMBER else match.group()

    return _DIGITS_RE.sub(chinese, text)


def _numeral(number: int) -> str:
    return to_chinese(number) if number <= MAX_NUMBER else str(number)
