"""Numbers and labels in charts: formatting, estimated widths, fitting and wrapping text into room."""

from __future__ import annotations

import unicodedata

from cms.officialdoc import clean
from stats.charts.style import FONT_SIZE


def format_number(value: float) -> str:
    """``1,234`` for whole numbers, ``1,234.5`` otherwise."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def percent(value: float) -> str:
    return f"{value:.1f}%"


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """Estimated width: Chinese characters are square, Latin letters and digits about 0.6 em."""
    return sum(size if unicodedata.east_asian_width(ch) in "WF" else size * 0.6 for ch in text)


def fit(text: str, width: float, size: float = FONT_SIZE) -> str:
    """``text``, cut short with … where it would be wider than ``width``."""
    if text_width(text, size) <= width:
        return text
    room = width - size
    kept = []
    for ch in text:
        room -= text_width(ch, size)
        if room < 0:
            break
        kept.append(ch)
    return "".join(kept) + "…"


def wrap(text: str, width: float, max_lines: int = 2) -> list[str]:
    """``text`` broken into lines no wider than ``width``, the last one cut short with … if need be."""
    lines: list[str] = []
    while len(lines) < max_lines - 1 and text_width(text) > width:
        cut, used = 0, 0.0
        for ch in text:
            used += text_width(ch)
            if used > width:
                break
            cut += 1
        cut = max(cut, 1)
        lines.append(text[:cut])
        text = text[cut:]
    lines.append(fit(text, width))
    return lines


def clean_label(text: str) -> str:
    """Label text without the characters XML cannot carry, on one line."""
    return " ".join(clean(str(text)).split())


def amount(value: float, unit: str) -> str:
    return f"{format_number(value)}{unit}"
