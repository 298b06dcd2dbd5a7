"""Printable posters (A4, SVG) with a QR code to a page: coordinators print them for meetings and notice boards.

Drawn on the server with segno (pure Python): no request leaves the site, no external QR service. The SVG is
A4 in millimetres, so a browser or office printer prints it at its true size; the text uses the reader's
own Chinese fonts (黑体/宋体 names first, then Noto CJK), as the Word exports do.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

import segno

WIDTH, HEIGHT = 210, 297  # A4, mm
FONT = "'SimHei','Heiti SC','Noto Sans CJK SC','Noto Sans SC','WenQuanYi Micro Hei',sans-serif"
TITLE_SIZE = 11  # mm
LINE_CHARS = 16  # characters of the title a line at that size


@dataclass
class Poster:
    title: str
    url: str  # absolute address the code opens
    call: str  # 扫码提意见
    lines: list[str]  # what else is printed: the comment period, where it comes from


def _wrap(text: str, width: int) -> list[str]:
    return [text[i : i + width] for i in range(0, len(text), width)] or [""]


def qr_svg_path(url: str, *, size: float, x: float, y: float) -> str:
    """The QR code of ``url`` as one SVG path, ``size`` mm square, at (x, y), with its quiet zone."""
    code = segno.make(url, error="m", micro=False)
    scale = size / code.symbol_size(border=0)[0]
    parts = []
    for row, bits in enumerate(code.matrix):
        col = 0
        while col < len(bits):
            if bits[col]:
                start = col
                while col < len(bits) and bits[col]:
                    col += 1
                run = (col - start) * scale
                parts.append(f"M{x + start * scale:.3f} {y + row * scale:.3f}h{run:.3f}v{scale:.3f}h-{run:.3f}z")
            else:
                col += 1
    return "".join(parts)


def poster_svg(poster: Poster) -> str:
    """The poster as an A4 SVG document."""
    title_lines = _wrap(poster.title, LINE_CHARS)[:4]
    y = 40.0
    texts = []
    for line in title_lines:
        texts.append(
            f'<text x="{WIDTH / 2}" y="{y:.1f}" font-size="{TITLE_SIZE}" font-weight="700" text-anchor="middle">'
            f"{escape(line)}</text>"
        )
        y += TITLE_SIZE * 1.35
    qr_size, qr_y = 110.0, max(y + 8, 95.0)
    qr = qr_svg_path(poster.url, size=qr_size, x=(WIDTH - qr_size) / 2, y=qr_y)
    call_y = qr_y + qr_size + 20
    texts.append(
        f'<text x="{WIDTH / 2}" y="{call_y:.1f}" font-size="14" font-weight="700" text-anchor="middle" '
        f'fill="#b4191a">{escape(poster.call)}</text>'
    )
    line_y = call_y + 14
    for line in poster.lines:
        for part in _wrap(line, 30):
            texts.append(
                f'<text x="{WIDTH / 2}" y="{line_y:.1f}" font-size="6" text-anchor="middle">{escape(part)}</text>'
            )
            line_y += 9
    texts.append(
        f'<text x="{WIDTH / 2}" y="{HEIGHT - 12}" font-size="4" text-anchor="middle" fill="#555">'
        f"{escape(poster.url)}</text>"
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}mm" height="{HEIGHT}mm" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="{FONT}" role="img" aria-label="{escape(poster.title)}">'
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#fff"/>'
        f'<rect x="8" y="8" width="{WIDTH - 16}" height="{HEIGHT - 16}" fill="none" stroke="#b4191a" '
        'stroke-width="1.2"/>'
        f"{''.join(texts)}"
        f'<rect x="{(WIDTH - qr_size) / 2 - 6}" y="{qr_y - 6}" width="{qr_size + 12}" '
        f'height="{qr_size + 12}" fill="#fff"/>'
        f'<path d="{qr}" fill="#000"/>'
        "</svg>"
    )
