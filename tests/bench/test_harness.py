"""The load harness on this machine: its CPU attribution follows the process tree, its clean-up finds the keys."""

import os
import signal
import subprocess
import sys
import uuid

import pytest
import redis
from django.core.cache import cache

from bench.harness import Usage, clear_throttle_counters, descends
from cms.throttle import Throttle

REDIS = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
# A child that starts a grandchild (as qcluster starts its workers), says its pid, and waits.
PARENT = "import subprocess, time; p = subprocess.Popen(['sleep', '60']); print(p.pid, flush=True); time.sleep(60)"


def test_cpu_attribution_counts_a_process_and_its_descendants_and_no_one_else():
    child = subprocess.Popen([sys.executable, "-c", PARENT], stdout=subprocess.PIPE, text=True)  # noqa: S603
    grandchild = int(child.stdout.readline())
    try:
        processes = Usage._processes()
        assert processes[grandchild][1] == child.pid  # (command line, parent pid, CPU ticks)
        assert descends(processes, child.pid, child.pid)
        assert descends(processes, grandchild, child.pid)
        assert not descends(processes, os.getpid(), child.pid)  # its parent is not among its descendants
        assert not descends(processes, child.pid, grandchild)
    finally:
        os.kill(grandchild, signal.SIGKILL)
        child.kill()
        child.wait()
        child.stdout.close()


@pytest.fixture
def redis_cache(settings):
    client = redis.Redis.from_url(REDIS)
    try:
        client.ping()
    except redis.ConnectionError:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no Redis at {REDIS}")
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {"default": {"BACKEND": "cms.cache.RedisCache", "LOCATION": REDIS, "KEY_PREFIX": prefix}}
    yield client
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    if keys:
        client.delete(*keys)
    client.close()


def test_clearing_throttle_counters_forgets_that_scope_and_keeps_the_others(redis_cache):
    scope = f"bench-{uuid.uuid4().hex[:8]}-"  # no other test's keys can match
    posting = [
        Throttle(f"{scope}user-minute", limit=5, window_seconds=60),
        Throttle(f"{scope}ip-day", limit=50, window_seconds=86400),
    ]
    other = Throttle("login-ip", limit=5, window_seconds=60)
    for throttle in [*posting, other]:
        throttle.hit("127.0.0.1")

    assert clear_throttle_counters(REDIS, scope) == 2

    assert [cache.get(throttle._key("127.0.0.1")) for throttle in posting] == [None, None]
    assert cache.get(other._key("127.0.0.1")) == 1
