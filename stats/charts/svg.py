"""A canvas as SVG markup: an image with a name and a description, every text and link escaped."""

from __future__ import annotations

import hashlib
import math

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from cms.officialdoc import clean
from stats.charts.canvas import Canvas, Group, Line, Marker, Rect, Text, marker_points
from stats.charts.style import FONT_FAMILY, FONT_SIZE, INK


def _n(value: float) -> str:
    return f"{round(value, 1):g}"


def _svg_shape(shape, out: list[str]) -> None:
    if isinstance(shape, Rect):
        stroke = f' stroke="{shape.stroke}"' if shape.stroke else ""
        attributes = (
            f'x="{_n(shape.x)}" y="{_n(shape.y)}" width="{_n(shape.w)}" height="{_n(shape.h)}" fill="{shape.fill}"'
        )
        if shape.tip:
            out.append(f"<rect {attributes}{stroke}><title>{escape(shape.tip)}</title></rect>")
        else:
            out.append(f"<rect {attributes}{stroke}/>")
    elif isinstance(shape, Text):
        extra = "" if shape.size == FONT_SIZE else f' font-size="{_n(shape.size)}"'
        extra += "" if shape.anchor == "start" else f' text-anchor="{shape.anchor}"'
        extra += "" if shape.fill == INK else f' fill="{shape.fill}"'
        extra += ' font-weight="bold"' if shape.bold else ""
        out.append(f'<text x="{_n(shape.x)}" y="{_n(shape.y)}"{extra}>{escape(shape.text)}</text>')
    elif isinstance(shape, Line):
        points = " ".join(f"{_n(x)},{_n(y)}" for x, y in shape.points)
        dash = f' stroke-dasharray="{" ".join(_n(d) for d in shape.dash)}"' if shape.dash else ""
        out.append(
            f'<polyline points="{points}" fill="none" stroke="{shape.colour}" stroke-width="{_n(shape.width)}"'
            f'{dash} stroke-linejoin="round"/>'
        )
    elif isinstance(shape, Marker):
        tip = f"<title>{escape(shape.tip)}</title>" if shape.tip else ""
        if shape.shape == "circle":
            element = f'circle cx="{_n(shape.x)}" cy="{_n(shape.y)}" r="{_n(shape.size)}"'
        else:
            points = " ".join(f"{_n(x)},{_n(y)}" for x, y in marker_points(shape))
            element = f'polygon points="{points}"'
        tag = element.split(" ", 1)[0]
        attributes = f'{element} fill="{shape.colour}" stroke="#ffffff" stroke-width="1"'
        out.append(f"<{attributes}>{tip}</{tag}>" if tip else f"<{attributes}/>")
    elif isinstance(shape, Group):
        tip = f"<title>{escape(shape.tip)}</title>" if shape.tip else ""
        # Not a Tab stop: the chart is one image to assistive technology; the table beside it has the links.
        out.append(f'<a href="{escape(shape.href)}" tabindex="-1">{tip}' if shape.href else f"<g>{tip}")
        for inner in shape.shapes:
            _svg_shape(inner, out)
        out.append("</a>" if shape.href else "</g>")


def to_svg(canvas: Canvas, title: str, desc: str) -> SafeString:
    title, desc = clean(title), clean(desc)
    body: list[str] = []
    for shape in canvas.shapes:
        _svg_shape(shape, body)
    markup = "".join(body)
    # Derived from the content, so the same chart always has the same id (and can be cached).
    chart_id = "chart-" + hashlib.blake2s(f"{title}\n{desc}\n{markup}".encode(), digest_size=6).hexdigest()
    height = math.ceil(canvas.height)
    # A chart with links (a bar chart's bars, a heat map's squares) is a group, so that screen readers
    # reach and announce its links; as role="img" it would be one picture whose links are still Tab stops
    # (axe: nested-interactive). A chart without links stays one named picture.
    role = "group" if "<a " in markup else "img"
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="{role}" aria-labelledby="{chart_id}-title {chart_id}-desc"'
        f' class="chart" width="100%" viewBox="0 0 {_n(canvas.width)} {height}"'
        f' font-family="{FONT_FAMILY}" font-size="{FONT_SIZE}" fill="{INK}">'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(desc)}</desc>'
        f"{markup}</svg>"
    )
    return mark_safe(svg)  # noqa: S308 -- every text and link in it went through escape()
