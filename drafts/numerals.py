"""Chinese numerals as used in the numbering of legal provisions.

Legal texts number chapters and articles with Chinese numerals (第一百零一条) and
occasionally with Arabic digits (第101条).  Only 1..9999 matters in practice: no
regulation has ten thousand articles.
"""

from __future__ import annotations

import re

__all__ = ["MAX_NUMBER", "article_label", "from_chinese", "to_chinese"]

MAX_NUMBER = 9999

DIGITS = "零一二三四五六七八九"
_DIGIT_VALUES = {ch: i for i, ch in enumerate(DIGITS)} | {"〇": 0, "两": 2}
_UNIT_VALUES = {"十": 10, "百": 100, "千": 1000}
_UNITS = ((1000, "千"), (100, "百"), (10, "十"))

# Full-width digits (１２) appear in texts typed with a Chinese input method.
_FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")
_ARABIC_RE = re.compile(r"[0-9]+", re.ASCII)


def to_chinese(n: int) -> str:
    """Render 1..9999 the way legal texts do (十一, 一百零一, 一千零一十)."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"需要整数，得到 {type(n).__name__}")
    if not 1 <= n <= MAX_NUMBER:
        raise ValueError(f"数字 {n} 超出范围（1～{MAX_NUMBER}）")
    parts: list[str] = []
    pending_zero = False
    rest = n
    for value, unit in _UNITS:
        digit, rest = divmod(rest, value)
        if digit:
            if pending_zero:
                parts.append("零")
                pending_zero = False
            parts.append(DIGITS[digit] + unit)
        elif parts:
            pending_zero = True
    if rest:
        if pending_zero:
            parts.append("零")
        parts.append(DIGITS[rest])
    text = "".join(parts)
    # 10..19 are written 十, 十一 ... without the leading 一 (but 一百一十 keeps it).
    return text[1:] if 10 <= n <= 19 else text


def from_chinese(s: str) -> int:
    """Parse a numeral written in Chinese (一百零一, 〇, 两) or Arabic digits (12, １２).

    Chinese numerals are parsed strictly (一百零二十 or 十十 are refused) so that
    garbage in a document is reported instead of silently producing a wrong number.
    A run of bare digits without units (一〇一) is read positionally, as Word's
    ideographDigital numbering writes it.
    """
    if not isinstance(s, str):
        raise TypeError(f"需要字符串，得到 {type(s).__name__}")
    text = s.strip().translate(_FULLWIDTH)
    if not text:
        raise ValueError("数字为空")
    if _ARABIC_RE.fullmatch(text):
        return int(text)
    if any(ch not in _DIGIT_VALUES and ch not in _UNIT_VALUES for ch in text):
        raise ValueError(f"无法识别的数字：“{s}”")
    if not any(ch in _UNIT_VALUES for ch in text):
        if len(text) > 1 and text[0] in "零〇":
            raise ValueError(f"无法识别的数字：“{s}”")
        value = 0
        for ch in text:
            value = value * 10 + _DIGIT_VALUES[ch]
        return value
    return _parse_with_units(text, s)


def _parse_with_units(text: str, original: str) -> int:
    """Strict positional parse of a numeral containing 十/百/千."""
    error = ValueError(f"无法识别的数字：“{original}”")
    total = 0
    pending: int | None = None  # digit waiting for its unit
    last_unit = 10_000  # units must strictly decrease
    zero_seen = False  # a 零 marks one or more skipped positions
    for index, ch in enumerate(text):
        if ch in _UNIT_VALUES:
            unit = _UNIT_VALUES[ch]
            if pending is None:
                # 十 may stand alone at the start (十一) or right after 零 (一千零十).
                if ch != "十" or not (index == 0 or zero_seen):
                    raise error
                pending = 1
            expected_ok = unit * 10 < last_unit if zero_seen else unit * 10 == last_unit
            if last_unit != 10_000 and not expected_ok:
                raise error
            total += pending * unit
            pending, last_unit, zero_seen = None, unit, False
        elif _DIGIT_VALUES[ch] == 0:
            if pending is not None or zero_seen or index == 0:
                raise error
            zero_seen = True
        else:
            if pending is not None:
                raise error
            pending = _DIGIT_VALUES[ch]
    if zero_seen and pending is None:
        raise error  # trailing 零 (一百零)
    if pending is not None:
        # A final bare digit is the ones place: right after 十, or after 零.
        if not (last_unit == 10 or (zero_seen and last_unit >= 100)):
            raise error
        total += pending
    return total


def article_label(n: int) -> str:
    """第一百二十三条 for 123."""
    return f"第{to_chinese(n)}条"
