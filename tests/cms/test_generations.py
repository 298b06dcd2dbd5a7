"""Generation tokens: asked at most once an interval, changes of this process seen at once."""

import pytest
from django.core.cache import cache

from cms import generations

KEY = "test:generation"


@pytest.fixture(autouse=True)
def _forget_tokens(monkeypatch):
    """Each test starts with a process that has asked for nothing (a token kept from another test's clock
    would look fresh, or stale, depending on how long the machine has been up)."""
    monkeypatch.setattr(generations, "_asked", {})


def test_a_token_is_asked_once_an_interval_and_a_change_here_is_seen_at_once(settings, monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(generations, "clock", lambda: now[0])
    settings.GENERATION_FRESH_SECONDS = 0.3
    cache.delete(KEY)
    first = generations.current(KEY)
    assert first and cache.get(KEY) == first
    cache.set(KEY, "set by another process")
    now[0] += 0.29
    assert generations.current(KEY) == first  # within the interval: the cache is not asked
    now[0] += 0.02
    assert generations.current(KEY) == "set by another process"
    generations.renew(KEY)
    renewed = generations.current(KEY)
    assert renewed not in (first, "set by another process") and cache.get(KEY) == renewed


def test_without_an_interval_every_look_asks_the_cache(settings):
    settings.GENERATION_FRESH_SECONDS = 0
    generations.current(KEY)
    cache.set(KEY, "changed")
    assert generations.current(KEY) == "changed"
