"""The percent bar: one bar split into shares that add up to exactly 100.0%."""

from __future__ import annotations

import math
from collections.abc import Sequence

from stats.charts.canvas import Canvas, Rect, Text, empty_canvas
from stats.charts.data import Chart
from stats.charts.style import LINE_HEIGHT, MARGIN, NO_DATA, PALETTE, SCREEN_WIDTH
from stats.charts.svg import to_svg
from stats.charts.text import clean_label, fit, format_number, percent, text_width


def percent_bar(title: str, parts: list[tuple[str, float]]) -> Chart:
    """One bar split into the parts' shares, with a legend giving each part's count and share.

    Shares have one decimal and add up to exactly 100.0% (largest remainders get the rounding).
    """
    values = [max(0.0, float(value)) for _, value in parts]
    total = sum(values)
    shares = _shares(values) if total > 0 else [0.0] * len(values)
    headers = ["类别", "数量", "占比"]
    rows = [
        [str(label), format_number(value), percent(share)] for (label, value), share in zip(parts, shares, strict=True)
    ]
    if total <= 0:
        canvas, desc = empty_canvas(SCREEN_WIDTH), f"{title}：{NO_DATA}。"
        return Chart(svg=to_svg(canvas, title, desc), title=title, headers=headers, rows=rows)

    canvas = Canvas(SCREEN_WIDTH)
    names = [clean_label(label) for label, _ in parts]
    colours = [PALETTE[i % len(PALETTE)] for i in range(len(parts))]
    x, y, length, height = MARGIN, MARGIN, canvas.width - 2 * MARGIN, 30
    for name, value, share, colour in zip(names, values, shares, colours, strict=True):
        w = length * value / total
        if w <= 0:
            continue
        canvas.add(Rect(x, y, w, height, colour, "#ffffff", f"{name}：{format_number(value)}（{percent(share)}）"))
        if w >= text_width(percent(share)) + 6:
            canvas.add(Text(x + w / 2, y + 20, percent(share), anchor="middle", fill="#ffffff", numeric=True))
        x += w
    y += height + 8
    # One entry a line: the count and share beside the name, so colour is never the only key.
    for name, value, share, colour in zip(names, values, shares, colours, strict=True):
        canvas.add(Rect(MARGIN, y + 4, 12, 12, colour))
        figures = f"{format_number(value)}（{percent(share)}）"
        canvas.add(Text(canvas.width - MARGIN, y + 15, figures, anchor="end", numeric=True))
        room = canvas.width - 2 * MARGIN - 16 - text_width(figures) - 8
        canvas.add(Text(MARGIN + 16, y + 15, fit(name, room)))
        y += LINE_HEIGHT + 2
    canvas.height = y + MARGIN
    listed = "，".join(
        f"{name}{format_number(v)}，占{percent(s)}" for name, v, s in zip(names, values, shares, strict=True)
    )
    desc = f"{title}，共{format_number(total)}。{listed}。"
    return Chart(svg=to_svg(canvas, title, desc), title=title, headers=headers, rows=rows)


def _shares(values: Sequence[float]) -> list[float]:
    """Percentages with one decimal that add up to 100.0: tenths of a per cent by largest remainder."""
    total = sum(values)
    exact = [v * 1000 / total for v in values]
    tenths = [math.floor(e) for e in exact]
    for index in sorted(range(len(values)), key=lambda i: exact[i] - tenths[i], reverse=True)[: 1000 - sum(tenths)]:
        tenths[index] += 1
    return [t / 10 for t in tenths]
