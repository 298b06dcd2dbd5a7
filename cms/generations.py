"""Generation tokens: one cache key per shared thing that rarely changes (the sensitive-word list, the live
drafts and their articles). A process keeps what it built from the shared thing while the token is the same.

A process asks the cache for a token at most once in GENERATION_FRESH_SECONDS: at hundreds of posts a
second that is one round trip a second instead of one a post and key. A change made in this process is seen
here at once; other processes see it within that interval.
"""

from __future__ import annotations

import time
import uuid

from django.conf import settings
from django.core.cache import cache

_asked: dict[str, tuple[str, float]] = {}  # key: (token, when this process last asked the cache)
clock = time.monotonic  # tests put a clock of their own here


def current(key: str) -> str:
    now = clock()
    known = _asked.get(key)
    if known is not None and now - known[1] < settings.GENERATION_FRESH_SECONDS:
        return known[0]
    # A random token, never a counter: a cache that was emptied must not hand out a value that some
    # process built against before.
    token = cache.get(key)
    if token is None:
        cache.add(key, uuid.uuid4().hex, None)
        token = cache.get(key)
    _asked[key] = (token, now)
    return token


def renew(key: str) -> None:
    """Every process builds again on its next look (this one at once)."""
    token = uuid.uuid4().hex
    cache.set(key, token, None)
    _asked[key] = (token, clock())
