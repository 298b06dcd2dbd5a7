"""What a benchmark under load runs beside its figures: gunicorn, wrk, the task cluster, CPU attribution.

* ``Gunicorn`` serves cms.wsgi with the bench settings on a free port, against the benchmark database
  and Redis; ``TaskCluster`` runs ``manage.py qcluster`` beside it at a lower CPU priority, and
  ``schedules_settled`` waits for the schedules due at its start;
* ``ensure_wrk`` finds (or installs) wrk, and ``run_wrk`` runs a Lua script that reports its counts
  in ``RESULT``/``STATUS``/``REFUSAL`` lines and leaves a ``done-*`` file per thread when its last
  request is answered;
* ``Usage`` reads /proc, Redis and PostgreSQL before and after a run and attributes the CPU time
  to the web workers, the task cluster, PostgreSQL, Redis and wrk; ``usage_note`` says it in words;
* ``login_sessions`` gives each user a logged-in session and a CSRF secret, as logging in would;
  ``delete_sessions``, ``delete_keys``, ``clear_task_queue`` and ``clear_throttle_counters`` clean
  up after a run, or after an interrupted one.

The posting benchmark (bench/comments.py) is the one that uses them today.
"""

from __future__ import annotations

import math
import os
import random
import re
import shutil
import signal
import socket
import string
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

ROOT = Path(__file__).resolve().parent.parent
WRK_SETTLE = 10  # seconds the script may wait for the last posts' answers (and wrk's request timeout)


def load_average() -> str:
    """The load average, logged with timings: other work on the machine shows in them."""
    return "load average " + " ".join(f"{value:.2f}" for value in os.getloadavg())


def peak_memory_kb() -> int:
    """This process's peak resident memory in KiB: its VmHWM, not ru_maxrss (Linux keeps ru_maxrss across
    exec, so a child the benchmark runner forks would report the runner's own size when that was larger)."""
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def ensure_wrk(log) -> str:
    found = shutil.which("wrk")
    if found:
        return found
    apt = shutil.which("apt-get")
    if apt is None or os.geteuid() != 0:
        raise RuntimeError(
            "wrk (the HTTP load generator) is not installed and cannot be installed from here: "
            "run `apt-get install -y wrk` as root (or install it from https://github.com/wg/wrk)"
        )
    log("installing wrk with apt-get")
    quiet = {
        "stdout": subprocess.DEVNULL,
        "stderr": subprocess.PIPE,
        "env": {**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    }
    if subprocess.run([apt, "install", "-y", "-q", "wrk"], check=False, **quiet).returncode != 0:  # noqa: S603
        subprocess.run([apt, "update", "-q"], check=False, **quiet)  # noqa: S603
        result = subprocess.run([apt, "install", "-y", "-q", "wrk"], check=False, **quiet)  # noqa: S603
        if result.returncode != 0:
            raise RuntimeError(f"apt-get install wrk failed: {result.stderr.decode(errors='replace')[-500:]}")
    found = shutil.which("wrk")
    if not found:
        raise RuntimeError("apt-get installed wrk but it is not on PATH")
    return found


def login_sessions(users: list, redis_url: str) -> tuple[list[tuple[str, str]], list[str]]:
    """A logged-in session and a CSRF secret per user: (session key, csrf secret) and the keys to delete.

    As logging in leaves them: in the database and, with cached_db, in the server's cache too."""
    from importlib import import_module

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.middleware.csrf import CSRF_SESSION_KEY
    from django.utils.crypto import get_random_string

    engine = import_module(settings.SESSION_ENGINE)
    backend = settings.AUTHENTICATION_BACKENDS[0]
    alphabet = string.ascii_letters + string.digits
    sessions = []
    for user in users:
        secret = get_random_string(32, alphabet)  # an unmasked CSRF secret: cookie and form field alike
        data = {SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: backend, HASH_SESSION_KEY: user.get_session_auth_hash()}
        if settings.CSRF_USE_SESSIONS:
            data[CSRF_SESSION_KEY] = secret
        sessions.append((data, secret))
    pairs = []
    if settings.SESSION_ENGINE in ("django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db"):
        # In one go: 5,000 rows, as SessionStore.create() would write them one by one.
        store = engine.SessionStore()
        model = store.get_model_class()
        expires = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)
        rows = [
            model(
                session_key=get_random_string(32, string.ascii_lowercase + string.digits),
                session_data=store.encode(data),
                expire_date=expires,
            )
            for data, _secret in sessions
        ]
        model.objects.bulk_create(rows, batch_size=2000)
        pairs = [(row.session_key, secret) for row, (_data, secret) in zip(rows, sessions, strict=True)]
        if hasattr(engine, "KEY_PREFIX"):  # cached_db: SessionStore.create() writes the cache as well
            cached = {engine.KEY_PREFIX + row.session_key: data for row, (data, _s) in zip(rows, sessions, strict=True)}
            _server_cache(redis_url).set_many(cached, timeout=settings.SESSION_COOKIE_AGE)
    else:
        for data, secret in sessions:
            store = engine.SessionStore()
            store.update(data)
            store.create()
            pairs.append((store.session_key, secret))
    return pairs, [key for key, _secret in pairs]


def _server_cache(redis_url: str):
    """The cache the gunicorn workers use (cms.settings with REDIS_URL), from this process."""
    from cms.cache import RedisCache

    return RedisCache(redis_url, {})


def delete_sessions(keys: list[str], redis_url: str) -> None:
    from importlib import import_module

    engine = import_module(settings.SESSION_ENGINE)
    if hasattr(engine, "KEY_PREFIX"):
        _server_cache(redis_url).delete_many([engine.KEY_PREFIX + key for key in keys])
    if hasattr(engine.SessionStore, "get_model_class"):
        engine.SessionStore.get_model_class().objects.filter(session_key__in=keys).delete()
    else:
        for key in keys:
            engine.SessionStore(key).delete()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://", "pgsql://")):
        return url
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}"


def _terminate(process: subprocess.Popen | None, wait: float) -> None:
    """SIGTERM, `wait` seconds to finish, then SIGKILL."""
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=wait)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


class Gunicorn:
    """gunicorn serving cms.wsgi with the bench settings and Redis, plus the settings ``extra_env`` gives."""

    def __init__(
        self,
        directory: Path,
        redis_url: str,
        workers: int,
        worker_class: str,
        threads: int,
        extra_env: dict[str, str] | None = None,
    ):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = directory / "gunicorn.log"
        self.workers, self.worker_class, self.threads = workers, worker_class, threads
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cms.settings.bench",
            "DATABASE_URL": _database_url(),
            "REDIS_URL": redis_url,
            "PYTHONPATH": str(ROOT),
            **(extra_env or {}),
        }
        self.process: subprocess.Popen | None = None

    def describe(self) -> str:
        kind = f"{self.worker_class}" + (f" × {self.threads} threads" if self.worker_class == "gthread" else "")
        return f"gunicorn {self.workers} {kind} workers"

    def start(self) -> None:
        command = [
            str(Path(sys.executable).with_name("gunicorn")),
            "cms.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--worker-class",
            self.worker_class,
            "--threads",
            str(self.threads),
            "--backlog",
            "2048",
            "--timeout",
            "120",
            "--graceful-timeout",
            "20",
            "--log-level",
            "warning",
            "--error-logfile",
            str(self.log_path),
        ]
        self.process = subprocess.Popen(  # noqa: S603 - our own command line
            command, cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}: {self.tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/", timeout=5) as response:  # noqa: S310 - our own server
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer on {self.url} within 60 s: {self.tail()}")

    def get(self, path: str, cookie: str = "") -> int:
        request = urllib.request.Request(f"{self.url}{path}", headers={"Cookie": cookie} if cookie else {})  # noqa: S310
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - our own server
            response.read()
            return response.status

    def stop(self) -> None:
        _terminate(self.process, 40)  # graceful: workers finish their request and exit

    def tail(self, lines: int = 20) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


class TaskCluster:
    """The django-q2 cluster (`manage.py qcluster`) beside gunicorn, as in production: the work posting leaves
    to tasks (the campaign check, indexing for search) runs during the run on the same two cores, at the
    lower CPU priority the README's systemd unit gives it (Nice=10), so that a burst of posts is answered
    first and the tasks catch up with what it left."""

    NICE = 10

    def __init__(self, directory: Path, env: dict):
        self.env, self.log_path = env, directory / "qcluster.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own command line
                [sys.executable, "manage.py", "qcluster"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=lambda: os.nice(self.NICE),  # noqa: PLW1509 - only os.nice, before exec
            )

    def stop(self) -> None:
        _terminate(self.process, 60)  # the cluster lets its running tasks finish

    def errors(self) -> str:
        if not self.log_path.exists():
            return ""
        lines = self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        return "\n".join(line for line in lines if "ERROR" in line or "Traceback" in line)[-2000:]


def delete_keys(redis_url: str, pattern: str) -> int:
    """Delete the Redis keys matching `pattern`; how many there were."""
    import redis

    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=pattern, count=5000))
    for start in range(0, len(keys), 5000):
        client.delete(*keys[start : start + 5000])
    client.close()
    return len(keys)


def clear_task_queue(redis_url: str) -> int:
    """Tasks an earlier, interrupted run left in the broker (django-q2 keeps its queue under django_q:*)."""
    return delete_keys(redis_url, "django_q:*")


def schedules_settled(cluster_pid: int, log, wait: float = 180) -> None:
    """Let the cluster finish the schedules that are due when it starts (a statistics refresh over the million
    opinions among them) before the warm-up, so that the measured minute meets only the work posting makes:
    wait until none is due and the cluster's processes have been idle for two seconds."""
    from django_q.models import Schedule

    started = time.perf_counter()
    tick = os.sysconf("SC_CLK_TCK")

    def cluster_ticks() -> int:
        processes = Usage._processes()
        return sum(ticks for pid, (_c, _p, ticks) in processes.items() if descends(processes, pid, cluster_pid))

    while time.perf_counter() - started < wait:
        if not Schedule.objects.filter(next_run__lte=timezone.now()).exclude(repeats=0).exists():
            before = cluster_ticks()
            time.sleep(2)
            if (cluster_ticks() - before) / tick < 0.1:  # under 5 % of a core
                break
        else:
            time.sleep(1)
    log(f"task cluster started; the schedules due at its start ran in {time.perf_counter() - started:.0f} s")


def clear_throttle_counters(redis_url: str, scope_prefix: str) -> int:
    """Forget the cms.throttle counters of earlier runs whose scope starts with ``scope_prefix``."""
    from cms.throttle import Throttle

    # The keys the throttles write ("throttle:<scope>:<digest>" under the cache's prefix), from the same code.
    prefix = Throttle(scope_prefix, limit=1, window_seconds=1)._key("x").rsplit(":", 1)[0]
    return delete_keys(redis_url, f"*{prefix}*")


def descends(processes: dict[int, tuple[str, int, int]], pid: int, ancestor: int) -> bool:
    """Whether `pid` is `ancestor` or one of its descendants (`processes` as Usage._processes() reads them)."""
    for _hop in range(8):  # qcluster → sentinel → workers, pusher, monitor
        if pid == ancestor:
            return True
        pid = processes.get(pid, ("", 0, 0))[1]
        if pid <= 1:
            return False
    return False


class Usage:
    """CPU time of the processes that serve a run, from /proc, and the Redis and PostgreSQL work done.

    Measured from start() to finish(): the difference, divided by the posts, says what one post costs in
    the web workers, in PostgreSQL and in Redis, and how much of the machine other processes took. The
    processes are read twice a second, so that a PostgreSQL backend that ends during the run (Django
    reconnects after CONN_MAX_AGE) still counts with what it spent.
    """

    def __init__(self, gunicorn_pid: int, redis_url: str, interval: float = 0.5, cluster_pid: int = 0):
        self.gunicorn_pid, self.redis_url, self.interval = gunicorn_pid, redis_url, interval
        self.cluster_pid = cluster_pid
        self.tick = os.sysconf("SC_CLK_TCK")
        self.first: dict[int, tuple[str, int, int]] = {}
        self.seen: dict[int, tuple[str, int, int]] = {}
        self.begin: dict = {}
        self.end: dict = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    @staticmethod
    def _processes() -> dict[int, tuple[str, int, int]]:
        """pid: (command line, parent pid, utime + stime in ticks)."""
        found = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                raw = (entry / "stat").read_text()
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            fields = raw[raw.rindex(")") + 2 :].split()
            name = raw[raw.index("(") + 1 : raw.rindex(")")]
            found[int(entry.name)] = (command or name, int(fields[1]), int(fields[11]) + int(fields[12]))
        return found

    @staticmethod
    def _machine() -> tuple[int, int, int]:
        """(busy, all, stolen by the hypervisor) ticks of the whole machine."""
        values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        idle = values[3] + values[4]
        return sum(values[:8]) - idle, sum(values[:8]), values[7]

    def _redis(self) -> dict[str, int]:
        import redis

        client = redis.Redis.from_url(self.redis_url)
        try:
            stats = client.info("commandstats")
        finally:
            client.close()
        return {name.removeprefix("cmdstat_"): value["calls"] for name, value in stats.items()}

    @staticmethod
    def _postgres() -> tuple[int, int, int]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT xact_commit, tup_inserted, tup_returned + tup_fetched FROM pg_stat_database "
                "WHERE datname = current_database()"
            )
            return cursor.fetchone()

    def _counters(self) -> dict:
        return {
            "machine": self._machine(),
            "redis": self._redis(),
            "postgres": self._postgres(),
            "at": time.monotonic(),
        }

    def _sample(self) -> None:
        while not self._stop.wait(self.interval):
            self.seen.update(self._processes())

    def start(self) -> None:
        self.first = self._processes()
        self.seen = dict(self.first)
        self.begin = self._counters()
        self._thread.start()

    def finish(self) -> None:
        self._stop.set()
        self._thread.join()
        self.seen.update(self._processes())
        self.end = self._counters()

    def report(self, posts: int) -> dict:
        """CPU ms per post by group, the machine's use, Redis calls and PostgreSQL work per post."""
        before, after = self.begin, self.end
        groups = {"gunicorn": 0, "tasks": 0, "postgres": 0, "redis": 0, "wrk": 0}
        database = f" {connection.settings_dict['NAME']} "
        for pid, (command, parent, ticks) in self.seen.items():
            spent = ticks - self.first.get(pid, (command, parent, 0))[2]
            if pid == self.gunicorn_pid or parent == self.gunicorn_pid:
                groups["gunicorn"] += spent
            elif self.cluster_pid and descends(self.seen, pid, self.cluster_pid):
                groups["tasks"] += spent
            elif command.startswith("postgres: "):
                # Backends of the benchmark database, and the server's own writers; not other databases'.
                title = command.split(": ", 2)[-1]
                if database in f" {title} " or not re.search(r"\d+\.\d+\.\d+\.\d+\(|\[local\]|worker", title):
                    groups["postgres"] += spent
            elif "/bin/postgres " in command:  # the postmaster, which starts the backends
                groups["postgres"] += spent
            elif command.startswith("redis-server"):
                groups["redis"] += spent
            elif Path(command.split(" ", 1)[0]).name == "wrk":
                groups["wrk"] += spent
        per_post = {group: ticks / self.tick * 1000 / max(posts, 1) for group, ticks in groups.items()}
        busy = (after["machine"][0] - before["machine"][0]) / self.tick
        elapsed = after["at"] - before["at"]
        ours = sum(groups.values()) / self.tick
        calls = {
            name: count - before["redis"].get(name, 0)
            for name, count in after["redis"].items()
            if count - before["redis"].get(name, 0) > 0
        }
        commits, inserted, read = (a - b for a, b in zip(after["postgres"], before["postgres"], strict=True))
        return {
            "cpu_ms": per_post,
            "machine_busy": busy / elapsed / (os.cpu_count() or 1),
            "stolen": (after["machine"][2] - before["machine"][2]) / self.tick / elapsed / (os.cpu_count() or 1),
            "others_cores": max(0.0, busy - ours) / elapsed,
            "redis_calls": {name: count / max(posts, 1) for name, count in sorted(calls.items())},
            "pg_commits": commits / max(posts, 1),
            "pg_inserted": inserted / max(posts, 1),
            "pg_rows_read": read / max(posts, 1),
        }


def run_wrk(wrk: str, script: Path, url: str, seconds: int, threads: int, connections: int, at_deadline=None) -> dict:
    """Post to `url` with wrk and `script` for about `seconds`; returns wrk's and the script's counts.

    The script gets a seed, a salt, the deadline (a whole Unix second: Lua's clock) and WRK_SETTLE as
    its arguments; it stops posting at the deadline, then waits for its posts in flight. `at_deadline`
    is called when posting ends; `posting_s` is the time from wrk's start to that second.
    """
    started = time.time()
    deadline = math.ceil(started + seconds)
    command = [
        wrk,
        "--threads",
        str(threads),
        "--connections",
        str(connections),
        "--duration",
        f"{seconds + WRK_SETTLE + 5}s",
        "--timeout",
        f"{WRK_SETTLE}s",
        "--script",
        str(script),
        url,
        "--",
        str(random.randrange(1, 2**31)),  # the run's seed for texts and submission keys
        f"{random.randrange(16**6):06x}",  # and a salt in every text
        str(deadline),
        str(WRK_SETTLE),
    ]
    for marker in script.parent.glob("done-*"):
        marker.unlink()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # noqa: S603
    if at_deadline is not None:
        try:
            process.wait(timeout=max(0.0, deadline - time.time()))
        except subprocess.TimeoutExpired:
            at_deadline()
    # Every thread leaves a file when its last post is answered; then wrk may stop (SIGINT: it reports).
    while process.poll() is None and time.time() < deadline + WRK_SETTLE + 5:
        if len(list(script.parent.glob("done-*"))) >= threads:
            process.send_signal(signal.SIGINT)
            break
        time.sleep(0.2)
    try:
        stdout, stderr = process.communicate(timeout=WRK_SETTLE + 60)
    except subprocess.TimeoutExpired:
        process.kill()
        stdout, stderr = process.communicate()
    if process.returncode != 0 or "RESULT" not in stdout:
        raise RuntimeError(f"wrk failed ({process.returncode}): {stderr[-1000:]} {stdout[-1000:]}")
    parsed: dict = {"statuses": {}, "refusals": {}, "output": stdout, "posting_s": deadline - started}
    for line in stdout.splitlines():
        if line.startswith("RESULT "):
            parsed.update({key: int(value) for key, value in (item.split("=") for item in line.split()[1:])})
        elif line.startswith("STATUS "):
            _tag, status, count = line.split()
            parsed["statuses"][int(status)] = int(count)
        elif line.startswith("REFUSAL "):
            _tag, reason, count = line.split()
            parsed["refusals"][reason] = int(count)
    return parsed


def usage_note(usage: dict) -> str:
    cpu = usage["cpu_ms"]
    redis_calls = sum(usage["redis_calls"].values())
    return (
        f"CPU per post: web workers {cpu['gunicorn']:.1f} ms, task cluster {cpu['tasks']:.1f} ms, "
        f"PostgreSQL {cpu['postgres']:.1f} ms, "
        f"Redis {cpu['redis']:.2f} ms, wrk {cpu['wrk']:.2f} ms; {redis_calls:.1f} Redis calls, "
        f"{usage['pg_commits']:.1f} PostgreSQL transactions per post; machine {usage['machine_busy']:.0%} busy "
        f"({usage['stolen']:.0%} stolen by the hypervisor), "
        f"other processes {usage['others_cores']:.2f} cores"
    )
