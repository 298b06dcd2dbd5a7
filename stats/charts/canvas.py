"""The canvas every chart is laid out on: shapes in abstract units, legends, and the empty chart.

A chart is drawn once as shapes; ``stats.charts.svg`` writes them as markup for the page and
``stats.charts.png`` paints them for Word, so both show the same chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from stats.charts.style import FONT_SIZE, INK, LINE, LINE_HEIGHT, MARGIN, MUTED, NO_DATA
from stats.charts.text import fit, text_width


@dataclass(slots=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str
    stroke: str = ""
    tip: str = ""


@dataclass(slots=True)
class Text:
    x: float
    y: float  # baseline
    text: str
    size: float = FONT_SIZE
    anchor: str = "start"  # start | middle | end
    fill: str = INK
    bold: bool = False
    numeric: bool = False  # numbers are printed even without a Chinese font (PNG)


@dataclass(slots=True)
class Line:
    points: list[tuple[float, float]]
    colour: str
    width: float = 1
    dash: tuple[float, ...] = ()


@dataclass(slots=True)
class Marker:
    x: float
    y: float
    shape: str
    colour: str
    size: float = 4
    tip: str = ""


@dataclass(slots=True)
class Group:
    """Shapes that form one link (``href``) or share one tooltip."""

    shapes: list
    href: str = ""
    tip: str = ""


@dataclass
class Canvas:
    width: float
    height: float = 0
    shapes: list = field(default_factory=list)

    def add(self, shape):
        self.shapes.append(shape)
        return shape


@dataclass(frozen=True)
class Key:
    """A legend entry: a box of colour, or a stretch of line with its marker."""

    label: str
    colour: str
    line: bool = False
    dash: tuple[float, ...] = ()
    marker: str = ""
    stroke: str = ""


def legend(canvas: Canvas, keys: Sequence[Key], y: float, *, note: str = "") -> float:
    """Legend entries flowing over as many lines as they need, after ``note``; returns the y below."""
    left, right = MARGIN, canvas.width - MARGIN
    x = left
    if note:
        canvas.add(Text(x, y + 15, note, fill=MUTED))
        x += text_width(note) + 12
    for key in keys:
        swatch = 26 if key.line else 12
        label = fit(key.label, right - left - swatch - 4)
        width = swatch + 4 + text_width(label) + 14
        if x + width - 14 > right and x > left:
            x, y = left, y + LINE_HEIGHT
        if key.line:
            canvas.add(Line([(x, y + 10), (x + swatch, y + 10)], key.colour, 2, key.dash))
            canvas.add(Marker(x + swatch / 2, y + 10, key.marker, key.colour))
        else:
            canvas.add(Rect(x, y + 4, swatch, swatch, key.colour, key.stroke))
        canvas.add(Text(x + swatch + 4, y + 15, label))
        x += width
    return y + LINE_HEIGHT + 4


def empty_canvas(width: float) -> Canvas:
    """The small chart every kind draws when it has nothing to show: a box that says so."""
    canvas = Canvas(width, 56)
    canvas.add(Rect(0.5, 0.5, width - 1, 55, "#ffffff", LINE))
    canvas.add(Text(width / 2, 33, NO_DATA, fill=MUTED, anchor="middle"))
    return canvas


def marker_points(marker: Marker) -> list[tuple[float, float]]:
    """The corners of a square, triangle or diamond marker, for both renderers (circles are drawn as such)."""
    x, y, r = marker.x, marker.y, marker.size
    if marker.shape == "square":
        r *= 0.9
        return [(x - r, y - r), (x + r, y - r), (x + r, y + r), (x - r, y + r)]
    if marker.shape == "triangle":
        r *= 1.2
        return [(x, y - r), (x + r, y + r * 0.8), (x - r, y + r * 0.8)]
    r *= 1.25  # diamond
    return [(x, y - r), (x + r, y), (x, y + r), (x - r, y)]
