"""python -m bench [NAME ...] [--scale N]: run benchmarks, print a table, write bench/results.json."""

from bench.runner import main

raise SystemExit(main())
