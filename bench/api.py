"""The REST API (/api/v1/) on the data set's 1,260-article draft, through the full request stack.

Figures (`python -m bench api`), targets from issue 19:

* draft_p50_ms (≤ 30 ms): GET of the current version's provision tree, all 1,260 articles nested
  under their parts, chapters and sections (the rendered tree is cached per version, its opinion
  counts read live; the note gives the first request's time); draft_queries: the queries that
  request makes (the same for any size of draft);
* opinions_page_p50_ms (≤ 30 ms): one cursor page of the hottest article's published opinions,
  newest first, a hundred pages deep (the cursor found by following next_cursor from the first page);
* fuzz_failures (= 0): every operation of the live OpenAPI schema fuzzed (see fuzz() below) on a small
  data set made for it in a transaction that is rolled back; tests/api/test_fuzz.py runs the same in CI;
* batch_10k_s (≤ 5 s): 10,000 opinions of a contact point POSTed as JSON in one request with a Bearer
  token and an Idempotency-Key (the opinions made as bench.contact_points makes them: 30–120 characters,
  articles by number; about 3 MB, under the endpoint's own limit API_BATCH_MAX_BYTES, 16 MiB by default);
  batch_replay_rows: rows added to comments_opinion and contact_points_contactpointopinion when the
  request is sent again with its key (0: the replay answers from the stored result).

Everything the benchmark makes (a coordinator, a contact point, its token and its uses, the batches,
the opinions, the idempotency records, queued-task records) is removed at the end, and at the start
should an earlier run have been interrupted. Background work the submission queues (regrouping
near-duplicates) runs after the timing, as in bench.contact_points: the caller does not wait for it.
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import dataclass
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


def measure_batch(client: Client, draft, log=print, *, count: int = BATCH_ITEMS) -> list[Figure]:
    """The batch figures on `draft`: `count` opinions in one request (at most API_BATCH_MAX_BYTES of JSON)."""
    import logging

    from django_q.conf import Conf

    from api import services as api_services
    from api.models import ApiToken
    from cms.models import User
    from comments import clusters
    from contact_points.models import ContactPoint, ContactPointKind

    limit = settings.API_BATCH_MAX_BYTES
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
        body = json.dumps({"draft": draft.pk, "items": items}, ensure_ascii=False).encode()
        size = len(body)
        if size > limit:
            raise RuntimeError(f"{count:,} opinions are {size:,} bytes of JSON, over API_BATCH_MAX_BYTES ({limit:,})")

        def post():
            return client.post(
                "/api/v1/contact-points/batches/",
                data=body,
                content_type="application/json",
                HTTP_IDEMPOTENCY_KEY="api-bench",
                HTTP_AUTHORIZATION=f"Bearer {raw}",
            )

        before = _table_rows()
        regroup, deferred = clusters.draft_clusters_update, []
        clusters.draft_clusters_update = lambda draft_id, **kwargs: deferred.append(draft_id) or 0
        try:
            started = time.perf_counter()
            answer = post()
            seconds = time.perf_counter() - started
        finally:
            clusters.draft_clusters_update = regroup
        if answer.status_code != 201:
            raise RuntimeError(f"the batch answered {answer.status_code}: {answer.content[:500]!r}")
        created = answer.json()["created"]
        after = _table_rows()
        if created != count or after[0] - before[0] != count:
            raise RuntimeError(f"{count:,} opinions sent, {created:,} created, rows {after[0] - before[0]:,}")
        placed = sum(regroup(draft_id) for draft_id in deferred)
        replay = post()
        again = _table_rows()
        extra = (again[0] - after[0], again[1] - after[1])
        if replay.status_code != 200 or replay.get("Idempotent-Replayed") != "true":
            raise RuntimeError(f"the replay answered {replay.status_code}: {replay.content[:500]!r}")
        log(
            f"batch: {count:,} opinions, {size / 1e6:.2f} MB in one request, {seconds:.2f} s;"
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
            f"{count:,} opinions, {size / 1e6:.2f} MB of JSON in one request"
            f" (API_BATCH_MAX_BYTES {limit:,}); target ≤ 5",
        ),
        Figure(
            "api.batch_replay_rows",
            sum(extra),
            "rows",
            f"the request again with its key: comments_opinion +{extra[0]}, links +{extra[1]}",
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
    figures.append(_fuzz_figure(client, ctx.log))
    return figures


# Fuzzing the live schema ---------------------------------------------------------------------------------
#
# Beside Schemathesis (below), a small deterministic boundary fuzzer of our own over the same schema
# (/api/v1/schema/): every operation, every parameter given valid, boundary and garbage values one at a
# time, bodies valid and broken, with the right token, none, a garbage one and another
# holder's. A failure is a 5xx; an error that is not JSON with a code and a Chinese message; a success with
# an undocumented status; or a JSON body that does not validate against the documented response schema.

BAD_STRINGS = ["", "x", "测试", "'\"<>&;--", "9" * 30, "-1", "\u202e\u0000"]
BAD_INTEGERS = ["0", "-1", "abc", "1.5", "9" * 25, str(2**63), ""]
HUGE_IDS = [0, 2**31, 2**63, 10**30]


def _nullable(node):
    """OpenAPI 3.0's ``nullable`` as JSON Schema's null type, recursively."""
    if isinstance(node, list):
        return [_nullable(n) for n in node]
    if not isinstance(node, dict):
        return node
    converted = {k: _nullable(v) for k, v in node.items() if k != "nullable"}
    if node.get("nullable"):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


@dataclass
class FuzzWorld:
    """What the fuzzer needs to reach past 404s: ids of real objects and a token of each holder."""

    ids: dict  # path parameter name → an existing id (draft_id of a closed draft, provision_id, …)
    tokens: dict  # "staff", "contact_point", "department" → raw key
    batch_body: dict  # a valid batch for the contact point's token
    reply_body: dict  # a valid reply for the department's token


def _holder(path: str) -> str:
    if path.startswith("/api/v1/staff/"):
        return "staff"
    if path.startswith("/api/v1/contact-points/"):
        return "contact_point"
    return "department"


def _cases(path: str, method: str, op: dict, world: FuzzWorld):
    """(label, url, query, headers, body) for one operation: a baseline, then one thing changed at a time."""
    params = op.get("parameters", [])
    path_params = {p["name"]: p for p in params if p["in"] == "path"}
    query_params = [p for p in params if p["in"] == "query"]
    base_path = {name: world.ids.get(name, 1) for name in path_params}
    base_query = {}
    for p in query_params:
        if p.get("required"):
            base_query[p["name"]] = str(world.ids.get(p["name"], 1))
    headers = {}
    if op.get("security"):
        headers["HTTP_AUTHORIZATION"] = f"Bearer {world.tokens[_holder(path)]}"
    body = None
    if op.get("requestBody"):
        body = world.batch_body if "batches" in path else world.reply_body
    if any(p["in"] == "header" and p["name"] == "Idempotency-Key" for p in params):
        headers["HTTP_IDEMPOTENCY_KEY"] = "fuzz-base"

    def url(values):
        out = path
        for name, value in values.items():
            out = out.replace("{" + name + "}", str(value))
        return out

    yield "baseline", url(base_path), base_query, headers, body
    for name in path_params:
        for value in HUGE_IDS:
            yield f"path {name}={value}", url({**base_path, name: value}), base_query, headers, body
    for p in query_params:
        schema = p.get("schema", {})
        values = list(schema.get("enum", [])) + (BAD_INTEGERS if schema.get("type") == "integer" else BAD_STRINGS)
        for value in values:
            yield f"query {p['name']}={value!r}", url(base_path), {**base_query, p["name"]: value}, headers, body
    if op.get("security"):
        others = [h for h in world.tokens if h != _holder(path)]
        variants = {"no token": None, "garbage token": "Bearer lt_00_x", "basic": "Basic eDp5"}
        variants.update({f"{h} token": f"Bearer {world.tokens[h]}" for h in others})
        for label, value in variants.items():
            changed = {k: v for k, v in headers.items() if k != "HTTP_AUTHORIZATION"}
            if value is not None:
                changed["HTTP_AUTHORIZATION"] = value
            yield label, url(base_path), base_query, changed, body
    if "HTTP_IDEMPOTENCY_KEY" in headers:
        for value in ["", "k" * 101]:
            yield (
                f"idempotency key {value[:3]!r}",
                url(base_path),
                base_query,
                {**headers, "HTTP_IDEMPOTENCY_KEY": value},
                body,
            )
    if method == "post":
        broken = [b"{bad json", b"[]", b"{}", b"null", b'"x"', b"1", b"[" * 5000 + b"]" * 5000]
        if isinstance(body, dict):
            for key in body:
                for wrong in (None, "x", -1, 10**30, [], {}, True):
                    broken.append(json.dumps({**body, key: wrong}).encode())
            broken.append(json.dumps({**body, "unknown": 1}).encode())
            items = body.get("items")
            if isinstance(items, list) and items:
                for field in ("article", "body", "proposer", "proposer_category", "proposal"):
                    for wrong in (None, 7, "第九千条", [], {"a": 1}, "x" * 5000):
                        item = {**items[0], field: wrong}
                        broken.append(json.dumps({**body, "items": [item]}, ensure_ascii=False).encode())
        broken.append(b'{"draft": "' + b"x" * (3 * 1024 * 1024) + b'"}')  # over the body limit
        for index, raw in enumerate(broken):
            headers_k = {**headers}
            if "HTTP_IDEMPOTENCY_KEY" in headers_k:
                headers_k["HTTP_IDEMPOTENCY_KEY"] = f"fuzz-{index}"
            yield f"body #{index}", url(base_path), base_query, headers_k, raw


def _is_chinese(text: object) -> bool:
    return isinstance(text, str) and any("\u4e00" <= ch <= "\u9fff" for ch in text)


def fuzz(client: Client, world: FuzzWorld, log=print) -> tuple[int, list[str]]:
    """(requests made, failures) against the live schema."""
    from jsonschema import Draft7Validator

    schema = json.loads(client.get("/api/v1/schema/", {"format": "json"}).content)
    components = _nullable(schema.get("components", {}))
    failures, made = [], 0
    for path, operations in schema["paths"].items():
        for method, op in operations.items():
            for label, url, query, headers, body in _cases(path, method, op, world):
                made += 1
                if method == "get":
                    response = client.get(url, query, **headers)
                else:
                    data = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
                    target = url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
                    response = client.post(target, data=data, content_type="application/json", **headers)
                where = f"{method.upper()} {path} [{label}] → {response.status_code}"
                status = response.status_code
                content_type = response.get("Content-Type", "")
                if status >= 500:
                    failures.append(f"{where}: server error")
                    continue
                if status >= 400:
                    try:
                        error = json.loads(response.content)
                    except ValueError:
                        failures.append(f"{where}: error is not JSON ({content_type})")
                        continue
                    if not (isinstance(error, dict) and error.get("code") and _is_chinese(error.get("message"))):
                        failures.append(f"{where}: error without a code and a Chinese message")
                    continue
                documented = op.get("responses", {}).get(str(status))
                if documented is None:
                    failures.append(f"{where}: undocumented status")
                    continue
                media = documented.get("content", {})
                expected = media.get(content_type.split(";")[0].strip())
                if expected is None:
                    failures.append(f"{where}: undocumented content type {content_type}")
                    continue
                if "json" not in content_type:
                    continue
                content = b"".join(response.streaming_content) if response.streaming else response.content
                try:
                    data = json.loads(content)
                except ValueError:
                    failures.append(f"{where}: body is not JSON")
                    continue
                validator = Draft7Validator(
                    {"allOf": [_nullable(expected.get("schema", {}))], "components": components}
                )
                problem = next(iter(validator.iter_errors(data)), None)
                if problem is not None:
                    failures.append(f"{where}: {problem.message[:200]} at {list(problem.absolute_path)[:6]}")
    for failure in failures[:30]:
        log(failure)
    return made, failures


# Schemathesis over the same live schema ------------------------------------------------------------------
#
# Property-based: for every operation, Schemathesis draws requests from the schema itself (valid and
# invalid parameters, bodies and headers), sends them to the project's WSGI application and checks each
# answer: no server error, a documented status and content type, headers and a body valid against the
# documented schema, schema-valid input accepted. Half the cases carry the world's real ids, so they reach
# past 404s, and the operation's own token. Deterministic (derandomized), a bounded number of examples.

SCHEMATHESIS_EXAMPLES = 100  # an operation, in the benchmark; the test suite runs fewer
SCHEMATHESIS_CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "positive_data_acceptance",
)


def schemathesis_fuzz(world: FuzzWorld, examples: int = 25, log=print) -> tuple[int, list[str]]:
    """(requests made, distinct failures) of Schemathesis over every operation of /api/v1/schema/."""
    import schemathesis
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import strategies as st
    from schemathesis import checks as core_checks
    from schemathesis.specs.openapi import checks as openapi_checks

    from cms.wsgi import application

    checks = [getattr(core_checks, name, None) or getattr(openapi_checks, name) for name in SCHEMATHESIS_CHECKS]
    # Django closes "old" connections when a request starts and ends; inside the caller's transaction (the
    # benchmark's rolled-back world, a test's) that would close the connection under it, from the schema's
    # own download on. The test client unhooks the same receivers for the same reason.
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    failures: dict[str, str] = {}
    made = 0

    def runner(operation):
        path, secured = operation.path, bool(operation.definition.raw.get("security"))

        @settings(
            max_examples=examples,
            derandomize=True,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(), real_ids=st.booleans(), own_token=st.booleans())
        def run(case, real_ids, own_token):
            nonlocal made
            if real_ids and case.path_parameters:
                for name in case.path_parameters:
                    if name in world.ids:
                        case.path_parameters[name] = world.ids[name]
            # A cursor is opaque (signed by the server): no schema can describe a valid one, so Schemathesis
            # cannot make one; the boundary fuzzer above sends garbage cursors.
            if case.query:
                case.query.pop("cursor", None)
            headers = {"Accept-Encoding": "identity"}  # the checks read the body; compression is tested apart
            if secured and (own_token or real_ids):
                headers["Authorization"] = f"Bearer {world.tokens[_holder(path)]}"
            made += 1
            response = case.call(headers=headers)
            # Schema-valid input must be accepted where the schema says everything that matters (parameters);
            # a body may be well-formed and still refused by the data it names (a closed consultation, an
            # article that does not exist: 400/422 with the reason), which no schema can express.
            chosen = checks if operation.method.upper() == "GET" else checks[:-1]
            try:
                case.validate_response(response, checks=chosen, headers=headers)
            except BaseException as failure:  # Schemathesis raises a group of the failed checks
                if isinstance(failure, KeyboardInterrupt):
                    raise
                lines = str(failure).strip().splitlines()
                summary = " ".join(line.strip() for line in lines[:8])[:400]
                failures.setdefault(f"{operation.label}: {summary[:120]}", summary)

        return run

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)
        for result in schema.get_all_operations():
            runner(result.ok())()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    for key in list(failures)[:30]:
        log(f"schemathesis: {failures[key]}")
    return made, list(failures)


def _fuzz_figure(client: Client, log, examples: int = SCHEMATHESIS_EXAMPLES) -> Figure:
    """api.fuzz_failures on a small world made for it inside a transaction that is rolled back after."""
    from django.contrib.auth.models import Group
    from django.db import transaction

    from api import services as api_services
    from api.models import ApiToken
    from bench.dataset import FIXTURES, staff_user
    from cms.models import User
    from cms.roles import Role
    from comments.models import Disposition, ModerationState, Opinion
    from contact_points.models import ContactPoint, ContactPointKind
    from drafts.models import DraftIndexPage
    from drafts.parser import parse_text
    from drafts.services import draft_create
    from referrals.models import Department
    from referrals.services import opinions_forward

    now = timezone.now()
    text = (FIXTURES / "杭州市物业管理条例(2021-08-09).md").read_text(encoding="utf-8")
    with transaction.atomic():
        index = DraftIndexPage.objects.first()
        if index is None:
            raise RuntimeError("no draft index page: run python -m bench bench first")
        closed = draft_create(
            index=index,
            result=parse_text(text),
            title="物业管理条例（接口模糊测试）",
            slug="api-fuzz-closed",
            opens_at=now - timedelta(days=20),
            closes_at=now - timedelta(days=1),
            publish=True,
        )
        still_open = draft_create(
            index=index,
            result=parse_text(text),
            title="物业管理条例（接口模糊测试，征求意见中）",
            slug="api-fuzz-open",
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=9),
            publish=True,
        )
        article = closed.current_version.provisions.filter(kind="article").order_by("position")[2]
        opinions = [
            Opinion.objects.create(
                draft=closed,
                version=closed.current_version,
                article=article if i % 3 else None,
                body=f"建议第{i}处{'=SUM(A1)' if i == 4 else '规定更明确'}",
                moderation_state=ModerationState.PUBLISHED,
                disposition=[Disposition.ADOPTED, Disposition.NOT_ADOPTED, Disposition.UNDECIDED][i % 3],
                disposition_reason="理由",
            )
            for i in range(9)
        ]
        staff = staff_user("api-fuzz-staff", "法工委")
        department = Department.objects.create(name="接口模糊测试局")
        liaison = User.objects.create(username="api-fuzz-liaison", display_name="联络人", password="!")  # noqa: S106
        liaison.groups.add(Group.objects.get(name=str(Role.LIAISON)))
        department.liaisons.add(liaison)
        referral = opinions_forward(
            staff=staff, opinion_ids=[opinions[2].pk], department=department, deadline=now + timedelta(days=10)
        )
        coordinator = User.objects.create(username="api-fuzz-coordinator", display_name="联络员", password="!")  # noqa: S106
        point = ContactPoint.objects.create(
            name="接口模糊测试联系点", kind=ContactPointKind.COMMUNITY, district="西湖区"
        )
        point.coordinators.add(coordinator)
        keys = {}
        for holder, scope, fields in (
            ("staff", "opinions:read", {}),
            ("contact_point", "batches:submit", {"contact_point": point, "acting_user": coordinator}),
            ("department", "referrals", {"department": department, "acting_user": liaison}),
        ):
            token = ApiToken(
                name=f"fuzz {holder}",
                holder=holder,
                scope=scope,
                rate_per_minute=100_000,
                expires_at=now + timedelta(hours=1),
                **fields,
            )
            keys[holder] = api_services.token_create(token=token)
        world = FuzzWorld(
            ids={
                "draft_id": closed.pk,
                "number": 1,
                "provision_id": article.pk,
                "referral_id": referral.pk,
                "article": article.pk,
            },
            tokens=keys,
            batch_body={"draft": still_open.pk, "items": [{"article": 3, "body": "建议明确物业公开收支的期限。"}]},
            reply_body={"text": "已研究，将在细则中明确。", "revision": None},
        )
        made, failures = fuzz(client, world, log)
        generated, found = schemathesis_fuzz(world, examples=examples, log=log)
        transaction.set_rollback(True)
    return Figure(
        "api.fuzz_failures",
        len(failures) + len(found),
        "failures",
        f"Schemathesis: {generated:,} generated requests ({examples} examples an operation,"
        f" {len(found)} distinct failures); boundary fuzzer: {made:,} requests ({len(failures)} failures); every"
        " operation of /api/v1/schema/, small data set, rolled back",
    )
