"""/healthz: every check's status and latency, 200 when all are fine, 503 when a critical one fails; nothing
about hosts, paths or versions; no session, no CSRF, no cache, no HTTPS redirect, any Host."""

import json
import os
from datetime import timedelta

import pytest
import redis
from django.utils import timezone

from ops import health
from ops.models import Heartbeat
from ops.tasks import heartbeat
from tests.factories import UserFactory
from tests.ops.conftest import closed_port

pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


@pytest.fixture(autouse=True)
def _healthy_defaults(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.HEALTH_DISK_MIN_FREE_MB = 1
    settings.HEALTH_CRITICAL = ["database", "cache", "broker", "disk"]


def _get(client, url="/healthz", **extra):
    response = client.get(url, **extra)
    return response, json.loads(response.content)


def test_all_good_answers_200_with_each_check_and_its_latency(client):
    heartbeat()
    response, body = _get(client)
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker", "cluster", "disk"}
    for check in body["checks"].values():
        assert check["status"] == "ok"
        assert isinstance(check["latency_ms"], float) and check["latency_ms"] >= 0
    assert "no-store" in response["Cache-Control"]
    assert "Set-Cookie" not in response
    assert not response.cookies


def test_the_public_answer_names_no_host_path_or_version(client, settings):
    heartbeat()
    response, body = _get(client)
    text = response.content.decode()
    assert str(settings.MEDIA_ROOT) not in text and str(settings.BASE_DIR) not in text
    assert "127.0.0.1" not in text and "sqlite" not in text.lower() and "redis" not in text.lower()
    assert all("details" not in check for check in body["checks"].values())


def test_redis_at_a_closed_port_fails_the_cache_and_the_broker_with_503(client, settings):
    port = closed_port()
    url = f"redis://127.0.0.1:{port}/0"
    settings.CACHES = {"default": {"BACKEND": "cms.cache.RedisCache", "LOCATION": url}}
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "redis": url}
    heartbeat()
    response, body = _get(client)
    assert response.status_code == 503
    assert body["status"] == "fail"
    assert body["checks"]["cache"] == {**body["checks"]["cache"], "status": "fail", "reason": "unreachable"}
    assert body["checks"]["broker"]["status"] == "fail"
    assert body["checks"]["database"]["status"] == "ok"
    assert str(port) not in response.content.decode()


def test_a_running_redis_passes_the_cache_and_the_broker(client, settings):
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.ConnectionError:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no Redis at {REDIS_URL}")
    settings.CACHES = {"default": {"BACKEND": "cms.cache.RedisCache", "LOCATION": REDIS_URL}}
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "redis": REDIS_URL}
    heartbeat()
    response, body = _get(client)
    assert response.status_code == 200, body
    assert body["checks"]["cache"]["status"] == body["checks"]["broker"]["status"] == "ok"


def test_a_stale_heartbeat_fails_the_cluster_check(settings):
    beat = timezone.now()
    health.heartbeat_beat(now=beat)
    settings.HEALTH_HEARTBEAT_MAX_AGE = 300
    status, body = health.health_report(now=beat + timedelta(seconds=299))
    assert (status, body["checks"]["cluster"]["status"]) == (200, "ok")
    status, body = health.health_report(now=beat + timedelta(seconds=301))
    assert body["checks"]["cluster"] == {**body["checks"]["cluster"], "status": "fail", "reason": "stale"}
    # The load balancer keeps the site: a stopped cluster is "degraded", not a reason to take pages away ...
    assert (status, body["status"]) == (200, "degraded")
    # ... unless the deployer says it is critical.
    settings.HEALTH_CRITICAL = [*settings.HEALTH_CRITICAL, "cluster"]
    status, body = health.health_report(now=beat + timedelta(seconds=301))
    assert (status, body["status"]) == (503, "fail")


def test_no_heartbeat_yet_fails_the_cluster_check():
    Heartbeat.objects.all().delete()
    _status, body = health.health_report(now=timezone.now())
    assert body["checks"]["cluster"]["reason"] == "missing"


def test_the_heartbeat_schedule_and_the_daily_ones_exist():
    from django_q.models import Schedule

    found = dict(Schedule.objects.filter(func__startswith="ops.tasks.").values_list("func", "schedule_type"))
    assert found == {
        "ops.tasks.heartbeat": Schedule.MINUTES,
        "ops.tasks.backup_daily": Schedule.DAILY,
        "ops.tasks.retention_daily": Schedule.DAILY,
    }


def test_low_disk_space_fails_with_503(client, settings):
    heartbeat()
    settings.HEALTH_DISK_MIN_FREE_MB = 10**12
    response, body = _get(client)
    assert response.status_code == 503
    assert body["checks"]["disk"]["reason"] == "low_space"


def test_the_probe_needs_no_allowed_host_no_https_and_no_csrf(client, settings):
    heartbeat()
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["lifa.example.gov.cn"]
    response, body = _get(client, HTTP_HOST="10.1.2.3:8000")
    assert response.status_code == 200 and body["status"] == "ok"
    assert client.head("/healthz/", HTTP_HOST="10.1.2.3").status_code == 200
    assert client.post("/healthz").status_code == 405


def test_verbose_figures_are_for_administrators_only(client):
    heartbeat()
    assert client.get("/healthz?verbose").status_code == 403
    client.force_login(UserFactory(username="staffer", is_staff=True))
    assert client.get("/healthz?verbose").status_code == 403
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    response, body = _get(client, "/healthz?verbose")
    assert response.status_code == 200
    assert body["checks"]["cluster"]["details"]["age_s"] >= 0
    assert set(body["checks"]["disk"]["details"]["free_mb"]) >= {"media", "private"}


def test_a_flood_of_probes_is_answered_from_the_last_report(client, settings, django_assert_max_num_queries):
    heartbeat()
    settings.HEALTH_MEMO_SECONDS = 60
    health._memo.clear()
    assert client.get("/healthz").status_code == 200
    with django_assert_max_num_queries(0):
        for _ in range(20):
            assert client.get("/healthz").status_code == 200
    health._memo.clear()
