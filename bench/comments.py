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

What runs beside the posting (gunicorn, wrk, the task cluster, CPU attribution, sessions and Redis
clean-up) is in bench/harness.py; this module is the benchmark: its data, its Lua script and its figures.

Environment knobs for trying: BENCH_POST_SECONDS (default 60), BENCH_POST_WARMUP_SECONDS (5),
BENCH_POST_USERS (12,000: at 5 posts a minute each, the rate limits allow 1,000 a second),
BENCH_GUNICORN_WORKERS (3: on two cores shared with PostgreSQL, Redis and the tasks, 3 measured best,
4 and 2 slower), BENCH_GUNICORN_CLASS (sync, gthread slower), BENCH_GUNICORN_THREADS (for gthread),
BENCH_WRK_THREADS (2), BENCH_WRK_CONNECTIONS (2 per worker), BENCH_REDIS_URL (redis://127.0.0.1:6379/1).
"""

from __future__ import annotations

import gc
import os
import random
import re
import string
import tempfile
import time
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
from bench.harness import (
    Gunicorn,
    TaskCluster,
    Usage,
    clear_task_queue,
    clear_throttle_counters,
    delete_sessions,
    ensure_wrk,
    env_int,
    load_average,
    login_sessions,
    run_wrk,
    schedules_settled,
    usage_note,
)
from bench.registry import Context, Figure, benchmark, median, timed

POST_PATH = "/opinions/new/"
# What the wrk script asks for once its time is up, while its last posts are answered: a static file.
IDLE_PATH = "/static/comments/js/thread.js"
USER_PREFIX = "comments-bench-"
# Every request comes from 127.0.0.1: the per-IP limits would refuse all but 30 a minute.
PER_IP_LIMITS_RAISED = {"OPINION_RATE_PER_IP_MINUTE": "100000000", "OPINION_RATE_PER_IP_DAY": "100000000"}
# The scope of comments.services' posting throttles ("opinion-user-minute", "opinion-ip-day", …).
THROTTLE_SCOPE = "opinion-"
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
        f"({quiet.opinion_count if quiet else 0} opinions); median {median(samples)} ms; {load_average()}"
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


def _post_figures(ctx: Context, dataset: Dataset) -> list[Figure]:
    from comments.models import Opinion
    from drafts.models import Provision
    from search.models import SearchEntry

    if connection.vendor != "postgresql":
        ctx.log("posting under load needs PostgreSQL (DATABASE_URL): comments.post_per_s skipped")
        return []
    seconds = env_int("BENCH_POST_SECONDS", 60)
    warmup = env_int("BENCH_POST_WARMUP_SECONDS", 5)
    user_count = env_int("BENCH_POST_USERS", 12000)
    workers = env_int("BENCH_GUNICORN_WORKERS", 3)
    worker_class = os.environ.get("BENCH_GUNICORN_CLASS", "sync")
    gthreads = env_int("BENCH_GUNICORN_THREADS", 1)
    wrk_threads = env_int("BENCH_WRK_THREADS", 2)
    wrk_connections = env_int("BENCH_WRK_CONNECTIONS", 2 * workers)  # two per worker keep each one busy
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/1")

    wrk = ensure_wrk(ctx.log)
    opened = _ensure_open(dataset.draft_id)
    if opened:
        ctx.log(opened)
    users = _post_users(user_count, ctx.log)
    pairs, session_keys = login_sessions(users, redis_url)
    article_ids = list(
        Provision.objects.filter(version_id=dataset.version_id, kind="article")
        .order_by("position")
        .values_list("pk", flat=True)
    )
    first_id = Opinion.objects.order_by("-id").values_list("id", flat=True).first() or 0
    first_entry = SearchEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    _index_watermark(ctx.log)
    clear_task_queue(redis_url)
    server = cluster = None
    try:
        with tempfile.TemporaryDirectory(prefix="bench-comments-") as tmp:
            directory = Path(tmp)
            with (directory / "users.tsv").open("w", encoding="utf-8") as out:
                for key, secret in pairs:
                    out.write(f"{settings.SESSION_COOKIE_NAME}={key}; {settings.CSRF_COOKIE_NAME}={secret}\t{secret}\n")
            script = _lua_script(directory, dataset, article_ids, wrk_threads)
            server = Gunicorn(directory, redis_url, workers, worker_class, gthreads, extra_env=PER_IP_LIMITS_RAISED)
            server.start()
            ctx.log(f"{server.describe()} on {server.url}; {user_count:,} citizens with sessions")
            cluster = TaskCluster(directory, server.env)
            cluster.start()
            schedules_settled(cluster.process.pid, ctx.log)
            # Warm every worker's hot path: the article page, the form page, the static file the
            # script asks for at the end, then posting itself with a short run of the script.
            cookie = f"{settings.SESSION_COOKIE_NAME}={pairs[0][0]}"
            for _ in range(workers * 4):
                server.get(_article_url(dataset, 1))
                server.get(f"{POST_PATH}?draft={dataset.draft_id}", cookie=cookie)
                if server.get(IDLE_PATH) != 200:
                    raise RuntimeError(f"{IDLE_PATH} is not served: the script cannot end cleanly")
            if warmup:
                warm = run_wrk(wrk, script, server.url + POST_PATH, warmup, wrk_threads, wrk_connections)
                ctx.log(f"warm-up: {warm['accepted']:,} posts in {warmup} s, statuses {warm['statuses']}")
            # Every citizen starts the run with a fresh budget.
            cleared = clear_throttle_counters(redis_url, THROTTLE_SCOPE)
            if warmup and not cleared:
                raise RuntimeError("the warm-up's rate-limit counters were not found in Redis: wrong key pattern?")
            before = Opinion.objects.filter(draft_id=dataset.draft_id).count()
            ctx.log(
                f"posting for {seconds} s with wrk ({wrk_threads} threads, {wrk_connections} connections); "
                f"{load_average()} before"
            )
            meter = Usage(server.process.pid, redis_url, cluster_pid=cluster.process.pid)
            meter.start()
            result = run_wrk(wrk, script, server.url + POST_PATH, seconds, wrk_threads, wrk_connections, meter.finish)
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
        clear_task_queue(redis_url)
        delete_sessions(session_keys, redis_url)
        clear_throttle_counters(redis_url, THROTTLE_SCOPE)
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
    ctx.log(f"{usage_note(usage)}; Redis calls per post {usage['redis_calls']}")
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
            f"p99 {result['p99_us'] / 1000:.0f} ms; {usage_note(usage)}; {setup}; the task cluster (campaign "
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
        f"xtd {result['ms']} ms ({result['queries']} queries), ours {ours} ms ({queries} queries): × {ratio}; "
        f"{load_average()}"
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
