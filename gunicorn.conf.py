"""gunicorn reads this file from the directory it starts in: the project's, as the systemd unit in the README
and the benchmarks (bench.harness) start it. Command-line options still apply; this only adds hooks."""


def post_worker_init(worker):
    """Before a worker takes its first request: load what its first search would otherwise load (search.warmup)."""
    from search.warmup import warm_up

    warm_up()
