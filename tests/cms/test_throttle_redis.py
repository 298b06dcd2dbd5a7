"""The throttles on a real Redis, as production runs them (the other tests use the local-memory cache)."""

from django.core.cache import cache

from cms.throttle import Throttle, hit_all


def test_hit_all_counts_every_window_in_one_call_and_starts_each_window_once(redis_cache):
    minute = Throttle("test-minute", limit=5, window_seconds=60)
    day = Throttle("test-day", limit=50, window_seconds=86400)
    assert hit_all([(minute, "7"), (day, "7")]) == [1, 1]
    assert hit_all([(minute, "7"), (day, "7"), (minute, "8")]) == [2, 2, 1]
    key = cache.make_and_validate_key(minute._key("7"))
    assert 0 < redis_cache.ttl(key) <= 60
    redis_cache.expire(key, 5)  # the window is nearly over: a hit must not start it again
    assert hit_all([(minute, "7")]) == [3]
    assert redis_cache.ttl(key) <= 5
    assert 86000 < redis_cache.ttl(cache.make_and_validate_key(day._key("7"))) <= 86400


def test_hit_all_works_after_the_server_forgot_the_script(redis_cache):
    throttle = Throttle("test-flush", limit=5, window_seconds=60)
    assert hit_all([(throttle, "1")]) == [1]
    redis_cache.script_flush()
    assert hit_all([(throttle, "1")]) == [2]
