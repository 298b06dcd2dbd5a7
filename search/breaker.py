"""A circuit breaker for the search cluster: after a few failures, or searches stuck waiting, stop asking it.

A search cluster that accepts connections and never answers would hold a web worker thread for the whole
search timeout on every search, and pages queue behind those threads. Two rules keep it short:

* failures: after SEARCH_BREAKER_FAILURES failures in a row the breaker opens;
* searches waiting: at most SEARCH_BREAKER_MAX_WAITING searches of a process wait on the cluster at once;
  one more goes to the database at once instead of joining them, and if those already waiting have waited
  SEARCH_BREAKER_STALLED_AFTER seconds (longer than a healthy cluster takes for a page of results) the
  breaker opens at once, without waiting for their timeouts to count as failures.

An open breaker sends searches straight to the database backend for SEARCH_BREAKER_COOLDOWN seconds; then one
search is let through to try the cluster again (half-open), and its outcome closes or reopens the breaker.
The state is per process, like the connection pool it protects. The clock is injected so tests never wait.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class Waiter:
    """One search let through to the cluster: give it back with `success` or `failure`."""

    __slots__ = ("started",)

    def __init__(self, started: float) -> None:
        self.started = started


class CircuitBreaker:
    def __init__(
        self,
        *,
        failures: int,
        cooldown: float,
        max_waiting: int = 2,
        stalled_after: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.failures_to_open = max(1, failures)
        self.cooldown = cooldown
        self.max_waiting = max(1, max_waiting)
        self.stalled_after = stalled_after
        self.clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None
        self._trial = False  # a half-open trial is in flight
        self._waiting: set[Waiter] = set()

    @property
    def is_open(self) -> bool:
        return self._opened_at is not None

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    def allow(self) -> Waiter | None:
        """May a search go to the cluster now? If so, the caller gets a Waiter to give back when it is done."""
        with self._lock:
            now = self.clock()
            if self._opened_at is not None:
                if self._trial or now - self._opened_at < self.cooldown:
                    return None
                self._trial = True  # half-open: this one search tries the cluster
                return self._wait(now)
            if len(self._waiting) >= self.max_waiting:
                # Enough searches wait already: this one does not join them. If they have waited longer than a
                # healthy cluster takes, it hangs: open now rather than once their timeouts have run out.
                if all(now - waiter.started >= self.stalled_after for waiter in self._waiting):
                    self._opened_at, self._trial = now, False
                return None
            return self._wait(now)

    def success(self, waiter: Waiter | None = None) -> None:
        with self._lock:
            self._waiting.discard(waiter)
            self._failures, self._opened_at, self._trial = 0, None, False

    def failure(self, waiter: Waiter | None = None) -> None:
        with self._lock:
            self._waiting.discard(waiter)
            self._failures += 1
            if self._trial or self._failures >= self.failures_to_open:
                self._opened_at, self._trial = self.clock(), False

    def reset(self) -> None:
        with self._lock:
            self._failures, self._opened_at, self._trial = 0, None, False
            self._waiting.clear()

    def _wait(self, now: float) -> Waiter:
        waiter = Waiter(now)
        self._waiting.add(waiter)
        return waiter
