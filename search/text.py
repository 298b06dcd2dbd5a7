"""Chinese text for the database backend: what is indexed, what is asked, and highlighted fragments.

PostgreSQL's parser sees a run of Chinese characters as one word, so nothing inside it can be found. We
index every overlapping pair of characters (bigrams, as Elasticsearch's `cjk` analyzer does), in text
order so a word becomes a phrase of bigrams, followed by jieba's search-mode words for ranking. A query is
cut into words by jieba; each word must appear as its phrase of bigrams. Every two-character word in a
text is therefore found (recall 1 for two-character words), whatever jieba makes of the text around it.
"""

from __future__ import annotations

import re
from functools import cache

from django.utils.html import escape

MAX_QUERY_CHARS = 100  # longer queries are cut: a query is a few words, not a document
MAX_WORDS = 8
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN_RE = re.compile(rf"[{_CJK}]+|[a-zA-Z0-9]+")
_CJK_RE = re.compile(rf"[{_CJK}]")
_OPERATORS = {"and", "or", "not", "near"}  # query syntax people type out of habit: not words to find


@cache
def _jieba():
    import jieba

    jieba.setLogLevel(60)
    jieba.initialize()
    return jieba


def _bigrams(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def index_tokens(text: str) -> str:
    """Space-separated tokens to index: bigrams (and lone characters) in order, ASCII words lower-cased,
    then jieba's search-mode words."""
    runs = _RUN_RE.findall(text or "")
    tokens: list[str] = []
    for run in runs:
        tokens.extend(_bigrams(run) if _CJK_RE.match(run) else [run.lower()])
    words = [w for w in _jieba().cut_for_search(text or "") if len(w) > 2 and _CJK_RE.match(w)]
    return " ".join(tokens + words)


def query_words(text: str) -> list[str]:
    """The words of a query, cut by jieba, without punctuation or query syntax: "物业费 AND (停车*" →
    ["物业费", "and", "停车"]. Empty when nothing searchable is left."""
    text = (text or "")[:MAX_QUERY_CHARS]
    words = []
    for piece in _RUN_RE.findall(text):
        if _CJK_RE.match(piece):
            words.extend(w for w in _jieba().cut(piece) if w.strip())
        elif piece.lower() not in _OPERATORS:
            words.append(piece.lower())
    seen, unique = set(), []
    for word in words:
        if word not in seen:
            seen.add(word)
            unique.append(word)
    return unique[:MAX_WORDS]


def phrase(word: str) -> list[str]:
    """The tokens a query word must match, in order."""
    return _bigrams(word) if _CJK_RE.match(word) else [word]


def fragments(text: str, words: list[str], *, size: int = 80, most: int = 2) -> list[str]:
    """Up to `most` escaped excerpts of `text` around the first matches, the words wrapped in <mark>."""
    if not text:
        return []
    lowered = text.lower()
    spans = []
    for word in words:
        start = lowered.find(word.lower())
        while start != -1 and len(spans) < 50:
            spans.append((start, start + len(word)))
            start = lowered.find(word.lower(), start + len(word))
    if not spans:
        return [escape(text[:size]) + ("…" if len(text) > size else "")]
    spans.sort()
    result, covered_until = [], -1
    for start, _end in spans:
        if start < covered_until or len(result) >= most:
            continue
        left = max(0, start - size // 3)
        right = min(len(text), left + size)
        result.append(_mark(text, left, right, [s for s in spans if s[0] >= left and s[1] <= right]))
        covered_until = right
    return result


def _mark(text: str, left: int, right: int, spans: list[tuple[int, int]]) -> str:
    out, position = [], left
    for start, end in spans:
        if start < position:
            continue
        out.append(escape(text[position:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    out.append(escape(text[position:right]))
    return ("…" if left else "") + "".join(out) + ("…" if right < len(text) else "")
