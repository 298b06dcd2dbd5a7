"""A circuit breaker for the search cluster: after a few failures in a row, stop asking it for a while.

A search cluster that accepts connections and never answers would hold a web worker for the whole request
timeout on every search. After SEARCH_BREAKER_FAILURES failures the breaker opens: searches go straight to
the database backend for SEARCH_BREAKER_COOLDOWN seconds; then one search is let through to try the cluster
again (half-open), and its outcome closes or reopens the breaker. The state is per process, like the
connection pool it protects. The clock is injected so tests never wait.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class CircuitBreaker:
    def __init__(self, *, failures: int, cooldown: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.failures_to_open = max(1, failures)
        self.cooldown = cooldown
        self.clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None
        self._trial = False  # a half-open trial is in flight

    @property
    def is_open(self) -> bool:
        return self._opened_at is not None

    def allow(self) -> bool:
        """May a request go to the cluster now?"""
        with self._lock:
            if self._opened_at is None:
                return True
            if self._trial or self.clock() - self._opened_at < self.cooldown:
                return False
            self._trial = True  # half-open: this one request tries the cluster
            return True

    def success(self) -> None:
        with self._lock:
            self._failures, self._opened_at, self._trial = 0, None, False

    def failure(self) -> None:
        with self._lock:
            self._failures += 1
            if self._trial or self._failures >= self.failures_to_open:
                self._opened_at, self._trial = self.clock(), False

    def reset(self) -> None:
        self.success()
