"""What /healthz checks: the database, the cache, the task broker, the task cluster's heartbeat, free disk.

Each check is one small round trip (``SELECT 1``, a Redis ``SET`` with a ten-second expiry, one row by its
key, ``statvfs``) and never raises: a failure is a result, logged with its exception, while the answer names
only the check and a short reason code (no host, path, version or message: the endpoint is public).
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

logger = logging.getLogger(__name__)

CLUSTER_HEARTBEAT = "cluster"
# Short reason codes, the only words a failing check says in public.
UNREACHABLE, STALE, MISSING, LOW_SPACE, ERROR = "unreachable", "stale", "missing", "low_space", "error"


@dataclass
class CheckResult:
    ok: bool
    latency_ms: float = 0.0
    reason: str = ""
    # Figures for administrators only (?verbose): ages, free space, the kind of broker.
    details: dict = field(default_factory=dict)

    def public(self, *, verbose: bool) -> dict:
        body = {"status": "ok" if self.ok else "fail", "latency_ms": round(self.latency_ms, 2)}
        if self.reason:
            body["reason"] = self.reason
        if verbose and self.details:
            body["details"] = self.details
        return body


# Redis clients with short timeouts, one per URL and process: a Redis that hangs must not hold a probe.
_clients: dict[str, object] = {}
_clients_lock = threading.Lock()


def _redis(url: str):
    import redis

    with _clients_lock:
        client = _clients.get(url)
        if client is None:
            client = _clients[url] = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        return client


def _redis_round_trip(url: str) -> None:
    """A write with a short expiry and its read: a read-only or full Redis fails it too, as it fails the site."""
    client = _redis(url)
    key = f"healthz:{os.getpid()}"
    client.set(key, b"1", ex=10)
    if client.get(key) != b"1":
        raise RuntimeError("redis answered the health key wrongly")


def check_database(now: datetime) -> CheckResult:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return CheckResult(ok=True, details={"engine": connection.vendor})


def check_cache(now: datetime) -> CheckResult:
    """Redis when the cache is on Redis (asked directly: cms.cache answers a miss when Redis is down)."""
    config = settings.CACHES["default"]
    if config["BACKEND"].endswith("RedisCache"):
        _redis_round_trip(config["LOCATION"])
        return CheckResult(ok=True, details={"backend": "redis"})
    from django.core.cache import cache

    cache.set("healthz", 1, 10)
    if cache.get("healthz") != 1:
        return CheckResult(ok=False, reason=ERROR, details={"backend": "local"})
    return CheckResult(ok=True, details={"backend": "local"})


def check_broker(now: datetime) -> CheckResult:
    """django-q2's broker as settings name it now: Redis, or the ORM broker's queue table."""
    q_cluster = settings.Q_CLUSTER
    if q_cluster.get("redis"):
        _redis_round_trip(q_cluster["redis"])
        return CheckResult(ok=True, details={"broker": "redis"})
    from django_q.models import OrmQ

    list(OrmQ.objects.using(q_cluster.get("orm") or "default").order_by().values_list("pk", flat=True)[:1])
    return CheckResult(ok=True, details={"broker": "orm"})


def check_cluster(now: datetime) -> CheckResult:
    """Alive while the heartbeat a schedule stamps every minute is younger than HEALTH_HEARTBEAT_MAX_AGE."""
    from ops.models import Heartbeat

    beat_at = Heartbeat.objects.filter(name=CLUSTER_HEARTBEAT).values_list("beat_at", flat=True).first()
    if beat_at is None:
        return CheckResult(ok=False, reason=MISSING)
    age = max(0, int((now - beat_at).total_seconds()))
    limit = settings.HEALTH_HEARTBEAT_MAX_AGE
    return CheckResult(ok=age <= limit, reason="" if age <= limit else STALE, details={"age_s": age, "max_s": limit})


def disk_volumes() -> dict[str, Path]:
    """The places the site writes to, by a name that tells nothing of the path."""
    volumes = {"media": Path(settings.MEDIA_ROOT), "private": Path(settings.PRIVATE_MEDIA_ROOT)}
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3") and str(database["NAME"]) not in ("", ":memory:"):
        volumes["database"] = Path(database["NAME"]).parent
    if settings.BACKUP_DIR:
        volumes["backups"] = Path(settings.BACKUP_DIR)
    return volumes


def _existing(path: Path) -> Path:
    """A directory not made yet (MEDIA_ROOT before the first upload) lives on its nearest existing parent."""
    path = path.absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def check_disk(now: datetime) -> CheckResult:
    minimum = settings.HEALTH_DISK_MIN_FREE_MB
    free = {name: shutil.disk_usage(_existing(path)).free // (1024 * 1024) for name, path in disk_volumes().items()}
    low = sorted(name for name, mb in free.items() if mb < minimum)
    details = {"free_mb": free, "min_free_mb": minimum}
    if low:
        details["low"] = low
    return CheckResult(ok=not low, reason=LOW_SPACE if low else "", details=details)


CHECKS: dict[str, Callable[[datetime], CheckResult]] = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
    "cluster": check_cluster,
    "disk": check_disk,
}


def _run(name: str, check: Callable[[datetime], CheckResult], now: datetime) -> CheckResult:
    started = time.perf_counter()
    try:
        result = check(now)
    except Exception as exc:  # a health check answers; it never fails the probe itself
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError

        unreachable = isinstance(exc, DatabaseError | RedisConnectionError | RedisTimeoutError | OSError)
        logger.warning("health check %s failed: %s: %s", name, type(exc).__name__, exc)
        result = CheckResult(
            ok=False, reason=UNREACHABLE if unreachable else ERROR, details={"error": type(exc).__name__}
        )
    result.latency_ms = (time.perf_counter() - started) * 1000
    return result


_memo: dict[str, tuple[float, tuple[int, dict]]] = {}


def health_report(*, now: datetime | None = None, verbose: bool = False) -> tuple[int, dict]:
    """(HTTP status, body): 503 when a check named in HEALTH_CRITICAL fails, else 200 ("degraded" when another
    one fails). Within HEALTH_MEMO_SECONDS a process answers its last public report again."""
    memo_seconds = settings.HEALTH_MEMO_SECONDS
    if not verbose and now is None and memo_seconds > 0:
        remembered = _memo.get("public")
        if remembered and time.monotonic() - remembered[0] < memo_seconds:
            return remembered[1]
    moment = now or timezone.now()
    results = {name: _run(name, check, moment) for name, check in CHECKS.items()}
    critical = set(settings.HEALTH_CRITICAL)
    failed = {name for name, result in results.items() if not result.ok}
    status = "fail" if failed & critical else "degraded" if failed else "ok"
    body = {
        "status": status,
        "checks": {
            name: {**result.public(verbose=verbose), "critical": name in critical} for name, result in results.items()
        },
    }
    answer = (503 if status == "fail" else 200, body)
    if not verbose and now is None and memo_seconds > 0:
        _memo["public"] = (time.monotonic(), answer)
    return answer


def heartbeat_beat(*, name: str = CLUSTER_HEARTBEAT, now: datetime | None = None) -> None:
    """Stamp the heartbeat (the task cluster's, from its every-minute schedule)."""
    from ops.models import Heartbeat

    Heartbeat.objects.update_or_create(name=name, defaults={"beat_at": now or timezone.now()})
