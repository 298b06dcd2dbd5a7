"""The REST API (/api/v1/) on the data set's 1,260-article draft, through the full request stack.

Figures (`python -m bench api`), targets from issue 19:

* draft_p50_ms (≤ 30 ms): GET of the current version's provision tree, all 1,260 articles nested
  under their parts, chapters and sections (the rendered tree is cached per version, its opinion
  counts read live; the note gives the first request's time); draft_queries: the queries that
  request makes (the same for any size of draft);
* opinions_page_p50_ms (≤ 30 ms): one cursor page of the hottest article's published opinions,
  newest first, a hundred pages deep (the cursor found by following next_cursor from the first page);
* batch_10k_s (≤ 5 s): 10,000 opinions of a contact point POSTed as JSON with a Bearer token and an
  Idempotency-Key (the opinions made as bench.contact_points makes them: 30–120 characters, articles
  by number). The API refuses a body over Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB by default);
  10,000 such opinions are larger than that, so they go in the fewest requests under the limit,
  one after the other, and the note says how many; batch_replay_rows: rows added to
  comments_opinion and contact_points_contactpointopinion when every request is sent again with
  its key (0: the replay answers from the stored result).

Everything the benchmark makes (a coordinator, a contact point, its token and its uses, the batches,
the opinions, the idempotency records, queued-task records) is removed at the end, and at the start
should an earlier run have been interrupted. Background work the submission queues (regrouping
near-duplicates) runs after the timing, as in bench.contact_points: the caller does not wait for it.
"""

from __future__ import annotations

import json
import random
import time
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.contact_points import GENERAL_SHARE, _general, _length, _name, _opinion, _table_rows, bench_draft
from bench.dataset import find_dataset
from bench.registry import Context, Figure, benchmark, median, timed

USERNAME = "api-bench"
POINT_NAME = "基准测试联系点（api 基准）"
SYSTEM_NAME = "api 基准测试令牌"
BATCH_ITEMS = 10_000
PAGE_DEPTH = 100


def remove(log=print) -> None:
    """Remove everything this benchmark makes (a no-op when there is nothing)."""
    from django_q.models import Task

    from api.models import ApiToken, IdempotentRequest
    from cms.models import User
    from comments.models import Opinion
    from contact_points.models import ContactPoint, OpinionBatch

    point = ContactPoint.objects.filter(name=POINT_NAME).first()
    if point is not None:
        batch_ids = set(OpinionBatch.objects.filter(contact_point=point).values_list("pk", flat=True))
        deleted, _by_model = Opinion.objects.filter(contact_point_link__contact_point=point).delete()
        OpinionBatch.objects.filter(contact_point=point).delete()
        IdempotentRequest.objects.filter(contact_point=point).delete()
        ApiToken.objects.filter(contact_point=point).delete()  # with its uses
        point.delete()
        tasks = Task.objects.filter(func__startswith="contact_points.tasks.notify_batch").only("id", "args")
        Task.objects.filter(pk__in=[task.pk for task in tasks if task.args and task.args[0] in batch_ids]).delete()
        if deleted:
            log(f"removed the benchmark's opinions and their links ({deleted:,} rows)")
    ApiToken.objects.filter(name=SYSTEM_NAME).delete()
    User.objects.filter(username=USERNAME).delete()


def _items(version_id: int, count: int, seed: int = 20261204) -> list[dict]:
    """`count` opinions as a contact point's system sends them: article by number, text, proposer."""
    from contact_points.models import ProposerCategory
    from drafts.models import Provision, ProvisionKind

    rng = random.Random(seed)
    numbers = list(
        Provision.objects.filter(version_id=version_id, kind=ProvisionKind.ARTICLE)
        .exclude(number=None)
        .values_list("number", flat=True)
    )
    items = []
    for _ in range(count):
        if rng.random() < GENERAL_SHARE:
            items.append({"article": None, "body": _general(rng, _length(rng))})
        else:
            number = rng.choice(numbers)
            items.append({"article": number, "body": _opinion(rng, len(numbers), number, _length(rng))})
        items[-1]["proposer"] = _name(rng)
        items[-1]["proposer_category"] = str(rng.choice(ProposerCategory.labels))
    return items


def _bodies(draft_id: int, items: list[dict], limit: int) -> list[bytes]:
    """The items as the fewest JSON bodies of at most `limit` bytes, in order."""
    for parts in range(1, len(items) + 1):
        size = -(-len(items) // parts)
        bodies = [
            json.dumps({"draft": draft_id, "items": items[i : i + size]}, ensure_ascii=False).encode()
            for i in range(0, len(items), size)
        ]
        if max(len(b) for b in bodies) <= limit:
            return bodies
    raise RuntimeError("an opinion alone is over the body limit")


def measure_reads(client: Client, dataset, log=print, *, pages_deep: int = PAGE_DEPTH) -> list[Figure]:
    """The tree and opinion-page figures on `dataset` (a bench.dataset.Dataset)."""
    from drafts.models import DraftVersion

    version_number = DraftVersion.objects.get(pk=dataset.version_id).number
    tree_url = f"/api/v1/drafts/{dataset.draft_id}/versions/{version_number}/"
    started = time.perf_counter()
    response = client.get(tree_url)  # builds the cached tree unless the cache already holds it
    first_ms = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"{tree_url} answered {response.status_code}")
    articles = response.content.count(b'"kind":"article"')
    with CaptureQueriesContext(connection) as queries:
        client.get(tree_url)
    query_count = len(queries)
    tree = timed(lambda: client.get(tree_url), repeat=30)

    url = f"/api/v1/articles/{dataset.hot_article_id}/opinions/"
    cursor, number = "", 1  # the page the cursor leads to
    for _ in range(pages_deep):
        page = client.get(url, {"cursor": cursor} if cursor else {})
        if page.status_code != 200:
            raise RuntimeError(f"{url} answered {page.status_code}")
        following = page.json()["next_cursor"]
        if not following:
            break
        cursor, number = following, number + 1
    deep = {"cursor": cursor} if cursor else {}
    shown = len(client.get(url, deep).json()["results"])
    pages = timed(lambda: client.get(url, deep), repeat=50)
    log(f"tree: {articles:,} articles, {len(response.content) // 1024:,} KiB; opinions page {number}: {shown}")
    return [
        Figure(
            "api.draft_p50_ms",
            median(tree),
            "ms",
            f"{articles:,}-article tree, {len(response.content) // 1024:,} KiB JSON, text cached per version and"
            f" counts read live (first request {first_ms:.0f} ms); target ≤ 30",
        ),
        Figure("api.draft_queries", query_count, "queries", "GET of the tree (cached text, live counts)"),
        Figure(
            "api.opinions_page_p50_ms",
            median(pages),
            "ms",
            f"hottest article, page {number} by cursor, {shown} opinions with first replies; target ≤ 30",
        ),
    ]


def measure_batch(
    client: Client, draft, log=print, *, count: int = BATCH_ITEMS, limit: int | None = None
) -> list[Figure]:
    """The batch figures on `draft`: `count` opinions in bodies of at most `limit` bytes (Django's limit)."""
    import logging

    from django_q.conf import Conf

    from api import services as api_services
    from api.models import ApiToken
    from cms.models import User
    from comments import clusters
    from contact_points.models import ContactPoint, ContactPointKind

    limit = limit or settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    remove(log)
    sync, q_logger = Conf.SYNC, logging.getLogger("django-q")
    level = q_logger.level
    Conf.SYNC = True  # tasks run inline, into the locmem e-mail backend: no cluster, no queue
    q_logger.setLevel(logging.ERROR)
    try:
        user = User.objects.create(
            username=USERNAME,
            email=f"{USERNAME}@example.invalid",
            display_name="联络员",
            password="!",  # noqa: S106 - an unusable password
            confirmed_at=timezone.now(),
        )
        point = ContactPoint.objects.create(name=POINT_NAME, kind=ContactPointKind.COMMUNITY, district="西湖区")
        point.coordinators.add(user)
        token = ApiToken(
            name=SYSTEM_NAME,
            holder="contact_point",
            scope="batches:submit",
            contact_point=point,
            acting_user=user,
            rate_per_minute=10_000,
            expires_at=timezone.now() + timedelta(hours=2),
        )
        raw = api_services.token_create(token=token)
        items = _items(draft.current_version_id, count)
        bodies = _bodies(draft.pk, items, limit)
        size = sum(len(b) for b in bodies)
        headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

        def post(index: int, body: bytes):
            return client.post(
                "/api/v1/contact-points/batches/",
                data=body,
                content_type="application/json",
                HTTP_IDEMPOTENCY_KEY=f"api-bench-{index}",
                **headers,
            )

        before = _table_rows()
        regroup, deferred = clusters.draft_clusters_update, []
        clusters.draft_clusters_update = lambda draft_id, **kwargs: deferred.append(draft_id) or 0
        try:
            started = time.perf_counter()
            answers = [post(i, body) for i, body in enumerate(bodies)]
            seconds = time.perf_counter() - started
        finally:
            clusters.draft_clusters_update = regroup
        for answer in answers:
            if answer.status_code != 201:
                raise RuntimeError(f"the batch answered {answer.status_code}: {answer.content[:500]!r}")
        created = sum(answer.json()["created"] for answer in answers)
        after = _table_rows()
        if created != count or after[0] - before[0] != count:
            raise RuntimeError(f"{count:,} opinions sent, {created:,} created, rows {after[0] - before[0]:,}")
        placed = sum(regroup(draft_id) for draft_id in deferred)
        replays = [post(i, body) for i, body in enumerate(bodies)]
        again = _table_rows()
        extra = (again[0] - after[0], again[1] - after[1])
        if any(r.status_code != 200 or r.get("Idempotent-Replayed") != "true" for r in replays):
            raise RuntimeError(f"a replay answered {[r.status_code for r in replays]}")
        log(
            f"batch: {count:,} opinions, {size / 1e6:.2f} MB in {len(bodies)} request(s), {seconds:.2f} s;"
            f" regrouping after placed {placed:,}; replay rows {extra}"
        )
    finally:
        Conf.SYNC = sync
        q_logger.setLevel(level)
        remove(log)
    return [
        Figure(
            "api.batch_10k_s",
            round(seconds, 3),
            "s",
            f"{count:,} opinions, {size / 1e6:.2f} MB of JSON in {len(bodies)} request(s)"
            f" (body limit {limit / 1e6:.2f} MB); target ≤ 5",
        ),
        Figure(
            "api.batch_replay_rows",
            sum(extra),
            "rows",
            f"every request again with its key: comments_opinion +{extra[0]}, links +{extra[1]}",
        ),
    ]


@benchmark("api")
def api(ctx: Context) -> list[Figure]:
    """Reads of the tree and of a deep opinions page, and a 10,000-opinion batch with its replay."""
    client = Client()
    figures = []
    dataset = find_dataset()
    if dataset is None:
        ctx.log("no data set in the database: the read figures need it (python -m bench bench builds it)")
    else:
        figures += measure_reads(client, dataset, ctx.log)
    draft, description = bench_draft(ctx.log)
    ctx.log(f"batch on the {description}")
    figures += measure_batch(client, draft, ctx.log)
    return figures
