"""Axes of the bar and line charts: round tick values, grid lines and the labels under the plot."""

from __future__ import annotations

import math
from collections.abc import Sequence

from stats.charts.canvas import Canvas, Line, Text
from stats.charts.style import FONT_SIZE, INK, LINE, LINE_HEIGHT, MARGIN, MUTED
from stats.charts.text import fit, format_number, text_width


def axis_ticks(top: float, count: int = 4) -> list[float]:
    """Round axis values from 0 to at least ``top``: steps of 1, 2 or 5 times a power of ten."""
    if top <= 0:
        return [0, 1]
    raw = top / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = max(1, next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw))
    return [i * step for i in range(math.ceil(top / step - 1e-9) + 1)]


def shown_labels(count: int, slot: float, label_width: float) -> list[int]:
    """Indexes of the axis labels to print, evenly thinned so that none overlap; the last one
    is always among them, as the end of a period matters as much as its start."""
    if count == 0:
        return []
    step = max(1, math.ceil((label_width + 8) / max(slot, 1e-9)))
    shown = list(range(0, count, step))
    if shown[-1] != count - 1:
        if (count - 1 - shown[-1]) * slot < label_width + 8 and len(shown) > 1:
            shown.pop()
        shown.append(count - 1)
    return shown


def y_axis(canvas: Canvas, ticks: list[float], top: float, height: float) -> tuple[float, float]:
    """Grid lines and their values; returns the plot's left and right edges."""
    x0 = MARGIN + max(text_width(format_number(t)) for t in ticks) + 6
    x1 = canvas.width - MARGIN - 4
    for tick in ticks:
        y = top + height - height * tick / ticks[-1]
        canvas.add(Line([(x0, y), (x1, y)], INK if tick == 0 else LINE, 1))
        canvas.add(Text(x0 - 6, y + 5, format_number(tick), anchor="end", fill=MUTED, numeric=True))
    return x0, x1


def label_limit(width: float) -> float:
    return max(width / 3, FONT_SIZE * 4)


def x_labels(canvas: Canvas, names: Sequence[str], centres: Sequence[float], slot: float, base: float) -> float:
    """The labels under the plot, thinned so that none overlap; returns the y below them."""
    widest = max(text_width(name) for name in names)
    limit = label_limit(canvas.width)
    texts = [fit(name, limit) for name in names]
    for index in shown_labels(len(names), slot, min(widest, limit)):
        x = min(
            max(centres[index], MARGIN + text_width(texts[index]) / 2),
            canvas.width - MARGIN - text_width(texts[index]) / 2,
        )
        canvas.add(Text(x, base + 18, texts[index], anchor="middle", fill=MUTED))
    return base + LINE_HEIGHT + 6
