"""django-q2 tasks of the search index (enqueued after commits, and on a schedule)."""

from django.core.cache import cache

from search import services


def catch_up() -> int:
    cache.delete(services.QUEUED)  # writes from now on queue another run
    return services.catch_up()
