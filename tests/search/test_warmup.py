"""A web worker loads jieba's dictionary and its Elasticsearch client before its first request."""

import runpy
from pathlib import Path

from search import text
from search.backends import elasticsearch


def test_gunicorns_hook_loads_what_the_first_search_would(settings):
    settings.ELASTICSEARCH_URL = "http://search.internal:9200"
    text._jieba.cache_clear()
    elasticsearch._clients.clear()
    config = runpy.run_path(str(Path(__file__).resolve().parents[2] / "gunicorn.conf.py"))
    config["post_worker_init"](None)
    assert text._jieba.cache_info().currsize == 1
    assert elasticsearch.shared_client() is next(iter(elasticsearch._clients.values()))
    assert len(elasticsearch._clients) == 1


def test_without_a_cluster_only_jieba_is_loaded(settings):
    from search.warmup import warm_up

    settings.ELASTICSEARCH_URL = None
    text._jieba.cache_clear()
    elasticsearch._clients.clear()
    warm_up()
    assert text._jieba.cache_info().currsize == 1 and elasticsearch._clients == {}
