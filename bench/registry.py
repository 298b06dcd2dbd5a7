"""Benchmarks register here; each returns figures, which the runner prints and stores."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Figure:
    name: str  # e.g. drafts.page_p50_ms
    value: float
    unit: str
    note: str = ""

    def formatted(self) -> str:
        if isinstance(self.value, int) or float(self.value).is_integer():
            return f"{int(self.value):,}"
        return f"{self.value:,.3g}" if abs(self.value) < 100 else f"{self.value:,.1f}"


@dataclass
class Context:
    """What every benchmark gets: the scale asked for, and a way to log progress."""

    scale: int
    log: Callable[[str], None] = print
    extra: dict = field(default_factory=dict)


BENCHMARKS: dict[str, Callable[[Context], list[Figure]]] = {}


def benchmark(name: str):
    """Register a benchmark under `name` (the first part of its figures' names)."""

    def register(func: Callable[[Context], list[Figure]]):
        if name in BENCHMARKS:
            raise ValueError(f"benchmark {name!r} registered twice")
        BENCHMARKS[name] = func
        return func

    return register


def timed(func: Callable[[], object], repeat: int, warmup: int = 2) -> list[float]:
    """Wall-clock milliseconds of `repeat` calls after `warmup` unmeasured ones."""
    for _ in range(warmup):
        func()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def median(samples: list[float]) -> float:
    return round(statistics.median(samples), 2)
