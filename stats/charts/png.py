"""A canvas painted with Pillow as a PNG for Word: ``PNG_WIDTH`` pixels wide, at ``PNG_DPI``."""

from __future__ import annotations

import io
import math
from collections.abc import Iterable

from PIL import Image, ImageDraw

from stats.charts.canvas import Canvas, Group, Line, Marker, Rect, Text, marker_points
from stats.charts.fonts import cjk_font_face, pillow_font
from stats.charts.style import PNG_DPI, PNG_WIDTH


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


def to_png(canvas: Canvas) -> bytes:
    scale = PNG_WIDTH / canvas.width
    image = Image.new("RGB", (PNG_WIDTH, math.ceil(canvas.height * scale)), "white")
    draw = ImageDraw.Draw(image)
    has_cjk = cjk_font_face() is not None

    def s(value: float) -> float:
        return value * scale

    def paint(shape) -> None:
        if isinstance(shape, Group):
            for inner in shape.shapes:
                paint(inner)
        elif isinstance(shape, Rect):
            left, top = s(shape.x), s(shape.y)
            box = [left, top, max(left, s(shape.x + shape.w) - 1), max(top, s(shape.y + shape.h) - 1)]
            draw.rectangle(
                box,
                fill=_hex(shape.fill),
                outline=_hex(shape.stroke) if shape.stroke else None,
                width=max(1, round(s(1))),
            )
        elif isinstance(shape, Line):
            points = [(s(x), s(y)) for x, y in shape.points]
            pieces = _dashed(points, tuple(s(d) for d in shape.dash)) if shape.dash else [points]
            for piece in pieces:
                draw.line(piece, fill=_hex(shape.colour), width=max(1, round(s(shape.width))), joint="curve")
        elif isinstance(shape, Marker):
            colour = _hex(shape.colour)
            if shape.shape == "circle":
                r = s(shape.size)
                draw.ellipse([s(shape.x) - r, s(shape.y) - r, s(shape.x) + r, s(shape.y) + r], fill=colour)
            else:
                draw.polygon([(s(x), s(y)) for x, y in marker_points(shape)], fill=colour)
        elif isinstance(shape, Text) and (has_cjk or shape.numeric):
            font = pillow_font(round(s(shape.size)), cjk=has_cjk)
            anchor = {"start": "ls", "middle": "ms", "end": "rs"}[shape.anchor]
            draw.text((s(shape.x), s(shape.y)), shape.text, fill=_hex(shape.fill), font=font, anchor=anchor)

    for shape in canvas.shapes:
        paint(shape)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", dpi=(PNG_DPI, PNG_DPI))
    return buffer.getvalue()
