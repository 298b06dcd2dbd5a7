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
        breaker.failure(breaker.allow())
    third = breaker.allow()
    assert third and not breaker.is_open
    breaker.failure(third)
    assert breaker.is_open and not breaker.allow()
    clock.now += 29.9
    assert not breaker.allow()
    clock.now += 0.2
    trial = breaker.allow()
    assert trial  # half-open: one trial
    assert not breaker.allow()  # and only one while it is in flight
    breaker.failure(trial)  # the trial failed: open again for a whole cooldown
    assert not breaker.allow()
    clock.now += 30.1
    trial = breaker.allow()
    assert trial
    breaker.success(trial)
    assert not breaker.is_open and breaker.waiting == 0
    assert breaker.allow() and breaker.allow()


def test_a_success_forgets_earlier_failures():
    breaker = CircuitBreaker(failures=2, cooldown=30, clock=Clock())
    breaker.failure(breaker.allow())
    breaker.success(breaker.allow())
    breaker.failure(breaker.allow())
    assert not breaker.is_open and breaker.waiting == 0


def test_searches_beyond_the_waiting_ones_go_to_the_database_and_stuck_waiters_open_the_breaker():
    """A hung cluster fails nothing until its timeouts run out: searches waiting on it count. Past two waiting,
    a search does not join them; once those two have waited longer than a healthy cluster takes, the breaker
    opens at once, before any of them has failed."""
    clock = Clock()
    breaker = CircuitBreaker(failures=3, cooldown=30, max_waiting=2, stalled_after=0.5, clock=clock)
    first, second = breaker.allow(), breaker.allow()
    assert first and second and breaker.waiting == 2
    # A burst: the third search, arriving while the two are young, goes to the database; nothing opens.
    assert breaker.allow() is None and not breaker.is_open
    clock.now += 0.3
    assert breaker.allow() is None and not breaker.is_open
    # One of them answers: a place frees up.
    breaker.success(first)
    third = breaker.allow()
    assert third and breaker.waiting == 2
    # The two waiting now (one since 1000.0, one since 1000.3) have both waited 0.5 s only at 1000.8.
    clock.now += 0.45
    assert breaker.allow() is None and not breaker.is_open
    clock.now += 0.05
    assert breaker.allow() is None and breaker.is_open  # stuck: open at once, no failure counted yet
    # Their timeouts come in later; the breaker stays open for the cooldown, then tries one search.
    breaker.failure(second)
    breaker.failure(third)
    assert breaker.is_open and breaker.waiting == 0
    clock.now += 29.9
    assert breaker.allow() is None
    clock.now += 0.2
    trial = breaker.allow()
    assert trial and breaker.allow() is None
    breaker.success(trial)
    assert not breaker.is_open and breaker.waiting == 0


def test_a_healthy_cluster_under_load_never_opens_the_breaker():
    """Many searches at once that each answer quickly: the overflow waits for nothing (database), and the
    breaker stays closed however long it goes on."""
    clock = Clock()
    breaker = CircuitBreaker(failures=3, cooldown=30, max_waiting=2, stalled_after=0.5, clock=clock)
    to_database = 0
    for _ in range(1000):
        waiters = [breaker.allow() for _ in range(4)]  # four threads at once
        to_database += waiters.count(None)
        clock.now += 0.05  # each search takes 50 ms
        for waiter in waiters:
            if waiter:
                breaker.success(waiter)
    assert not breaker.is_open and breaker.waiting == 0 and to_database == 2000


def test_reset_forgets_waiting_searches():
    breaker = CircuitBreaker(failures=3, cooldown=30, max_waiting=1, clock=Clock())
    assert breaker.allow() and breaker.allow() is None
    breaker.reset()
    assert breaker.allow()


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
    assert selectors.breaker.waiting == 0  # every search let through was given back
