"""Bar charts, horizontal (the default, for long Chinese labels on a phone) or vertical, side by side or stacked."""

from __future__ import annotations

from collections.abc import Sequence

from stats.charts.axes import axis_ticks, x_labels, y_axis
from stats.charts.canvas import Canvas, Group, Key, Rect, Text, empty_canvas, legend
from stats.charts.data import Chart, Series, check_lengths, is_empty, series_table
from stats.charts.png import to_png
from stats.charts.style import (
    BAR_GAP,
    BAR_HEIGHT,
    FONT_SIZE,
    LINE_HEIGHT,
    MARGIN,
    MUTED,
    NO_DATA,
    PALETTE,
    PRINT_WIDTH,
    SCREEN_WIDTH,
)
from stats.charts.svg import to_svg
from stats.charts.text import amount, clean_label, fit, format_number, text_width, wrap


def bar_chart(
    title: str,
    labels: list[str],
    series: list[Series],
    *,
    unit: str = "条",
    stacked: bool = False,
    horizontal: bool = True,
    hrefs: list[str] | None = None,
    max_bars: int = 40,
) -> Chart:
    """Bars per label, one for each series side by side or ``stacked`` into one.

    Horizontal bars (the default) put each label on a line of its own above its bars, so that
    long Chinese labels such as draft titles fit a phone.  Only the first ``max_bars`` labels
    are drawn (give them in the order that matters); the table has them all.  Negative values
    are drawn as zero.
    """
    check_lengths(labels, series, hrefs)
    canvas, desc = _bar_canvas(title, labels, series, unit, stacked, horizontal, hrefs, max_bars, width=SCREEN_WIDTH)
    headers, rows = series_table(labels, series, unit=unit, stacked=stacked)
    return Chart(svg=to_svg(canvas, title, desc), title=title, headers=headers, rows=rows, hrefs=tuple(hrefs or ()))


def bar_chart_png(
    title: str,
    labels: list[str],
    series: list[Series],
    *,
    unit: str = "条",
    stacked: bool = False,
    horizontal: bool = True,
    max_bars: int = 40,
) -> bytes:
    """The bar chart as a PNG for Word: ``PNG_WIDTH`` pixels wide, at ``PNG_DPI``.

    Text is drawn in the Chinese font ``find_cjk_font`` finds.  Without one, the labels and the
    legend are left out (Pillow's own font has no Chinese) and only the bars and the numbers
    are drawn; the report's table under the chart still names everything.
    """
    check_lengths(labels, series)
    canvas, _ = _bar_canvas(title, labels, series, unit, stacked, horizontal, None, max_bars, width=PRINT_WIDTH)
    return to_png(canvas)


def _bar_canvas(
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    unit: str,
    stacked: bool,
    horizontal: bool,
    hrefs: Sequence[str] | None,
    max_bars: int,
    *,
    width: float,
) -> tuple[Canvas, str]:
    if is_empty(labels, series):
        return empty_canvas(width), f"{title}：{NO_DATA}。"
    stacked = stacked and len(series) > 1
    shown = min(len(labels), max(1, max_bars))
    names = [clean_label(label) for label in labels[:shown]]
    values = [[max(0.0, float(one.values[i])) for one in series] for i in range(shown)]
    colours = [PALETTE[i % len(PALETTE)] for i in range(len(series))]
    series_names = [clean_label(one.label) for one in series]

    canvas = Canvas(width)
    keys = [Key(name, colour) for name, colour in zip(series_names, colours, strict=True)]
    y = legend(canvas, keys if len(series) > 1 else [], MARGIN, note=f"单位：{unit}")
    draw = _horizontal_bars if horizontal else _vertical_bars
    y = draw(canvas, y, names, values, series_names, colours, unit, stacked, hrefs)
    if shown < len(labels):
        y += 4
        canvas.add(Text(MARGIN, y + 15, f"另有{len(labels) - shown}项未画出，见数据表。", fill=MUTED))
        y += LINE_HEIGHT
    canvas.height = y + MARGIN
    return canvas, _bar_desc(title, labels, series, unit, stacked, shown)


def _tip(name: str, series_name: str, value: float, unit: str, many: bool) -> str:
    return f"{name} · {series_name}：{amount(value, unit)}" if many else f"{name}：{amount(value, unit)}"


def _horizontal_bars(canvas, y, names, values, series_names, colours, unit, stacked, hrefs) -> float:
    """Narrow canvases put each label above its bars; wide ones in a column to their left."""
    width = canvas.width
    many = len(series_names) > 1
    totals = [sum(row) for row in values]
    top = max(totals) if stacked else max(max(row) for row in values)
    number_width = max(text_width(format_number(v)) for v in (totals if stacked else sum(values, [])))
    wide = width >= 480
    label_width = min(max(text_width(name) for name in names), width * 0.3) if wide else 0
    x0 = MARGIN + label_width + (8 if wide else 0)
    length = width - MARGIN - x0 - number_width - 6
    bars_height = BAR_HEIGHT if stacked else len(values[0]) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP
    y += 2
    for index, (name, row) in enumerate(zip(names, values, strict=True)):
        shapes: list = []
        if wide:
            label_y = y + bars_height / 2 + 5
            shapes.append(Text(MARGIN + label_width, label_y, fit(name, label_width), anchor="end"))
            bar_y = y
        else:
            shapes.append(Text(MARGIN, y + 15, fit(name, width - 2 * MARGIN)))
            bar_y = y + LINE_HEIGHT + 2
        if stacked:
            x = x0
            for value, colour, series_name in zip(row, colours, series_names, strict=True):
                w = length * value / top
                if w > 0:
                    shapes.append(
                        Rect(x, bar_y, w, BAR_HEIGHT, colour, "#ffffff", _tip(name, series_name, value, unit, many))
                    )
                    if w >= text_width(format_number(value)) + 6:
                        shapes.append(
                            Text(
                                x + w / 2,
                                bar_y + 13,
                                format_number(value),
                                anchor="middle",
                                fill="#ffffff",
                                numeric=True,
                            )
                        )
                x += w
            shapes.append(Text(x + 4, bar_y + 13, format_number(sum(row)), numeric=True))
        else:
            for position, (value, colour, series_name) in enumerate(zip(row, colours, series_names, strict=True)):
                top_y = bar_y + position * (BAR_HEIGHT + BAR_GAP)
                w = length * value / top
                if w > 0:
                    shapes.append(
                        Rect(x0, top_y, w, BAR_HEIGHT, colour, tip=_tip(name, series_name, value, unit, many))
                    )
                shapes.append(Text(x0 + w + 4, top_y + 13, format_number(value), numeric=True))
        href = hrefs[index] if hrefs else ""
        canvas.add(Group(shapes, href=href, tip=name if href else ""))
        y = bar_y + bars_height + (10 if wide else 12)
    return y


def _vertical_bars(canvas, y, names, values, series_names, colours, unit, stacked, hrefs) -> float:
    many = len(series_names) > 1
    totals = [sum(row) for row in values]
    ticks = axis_ticks(max(totals) if stacked else max(max(row) for row in values))
    plot_top, plot_height = y + 8, min(canvas.width * 0.55, 240)
    x0, x1 = y_axis(canvas, ticks, plot_top, plot_height)
    base = plot_top + plot_height
    slot = (x1 - x0) / len(names)
    group_width = slot * 0.7
    bar_width = group_width if stacked else group_width / len(series_names)
    for index, (name, row) in enumerate(zip(names, values, strict=True)):
        left = x0 + slot * index + (slot - group_width) / 2
        shapes: list = []
        bottom = base
        for position, (value, colour, series_name) in enumerate(zip(row, colours, series_names, strict=True)):
            h = plot_height * value / ticks[-1]
            x = left if stacked else left + position * bar_width
            top = bottom - h if stacked else base - h
            if h > 0:
                shapes.append(
                    Rect(
                        x,
                        top,
                        bar_width,
                        h,
                        colour,
                        "#ffffff" if stacked else "",
                        _tip(name, series_name, value, unit, many),
                    )
                )
            if not stacked and bar_width >= text_width(format_number(value)) - 2:
                shapes.append(Text(x + bar_width / 2, top - 3, format_number(value), anchor="middle", numeric=True))
            if stacked:
                bottom = top
        if stacked and group_width >= text_width(format_number(sum(row))) - 2:
            shapes.append(
                Text(left + group_width / 2, bottom - 3, format_number(sum(row)), anchor="middle", numeric=True)
            )
        href = hrefs[index] if hrefs else ""
        canvas.add(Group(shapes, href=href, tip=name if href else ""))
    centres = [x0 + slot * (i + 0.5) for i in range(len(names))]
    if slot < 2 * FONT_SIZE + 4:
        return x_labels(canvas, names, centres, slot, base)
    # Categories are not a time line, where every few labels tell the rest: each keeps its own,
    # on two lines if need be.
    wrapped = [wrap(name, slot - 4) for name in names]
    for centre, lines in zip(centres, wrapped, strict=True):
        for number, line in enumerate(lines):
            canvas.add(Text(centre, base + 18 + number * 17, line, anchor="middle", fill=MUTED))
    return base + 17 * max(map(len, wrapped)) + 9


def _bar_desc(title, labels, series, unit, stacked, shown) -> str:
    """The chart in words: each label's figures (the first ten), and the totals."""
    many = len(series) > 1
    parts = []
    for index, label in enumerate(labels):
        figures = [(one.label, one.values[index]) for one in series]
        if many:
            text = "、".join(f"{name}{amount(value, unit)}" for name, value in figures)
            if stacked:
                text += f"，合计{amount(sum(v for _, v in figures), unit)}"
            parts.append(f"{clean_label(label)}：{text}")
        else:
            parts.append(f"{clean_label(label)}{amount(figures[0][1], unit)}")
    separator = "；" if many else "、"
    listed = separator.join(parts[:10]) + (f"{separator}……" if len(parts) > 10 else "")
    totals = "，".join(f"{clean_label(one.label)}合计{amount(sum(one.values), unit)}" for one in series)
    text = f"{title}，共{len(labels)}项。{listed}。{totals}。"
    if shown < len(labels):
        text += f"图中画出前{shown}项。"
    return text
