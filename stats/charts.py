"""Charts for the statistics dashboards: SVG made on the server, and the same charts as PNG for Word.

No JavaScript and no CDN: each function lays the chart out once as a list of shapes on a canvas
measured in abstract units, which one renderer writes as SVG markup and another draws with Pillow.
So the web page and the printed report show the same chart, and only the canvas width differs:
``SCREEN_WIDTH`` units for the SVG, whose viewBox scales with the page, ``PRINT_WIDTH`` for the PNG,
whose pixels are fixed and which the report prints at text width.

The SVG is sized for a phone.  It is ``SCREEN_WIDTH`` = 320 units wide, and all text is at least
14 units, so that text stays at 12 px and more down to a chart 275 px wide; a 360 px phone
gives the chart about 294 px once the page and card padding are taken off.  An inline
``max-width`` stops the chart, and its text, from growing past 1.6 times that on a desktop.

Every chart is an image with a name (``<title>``) and a description (``<desc>``) that says its
main figures in words, and comes with its data as a table (``Chart.headers`` and ``Chart.rows``)
for the page to offer as a text alternative.  Series are told apart by the legend's text and, in
line charts, by dash pattern and marker shape as well as colour.

Links inside the SVG (``hrefs`` of a bar chart, the squares of a heat map) serve mouse, touch and
keyboard users; screen readers treat an ``role="img"`` element as one picture and do not list
them, so the page should link the rows of the table alternative too.
"""

from __future__ import annotations

import hashlib
import io
import math
import shutil
import subprocess
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from PIL import Image, ImageDraw, ImageFont

from cms.officialdoc import clean

__all__ = [
    "Chart",
    "HeatCell",
    "Series",
    "bar_chart",
    "bar_chart_png",
    "find_cjk_font",
    "format_number",
    "heat_map",
    "line_chart",
    "line_chart_png",
    "percent_bar",
    "series_table",
]

# The house palette (cms/static/cms/css/site.css).
RED = "#a4161a"
RED_DARK = "#7d1014"
INK = "#1f2328"
MUTED = "#5b616b"
LINE = "#d9dce1"
OK = "#1e6b35"
WARN = "#8a5a00"
FOCUS = "#1a5fb4"
#: Series colours, starting from the house red.  Each has a contrast of 4.5:1 or more against
#: white (so white numbers can sit on it), and neighbours differ in hue and lightness: the two
#: series most charts have, red and blue, stay apart for red-green colour blindness.
PALETTE = (RED, FOCUS, WARN, OK, "#6a3d9a", MUTED, "#0b6470", RED_DARK)
#: Line charts tell their series apart by dash and marker as well as colour.
DASHES: tuple[tuple[float, ...], ...] = ((), (7, 4), (2, 3), (9, 3, 2, 3))
MARKERS = ("circle", "square", "triangle", "diamond")
#: Heat map: no opinions, then five steps from pale to the house red.
HEAT_ZERO = "#ffffff"
HEAT_STEPS = ("#f9dcdc", "#efaaab", "#de7073", "#c23b3f", RED)

SCREEN_WIDTH = 320
PRINT_WIDTH = 600
PNG_WIDTH = 1600
PNG_DPI = 200
FONT_SIZE = 14
HEADING_SIZE = 15
MARGIN = 8
LINE_HEIGHT = 20
BAR_HEIGHT = 16
BAR_GAP = 3
MAX_WIDTH_CSS = "32rem"
FONT_FAMILY = "'PingFang SC','Hiragino Sans GB','Microsoft YaHei','Noto Sans CJK SC','Source Han Sans SC',sans-serif"
NO_DATA = "暂无数据"


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


# --- numbers and text -----------------------------------------------------------------


def format_number(value: float) -> str:
    """``1,234`` for whole numbers, ``1,234.5`` otherwise."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def _percent(value: float) -> str:
    return f"{value:.1f}%"


def _text_width(text: str, size: float = FONT_SIZE) -> float:
    """Estimated width: Chinese characters are square, Latin letters and digits about 0.6 em."""
    return sum(size if unicodedata.east_asian_width(ch) in "WF" else size * 0.6 for ch in text)


def _fit(text: str, width: float, size: float = FONT_SIZE) -> str:
    """``text``, cut short with … where it would be wider than ``width``."""
    if _text_width(text, size) <= width:
        return text
    room = width - size
    kept = []
    for ch in text:
        room -= _text_width(ch, size)
        if room < 0:
            break
        kept.append(ch)
    return "".join(kept) + "…"


def _wrap(text: str, width: float, max_lines: int = 2) -> list[str]:
    """``text`` broken into lines no wider than ``width``, the last one cut short with … if need be."""
    lines: list[str] = []
    while len(lines) < max_lines - 1 and _text_width(text) > width:
        cut, used = 0, 0.0
        for ch in text:
            used += _text_width(ch)
            if used > width:
                break
            cut += 1
        cut = max(cut, 1)
        lines.append(text[:cut])
        text = text[cut:]
    lines.append(_fit(text, width))
    return lines


def _label(text: str) -> str:
    """Label text without the characters XML cannot carry, on one line."""
    return " ".join(clean(str(text)).split())


def _ticks(top: float, count: int = 4) -> list[float]:
    """Round axis values from 0 to at least ``top``: steps of 1, 2 or 5 times a power of ten."""
    if top <= 0:
        return [0, 1]
    raw = top / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = max(1, next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw))
    return [i * step for i in range(math.ceil(top / step - 1e-9) + 1)]


def _shown_labels(count: int, slot: float, label_width: float) -> list[int]:
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


def _listing(items: Sequence[str], limit: int = 10) -> str:
    if len(items) <= limit:
        return "、".join(items)
    return "、".join(items[:limit]) + f"等{len(items)}项"


# --- the canvas ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str
    stroke: str = ""
    tip: str = ""


@dataclass(slots=True)
class _Text:
    x: float
    y: float  # baseline
    text: str
    size: float = FONT_SIZE
    anchor: str = "start"  # start | middle | end
    fill: str = INK
    bold: bool = False
    numeric: bool = False  # numbers are printed even without a Chinese font (PNG)


@dataclass(slots=True)
class _Line:
    points: list[tuple[float, float]]
    colour: str
    width: float = 1
    dash: tuple[float, ...] = ()


@dataclass(slots=True)
class _Marker:
    x: float
    y: float
    shape: str
    colour: str
    size: float = 4
    tip: str = ""


@dataclass(slots=True)
class _Group:
    """Shapes that form one link (``href``) or share one tooltip."""

    shapes: list
    href: str = ""
    tip: str = ""


@dataclass
class _Canvas:
    width: float
    height: float = 0
    shapes: list = field(default_factory=list)

    def add(self, shape):
        self.shapes.append(shape)
        return shape


@dataclass(frozen=True)
class _Key:
    """A legend entry: a box of colour, or a stretch of line with its marker."""

    label: str
    colour: str
    line: bool = False
    dash: tuple[float, ...] = ()
    marker: str = ""
    stroke: str = ""


def _legend(canvas: _Canvas, keys: Sequence[_Key], y: float, *, note: str = "") -> float:
    """Legend entries flowing over as many lines as they need, after ``note``; returns the y below."""
    left, right = MARGIN, canvas.width - MARGIN
    x = left
    if note:
        canvas.add(_Text(x, y + 15, note, fill=MUTED))
        x += _text_width(note) + 12
    for key in keys:
        swatch = 26 if key.line else 12
        label = _fit(key.label, right - left - swatch - 4)
        width = swatch + 4 + _text_width(label) + 14
        if x + width - 14 > right and x > left:
            x, y = left, y + LINE_HEIGHT
        if key.line:
            canvas.add(_Line([(x, y + 10), (x + swatch, y + 10)], key.colour, 2, key.dash))
            canvas.add(_Marker(x + swatch / 2, y + 10, key.marker, key.colour))
        else:
            canvas.add(_Rect(x, y + 4, swatch, swatch, key.colour, key.stroke))
        canvas.add(_Text(x + swatch + 4, y + 15, label))
        x += width
    return y + LINE_HEIGHT + 4


def _empty(width: float) -> _Canvas:
    canvas = _Canvas(width, 56)
    canvas.add(_Rect(0.5, 0.5, width - 1, 55, "#ffffff", LINE))
    canvas.add(_Text(width / 2, 33, NO_DATA, fill=MUTED, anchor="middle"))
    return canvas


# --- SVG ------------------------------------------------------------------------------


def _n(value: float) -> str:
    return f"{round(value, 1):g}"


def _svg_shape(shape, out: list[str]) -> None:
    if isinstance(shape, _Rect):
        stroke = f' stroke="{shape.stroke}"' if shape.stroke else ""
        attributes = (
            f'x="{_n(shape.x)}" y="{_n(shape.y)}" width="{_n(shape.w)}" height="{_n(shape.h)}" fill="{shape.fill}"'
        )
        if shape.tip:
            out.append(f"<rect {attributes}{stroke}><title>{escape(shape.tip)}</title></rect>")
        else:
            out.append(f"<rect {attributes}{stroke}/>")
    elif isinstance(shape, _Text):
        extra = "" if shape.size == FONT_SIZE else f' font-size="{_n(shape.size)}"'
        extra += "" if shape.anchor == "start" else f' text-anchor="{shape.anchor}"'
        extra += "" if shape.fill == INK else f' fill="{shape.fill}"'
        extra += ' font-weight="bold"' if shape.bold else ""
        out.append(f'<text x="{_n(shape.x)}" y="{_n(shape.y)}"{extra}>{escape(shape.text)}</text>')
    elif isinstance(shape, _Line):
        points = " ".join(f"{_n(x)},{_n(y)}" for x, y in shape.points)
        dash = f' stroke-dasharray="{" ".join(_n(d) for d in shape.dash)}"' if shape.dash else ""
        out.append(
            f'<polyline points="{points}" fill="none" stroke="{shape.colour}" stroke-width="{_n(shape.width)}"'
            f'{dash} stroke-linejoin="round"/>'
        )
    elif isinstance(shape, _Marker):
        tip = f"<title>{escape(shape.tip)}</title>" if shape.tip else ""
        if shape.shape == "circle":
            element = f'circle cx="{_n(shape.x)}" cy="{_n(shape.y)}" r="{_n(shape.size)}"'
        else:
            points = " ".join(f"{_n(x)},{_n(y)}" for x, y in _marker_points(shape))
            element = f'polygon points="{points}"'
        tag = element.split(" ", 1)[0]
        attributes = f'{element} fill="{shape.colour}" stroke="#ffffff" stroke-width="1"'
        out.append(f"<{attributes}>{tip}</{tag}>" if tip else f"<{attributes}/>")
    elif isinstance(shape, _Group):
        tip = f"<title>{escape(shape.tip)}</title>" if shape.tip else ""
        out.append(f'<a href="{escape(shape.href)}">{tip}' if shape.href else f"<g>{tip}")
        for inner in shape.shapes:
            _svg_shape(inner, out)
        out.append("</a>" if shape.href else "</g>")


def _marker_points(marker: _Marker) -> list[tuple[float, float]]:
    x, y, r = marker.x, marker.y, marker.size
    if marker.shape == "square":
        r *= 0.9
        return [(x - r, y - r), (x + r, y - r), (x + r, y + r), (x - r, y + r)]
    if marker.shape == "triangle":
        r *= 1.2
        return [(x, y - r), (x + r, y + r * 0.8), (x - r, y + r * 0.8)]
    r *= 1.25  # diamond
    return [(x, y - r), (x + r, y), (x, y + r), (x - r, y)]


def _svg(canvas: _Canvas, title: str, desc: str) -> SafeString:
    title, desc = clean(title), clean(desc)
    body: list[str] = []
    for shape in canvas.shapes:
        _svg_shape(shape, body)
    markup = "".join(body)
    # Derived from the content, so the same chart always has the same id (and can be cached).
    chart_id = "chart-" + hashlib.blake2s(f"{title}\n{desc}\n{markup}".encode(), digest_size=6).hexdigest()
    height = math.ceil(canvas.height)
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc"'
        f' class="chart" width="100%" viewBox="0 0 {_n(canvas.width)} {height}" style="max-width:{MAX_WIDTH_CSS}"'
        f' font-family="{FONT_FAMILY}" font-size="{FONT_SIZE}" fill="{INK}">'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(desc)}</desc>'
        f"{markup}</svg>"
    )
    return mark_safe(svg)  # noqa: S308 -- every text and link in it went through escape()


# --- PNG ------------------------------------------------------------------------------

# Where Linux distributions, macOS and Windows keep a Chinese font, best first.
_KNOWN_CJK_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/adobe-source-han-sans/SourceHanSansSC-Regular.otf",
    "/usr/share/fonts/opentype/source-han-sans/SourceHanSansSC-Regular.otf",
    "/usr/share/fonts/adobe-source-han-sans/SourceHanSans-Regular.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/msyh.ttc",
)


def find_cjk_font() -> str | None:
    """The path of a font with simplified Chinese glyphs, or None.

    Asks fontconfig for Noto Sans CJK SC first and takes its answer only if the font supports
    zh-cn (fontconfig always answers something, often DejaVu), then tries the usual paths of
    Noto CJK, WenQuanYi and Source Han.
    """
    fc_match = shutil.which("fc-match")
    if fc_match:
        try:
            found = subprocess.run(  # noqa: S603 -- a fixed command, no user input
                [fc_match, "-f", "%{file}\n%{lang}", "Noto Sans CJK SC:lang=zh-cn"],
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
            ).stdout
        except (OSError, subprocess.SubprocessError):
            found = ""
        path, _, languages = found.partition("\n")
        if path and "zh-cn" in languages.split("|") and Path(path).is_file():
            return path
    return next((path for path in _KNOWN_CJK_FONTS if Path(path).is_file()), None)


@lru_cache(maxsize=1)
def _cjk_font_face() -> tuple[str, int] | None:
    """The font file and, in a collection, the index of its simplified Chinese face (a .ttc of
    Noto CJK starts with the Japanese one, whose glyphs differ from those readers here expect)."""
    path = find_cjk_font()
    if path is None:
        return None
    for index in range(12):
        try:
            family, _ = ImageFont.truetype(path, 10, index=index).getname()
        except OSError:
            break
        if family and family.endswith((" SC", "SC")):
            return path, index
    return path, 0


@lru_cache(maxsize=32)
def _pillow_font(pixels: int, *, cjk: bool) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    face = _cjk_font_face() if cjk else None
    if face is None:
        return ImageFont.load_default(size=pixels)
    return ImageFont.truetype(face[0], pixels, index=face[1])


def _hex(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _dashed(points: list[tuple[float, float]], dash: tuple[float, ...]) -> Iterable[list[tuple[float, float]]]:
    """The pieces of a polyline that a dash pattern draws (Pillow has no dashed lines)."""
    pattern, index, left, on = list(dash), 0, dash[0], True
    piece = [points[0]]
    for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
        length = math.hypot(x1 - x0, y1 - y0)
        done = 0.0
        while length - done > left:
            done += left
            point = (x0 + (x1 - x0) * done / length, y0 + (y1 - y0) * done / length)
            if on:
                piece.append(point)
                yield piece
            piece = [point]
            on = not on
            index = (index + 1) % len(pattern)
            left = pattern[index]
        left -= length - done
        if on:
            piece.append((x1, y1))
        else:
            piece = [(x1, y1)]
    if on and len(piece) > 1:
        yield piece


def _png(canvas: _Canvas) -> bytes:
    scale = PNG_WIDTH / canvas.width
    image = Image.new("RGB", (PNG_WIDTH, math.ceil(canvas.height * scale)), "white")
    draw = ImageDraw.Draw(image)
    has_cjk = _cjk_font_face() is not None

    def s(value: float) -> float:
        return value * scale

    def paint(shape) -> None:
        if isinstance(shape, _Group):
            for inner in shape.shapes:
                paint(inner)
        elif isinstance(shape, _Rect):
            left, top = s(shape.x), s(shape.y)
            box = [left, top, max(left, s(shape.x + shape.w) - 1), max(top, s(shape.y + shape.h) - 1)]
            draw.rectangle(
                box,
                fill=_hex(shape.fill),
                outline=_hex(shape.stroke) if shape.stroke else None,
                width=max(1, round(s(1))),
            )
        elif isinstance(shape, _Line):
            points = [(s(x), s(y)) for x, y in shape.points]
            pieces = _dashed(points, tuple(s(d) for d in shape.dash)) if shape.dash else [points]
            for piece in pieces:
                draw.line(piece, fill=_hex(shape.colour), width=max(1, round(s(shape.width))), joint="curve")
        elif isinstance(shape, _Marker):
            colour = _hex(shape.colour)
            if shape.shape == "circle":
                r = s(shape.size)
                draw.ellipse([s(shape.x) - r, s(shape.y) - r, s(shape.x) + r, s(shape.y) + r], fill=colour)
            else:
                draw.polygon([(s(x), s(y)) for x, y in _marker_points(shape)], fill=colour)
        elif isinstance(shape, _Text) and (has_cjk or shape.numeric):
            font = _pillow_font(round(s(shape.size)), cjk=has_cjk)
            anchor = {"start": "ls", "middle": "ms", "end": "rs"}[shape.anchor]
            draw.text((s(shape.x), s(shape.y)), shape.text, fill=_hex(shape.fill), font=font, anchor=anchor)

    for shape in canvas.shapes:
        paint(shape)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", dpi=(PNG_DPI, PNG_DPI))
    return buffer.getvalue()


# --- tables and descriptions -----------------------------------------------------------


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


def _check(labels: Sequence[str], series: Sequence[Series], hrefs: Sequence[str] | None = None) -> None:
    for one in series:
        if len(one.values) != len(labels):
            raise ValueError(f"series {one.label!r} has {len(one.values)} values for {len(labels)} labels")
    if hrefs is not None and len(hrefs) != len(labels):
        raise ValueError(f"{len(hrefs)} links for {len(labels)} labels")


def _is_empty(labels: Sequence[str], series: Sequence[Series]) -> bool:
    return not labels or not series or not any(v > 0 for one in series for v in one.values)


def _amount(value: float, unit: str) -> str:
    return f"{format_number(value)}{unit}"


# --- bar chart ------------------------------------------------------------------------


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
    _check(labels, series, hrefs)
    canvas, desc = _bar_canvas(title, labels, series, unit, stacked, horizontal, hrefs, max_bars, width=SCREEN_WIDTH)
    headers, rows = series_table(labels, series, unit=unit, stacked=stacked)
    return Chart(svg=_svg(canvas, title, desc), title=title, headers=headers, rows=rows)


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
    _check(labels, series)
    canvas, _ = _bar_canvas(title, labels, series, unit, stacked, horizontal, None, max_bars, width=PRINT_WIDTH)
    return _png(canvas)


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
) -> tuple[_Canvas, str]:
    if _is_empty(labels, series):
        return _empty(width), f"{title}：{NO_DATA}。"
    stacked = stacked and len(series) > 1
    shown = min(len(labels), max(1, max_bars))
    names = [_label(label) for label in labels[:shown]]
    values = [[max(0.0, float(one.values[i])) for one in series] for i in range(shown)]
    colours = [PALETTE[i % len(PALETTE)] for i in range(len(series))]
    series_names = [_label(one.label) for one in series]

    canvas = _Canvas(width)
    keys = [_Key(name, colour) for name, colour in zip(series_names, colours, strict=True)]
    y = _legend(canvas, keys if len(series) > 1 else [], MARGIN, note=f"单位：{unit}")
    draw = _horizontal_bars if horizontal else _vertical_bars
    y = draw(canvas, y, names, values, series_names, colours, unit, stacked, hrefs)
    if shown < len(labels):
        y += 4
        canvas.add(_Text(MARGIN, y + 15, f"另有{len(labels) - shown}项未画出，见数据表。", fill=MUTED))
        y += LINE_HEIGHT
    canvas.height = y + MARGIN
    return canvas, _bar_desc(title, labels, series, unit, stacked, shown)


def _tip(name: str, series_name: str, value: float, unit: str, many: bool) -> str:
    return f"{name} · {series_name}：{_amount(value, unit)}" if many else f"{name}：{_amount(value, unit)}"


def _horizontal_bars(canvas, y, names, values, series_names, colours, unit, stacked, hrefs) -> float:
    """Narrow canvases put each label above its bars; wide ones in a column to their left."""
    width = canvas.width
    many = len(series_names) > 1
    totals = [sum(row) for row in values]
    top = max(totals) if stacked else max(max(row) for row in values)
    number_width = max(_text_width(format_number(v)) for v in (totals if stacked else sum(values, [])))
    wide = width >= 480
    label_width = min(max(_text_width(name) for name in names), width * 0.3) if wide else 0
    x0 = MARGIN + label_width + (8 if wide else 0)
    length = width - MARGIN - x0 - number_width - 6
    bars_height = BAR_HEIGHT if stacked else len(values[0]) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP
    y += 2
    for index, (name, row) in enumerate(zip(names, values, strict=True)):
        shapes: list = []
        if wide:
            label_y = y + bars_height / 2 + 5
            shapes.append(_Text(MARGIN + label_width, label_y, _fit(name, label_width), anchor="end"))
            bar_y = y
        else:
            shapes.append(_Text(MARGIN, y + 15, _fit(name, width - 2 * MARGIN)))
            bar_y = y + LINE_HEIGHT + 2
        if stacked:
            x = x0
            for value, colour, series_name in zip(row, colours, series_names, strict=True):
                w = length * value / top
                if w > 0:
                    shapes.append(
                        _Rect(x, bar_y, w, BAR_HEIGHT, colour, "#ffffff", _tip(name, series_name, value, unit, many))
                    )
                    if w >= _text_width(format_number(value)) + 6:
                        shapes.append(
                            _Text(
                                x + w / 2,
                                bar_y + 13,
                                format_number(value),
                                anchor="middle",
                                fill="#ffffff",
                                numeric=True,
                            )
                        )
                x += w
            shapes.append(_Text(x + 4, bar_y + 13, format_number(sum(row)), numeric=True))
        else:
            for position, (value, colour, series_name) in enumerate(zip(row, colours, series_names, strict=True)):
                top_y = bar_y + position * (BAR_HEIGHT + BAR_GAP)
                w = length * value / top
                if w > 0:
                    shapes.append(
                        _Rect(x0, top_y, w, BAR_HEIGHT, colour, tip=_tip(name, series_name, value, unit, many))
                    )
                shapes.append(_Text(x0 + w + 4, top_y + 13, format_number(value), numeric=True))
        href = hrefs[index] if hrefs else ""
        canvas.add(_Group(shapes, href=href, tip=name if href else ""))
        y = bar_y + bars_height + (10 if wide else 12)
    return y


def _vertical_bars(canvas, y, names, values, series_names, colours, unit, stacked, hrefs) -> float:
    many = len(series_names) > 1
    totals = [sum(row) for row in values]
    ticks = _ticks(max(totals) if stacked else max(max(row) for row in values))
    plot_top, plot_height = y + 8, min(canvas.width * 0.55, 240)
    x0, x1 = _y_axis(canvas, ticks, plot_top, plot_height)
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
                    _Rect(
                        x,
                        top,
                        bar_width,
                        h,
                        colour,
                        "#ffffff" if stacked else "",
                        _tip(name, series_name, value, unit, many),
                    )
                )
            if not stacked and bar_width >= _text_width(format_number(value)) - 2:
                shapes.append(_Text(x + bar_width / 2, top - 3, format_number(value), anchor="middle", numeric=True))
            if stacked:
                bottom = top
        if stacked and group_width >= _text_width(format_number(sum(row))) - 2:
            shapes.append(
                _Text(left + group_width / 2, bottom - 3, format_number(sum(row)), anchor="middle", numeric=True)
            )
        href = hrefs[index] if hrefs else ""
        canvas.add(_Group(shapes, href=href, tip=name if href else ""))
    centres = [x0 + slot * (i + 0.5) for i in range(len(names))]
    if slot < 2 * FONT_SIZE + 4:
        return _x_labels(canvas, names, centres, slot, base)
    # Categories are not a time line, where every few labels tell the rest: each keeps its own,
    # on two lines if need be.
    wrapped = [_wrap(name, slot - 4) for name in names]
    for centre, lines in zip(centres, wrapped, strict=True):
        for number, line in enumerate(lines):
            canvas.add(_Text(centre, base + 18 + number * 17, line, anchor="middle", fill=MUTED))
    return base + 17 * max(map(len, wrapped)) + 9


def _y_axis(canvas: _Canvas, ticks: list[float], top: float, height: float) -> tuple[float, float]:
    """Grid lines and their values; returns the plot's left and right edges."""
    x0 = MARGIN + max(_text_width(format_number(t)) for t in ticks) + 6
    x1 = canvas.width - MARGIN - 4
    for tick in ticks:
        y = top + height - height * tick / ticks[-1]
        canvas.add(_Line([(x0, y), (x1, y)], INK if tick == 0 else LINE, 1))
        canvas.add(_Text(x0 - 6, y + 5, format_number(tick), anchor="end", fill=MUTED, numeric=True))
    return x0, x1


def _label_limit(width: float) -> float:
    return max(width / 3, FONT_SIZE * 4)


def _x_labels(canvas: _Canvas, names: Sequence[str], centres: Sequence[float], slot: float, base: float) -> float:
    """The labels under the plot, thinned so that none overlap; returns the y below them."""
    widest = max(_text_width(name) for name in names)
    limit = _label_limit(canvas.width)
    texts = [_fit(name, limit) for name in names]
    for index in _shown_labels(len(names), slot, min(widest, limit)):
        x = min(
            max(centres[index], MARGIN + _text_width(texts[index]) / 2),
            canvas.width - MARGIN - _text_width(texts[index]) / 2,
        )
        canvas.add(_Text(x, base + 18, texts[index], anchor="middle", fill=MUTED))
    return base + LINE_HEIGHT + 6


def _bar_desc(title, labels, series, unit, stacked, shown) -> str:
    """The chart in words: each label's figures (the first ten), and the totals."""
    many = len(series) > 1
    parts = []
    for index, label in enumerate(labels):
        figures = [(one.label, one.values[index]) for one in series]
        if many:
            text = "、".join(f"{name}{_amount(value, unit)}" for name, value in figures)
            if stacked:
                text += f"，合计{_amount(sum(v for _, v in figures), unit)}"
            parts.append(f"{_label(label)}：{text}")
        else:
            parts.append(f"{_label(label)}{_amount(figures[0][1], unit)}")
    separator = "；" if many else "、"
    listed = separator.join(parts[:10]) + (f"{separator}……" if len(parts) > 10 else "")
    totals = "，".join(f"{_label(one.label)}合计{_amount(sum(one.values), unit)}" for one in series)
    text = f"{title}，共{len(labels)}项。{listed}。{totals}。"
    if shown < len(labels):
        text += f"图中画出前{shown}项。"
    return text


# --- line chart -----------------------------------------------------------------------


def line_chart(title: str, labels: list[str], series: list[Series], *, unit: str = "条") -> Chart:
    """A line per series over ``labels`` (days, months), with as many labels under the axis as fit."""
    _check(labels, series)
    canvas, desc = _line_canvas(title, labels, series, unit, width=SCREEN_WIDTH)
    headers, rows = series_table(labels, series, unit=unit, first="时间")
    return Chart(svg=_svg(canvas, title, desc), title=title, headers=headers, rows=rows)


def line_chart_png(title: str, labels: list[str], series: list[Series], *, unit: str = "条") -> bytes:
    """The line chart as a PNG for Word; without a Chinese font, as ``bar_chart_png``."""
    _check(labels, series)
    canvas, _ = _line_canvas(title, labels, series, unit, width=PRINT_WIDTH)
    return _png(canvas)


def _line_canvas(
    title: str, labels: Sequence[str], series: Sequence[Series], unit: str, *, width: float
) -> tuple[_Canvas, str]:
    if _is_empty(labels, series):
        return _empty(width), f"{title}：{NO_DATA}。"
    names = [_label(label) for label in labels]
    canvas = _Canvas(width)
    styles = [
        (PALETTE[i % len(PALETTE)], DASHES[i % len(DASHES)], MARKERS[i % len(MARKERS)]) for i in range(len(series))
    ]
    keys = [
        _Key(_label(one.label), colour, line=True, dash=dash, marker=marker)
        for one, (colour, dash, marker) in zip(series, styles, strict=True)
    ]
    y = _legend(canvas, keys if len(series) > 1 else [], MARGIN, note=f"单位：{unit}")
    ticks = _ticks(max(max(one.values) for one in series))
    plot_top, plot_height = y + 8, min(width * 0.5, 220)
    x0, x1 = _y_axis(canvas, ticks, plot_top, plot_height)
    # The first point clear of the axis values, the labels under the end points within the canvas.
    half = min(max(_text_width(name) for name in names), _label_limit(width)) / 2
    x0, x1 = max(x0 + 6, MARGIN + half), x1 - half
    base = plot_top + plot_height
    count = len(names)
    step = (x1 - x0) / (count - 1) if count > 1 else 0
    xs = [x0 + step * i if count > 1 else (x0 + x1) / 2 for i in range(count)]
    with_markers = count <= 40
    for one, (colour, dash, marker) in zip(series, styles, strict=True):
        points = [(x, base - plot_height * max(0.0, v) / ticks[-1]) for x, v in zip(xs, one.values, strict=True)]
        if count > 1:
            canvas.add(_Line(points, colour, 2.5, dash))
        for (x, y_point), name, value in zip(points, names, one.values, strict=True):
            if with_markers or count == 1:
                canvas.add(
                    _Marker(
                        x, y_point, marker, colour, 3.5, tip=f"{name} · {_label(one.label)}：{_amount(value, unit)}"
                    )
                )
    if len(series) == 1:
        # The peak, the figure people look for, in numbers.
        values = series[0].values
        peak = max(range(count), key=lambda i: values[i])
        x_peak = min(max(xs[peak], x0 + 12), x1 - 12)
        y_peak = base - plot_height * values[peak] / ticks[-1] - 8
        canvas.add(
            _Text(
                x_peak, max(y_peak, plot_top + 2), format_number(values[peak]), anchor="middle", bold=True, numeric=True
            )
        )
    canvas.height = _x_labels(canvas, names, xs, step or (x1 - x0), base) + MARGIN
    return canvas, _line_desc(title, labels, series, unit)


def _line_desc(title, labels, series, unit) -> str:
    parts = []
    for one in series:
        peak = max(range(len(labels)), key=lambda i: one.values[i])
        low = min(range(len(labels)), key=lambda i: one.values[i])
        parts.append(
            f"{_label(one.label)}合计{_amount(sum(one.values), unit)}，"
            f"最多为{_label(labels[peak])}（{_amount(one.values[peak], unit)}），"
            f"最少为{_label(labels[low])}（{_amount(one.values[low], unit)}）"
        )
    return f"{title}，从{_label(labels[0])}到{_label(labels[-1])}共{len(labels)}个时间点。{'；'.join(parts)}。"


# --- heat map -------------------------------------------------------------------------


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
    if not cells or not any(cell.value > 0 for cell in cells):
        canvas, desc = _empty(SCREEN_WIDTH), f"{title}：{NO_DATA}。"
        return Chart(svg=_svg(canvas, title, desc), title=title, headers=headers, rows=rows)

    steps = _quantile_steps([cell.value for cell in cells])
    canvas = _Canvas(SCREEN_WIDTH)
    keys = [_Key("0", HEAT_ZERO, stroke=LINE)] + [
        _Key(text, colour) for (text, _), colour in zip(steps.ranges, HEAT_STEPS, strict=True)
    ]
    y = _legend(canvas, keys, MARGIN, note=f"意见数（{unit}）")
    canvas.add(_Text(MARGIN, y + 15, "颜色按分位数分为五档，每档条文数大致相同", fill=MUTED))
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
                        _Text(MARGIN, y + 15, _fit(_label(group), heading_width, HEADING_SIZE), HEADING_SIZE, bold=True)
                    )
                    y += LINE_HEIGHT + 2
        value = cell.value
        label = _label(cell.label)
        rect = _Rect(MARGIN + column * pitch, y, side, side, steps.colour(value), LINE if value <= 0 else "")
        canvas.add(_Group([rect], href=cell.href, tip=f"{label}：{format_number(value)} {unit}意见"))
        column += 1
    canvas.height = y + pitch + MARGIN
    return Chart(
        svg=_svg(canvas, title, _heat_desc(title, cells, unit, steps)), title=title, headers=headers, rows=rows
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
    most = "、".join(f"{_label(cells[i].label)}（{_amount(cells[i].value, unit)}）" for i in top if cells[i].value > 0)
    scale = "、".join(text for text, n in steps.ranges if n)
    return (
        f"{title}：共{len(cells)}条条文，收到意见{_amount(total, unit)}；{without}条暂无意见。"
        f"意见最多的是{most}。颜色越深意见越多，按分位数分为五档（{scale}）。"
    )


# --- percent bar ----------------------------------------------------------------------


def percent_bar(title: str, parts: list[tuple[str, float]]) -> Chart:
    """One bar split into the parts' shares, with a legend giving each part's count and share.

    Shares have one decimal and add up to exactly 100.0% (largest remainders get the rounding).
    """
    values = [max(0.0, float(value)) for _, value in parts]
    total = sum(values)
    shares = _shares(values) if total > 0 else [0.0] * len(values)
    headers = ["类别", "数量", "占比"]
    rows = [
        [str(label), format_number(value), _percent(share)] for (label, value), share in zip(parts, shares, strict=True)
    ]
    if total <= 0:
        canvas, desc = _empty(SCREEN_WIDTH), f"{title}：{NO_DATA}。"
        return Chart(svg=_svg(canvas, title, desc), title=title, headers=headers, rows=rows)

    canvas = _Canvas(SCREEN_WIDTH)
    names = [_label(label) for label, _ in parts]
    colours = [PALETTE[i % len(PALETTE)] for i in range(len(parts))]
    x, y, length, height = MARGIN, MARGIN, canvas.width - 2 * MARGIN, 30
    for name, value, share, colour in zip(names, values, shares, colours, strict=True):
        w = length * value / total
        if w <= 0:
            continue
        canvas.add(_Rect(x, y, w, height, colour, "#ffffff", f"{name}：{format_number(value)}（{_percent(share)}）"))
        if w >= _text_width(_percent(share)) + 6:
            canvas.add(_Text(x + w / 2, y + 20, _percent(share), anchor="middle", fill="#ffffff", numeric=True))
        x += w
    y += height + 8
    # One entry a line: the count and share beside the name, so colour is never the only key.
    for name, value, share, colour in zip(names, values, shares, colours, strict=True):
        canvas.add(_Rect(MARGIN, y + 4, 12, 12, colour))
        figures = f"{format_number(value)}（{_percent(share)}）"
        canvas.add(_Text(canvas.width - MARGIN, y + 15, figures, anchor="end", numeric=True))
        room = canvas.width - 2 * MARGIN - 16 - _text_width(figures) - 8
        canvas.add(_Text(MARGIN + 16, y + 15, _fit(name, room)))
        y += LINE_HEIGHT + 2
    canvas.height = y + MARGIN
    listed = "，".join(
        f"{name}{format_number(v)}，占{_percent(s)}" for name, v, s in zip(names, values, shares, strict=True)
    )
    desc = f"{title}，共{format_number(total)}。{listed}。"
    return Chart(svg=_svg(canvas, title, desc), title=title, headers=headers, rows=rows)


def _shares(values: Sequence[float]) -> list[float]:
    """Percentages with one decimal that add up to 100.0: tenths of a per cent by largest remainder."""
    total = sum(values)
    exact = [v * 1000 / total for v in values]
    tenths = [math.floor(e) for e in exact]
    for index in sorted(range(len(values)), key=lambda i: exact[i] - tenths[i], reverse=True)[: 1000 - sum(tenths)]:
        tenths[index] += 1
    return [t / 10 for t in tenths]
