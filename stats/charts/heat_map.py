"""The heat map: the text of a draft as a square per article, shaded by the opinions each drew."""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from stats.charts.canvas import Canvas, Group, Key, Rect, Text, empty_canvas, legend
from stats.charts.data import Chart, HeatCell
from stats.charts.style import (
    HEADING_SIZE,
    HEAT_STEPS,
    HEAT_ZERO,
    LINE,
    LINE_HEIGHT,
    MARGIN,
    MUTED,
    NO_DATA,
    SCREEN_WIDTH,
)
from stats.charts.svg import to_svg
from stats.charts.text import amount, clean_label, fit, format_number


def heat_map(title: str, cells: list[HeatCell], *, unit: str = "条", columns: int = 20) -> Chart:
    """The text as a picture: a square per article, in text order, a block per chapter.

    Articles without opinions are white; the others are shaded in five steps that each hold
    about a fifth of them (quantiles of the articles with opinions), so that one article with
    thousands of opinions does not leave all the others pale.  Each square links to its article
    and names it and its count in a tooltip.
    """
    groups = any(cell.group for cell in cells)
    headers = (["章节"] if groups else []) + ["条文", f"意见数（{unit}）"]
    rows = [([cell.group] if groups else []) + [cell.label, format_number(cell.value)] for cell in cells]
    links = {"hrefs": tuple(cell.href for cell in cells), "link_column": 1 if groups else 0}
    if not cells or not any(cell.value > 0 for cell in cells):
        canvas, desc = empty_canvas(SCREEN_WIDTH), f"{title}：{NO_DATA}。"
        return Chart(svg=to_svg(canvas, title, desc), title=title, headers=headers, rows=rows, **links)

    steps = _quantile_steps([cell.value for cell in cells])
    canvas = Canvas(SCREEN_WIDTH)
    # Ties can leave a step without articles: it has no place in the legend (which would read 「2 — 3 —」).
    keys = [Key("0", HEAT_ZERO, stroke=LINE)] + [
        Key(text, colour) for (text, members), colour in zip(steps.ranges, HEAT_STEPS, strict=True) if members
    ]
    y = legend(canvas, keys, MARGIN, note=f"意见数（{unit}）")
    canvas.add(Text(MARGIN, y + 15, "颜色按分位数分为五档，每档条文数大致相同", fill=MUTED))
    y += LINE_HEIGHT + 6

    pitch = (canvas.width - 2 * MARGIN) / max(1, columns)
    side = pitch - 2
    column, group = 0, None
    heading_width = canvas.width - 2 * MARGIN
    for cell in cells:
        if cell.group != group or column == columns:
            if column:
                y += pitch
            column = 0
            if cell.group != group:
                group = cell.group
                if group:
                    y += 6
                    canvas.add(
                        Text(
                            MARGIN,
                            y + 15,
                            fit(clean_label(group), heading_width, HEADING_SIZE),
                            HEADING_SIZE,
                            bold=True,
                        )
                    )
                    y += LINE_HEIGHT + 2
        value = cell.value
        label = clean_label(cell.label)
        rect = Rect(MARGIN + column * pitch, y, side, side, steps.colour(value), LINE if value <= 0 else "")
        canvas.add(Group([rect], href=cell.href, tip=f"{label}：{format_number(value)} {unit}意见"))
        column += 1
    canvas.height = y + pitch + MARGIN
    return Chart(
        svg=to_svg(canvas, title, _heat_desc(title, cells, unit, steps)),
        title=title,
        headers=headers,
        rows=rows,
        **links,
    )


@dataclass(frozen=True)
class _Steps:
    uppers: list[float]  # the highest value of each step
    ranges: list[tuple[str, int]]  # legend text and number of articles, per step

    def colour(self, value: float) -> str:
        if value <= 0:
            return HEAT_ZERO
        return HEAT_STEPS[min(bisect_left(self.uppers, value), len(HEAT_STEPS) - 1)]


def _quantile_steps(values: Iterable[float]) -> _Steps:
    """Five steps of the positive values, each up to a quintile; ties can leave a step empty ("—")."""
    positive = sorted(v for v in values if v > 0)
    count = len(positive)
    uppers = [positive[math.ceil(count * k / 5) - 1] for k in range(1, 6)]
    ranges, start = [], 0
    for upper in uppers:
        end = bisect_right(positive, upper, lo=start)
        members = positive[start:end]
        if not members:
            ranges.append(("—", 0))
        elif members[0] == members[-1]:
            ranges.append((format_number(members[0]), len(members)))
        else:
            ranges.append((f"{format_number(members[0])}–{format_number(members[-1])}", len(members)))
        start = end
    return _Steps(uppers, ranges)


def _heat_desc(title: str, cells: Sequence[HeatCell], unit: str, steps: _Steps) -> str:
    total = sum(cell.value for cell in cells)
    without = sum(1 for cell in cells if cell.value <= 0)
    top = sorted(range(len(cells)), key=lambda i: -cells[i].value)[:5]
    most = "、".join(
        f"{clean_label(cells[i].label)}（{amount(cells[i].value, unit)}）" for i in top if cells[i].value > 0
    )
    scale = "、".join(text for text, n in steps.ranges if n)
    return (
        f"{title}：共{len(cells)}条条文，收到意见{amount(total, unit)}；{without}条暂无意见。"
        f"意见最多的是{most}。颜色越深意见越多，按分位数分为五档（{scale}）。"
    )
