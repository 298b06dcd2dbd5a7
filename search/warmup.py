"""What a web worker loads before it takes its first request, so that no reader's search pays for it.

jieba's dictionary takes a second or more of CPU to load, holding the interpreter lock: loaded on the first
search of a fresh worker, it held that search and every page the worker's other threads were serving (an
article page took 1–3 s while searches waited on a hung Elasticsearch). The Elasticsearch client is made
here too, without asking the cluster anything (a hung cluster must not hold a worker's start).
gunicorn calls `warm_up` once per worker, after loading the application (gunicorn.conf.py).
"""

from __future__ import annotations

from django.conf import settings


def warm_up() -> None:
    from search import text

    text._jieba()
    if getattr(settings, "ELASTICSEARCH_URL", ""):
        from search.backends.elasticsearch import shared_client

        shared_client()
