"""The sensitive-word list, compiled once per change and shared by every process through the cache."""

import re

from cms import generations
from comments.fingerprints import normalize

_GENERATION_KEY = "comments:sensitive-words:generation"
_compiled: tuple[object, re.Pattern | None] = (None, None)


def invalidate() -> None:
    """Call when a word is added, changed or removed: every process recompiles on its next check."""
    generations.renew(_GENERATION_KEY)


def _pattern() -> re.Pattern | None:
    global _compiled
    generation = generations.current(_GENERATION_KEY)
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
