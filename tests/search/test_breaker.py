"""A failing search cluster costs a reader at most a few tries: then searches skip it for a while."""

import pytest

from search import selectors
from search.backends.elasticsearch import ElasticsearchBackend, SearchUnavailable
from search.breaker import CircuitBreaker


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_breaker_opens_after_failures_and_lets_one_trial_through_after_the_cooldown():
    clock = Clock()
    breaker = CircuitBreaker(failures=3, cooldown=30, clock=clock)
    for _ in range(2):
        assert breaker.allow()
        breaker.failure()
    assert breaker.allow() and not breaker.is_open
    breaker.failure()
    assert breaker.is_open and not breaker.allow()
    clock.now += 29.9
    assert not breaker.allow()
    clock.now += 0.2
    assert breaker.allow()  # half-open: one trial
    assert not breaker.allow()  # and only one while it is in flight
    breaker.failure()  # the trial failed: open again for a whole cooldown
    assert not breaker.allow()
    clock.now += 30.1
    assert breaker.allow()
    breaker.success()
    assert not breaker.is_open and breaker.allow() and breaker.allow()


def test_a_success_forgets_earlier_failures():
    breaker = CircuitBreaker(failures=2, cooldown=30, clock=Clock())
    breaker.failure()
    breaker.success()
    breaker.failure()
    assert not breaker.is_open


@pytest.mark.django_db
def test_searches_skip_a_failing_cluster_once_the_breaker_opens(settings, monkeypatch, draft):
    clock = Clock()
    monkeypatch.setattr(selectors, "breaker", CircuitBreaker(failures=3, cooldown=30, clock=clock))
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    asked = []

    def hung(self, query):
        asked.append(query.text)
        raise SearchUnavailable("timed out")

    monkeypatch.setattr(ElasticsearchBackend, "search", hung)
    for _ in range(5):
        result = selectors.search(text="物业", user=None)
        assert result.backend == "database" and result.notice  # answered, and the reader is told
    assert len(asked) == 3  # the 4th and 5th did not wait for the cluster
    clock.now += 31
    selectors.search(text="物业", user=None)
    assert len(asked) == 4  # one trial after the cooldown
