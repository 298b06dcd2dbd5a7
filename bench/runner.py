"""Run benchmarks by name, print `BENCH <name> <value> <unit>` lines and a table, save results.json."""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from datetime import datetime
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results.json"
# Modules whose benchmarks register on import, in the order `make bench` runs them.
MODULES = [
    "bench.dataset",
    "bench.drafts",
    "bench.xtd",
    "bench.comments",
    "bench.contact_points",
    "bench.handling",
    "bench.stats",
    "bench.search",
    "bench.revision",
    "bench.api",
    "bench.phone_load",
]
DEFAULT_SCALE = 1_000_000


def _log(message: str) -> None:
    print(f"  · {message}", file=sys.stderr, flush=True)


def _parser(names: list[str]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Run the benchmarks (all of them when none is named) on the database of DATABASE_URL.",
    )
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"benchmarks to run: {', '.join(names)}")
    parser.add_argument(
        "--scale", type=int, default=DEFAULT_SCALE, help=f"opinions in the data set (default {DEFAULT_SCALE:,})"
    )
    return parser


def _table(figures) -> str:
    rows = [("figure", "value", "unit", "note")] + [(f.name, f.formatted(), f.unit, f.note) for f in figures]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = []
    for index, row in enumerate(rows):
        lines.append(f"{row[0]:<{widths[0]}}  {row[1]:>{widths[1]}}  {row[2]:<{widths[2]}}  {row[3]}".rstrip())
        if index == 0:
            lines.append("-" * len(lines[0]))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.bench")
    import importlib

    import django

    django.setup()
    from django.db import connection

    from bench.database import ensure_database
    from bench.registry import BENCHMARKS, Context

    for module in MODULES:
        importlib.import_module(module)
    args = _parser(list(BENCHMARKS)).parse_args(argv)
    unknown = [name for name in args.names if name not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}", file=sys.stderr)
        return 2
    if args.scale < 1:
        print("--scale must be a positive number of opinions", file=sys.stderr)
        return 2
    selected = [name for name in BENCHMARKS if name in args.names] if args.names else list(BENCHMARKS)
    ensure_database(_log)
    ctx = Context(scale=args.scale, log=_log)
    figures = []
    started = time.perf_counter()
    for name in selected:
        print(f"# {name}", file=sys.stderr, flush=True)
        for figure in BENCHMARKS[name](ctx):
            print(f"BENCH {figure.name} {figure.value} {figure.unit}", flush=True)
            figures.append(figure)
    print()
    print(_table(figures))
    elapsed = time.perf_counter() - started
    print(f"\n{len(figures)} figures in {elapsed:.0f} s on {connection.vendor}, scale {args.scale:,}")

    previous = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    stored = previous.get("figures", {})
    run = {
        "at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "database": connection.vendor,
        "scale": args.scale,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
    }
    for figure in figures:
        stored[figure.name] = {"value": figure.value, "unit": figure.unit, "note": figure.note, **run}
    RESULTS.write_text(
        json.dumps({"last_run": run, "figures": dict(sorted(stored.items()))}, ensure_ascii=False, indent=2) + "\n",
        encoding="utf-8",
    )
    return 0
