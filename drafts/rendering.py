"""The text of a version as HTML, built in Python.

A 1,260-article draft has some 5,000 provisions; the template engine spends close to half a second
on them, string building here a few milliseconds. The markup is flat (headings, then articles with
their paragraphs) so that it needs no recursion and prints and reflows well on a phone.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from drafts.models import DraftVersion, Provision
from drafts.parser import Node

HEADING_KINDS = ("part", "subpart", "chapter", "section")
HEADING_TAGS = {"part": "h2", "subpart": "h2", "chapter": "h2", "section": "h3"}
COLUMNS = ("id", "parent_id", "kind", "number", "label", "title", "text", "note", "opinion_count")
#: The badge of an article that changed against the previous version (drafts.changes), by change.
CHANGE_BADGES = {"changed": gettext_lazy("本条有修改"), "added": gettext_lazy("新增条文")}
# Identity columns cost a UUID and a JSON conversion per row: only the diff asks for them.
IDENTITY_COLUMNS = (*COLUMNS, "lineage", "derived_from")


@dataclass
class Row:
    """A provision as the public pages need it: plain values, no model instance."""

    id: int
    parent_id: int | None
    kind: str
    number: int | None
    label: str
    title: str
    text: str
    note: str
    opinion_count: int
    lineage: object = None
    derived_from: list = field(default_factory=list)
    children: list[Row] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"article-{self.number}" if self.kind == "article" else f"{self.kind}-{self.id}"

    @property
    def heading(self) -> str:
        return f"{self.label}　{self.title}".strip("　") if self.title else self.label


def version_rows(version: DraftVersion, *, identity: bool = False) -> list[Row]:
    """Every provision of a version in document order, children attached, in one query."""
    columns = IDENTITY_COLUMNS if identity else COLUMNS
    provisions = Provision.objects.filter(version=version).order_by("position").values_list(*columns)
    rows = [Row(*values) for values in provisions]
    by_id = {row.id: row for row in rows}
    for row in rows:
        if row.parent_id is not None:
            by_id[row.parent_id].children.append(row)
    return rows


def articles(rows: Iterable[Row]) -> list[Row]:
    return [row for row in rows if row.kind == "article"]


def _lines_html(text: str) -> str:
    """Text lines with <br>, and runs of table rows (cells joined by " | ") as a table."""
    out: list[str] = []
    table: list[str] = []

    def flush() -> None:
        if table:
            rows = "".join(
                "<tr>" + "".join(f"<td>{escape(cell.strip())}</td>" for cell in row.split(" | ")) + "</tr>"
                for row in table
            )
            out.append(f'<table class="provision-table">{rows}</table>')
            table.clear()

    for line in text.split("\n"):
        if " | " in line:
            table.append(line)
        else:
            flush()
            out.append(escape(line))
    flush()
    return "<br>".join(out).replace("<br><table", "<table").replace("</table><br>", "</table>")


def _article_body(article: Row) -> list[tuple[str, str]]:
    """(css class, inner HTML) of each paragraph, item and sub-item, in order."""
    if not article.children:
        return [("provision", _lines_html(line)) for line in article.text.split("\n")]
    body = []
    for child in _walk(article.children):
        css = "provision" if child.kind == "paragraph" else f"provision provision--{child.kind}"
        body.append((css, _lines_html(child.text if child.kind == "paragraph" else f"{child.label}{child.text}")))
    return body


def _walk(rows: list[Row]) -> Iterable[Row]:
    for row in rows:
        yield row
        yield from _walk(row.children)


def article_label_html(article: Row) -> str:
    title = f'<span class="article__title">（{escape(article.title)}）</span>' if article.title else ""
    return f"{escape(article.label)}{title}"


def _count_format() -> str:
    # Chinese has one form for every number; other languages get theirs from the catalogue.
    return ngettext("%(count)s 条意见", "%(count)s 条意见", 2)


COUNT_PLACEHOLDER = re.compile(r"<!--count:(\d+):(\d+)-->")


def render_article(
    article: Row,
    url: str,
    *,
    link_label: bool = True,
    show_note: bool = True,
    count_format: str | None = None,
    count_placeholder: bool = False,
    change: str | None = None,
) -> str:
    """One article: label (linked to its own page), paragraphs, items, its note and opinion count.

    ``change`` ("changed" or "added", see drafts.changes) puts after the label a badge linking to what
    changed against the previous version, on the article's page.
    """
    label = article_label_html(article)
    if link_label:
        label = f'<a class="article__link" href="{url}">{label}</a>'
    badge = ""
    if change in CHANGE_BADGES:
        badge = f' <a class="badge badge--{change}" href="{url}#changes">{escape(CHANGE_BADGES[change])}</a>'
    out = [f'<article class="article" id="{article.anchor}">']
    for index, (css, html) in enumerate(_article_body(article) or [("provision", "")]):
        if index == 0:
            html = f'<strong class="article__label">{label}</strong>{badge}　{html}'
        out.append(f'<div class="{css}">{html}</div>')
    if show_note and article.note:
        out.append(
            f'<aside class="article__note"><strong>{escape(_("释义"))}</strong> '
            f"{escape(article.note).replace(chr(10), '<br>')}</aside>"
        )
    if count_placeholder:
        # Filled on every request by fill_counts(): the text is cached, the counts move.
        out.append(f"<!--count:{article.id}:{article.number or 0}-->")
    elif article.opinion_count:
        if count_format is None:
            count_format = ngettext("%(count)s 条意见", "%(count)s 条意见", article.opinion_count)
        count = count_format % {"count": f"{article.opinion_count:,}"}
        out.append(f'<p class="article__meta"><a href="{url}#opinions">{escape(count)}</a></p>')
    out.append("</article>")
    return "".join(out)


def render_text(
    rows: list[Row],
    article_url: Callable[[int], str],
    *,
    count_placeholders: bool = False,
    changes: Mapping[int, str] | None = None,
) -> SafeString:
    """The whole text: headings and articles in document order (with count placeholders to fill, and a
    badge on each article ``changes`` names by provision id)."""
    changes = changes or {}
    out: list[str] = []
    count_format = _count_format()
    for row in rows:
        if row.kind in HEADING_KINDS:
            tag = HEADING_TAGS[row.kind]
            out.append(f'<{tag} class="heading heading--{row.kind}" id="{row.anchor}">{escape(row.heading)}</{tag}>')
        elif row.kind == "article":
            out.append(
                render_article(
                    row,
                    article_url(row.number),
                    count_format=count_format,
                    count_placeholder=count_placeholders,
                    change=changes.get(row.id),
                )
            )
    return mark_safe("\n".join(out))  # noqa: S308 - every piece of text above is escaped


def fill_counts(
    html: str, counts: dict[int, int], article_url: Callable[[int], str], *, open_for_comment: bool = False
) -> SafeString:
    """Put under each article, where render_text left its placeholder, the way to its opinions: while the
    draft is open 「发表意见」 on every article (with its count), afterwards the count where there is one."""
    count_format = _count_format()
    more = escape(_("查看全部意见并发表意见"))
    comment = escape(_("发表意见"))

    def replace(match: re.Match) -> str:
        count = counts.get(int(match.group(1)))
        if not count and not open_for_comment:
            return ""
        label = escape(count_format % {"count": f"{count:,}"}) if count else ""
        url = article_url(int(match.group(2)))
        if open_for_comment:
            label = f'<a class="article__comment" href="{url}#opinions">{comment}</a>' + (
                f' <a href="{url}#opinions" data-article-id="{int(match.group(1))}" data-more="{more}">{label}</a>'
                if count
                else ""
            )
            return f'<p class="article__meta">{label}</p>'
        return (
            f'<p class="article__meta"><a href="{url}#opinions"'
            f' data-article-id="{int(match.group(1))}" data-more="{more}">{label}</a></p>'
        )

    return mark_safe(COUNT_PLACEHOLDER.sub(replace, html))  # noqa: S308 - the cached text was escaped when rendered


def render_toc(rows: list[Row], href: Callable[[Row], str] | None = None) -> SafeString:
    """Table of contents: the headings with the range of articles under each, or the article numbers.

    ``href`` gives each entry's link (the part of a long draft it is in, see text_parts); by default
    the anchor on the same page."""
    if href is None:
        href = _same_page
    headings = [row for row in rows if row.kind in HEADING_KINDS]
    if not headings:
        links = "".join(
            f'<a href="{escape(href(row))}">{escape(row.label.removeprefix("第").removesuffix("条"))}</a>'
            for row in rows
            if row.kind == "article"
        )
        return mark_safe(f'<p class="toc-grid">{links}</p>')  # noqa: S308 - escaped above
    out = ['<ol class="toc">']
    for row in headings:
        labels = [child.label for child in _walk(row.children) if child.kind == "article"]
        span = ""
        if len(labels) == 1:
            span = labels[0]
        elif labels:
            span = _("%(first)s至%(last)s") % {"first": labels[0], "last": labels[-1]}
        out.append(
            f'<li class="toc__{row.kind}"><a href="{escape(href(row))}">{escape(row.heading)}</a>'
            f' <span class="muted">{escape(span)}</span></li>'
        )
    out.append("</ol>")
    return mark_safe("".join(out))  # noqa: S308 - escaped above


def mark_current_part(toc_html: str, part_href: str) -> SafeString:
    """The long draft's contents with the entries of the part on screen marked: aria-current for screen
    readers, a bar and bold type for the eye, and 「当前部分」 spoken after the heading (issue 22).

    ``toc_html`` is render_toc's output whose links go to ``part_href#anchor``; it is cached without the
    mark, which depends on the part asked for."""
    here_label = escape(_("当前部分"))
    pattern = re.compile(r'<li class="(toc__\w+)"><a href="' + re.escape(escape(part_href)) + r'#([^"]*)">(.*?)</a>')

    def mark(match: re.Match) -> str:
        kind, anchor, heading = match.groups()
        return (
            f'<li class="{kind} toc__current"><a href="{escape(part_href)}#{anchor}" aria-current="true">'
            f'{heading}<span class="visually-hidden">（{here_label}）</span></a>'
        )

    return mark_safe(pattern.sub(mark, toc_html))  # noqa: S308 - the contents were escaped by render_toc


def _same_page(row: Row) -> str:
    return f"#{row.anchor}"


#: Above this many articles the draft page shows its text one part (a chapter) at a time, with the
#: contents and the full text a tap away: the 1,260-article benchmark draft is a 1 MB page (issue 22).
PARTED_ABOVE = 300
#: A part longer than this (a chapter of 200 articles, a draft with no chapters) is cut into pieces.
PART_MAX_ARTICLES = 60
# Headings that open a new part; sections (节) stay inside their chapter's part.
PART_BREAKS = ("part", "subpart", "chapter")
HEADING_LEVEL = {kind: level for level, kind in enumerate(HEADING_KINDS)}


@dataclass
class TextPart:
    """A run of the text shown on its own page: rows[start:end], the headings it stands under and the
    articles it holds."""

    start: int
    end: int
    title: str = ""
    first_label: str = ""
    last_label: str = ""
    first_number: int | None = None
    last_number: int | None = None

    @property
    def span(self) -> str:
        if not self.first_label or self.first_label == self.last_label:
            return self.first_label
        return _("%(first)s至%(last)s") % {"first": self.first_label, "last": self.last_label}


def text_parts(rows: list[Row], max_articles: int = PART_MAX_ARTICLES) -> list[TextPart]:
    """The text cut before each 编, 分编 and 章 that follows some articles, and every ``max_articles``
    articles within a longer run; each part titled with the headings its first article stands under."""
    parts: list[TextPart] = []
    current = TextPart(0, 0)
    count = 0
    stack: dict[int, str] = {}
    for index, row in enumerate(rows):
        if (row.kind in PART_BREAKS and count) or (row.kind == "article" and count == max_articles):
            split = index
            while split > current.start and rows[split - 1].kind in HEADING_KINDS:
                split -= 1  # a 节 heading goes with its articles
            current.end = split
            parts.append(current)
            current, count = TextPart(split, split), 0
        if row.kind in HEADING_KINDS:
            level = HEADING_LEVEL[row.kind]
            stack = {lvl: text for lvl, text in stack.items() if lvl < level}
            stack[level] = row.heading
        elif row.kind == "article":
            if not count:
                current.title = " · ".join(stack[lvl] for lvl in sorted(stack) if lvl < HEADING_LEVEL["section"])
                current.first_label, current.first_number = row.label, row.number
            current.last_label, current.last_number = row.label, row.number
            count += 1
    current.end = len(rows)
    if current.end > current.start or not parts:
        parts.append(current)
    return parts


def part_of(rows: list[Row], parts: list[TextPart]) -> Callable[[Row], int]:
    """The 1-based number of the part each row is in."""
    numbers: dict[int, int] = {}
    for number, part in enumerate(parts, start=1):
        for row in rows[part.start : part.end]:
            numbers[row.id] = number
    return lambda row: numbers.get(row.id, 1)


def rows_to_nodes(rows: list[Row]) -> list[Node]:
    """The tree as parser nodes, for the Word file."""

    def convert(row: Row) -> Node:
        return Node(row.kind, row.number, row.label, row.title, row.text, [convert(child) for child in row.children])

    return [convert(row) for row in rows if row.parent_id is None]
