"""What a chart takes (``Series``, ``HeatCell``) and gives (``Chart``), and the table alternative of its data."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe

from stats.charts.text import format_number


@dataclass(frozen=True)
class Series:
    label: str
    values: list[float]


@dataclass(frozen=True)
class HeatCell:
    """One article of the text: its label, the opinions it drew, its link and its chapter."""

    label: str
    value: float
    href: str = ""
    group: str = ""


@dataclass(frozen=True)
class Chart:
    svg: SafeString
    title: str
    headers: list[str]
    rows: list[list[str]]
    # The links of the chart, a row each, repeated in the table alternative (a chart with links is a
    # role="group" SVG whose links screen readers reach too; the table lists them in reading order).
    hrefs: tuple[str, ...] = ()
    link_column: int = 0

    @property
    def linked_rows(self) -> list[tuple[list[str], str]]:
        hrefs = list(self.hrefs) + [""] * (len(self.rows) - len(self.hrefs))
        return list(zip(self.rows, hrefs, strict=False))

    def table_body(self) -> SafeString:
        """The rows of the table alternative as HTML: the first cell a row header, figures right-aligned
        (class="num"), the link column linked. Written here rather than in the template: the draft's table
        has a row per article (1,260 in the Civil Code), and a template loop per cell cost the staff dashboard
        most of its time."""
        return mark_safe("".join(_table_row(row, href, self.link_column) for row, href in self.linked_rows))  # noqa: S308 - every part escaped by _escape


def _escape(value) -> str:
    # conditional_escape's result, without its lazy-string wrapper per call (1,260 rows × 4 cells)
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


def _table_row(row: list[str], href: str, link_column: int) -> str:
    cells = []
    for index, cell in enumerate(row):
        content = _escape(cell)
        if href and index == link_column:
            content = f'<a href="{_escape(href)}">{content}</a>'
        if index == 0:
            cells.append(f'<th scope="row">{content}</th>')
        elif str(cell)[:1] in "0123456789—-":  # as the template's slice:":1" in "…" did (an empty cell too)
            cells.append(f'<td class="num">{content}</td>')
        else:
            cells.append(f"<td>{content}</td>")
    return f"<tr>{''.join(cells)}</tr>"


def series_table(
    labels: Sequence[str], series: Sequence[Series], *, unit: str = "条", stacked: bool = False, first: str = "项目"
) -> tuple[list[str], list[list[str]]]:
    """The table alternative of a bar or line chart: a row per label, a column per series
    (and the total, when the bars are stacked)."""
    headers = [first, *(f"{s.label}（{unit}）" for s in series)]
    if stacked and len(series) > 1:
        headers.append(f"合计（{unit}）")
    rows = []
    for index, label in enumerate(labels):
        values = [s.values[index] for s in series]
        row = [str(label), *(format_number(v) for v in values)]
        if stacked and len(series) > 1:
            row.append(format_number(sum(values)))
        rows.append(row)
    return headers, rows


def check_lengths(labels: Sequence[str], series: Sequence[Series], hrefs: Sequence[str] | None = None) -> None:
    for one in series:
        if len(one.values) != len(labels):
            raise ValueError(f"series {one.label!r} has {len(one.values)} values for {len(labels)} labels")
    if hrefs is not None and len(hrefs) != len(labels):
        raise ValueError(f"{len(hrefs)} links for {len(labels)} labels")


def is_empty(labels: Sequence[str], series: Sequence[Series]) -> bool:
    return not labels or not series or not any(v > 0 for one in series for v in one.values)
