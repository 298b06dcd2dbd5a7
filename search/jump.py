"""A query that is an article number (第十二条, 第12条, 12条, 十二条) inside a draft jumps to the article."""

import re

from drafts.numerals import MAX_NUMBER, from_chinese

_ARTICLE_RE = re.compile(r"^\s*第?\s*([0-9０-９零〇一二两三四五六七八九十百千]+)\s*条\s*$")


def article_number(query: str) -> int | None:
    match = _ARTICLE_RE.match(query or "")
    if not match:
        return None
    try:
        number = from_chinese(match.group(1))
    except (ValueError, TypeError):
        return None
    return number if 1 <= number <= MAX_NUMBER else None
