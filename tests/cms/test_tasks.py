import pytest
from django.conf import settings
from django_q.brokers import get_broker
from django_q.tasks import async_task, result

pytestmark = pytest.mark.django_db


def test_tasks_run_synchronously_in_tests():
    task_id = async_task("math.floor", 2.7)
    assert result(task_id) == 2


def test_the_configured_broker_is_reachable():
    """ORM broker by default; Redis when REDIS_URL is set (as in CI's PostgreSQL run)."""
    broker = get_broker()
    expected = "Redis" if settings.REDIS_URL else "ORM"
    assert type(broker).__name__ == expected
    assert broker.ping()
