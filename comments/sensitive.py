"""The sensitive-word list, compiled once per change and shared by every process through the cache."""

import re
import uuid

from django.core.cache import cache

from comments.fingerprints import normalize

_GENERATION_KEY = "comments:sensitive-words:generation"
_compiled: tuple[object, re.Pattern | None] = (None, None)


def _generation() -> str:
    # A random token, never a counter: a cache that was emptied must not hand out a value that
    # some process compiled against before.
    generation = cache.get(_GENERATION_KEY)
    if generation is None:
        cache.add(_GENERATION_KEY, uuid.uuid4().hex, None)
        generation = cache.get(_GENERATION_KEY)
    return generation


def invalidate() -> None:
    """Call when a word is added, changed or removed: every process recompiles on its next check."""
    cache.set(_GENERATION_KEY, uuid.uuid4().hex, None)


def _pattern() -> re.Pattern | None:
    global _compiled
    generation = _generation()
    if _compiled[0] != generation:
        from comments.models import SensitiveWord

        words = sorted(
            {normalize(w) for w in SensitiveWord.objects.filter(is_active=True).values_list("word", flat=True)} - {""},
            key=len,
            reverse=True,
        )
        _compiled = (generation, re.compile("|".join(map(re.escape, words))) if words else None)
    return _compiled[1]


def find(text: str) -> list[str]:
    """The distinct sensitive words in `text`, compared as letters and digits only (NFKC, lower case):
    spaces, punctuation, zero-width characters or full-width letters inside a word do not hide it."""
    pattern = _pattern()
    if pattern is None:
        return []
    return sorted(set(pattern.findall(normalize(text))))
