"""Line charts over time (days, months): dash and marker tell the series apart as well as colour."""

from __future__ import annotations

from collections.abc import Sequence

from stats.charts.axes import axis_ticks, label_limit, x_labels, y_axis
from stats.charts.canvas import Canvas, Key, Line, Marker, Text, empty_canvas, legend
from stats.charts.data import Chart, Series, check_lengths, is_empty, series_table
from stats.charts.png import to_png
from stats.charts.style import DASHES, MARGIN, MARKERS, NO_DATA, PALETTE, PRINT_WIDTH, SCREEN_WIDTH
from stats.charts.svg import to_svg
from stats.charts.text import amount, clean_label, format_number, text_width


def line_chart(title: str, labels: list[str], series: list[Series], *, unit: str = "条") -> Chart:
    """A line per series over ``labels`` (days, months), with as many labels under the axis as fit."""
    check_lengths(labels, series)
    canvas, desc = _line_canvas(title, labels, series, unit, width=SCREEN_WIDTH)
    headers, rows = series_table(labels, series, unit=unit, first="时间")
    return Chart(svg=to_svg(canvas, title, desc), title=title, headers=headers, rows=rows)


def line_chart_png(title: str, labels: list[str], series: list[Series], *, unit: str = "条") -> bytes:
    """The line chart as a PNG for Word; without a Chinese font, as ``bar_chart_png``."""
    check_lengths(labels, series)
    canvas, _ = _line_canvas(title, labels, series, unit, width=PRINT_WIDTH)
    return to_png(canvas)


def _line_canvas(
    title: str, labels: Sequence[str], series: Sequence[Series], unit: str, *, width: float
) -> tuple[Canvas, str]:
    if is_empty(labels, series):
        return empty_canvas(width), f"{title}：{NO_DATA}。"
    names = [clean_label(label) for label in labels]
    canvas = Canvas(width)
    styles = [
        (PALETTE[i % len(PALETTE)], DASHES[i % len(DASHES)], MARKERS[i % len(MARKERS)]) for i in range(len(series))
    ]
    keys = [
        Key(clean_label(one.label), colour, line=True, dash=dash, marker=marker)
        for one, (colour, dash, marker) in zip(series, styles, strict=True)
    ]
    y = legend(canvas, keys if len(series) > 1 else [], MARGIN, note=f"单位：{unit}")
    ticks = axis_ticks(max(max(one.values) for one in series))
    plot_top, plot_height = y + 8, min(width * 0.5, 220)
    x0, x1 = y_axis(canvas, ticks, plot_top, plot_height)
    # The first point clear of the axis values, the labels under the end points within the canvas.
    half = min(max(text_width(name) for name in names), label_limit(width)) / 2
    x0, x1 = max(x0 + 6, MARGIN + half), x1 - half
    base = plot_top + plot_height
    count = len(names)
    step = (x1 - x0) / (count - 1) if count > 1 else 0
    xs = [x0 + step * i if count > 1 else (x0 + x1) / 2 for i in range(count)]
    with_markers = count <= 40
    for one, (colour, dash, marker) in zip(series, styles, strict=True):
        points = [(x, base - plot_height * max(0.0, v) / ticks[-1]) for x, v in zip(xs, one.values, strict=True)]
        if count > 1:
            canvas.add(Line(points, colour, 2.5, dash))
        for (x, y_point), name, value in zip(points, names, one.values, strict=True):
            if with_markers or count == 1:
                canvas.add(
                    Marker(
                        x, y_point, marker, colour, 3.5, tip=f"{name} · {clean_label(one.label)}：{amount(value, unit)}"
                    )
                )
    if len(series) == 1:
        # The peak, the figure people look for, in numbers.
        values = series[0].values
        peak = max(range(count), key=lambda i: values[i])
        x_peak = min(max(xs[peak], x0 + 12), x1 - 12)
        y_peak = base - plot_height * values[peak] / ticks[-1] - 8
        canvas.add(
            Text(
                x_peak, max(y_peak, plot_top + 2), format_number(values[peak]), anchor="middle", bold=True, numeric=True
            )
        )
    canvas.height = x_labels(canvas, names, xs, step or (x1 - x0), base) + MARGIN
    return canvas, _line_desc(title, labels, series, unit)


def _line_desc(title, labels, series, unit) -> str:
    parts = []
    for one in series:
        peak = max(range(len(labels)), key=lambda i: one.values[i])
        low = min(range(len(labels)), key=lambda i: one.values[i])
        parts.append(
            f"{clean_label(one.label)}合计{amount(sum(one.values), unit)}，"
            f"最多为{clean_label(labels[peak])}（{amount(one.values[peak], unit)}），"
            f"最少为{clean_label(labels[low])}（{amount(one.values[low], unit)}）"
        )
    return (
        f"{title}，从{clean_label(labels[0])}到{clean_label(labels[-1])}共{len(labels)}个时间点。{'；'.join(parts)}。"
    )
