"""Online comments: the hot article's thread page, posting under load, and a 10,000-comment thread.

Three parts, one benchmark (`python -m bench comments`):

* the public page of the hot article (the one with the most opinions), anonymous and logged in: its
  query count and median time through Django's test client;
* posting: gunicorn serving cms.wsgi on the benchmark database with Redis for the cache and the rate
  limits, driven by wrk with a Lua script that posts distinct Chinese texts as thousands of logged-in
  citizens; accepted posts counted from the responses and compared with the rows created. The django-q2
  cluster runs beside gunicorn, so the work posting leaves to tasks (campaign check, search indexing)
  shares the machine during the run;
* the same 10,000-comment, two-level thread rendered by django-comments-xtd (bench/xtd.py) and as our
  own opinions on one article, whose page shows the first page of the thread.

Environment knobs for trying: BENCH_POST_SECONDS (default 60), BENCH_POST_WARMUP_SECONDS (5),
BENCH_POST_USERS (12,000: at 5 posts a minute each, the rate limits allow 1,000 a second),
BENCH_GUNICORN_WORKERS (3: on two cores shared with PostgreSQL, Redis and the tasks, 3 measured best,
4 and 2 slower), BENCH_GUNICORN_CLASS (sync, gthread slower), BENCH_GUNICORN_THREADS (for gthread),
BENCH_WRK_THREADS (2), BENCH_WRK_CONNECTIONS (2 per worker), BENCH_REDIS_URL (redis://127.0.0.1:6379/1).
"""

from __future__ import annotations

import gc
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
import tempfile
import threading
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from bench.dataset import ACTIONS, OPENERS, REASONS, SUBJECTS, Dataset, ensure_dataset
from bench.registry import Context, Figure, benchmark, median, timed

ROOT = Path(__file__).resolve().parent.parent
POST_PATH = "/opinions/new/"
# What the wrk script asks for once its time is up, while its last posts are answered: a static file.
IDLE_PATH = "/static/comments/js/thread.js"
WRK_SETTLE = 10  # seconds the script may wait for the last posts' answers (and wrk's request timeout)
USER_PREFIX = "comments-bench-"
# Refusal messages of comments.services, to tell the refusals apart in the responses (form errors).
REFUSALS = {
    "duplicate": "请不要重复提交",
    "rate_minute": "您提交得太频繁了",
    "rate_day": "今天提交的意见已达到上限",
    "closed": "征求意见期已结束或尚未开始，不能再发表意见",
    "no_article": "这一条不在草案的当前版本中",
    "empty": "意见内容不能为空",
    "unconfirmed": "请先确认您的邮箱或手机号码",
}


def _load() -> str:
    """The load average, logged with timings: other work on the machine shows in them."""
    return "load average " + " ".join(f"{value:.2f}" for value in os.getloadavg())


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


# 1. The hot article's page -----------------------------------------------------------------------


def _article_url(dataset: Dataset, number: int) -> str:
    return f"{dataset.url}articles/{number}/"


def _page_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    return len(queries)


def _check_bodies(html: str, article_id: int, draft_id: int) -> int:
    """The first page's opinions must be on the page: their bodies, escaped as the template does."""
    from comments import selectors

    page = selectors.thread_page(draft_id=draft_id, article_id=article_id)
    if not page.opinions:
        raise RuntimeError(f"article {article_id} has no published opinions to show")
    replies = [reply for thread in page.replies.values() for reply in thread]
    for opinion in [page.opinions[0], page.opinions[-1], *replies[:3]]:
        if escape(opinion.body) not in html:
            raise RuntimeError(f"opinion {opinion.pk}'s body is missing from the article page")
    return len(page.opinions) + len(replies)


def _thread_figures(ctx: Context, dataset: Dataset) -> list[Figure]:
    from cms.models import User
    from drafts.models import Provision

    articles = Provision.objects.filter(version_id=dataset.version_id, kind="article")
    hot = articles.order_by("-opinion_count", "position").first()
    quiet = articles.filter(opinion_count__gt=0).order_by("opinion_count", "position").first()
    url = _article_url(dataset, hot.number)
    client = Client()
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"the hot article's page {url} answered {response.status_code}")
    shown = _check_bodies(response.content.decode(), hot.pk, dataset.draft_id)
    anonymous = _page_queries(client, url)
    gc.collect()  # no garbage of earlier benchmarks in the timings
    samples = timed(lambda: client.get(url), repeat=30, warmup=3)
    quiet_queries = _page_queries(client, _article_url(dataset, quiet.number)) if quiet else anonymous

    citizen = Client()
    user = User.objects.filter(username__startswith="bench-", is_active=True).order_by("pk").first()
    citizen.force_login(user)
    response = citizen.get(url)
    html = response.content.decode()
    if response.status_code != 200 or 'name="submission_key"' not in html:
        raise RuntimeError(f"the logged-in page answered {response.status_code} without the opinion form")
    _check_bodies(html, hot.pk, dataset.draft_id)
    logged_in = _page_queries(citizen, url)
    citizen_samples = timed(lambda: citizen.get(url), repeat=10, warmup=1)
    ctx.log(
        f"hot article {hot.label} ({hot.opinion_count:,} published): {anonymous} queries anonymous, "
        f"{logged_in} logged in, {quiet_queries} on {quiet.label if quiet else '-'} "
        f"({quiet.opinion_count if quiet else 0} opinions); median {median(samples)} ms; {_load()}"
    )
    return [
        Figure(
            "comments.thread_queries",
            anonymous,
            "queries",
            f"{hot.label}, {hot.opinion_count:,} published opinions, {shown} shown, anonymous; "
            f"{logged_in} logged in as a citizen; {quiet_queries} on an article with "
            f"{quiet.opinion_count if quiet else 0}",
        ),
        Figure(
            "comments.thread_p50_ms",
            median(samples),
            "ms",
            f"anonymous, 30 requests, {len(response.content) // 1024} KiB; "
            f"logged in {median(citizen_samples)} ms (10 requests)",
        ),
    ]


# 2. Posting under load ---------------------------------------------------------------------------


def _ensure_wrk(log) -> str:
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


def _ensure_open(draft_id: int) -> str:
    """Open the draft for comment if the data set's period is over; returns what was done, for the note."""
    from drafts.models import DraftPage

    draft = DraftPage.objects.get(pk=draft_id)
    now = timezone.now()
    if draft.is_open(now):
        return ""
    changes = {"closes_at": now + timedelta(days=7)}
    if draft.opens_at is None or draft.opens_at > now:
        changes["opens_at"] = now - timedelta(days=1)
    DraftPage.objects.filter(pk=draft_id).update(**changes)
    if not DraftPage.objects.get(pk=draft_id).is_open():
        raise RuntimeError("the benchmark draft could not be opened for comment")
    return f"the data set's period had ended: closes_at moved to {changes['closes_at']:%Y-%m-%d} for the run"


def _post_users(count: int, log) -> list:
    """Confirmed citizens of our own, made once and reused (their rate-limit counters are cleared per run)."""
    from cms.models import User

    existing = User.objects.filter(username__startswith=USER_PREFIX).count()
    if existing < count:
        now = timezone.now()
        User.objects.bulk_create(
            [
                User(
                    username=f"{USER_PREFIX}{i}",
                    display_name=f"居民{i}",
                    email=f"{USER_PREFIX}{i}@example.invalid",
                    password="!",  # noqa: S106 - an unusable password: they log in by session only
                    confirmed_at=now,
                )
                for i in range(count)
            ],
            batch_size=5000,
            ignore_conflicts=True,
        )
        log(f"made {count - existing:,} posting citizens")
    users = list(User.objects.filter(username__startswith=USER_PREFIX, is_active=True).order_by("pk")[:count])
    if len(users) < count or any(user.confirmed_at is None for user in users):
        raise RuntimeError(f"need {count:,} active, confirmed posting citizens")
    return users


def _sessions(users: list, redis_url: str) -> tuple[list[tuple[str, str]], list[str]]:
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


def _delete_sessions(keys: list[str], redis_url: str) -> None:
    from importlib import import_module

    engine = import_module(settings.SESSION_ENGINE)
    if hasattr(engine, "KEY_PREFIX"):
        _server_cache(redis_url).delete_many([engine.KEY_PREFIX + key for key in keys])
    if hasattr(engine.SessionStore, "get_model_class"):
        engine.SessionStore.get_model_class().objects.filter(session_key__in=keys).delete()
    else:
        for key in keys:
            engine.SessionStore(key).delete()


def _excerpts(version_id: int, count: int, rng: random.Random) -> list[str]:
    """Pieces of the draft's own text, for opinions that quote the article they concern."""
    from drafts.models import Provision

    texts = [
        t
        for t in Provision.objects.filter(version_id=version_id).exclude(text="").values_list("text", flat=True)
        if len(t) >= 24
    ]
    pieces = []
    for _ in range(count):
        text = rng.choice(texts)
        size = rng.randrange(10, 24)
        start = rng.randrange(0, len(text) - size)
        pieces.append(re.sub(r"\s+", "", text[start : start + size]))
    return pieces


LUA = r"""-- Written by bench/comments.py: POST distinct opinions to $path as logged-in citizens.
--
-- wrk -s post.lua URL -- SEED SALT DEADLINE SETTLE: posts until DEADLINE (Unix time), then asks only for
-- a static file until its posts in flight are answered (at most SETTLE more seconds), and stops: no post
-- is cut off when wrk ends.
local path = "$path"
local idle_path = "$idle_path"
local login_path = "$login_path"
local users_file = "$users_file"
local done_file = "$done_file"
local nthreads = $nthreads
local draft = "$draft"
local articles = {$articles}
local excerpts = {$excerpts}
local openers = {$openers}
local subjects = {$subjects}
local actions = {$actions}
local reasons = {$reasons}
local glue = {$glue}
local refusals = {$refusals}

local threads = {}
local users = {}
local salt = "run"
local deadline = 0
local settle = 10
accepted = 0
login = 0
sent = 0
answered = 0
statuses = {}
reasons_seen = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  -- Each run passes its own seed and salt: submission keys and texts never repeat across runs.
  math.randomseed(tonumber(args[1] or "1") + id * 7919)
  salt = args[2] or salt
  deadline = tonumber(args[3] or "0")
  settle = tonumber(args[4] or "10")
  local i = 0
  for line in io.lines(users_file) do
    if i % nthreads == id then
      local cookie, token = line:match("^(.-)\t(%S+)$$")
      users[#users + 1] = {cookie, token}
    end
    i = i + 1
  end
  if #users == 0 then
    error("no users for thread " .. id)
  end
end

local function pick(list)
  return list[math.random(#list)]
end

local hex = "0123456789abcdef"
local function uuid4()
  local t = {}
  for i = 1, 32 do
    local r = math.random(16)
    t[i] = hex:sub(r, r)
  end
  t[13] = "4"
  local v = math.random(9, 12)
  t[17] = hex:sub(v, v)
  local s = table.concat(t)
  return s:sub(1, 8) .. "-" .. s:sub(9, 12) .. "-" .. s:sub(13, 16) .. "-" .. s:sub(17, 20) .. "-" .. s:sub(21, 32)
end

local function text()
  local parts = {glue.about, pick(excerpts), glue.quote_end, pick(openers), pick(subjects), glue.should, pick(actions)}
  if math.random() < 0.7 then
    parts[#parts + 1] = glue.because
    parts[#parts + 1] = pick(reasons)
  end
  if math.random() < 0.5 then
    parts[#parts + 1] = glue.also
    parts[#parts + 1] = pick(subjects)
    parts[#parts + 1] = glue.aspect
    parts[#parts + 1] = pick(actions)
  end
  parts[#parts + 1] = glue.stop
  parts[#parts + 1] = glue.tag
  parts[#parts + 1] = salt .. "-" .. id .. "-" .. sent .. "-" .. math.random(1000000)
  parts[#parts + 1] = glue.tag_end
  return table.concat(parts)
end

local checked = false

function request()
  if id == 0 and not checked then
    -- wrk calls request() once on its first thread to check the script, and never sends that one.
    checked = true
    return wrk.format("GET", idle_path)
  end
  if os.time() >= deadline then
    return wrk.format("GET", idle_path)
  end
  sent = sent + 1
  local user = users[(sent - 1) % #users + 1]
  local body = "draft=" .. draft .. "&article=" .. pick(articles) .. "&body=" .. text()
    .. "&submission_key=" .. uuid4() .. "&csrfmiddlewaretoken=" .. user[2]
  return wrk.format("POST", path, {
    ["Cookie"] = user[1],
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["X-CSRFToken"] = user[2],
  }, body)
end

local function stop()
  -- wrk itself runs for its whole --duration: the file tells bench/comments.py this thread is done.
  local marker = io.open(done_file .. id, "w")
  if marker then
    marker:close()
  end
  wrk.thread:stop()
end

function delay()
  -- Past the deadline the static file is only a way to wait: ask for it twice a second per connection.
  if os.time() >= deadline then
    return 500
  end
  return 0
end

local function finished()
  return os.time() >= deadline and (sent <= answered or os.time() >= deadline + settle)
end

function response(status, headers, body)
  if status == 200 then
    -- The static file asked for after the deadline (a post never answers 200).
    if finished() then
      stop()
    end
    return
  end
  answered = answered + 1
  if status == 302 then
    local location = headers["Location"] or headers["location"] or ""
    if location:find(login_path, 1, true) then
      login = login + 1
    else
      accepted = accepted + 1
    end
  elseif status == 400 or status == 429 then
    local errors = body:find("form-errors", 1, true)
    local found = "other"
    if errors then
      for name, snippet in pairs(refusals) do
        if body:find(snippet, errors, true) then
          found = name
          break
        end
      end
    end
    reasons_seen[found] = (reasons_seen[found] or 0) + 1
  end
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
  if finished() then
    stop()
  end
end

function done(summary, latency, requests)
  local totals = {accepted = 0, login = 0, sent = 0, answered = 0}
  local all_statuses, all_reasons = {}, {}
  for _, thread in ipairs(threads) do
    for name, _ in pairs(totals) do
      totals[name] = totals[name] + thread:get(name)
    end
    for key, value in pairs(thread:get("statuses")) do
      all_statuses[key] = (all_statuses[key] or 0) + value
    end
    for key, value in pairs(thread:get("reasons_seen")) do
      all_reasons[key] = (all_reasons[key] or 0) + value
    end
  end
  local errors = summary.errors
  io.write(string.format(
    "RESULT accepted=%d login=%d sent=%d answered=%d requests=%d duration_us=%d connect=%d read=%d write=%d "
      .. "timeout=%d status=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d\n",
    totals.accepted, totals.login, totals.sent, totals.answered, summary.requests, summary.duration,
    errors.connect, errors.read, errors.write, errors.timeout, errors.status,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max
  ))
  for key, value in pairs(all_statuses) do
    io.write(string.format("STATUS %s %d\n", key, value))
  end
  for key, value in pairs(all_reasons) do
    io.write(string.format("REFUSAL %s %d\n", key, value))
  end
end
"""


def _lua_list(values) -> str:
    return ", ".join(f'"{value}"' for value in values)


def _encoded(values) -> str:
    return _lua_list(quote(value, safe="") for value in values)


def _lua_script(directory: Path, dataset: Dataset, article_ids: list[int], nthreads: int) -> Path:
    from django.urls import reverse

    rng = random.Random(20261126)
    glue = {
        "about": "关于“",
        "quote_end": "”的规定，",
        "should": "应当",
        "because": "，因为",
        "also": "；另外，",
        "aspect": "方面应",
        "stop": "。",
        "tag": "（意见编号",
        "tag_end": "）",
    }
    values = {
        "path": POST_PATH,
        "idle_path": IDLE_PATH,
        "login_path": reverse(settings.LOGIN_URL),
        "users_file": str(directory / "users.tsv"),
        "done_file": str(directory / "done-"),
        "nthreads": nthreads,
        "draft": dataset.draft_id,
        "articles": ", ".join(map(str, article_ids)),
        "excerpts": _encoded(_excerpts(dataset.version_id, 600, rng)),
        "openers": _encoded(OPENERS),
        "subjects": _encoded(SUBJECTS),
        "actions": _encoded(ACTIONS),
        "reasons": _encoded(REASONS),
        "glue": ", ".join(f'{key} = "{quote(value, safe="")}"' for key, value in glue.items()),
        "refusals": ", ".join(f'{key} = "{value}"' for key, value in REFUSALS.items()),
    }
    script = directory / "post.lua"
    script.write_text(string.Template(LUA).substitute(values), encoding="utf-8")
    return script


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
    """gunicorn serving cms.wsgi with the bench settings, Redis and high per-IP posting limits."""

    def __init__(self, directory: Path, redis_url: str, workers: int, worker_class: str, threads: int):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = directory / "gunicorn.log"
        self.workers, self.worker_class, self.threads = workers, worker_class, threads
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cms.settings.bench",
            "DATABASE_URL": _database_url(),
            "REDIS_URL": redis_url,
            # Every request comes from 127.0.0.1: the per-IP limits would refuse all but 30 a minute.
            "OPINION_RATE_PER_IP_MINUTE": "100000000",
            "OPINION_RATE_PER_IP_DAY": "100000000",
            "PYTHONPATH": str(ROOT),
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


def _delete_keys(redis_url: str, pattern: str) -> int:
    """Delete the Redis keys matching `pattern`; how many there were."""
    import redis

    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=pattern, count=5000))
    for start in range(0, len(keys), 5000):
        client.delete(*keys[start : start + 5000])
    client.close()
    return len(keys)


def _clear_task_queue(redis_url: str) -> int:
    """Tasks an earlier, interrupted run left in the broker (django-q2 keeps its queue under django_q:*)."""
    return _delete_keys(redis_url, "django_q:*")


def _backlog(first_id: int, first_entry: int) -> tuple[int, int]:
    """Posted opinions not yet checked for campaigns, and not yet in the search index (entries are only
    added by the run: those after `first_entry`)."""
    from comments.models import Opinion
    from search.models import SearchEntry

    posted = Opinion.objects.filter(id__gt=first_id)
    unchecked = posted.filter(campaign_checked=False).count()
    indexed = SearchEntry.objects.filter(id__gt=first_entry, kind="opinion").count()
    return unchecked, max(0, posted.count() - indexed)


def _index_watermark(log) -> None:
    """Search catch-up indexes what changed after its watermark; where the whole index was never built
    (the search benchmark builds it), the watermark starts now, so the tasks index only what the posts add."""
    from search.models import IndexState

    for source in ("opinions", "versions", "drafts"):
        state, _created = IndexState.objects.get_or_create(source=source)
        if state.indexed_until is None:
            IndexState.objects.filter(pk=state.pk).update(indexed_until=timezone.now())
            log(f"search index never built here: its {source} watermark starts now")


def _schedules_settled(cluster_pid: int, log, wait: float = 180) -> None:
    """Let the cluster finish the schedules that are due when it starts (a statistics refresh over the million
    opinions among them) before the warm-up, so that the measured minute meets only the work posting makes:
    wait until none is due and the cluster's processes have been idle for two seconds."""
    from django_q.models import Schedule

    started = time.perf_counter()
    tick = os.sysconf("SC_CLK_TCK")

    def cluster_ticks() -> int:
        processes = Usage._processes()
        return sum(ticks for pid, (_c, _p, ticks) in processes.items() if _descends(processes, pid, cluster_pid))

    while time.perf_counter() - started < wait:
        if not Schedule.objects.filter(next_run__lte=timezone.now()).exclude(repeats=0).exists():
            before = cluster_ticks()
            time.sleep(2)
            if (cluster_ticks() - before) / tick < 0.1:  # under 5 % of a core
                break
        else:
            time.sleep(1)
    log(f"task cluster started; the schedules due at its start ran in {time.perf_counter() - started:.0f} s")


def _clear_rate_counters(redis_url: str) -> int:
    """Forget the posting counters of earlier runs (a fixed-window minute and a day per user and IP)."""
    from cms.throttle import Throttle

    # The keys comments.services' throttles use ("throttle:opinion-user-minute:…"), from the same code.
    prefix = Throttle("opinion-", limit=1, window_seconds=1)._key("x").rsplit(":", 1)[0]
    return _delete_keys(redis_url, f"*{prefix}*")


def _descends(processes: dict[int, tuple[str, int, int]], pid: int, ancestor: int) -> bool:
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
            elif self.cluster_pid and _descends(self.seen, pid, self.cluster_pid):
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


def _run_wrk(wrk: str, script: Path, url: str, seconds: int, threads: int, connections: int, at_deadline=None) -> dict:
    """Post for about `seconds`, calling `at_deadline` when posting ends; returns wrk's and the script's counts.

    The script stops posting at a whole Unix second (Lua's clock), then waits for its posts in flight;
    `posting_s` is the time from wrk's start to that second.
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
        f"{url}{POST_PATH}",
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


def _remove_posted(draft_id: int, after_id: int) -> int:
    """Delete the opinions the runs made, so the data set keeps its size; undo counters of published ones."""
    from comments.models import ModerationState, Opinion
    from drafts.models import DraftVersion, Provision
    from search.models import SearchEntry

    made = Opinion.objects.filter(draft_id=draft_id, id__gt=after_id)
    published = list(made.filter(moderation_state=ModerationState.PUBLISHED).values_list("article_id", "version_id"))
    with transaction.atomic():
        for article_id, version_id in published:
            if article_id:
                Provision.objects.filter(pk=article_id).update(opinion_count=F("opinion_count") - 1)
            else:
                DraftVersion.objects.filter(pk=version_id).update(general_opinion_count=F("general_opinion_count") - 1)
            DraftVersion.objects.filter(pk=version_id).update(opinion_count=F("opinion_count") - 1)
        deleted, _by_model = made.delete()
        SearchEntry.objects.filter(kind="opinion", object_id__gt=after_id).delete()  # indexed by the tasks
    # The next run must meet the tables as the data set left them, not a few hundred thousand dead rows
    # (autovacuum may be off, as on the machine these figures come from, or may start in the middle of it).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) comments_opinion, comments_opinionfingerprint, search_searchentry")
    return deleted


def _usage_note(usage: dict) -> str:
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


def _post_figures(ctx: Context, dataset: Dataset) -> list[Figure]:
    from comments.models import Opinion
    from drafts.models import Provision
    from search.models import SearchEntry

    if connection.vendor != "postgresql":
        ctx.log("posting under load needs PostgreSQL (DATABASE_URL): comments.post_per_s skipped")
        return []
    seconds = _env_int("BENCH_POST_SECONDS", 60)
    warmup = _env_int("BENCH_POST_WARMUP_SECONDS", 5)
    user_count = _env_int("BENCH_POST_USERS", 12000)
    workers = _env_int("BENCH_GUNICORN_WORKERS", 3)
    worker_class = os.environ.get("BENCH_GUNICORN_CLASS", "sync")
    gthreads = _env_int("BENCH_GUNICORN_THREADS", 1)
    wrk_threads = _env_int("BENCH_WRK_THREADS", 2)
    wrk_connections = _env_int("BENCH_WRK_CONNECTIONS", 2 * workers)  # two per worker keep each one busy
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/1")

    wrk = _ensure_wrk(ctx.log)
    opened = _ensure_open(dataset.draft_id)
    if opened:
        ctx.log(opened)
    users = _post_users(user_count, ctx.log)
    pairs, session_keys = _sessions(users, redis_url)
    article_ids = list(
        Provision.objects.filter(version_id=dataset.version_id, kind="article")
        .order_by("position")
        .values_list("pk", flat=True)
    )
    first_id = Opinion.objects.order_by("-id").values_list("id", flat=True).first() or 0
    first_entry = SearchEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    _index_watermark(ctx.log)
    _clear_task_queue(redis_url)
    server = cluster = None
    try:
        with tempfile.TemporaryDirectory(prefix="bench-comments-") as tmp:
            directory = Path(tmp)
            with (directory / "users.tsv").open("w", encoding="utf-8") as out:
                for key, secret in pairs:
                    out.write(f"{settings.SESSION_COOKIE_NAME}={key}; {settings.CSRF_COOKIE_NAME}={secret}\t{secret}\n")
            script = _lua_script(directory, dataset, article_ids, wrk_threads)
            server = Gunicorn(directory, redis_url, workers, worker_class, gthreads)
            server.start()
            ctx.log(f"{server.describe()} on {server.url}; {user_count:,} citizens with sessions")
            cluster = TaskCluster(directory, server.env)
            cluster.start()
            _schedules_settled(cluster.process.pid, ctx.log)
            # Warm every worker's hot path: the article page, the form page, the static file the
            # script asks for at the end, then posting itself with a short run of the script.
            cookie = f"{settings.SESSION_COOKIE_NAME}={pairs[0][0]}"
            for _ in range(workers * 4):
                server.get(_article_url(dataset, 1))
                server.get(f"{POST_PATH}?draft={dataset.draft_id}", cookie=cookie)
                if server.get(IDLE_PATH) != 200:
                    raise RuntimeError(f"{IDLE_PATH} is not served: the script cannot end cleanly")
            if warmup:
                warm = _run_wrk(wrk, script, server.url, warmup, wrk_threads, wrk_connections)
                ctx.log(f"warm-up: {warm['accepted']:,} posts in {warmup} s, statuses {warm['statuses']}")
            cleared = _clear_rate_counters(redis_url)  # every citizen starts the run with a fresh budget
            if warmup and not cleared:
                raise RuntimeError("the warm-up's rate-limit counters were not found in Redis: wrong key pattern?")
            before = Opinion.objects.filter(draft_id=dataset.draft_id).count()
            ctx.log(
                f"posting for {seconds} s with wrk ({wrk_threads} threads, {wrk_connections} connections); "
                f"{_load()} before"
            )
            meter = Usage(server.process.pid, redis_url, cluster_pid=cluster.process.pid)
            meter.start()
            result = _run_wrk(wrk, script, server.url, seconds, wrk_threads, wrk_connections, meter.finish)
            if not meter.end:  # wrk ended before its time
                meter.finish()
            usage = meter.report(result["accepted"])
            # What the tasks had not done when posting stopped, and how long they took to finish it (the web
            # workers still up: they queue the last run when their interval ends).
            backlog = _backlog(first_id, first_entry)
            started = time.perf_counter()
            while any(_backlog(first_id, first_entry)) and time.perf_counter() - started < 300:
                time.sleep(1)
            drained_s = time.perf_counter() - started
            left = _backlog(first_id, first_entry)
            server.stop()
            cluster.stop()
            errors = "\n".join(filter(None, [server.tail(5), cluster.errors()]))
            after = Opinion.objects.filter(draft_id=dataset.draft_id).count()
            states = dict(
                Opinion.objects.filter(draft_id=dataset.draft_id, id__gt=first_id)
                .values_list("moderation_state")
                .annotate(n=Count("id"))
            )
            ctx.log(
                f"when posting stopped the task cluster had {backlog[0]:,} posted opinions left to check for "
                f"campaigns and {backlog[1]:,} to index; done {drained_s:.1f} s later"
                + (f", {left[0]:,} and {left[1]:,} still left" if any(left) else "")
            )
    finally:
        for process in (server, cluster):
            if process is not None:
                process.stop()
        _clear_task_queue(redis_url)
        _delete_sessions(session_keys, redis_url)
        _clear_rate_counters(redis_url)
        removed = _remove_posted(dataset.draft_id, first_id)
        ctx.log(f"removed the {removed:,} rows the posts made (opinions and fingerprints): the data set is as it was")

    duration = result["duration_us"] / 1e6
    accepted = result["accepted"]
    posting = result["posting_s"]
    per_s = round(accepted / posting, 1)  # posts are sent until the deadline; the last few answered just after
    created = after - before
    lost = accepted - created
    unanswered = result["sent"] - result["answered"]
    statuses = ", ".join(f"{status}: {count:,}" for status, count in sorted(result["statuses"].items()))
    refusals = ", ".join(f"{reason} {count:,}" for reason, count in sorted(result["refusals"].items())) or "none"
    socket_errors = sum(result[key] for key in ("connect", "read", "write", "timeout"))
    ctx.log(
        f"{accepted:,} posts accepted in {posting:.1f} s ({per_s}/s; wrk ran {duration:.1f} s to collect the last "
        f"answers): "
        f"{statuses}; refusals {refusals}; request() calls without an answer {unanswered}; "
        f"socket errors {socket_errors}; latency p50 {result['p50_us'] / 1000:.0f} ms, "
        f"p99 {result['p99_us'] / 1000:.0f} ms; new rows {created:,} (all runs: {states}); "
        f"login redirects {result['login']}"
    )
    ctx.log(f"{_usage_note(usage)}; Redis calls per post {usage['redis_calls']}")
    limited = sum(result["refusals"].get(reason, 0) for reason in ("rate_minute", "rate_day"))
    if limited:
        ctx.log(
            f"the per-citizen rate limits refused {limited:,} posts: the figure is capped by the number of "
            f"citizens ({user_count:,}), not by the server; raise BENCH_POST_USERS"
        )
    if errors:
        ctx.log(f"gunicorn log: {errors}")
    setup = (
        f"{server.describe()}, Redis cache and rate limits, wrk {wrk_threads} threads × {wrk_connections} connections, "
        f"{posting:.0f} s, {user_count:,} citizens (5/min, 50/day each as by default); per-IP limits raised "
        f"(OPINION_RATE_PER_IP_MINUTE/DAY) since every request comes from 127.0.0.1"
    )
    if opened:
        setup += f"; {opened}"
    return [
        Figure(
            "comments.post_per_s",
            per_s,
            "posts/s",
            f"{accepted:,} accepted of {result['sent']:,}; p50 {result['p50_us'] / 1000:.0f} ms, "
            f"p99 {result['p99_us'] / 1000:.0f} ms; {_usage_note(usage)}; {setup}; the task cluster (campaign "
            f"check, search indexing) ran beside gunicorn and had {backlog[0]:,} opinions to check and "
            f"{backlog[1]:,} to index when posting stopped, done {drained_s:.1f} s later",
        ),
        Figure(
            "comments.lost",
            lost,
            "posts",
            f"302s {accepted:,} − new rows {created:,}; responses {statuses}; refusals {refusals}; "
            f"request() calls without an answer {unanswered}; socket errors {socket_errors}",
        ),
    ]


# 3. A 10,000-comment thread: django-comments-xtd and ours ----------------------------------------


def _xtd_comments(result: dict) -> list[tuple] | None:
    """The xtd thread's comments as (id, parent id or None, body, user id, date), parents first."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    label, _sep, pk = result.get("object", "").partition(" ")
    try:
        model = apps.get_model(label)
        from django_comments_xtd.models import XtdComment
    except (LookupError, ValueError, ImportError):
        return None
    rows = (
        XtdComment.objects.filter(
            content_type=ContentType.objects.get_for_model(model), object_pk=pk, is_public=True, is_removed=False
        )
        .order_by("level", "submit_date", "pk")
        .values_list("pk", "level", "thread_id", "comment", "user_id", "submit_date")
    )
    return [(cid, None if level == 0 else thread, body, user, at) for cid, level, thread, body, user, at in rows]


def _our_thread(dataset: Dataset, comments: list[tuple]) -> tuple:
    """Insert the comments as published opinions on the quietest article (inside the caller's transaction)."""
    from comments.models import Channel, ModerationState, Opinion
    from drafts.models import Provision

    article = (
        Provision.objects.filter(version_id=dataset.version_id, kind="article")
        .order_by("opinion_count", "position")
        .first()
    )
    existing = article.opinions.count()
    ids: dict[int, int] = {}
    common = {
        "draft_id": dataset.draft_id,
        "version_id": dataset.version_id,
        "article_id": article.pk,
        "channel": Channel.ONLINE,
        "moderation_state": ModerationState.PUBLISHED,
    }
    tops = [c for c in comments if c[1] is None]
    replies = [c for c in comments if c[1] is not None]
    made = Opinion.objects.bulk_create(
        [Opinion(**common, body=body, author_id=user, created_at=at) for _cid, _parent, body, user, at in tops],
        batch_size=2000,
    )
    ids.update({c[0]: opinion.pk for c, opinion in zip(tops, made, strict=True)})
    Opinion.objects.bulk_create(
        [
            Opinion(**common, parent_id=ids[parent], reply_to_id=ids[parent], body=body, author_id=user, created_at=at)
            for _cid, parent, body, user, at in replies
        ],
        batch_size=2000,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            """UPDATE comments_opinion SET reply_count = sub.n
               FROM (SELECT parent_id, COUNT(*) AS n FROM comments_opinion
                     WHERE parent_id IS NOT NULL AND article_id = %s GROUP BY parent_id) AS sub
               WHERE comments_opinion.id = sub.parent_id""",
            [article.pk],
        )
    published = Opinion.objects.filter(article=article, moderation_state=ModerationState.PUBLISHED).count()
    Provision.objects.filter(pk=article.pk).update(opinion_count=published)
    return article, existing, len(tops), len(replies)


def _xtd_figures(ctx: Context, dataset: Dataset) -> list[Figure]:
    try:
        from bench import xtd
        from bench.xtd import xtd_thread
    except ImportError as exc:
        ctx.log(f"bench.xtd cannot be imported ({exc}): comments.xtd_ratio skipped")
        return []
    available = getattr(xtd, "xtd_available", None)
    if available is not None and not available():
        ctx.log(
            "django-comments-xtd is not installed (pip install -r requirements-bench.txt): comments.xtd_ratio skipped"
        )
        return []
    result = xtd_thread(ctx, 10_000, 0.5)
    comments = _xtd_comments(result)
    if not comments or len(comments) != result["comments"]:
        raise RuntimeError(
            f"cannot read the xtd thread back ({len(comments or [])} of {result['comments']:,} comments)"
        )
    with transaction.atomic():
        started = time.perf_counter()
        article, existing, tops, replies = _our_thread(dataset, comments)
        ctx.log(
            f"our thread: {tops:,} top-level + {replies:,} replies on {article.label} "
            f"(had {existing}) in {time.perf_counter() - started:.1f} s"
        )
        url = _article_url(dataset, article.number)
        client = Client()
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        _check_bodies(response.content.decode(), article.pk, dataset.draft_id)
        queries = _page_queries(client, url)
        gc.collect()  # the xtd render leaves a large heap behind
        samples = timed(lambda: client.get(url), repeat=30, warmup=3)
        kib = len(response.content) // 1024
        transaction.set_rollback(True)  # the data set keeps its size
    ours = median(samples)
    ratio = round(result["ms"] / ours, 1)
    ctx.log(
        f"xtd {result['ms']} ms ({result['queries']} queries), ours {ours} ms ({queries} queries): × {ratio}; {_load()}"
    )
    return [
        Figure(
            "comments.xtd_ratio",
            ratio,
            "×",
            f"django-comments-xtd {result['version']} renders all {result['comments']:,} comments; our article page "
            f"shows the first 20 top-level with up to 3 replies each (cursor pages, then 'more')",
        ),
        Figure(
            "comments.xtd_thread_ms",
            result["ms"],
            "ms",
            f"render_xtdcomment_tree, {result['comments']:,} comments ({result['top_level']:,} top-level), "
            f"{result['queries']} queries, {result['html_kib']:,} KiB, median of {len(result['samples_ms'])}",
        ),
        Figure(
            "comments.ours_thread_10k_ms",
            ours,
            "ms",
            f"whole article page through the test client, the same {len(comments):,} comments as opinions on "
            f"{article.label}, {queries} queries, {kib} KiB, median of 30",
        ),
    ]


@benchmark("comments")
def comments(ctx: Context) -> list[Figure]:
    dataset = ensure_dataset(ctx)
    figures = _thread_figures(ctx, dataset)
    figures += _post_figures(ctx, dataset)
    figures += _xtd_figures(ctx, dataset)
    return figures
