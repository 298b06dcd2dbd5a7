"""The configured backend: Elasticsearch when ELASTICSEARCH_URL is set, the database otherwise."""

from django.conf import settings


def get_backend():
    if getattr(settings, "ELASTICSEARCH_URL", ""):
        from search.backends.elasticsearch import ElasticsearchBackend

        return ElasticsearchBackend()
    from search.backends.database import DatabaseBackend

    return DatabaseBackend()
