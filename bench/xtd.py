"""django-comments-xtd, the usual threaded-comments app for Django and Wagtail, rendering a large thread.

The comparison's other side: the same number of comments, two levels deep as ours (comments and
replies to them), hung on the data set's draft page and rendered the way a site using the app does it,
`{% load comments_xtd %}{% render_xtdcomment_tree for object %}` through Django's template engine with
a request, which builds the tree with `XtdComment.tree_from_queryset` and renders its default
`django_comments_xtd/comment_tree.html` for each comment.

Needs requirements-bench.txt (`make bench` installs it) and the settings that cms/settings/bench.py
adds when the app is importable. bench/comments.py compares it with our own threads.
"""

from __future__ import annotations

import importlib.util
import random
import time
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from bench.dataset import ACTIONS, GIVEN, OPENERS, REASONS, SUBJECTS, SURNAMES, ensure_dataset, find_dataset
from bench.registry import Context, Figure, benchmark, median, timed

TEMPLATE = "{% load comments_xtd %}{% render_xtdcomment_tree for object %}"
REPLY_OPENERS = ["同意楼上，", "不同意，", "补充一点：", "回复：", "赞同，", "我们小区也是这样，", "有不同看法，"]
PERIOD = timedelta(days=20)


def xtd_available() -> bool:
    """Whether django-comments-xtd is installed and in INSTALLED_APPS (the bench settings add it)."""
    from django.apps import apps

    return importlib.util.find_spec("django_comments_xtd") is not None and apps.is_installed("django_comments_xtd")


def xtd_version() -> str:
    import django_comments_xtd

    return django_comments_xtd.get_version()


def _target(ctx_or_log):
    """The page the comments hang on: the data set's draft, built at the context's scale when needed."""
    from cms.models import HomePage
    from drafts.models import DraftPage

    if isinstance(ctx_or_log, Context):
        return DraftPage.objects.get(pk=ensure_dataset(ctx_or_log).draft_id), ctx_or_log.log
    dataset = find_dataset()
    if dataset is not None:
        return DraftPage.objects.get(pk=dataset.draft_id), ctx_or_log
    home = HomePage.objects.first()
    if home is None:
        raise RuntimeError("no page to hang the comments on: build the data set first (python -m bench bench)")
    return home, ctx_or_log


def _people(rng: random.Random, count: int) -> list[tuple[int, str, str]]:
    """(user id, name, e-mail) of registered commenters: the data set's citizens, or some made here."""
    from cms.models import User

    users = list(
        User.objects.filter(username__startswith="bench-")
        .order_by("pk")
        .values_list("pk", "display_name", "email")[:count]
    )
    if not users:
        now = timezone.now()
        User.objects.bulk_create(
            [
                User(
                    username=f"xtd-bench-{i}",
                    display_name=f"{rng.choice(SURNAMES)}先生" if i % 3 else "",
                    email=f"xtd-bench-{i}@example.invalid",
                    password="!",  # noqa: S106 - an unusable password
                    confirmed_at=now,
                )
                for i in range(count)
            ],
            ignore_conflicts=True,
        )
        made = User.objects.filter(username__startswith="xtd-bench-").order_by("pk")
        users = list(made.values_list("pk", "display_name", "email"))
    return [(pk, name or _chinese_name(rng), email) for pk, name, email in users]


def _chinese_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")


def _body(rng: random.Random, reply: bool) -> str:
    parts = [rng.choice(REPLY_OPENERS)] if reply else []
    parts += [rng.choice(OPENERS), rng.choice(SUBJECTS), "应当", rng.choice(ACTIONS)]
    if rng.random() < 0.7:
        parts += ["，因为", rng.choice(REASONS)]
    if not reply and rng.random() < 0.3:
        parts += ["；另外，", rng.choice(SUBJECTS), "方面", rng.choice(ACTIONS)]
    return "".join(parts) + "。"


def _thread_queryset(target):
    from django.contrib.contenttypes.models import ContentType
    from django_comments_xtd.models import XtdComment

    return XtdComment.objects.filter(content_type=ContentType.objects.get_for_model(target), object_pk=str(target.pk))


def _matches(target, comments: int, top_level: int, with_users: bool) -> bool:
    queryset = _thread_queryset(target).filter(is_public=True, is_removed=False)
    return (
        queryset.count() == comments
        and queryset.filter(level=0).count() == top_level
        and queryset.filter(user__isnull=False).count() == (comments if with_users else 0)
    )


def _create_thread(target, comments: int, top_level: int, with_users: bool, log, seed: int) -> None:
    """Insert the thread in bulk, with the thread data XtdComment.save() would have computed one by one.

    XtdComment extends django_comments' Comment by multi-table inheritance, which bulk_create refuses:
    the Comment rows go in with bulk_create, their XtdComment rows with one executemany. As save() does,
    a top-level comment is its own thread and parent (thread_id = parent_id = id, level 0, order 1); a
    reply takes its parent's thread, level 1 and the next order in the thread (so replies follow their
    parent in (thread_id, order), the order tree_from_queryset reads), and the parent counts it in
    nested_count.
    """
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType
    from django.contrib.sites.models import Site
    from django_comments.models import Comment
    from django_comments_xtd.models import XtdComment

    rng = random.Random(seed)
    started = time.perf_counter()
    site, _created = Site.objects.get_or_create(pk=settings.SITE_ID, defaults={"domain": "testserver", "name": "bench"})
    content_type = ContentType.objects.get_for_model(target)
    people = _people(rng, 2000) if with_users else []
    opens = timezone.now() - PERIOD
    seconds = PERIOD.total_seconds()
    # (time, parent's index among the top-level comments or None); the top-level ones spread evenly.
    tops = sorted(rng.random() * seconds for _ in range(top_level))
    events: list[tuple[float, int | None]] = [(at, None) for at in tops]
    for _ in range(comments - top_level):
        # Older comments gather more replies; a reply comes within a few hours to a few days.
        parent = int(top_level * rng.random() ** 2)
        events.append((tops[parent] + rng.expovariate(1 / 30_000), parent))
    events.sort(key=lambda event: event[0])
    top_positions = [i for i, (_at, parent) in enumerate(events) if parent is None]

    rows = []
    for i, (at, parent) in enumerate(events):
        if people:
            user_id, name, email = people[int(len(people) * rng.random() ** 2)]
        else:
            user_id, name, email = None, _chinese_name(rng), f"xtd-{i}@example.invalid"
        rows.append(
            Comment(
                content_type=content_type,
                object_pk=str(target.pk),
                site=site,
                user_id=user_id,
                user_name=name,
                user_email=email,
                comment=_body(rng, reply=parent is not None),
                submit_date=opens + timedelta(seconds=at),
                ip_address=f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}",
                is_public=True,
                is_removed=False,
            )
        )
    with transaction.atomic():
        _thread_queryset(target).delete()
        Comment.objects.bulk_create(rows, batch_size=2000)
        ids = [row.pk for row in rows]
        if None in ids:
            raise RuntimeError("bulk_create returned no keys: the database cannot return inserted ids")
        top_ids = [ids[position] for position in top_positions]
        replies: dict[int, int] = dict.fromkeys(top_ids, 0)
        xtd_rows = []
        for i, (_at, parent) in enumerate(events):  # in time order, as save() would have numbered them
            if parent is None:
                xtd_rows.append([ids[i], ids[i], ids[i], 0, 1, False, 0])
            else:
                thread = top_ids[parent]
                replies[thread] += 1
                xtd_rows.append([ids[i], thread, thread, 1, 1 + replies[thread], False, 0])
        for row in xtd_rows:
            if row[3] == 0:
                row[6] = replies[row[0]]
        meta = XtdComment._meta
        fields = ["comment_ptr", "thread_id", "parent_id", "level", "order", "followup", "nested_count"]
        columns = ", ".join(connection.ops.quote_name(meta.get_field(name).column) for name in fields)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({columns}) "
                f"VALUES ({', '.join(['%s'] * len(fields))})",
                xtd_rows,
            )
            if connection.vendor == "postgresql":
                cursor.execute(f"ANALYZE {Comment._meta.db_table}, {meta.db_table}")
            else:
                cursor.execute("ANALYZE")
    log(
        f"django-comments-xtd thread: {comments:,} comments ({top_level:,} top-level, {comments - top_level:,} "
        f"replies) on {content_type.app_label}.{content_type.model} {target.pk}"
        f" in {time.perf_counter() - started:.1f} s"
    )


class _QueryCounter:
    """Counts every statement, where CaptureQueriesContext stops at the connection's 9,000-query log."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def xtd_thread(
    ctx_or_log,
    comments: int = 10_000,
    top_level_share: float = 0.5,
    *,
    with_users: bool = True,
    repeat: int = 5,
    warmup: int = 0,
    seed: int = 20261126,
) -> dict:
    """Render a `comments`-comment django-comments-xtd thread; return its median time and query count.

    `ctx_or_log` is a bench Context (the thread hangs on the data set's draft, built at its scale when
    missing) or a log function (the data set's draft if present, else the home page). The thread is
    created once and reused while its shape matches; with a Context, the figures too, for the rest of the
    run (the thread is read back unchanged by bench/comments.py). With `with_users` every comment is by a
    registered user, as online opinions are on our platform; otherwise by anonymous names.

    Timed as bench/drafts.py times its page: one render checked, one with its statements counted, then
    bench.registry.timed (`warmup` more unmeasured renders, the median of `repeat`); the first two warm
    the template, content type and site caches, so `warmup` defaults to 0 (a render takes seconds).

    Returned: ms (the median), queries (statements of one render), comments, top_level, replies,
    html_kib, samples_ms, version, with_users, object.
    """
    if not xtd_available():
        raise RuntimeError(
            "django-comments-xtd is not installed or not in INSTALLED_APPS: "
            "pip install -r requirements-bench.txt and use cms.settings.bench"
        )
    from django.contrib.auth.models import AnonymousUser
    from django.template import engines
    from django.test import RequestFactory
    from django.utils.html import escape

    if not 0 < top_level_share <= 1 or comments < 1:
        raise ValueError("comments must be positive and top_level_share in (0, 1]")
    target, log = _target(ctx_or_log)
    top_level = max(1, round(comments * top_level_share))
    matches = _matches(target, comments, top_level, with_users)
    # Measured once per run: `comments_xtd` and `comments` both ask for it in a full `make bench`.
    key = ("xtd_thread", target._meta.label, target.pk, comments, top_level, with_users, repeat, warmup, seed)
    extra = ctx_or_log.extra if isinstance(ctx_or_log, Context) else {}
    if matches and key in extra:
        log(f"django-comments-xtd thread: reusing this run's figures ({extra[key]['ms']} ms)")
        return dict(extra[key])
    if not matches:
        _create_thread(target, comments, top_level, with_users, log, seed)

    template = engines["django"].from_string(TEMPLATE)
    request = RequestFactory().get(getattr(target, "url", None) or "/")
    request.user = AnonymousUser()

    def render() -> str:
        return template.render({"object": target}, request)

    # Rendered once and checked: every comment appears, with its body for a sample of them, so the
    # figure cannot be for an empty or partial render.
    html = render()
    thread = _thread_queryset(target)
    for marker in ('<div id="c', '<div class="content'):
        if html.count(marker) != comments:
            raise RuntimeError(f"the xtd thread rendered {html.count(marker):,} of {comments:,} comments")
    first_top = thread.filter(level=0).order_by("thread_id").first()
    if first_top.nested_count != thread.filter(thread_id=first_top.thread_id, level=1).count():
        raise RuntimeError("the xtd thread's nested_count does not match its replies")
    sample = random.Random(seed).sample(range(comments), min(comments, 50))
    bodies = dict(thread.values_list("pk", "comment"))
    keys = sorted(bodies)
    for pk in [first_top.pk, keys[-1], *(keys[i] for i in sample)]:
        if f'<div id="c{pk}"' not in html or escape(bodies[pk]) not in html:
            raise RuntimeError(f"comment {pk} or its body is missing from the xtd render")

    counter = _QueryCounter()
    with connection.execute_wrapper(counter):
        render()
    samples = timed(render, repeat=repeat, warmup=warmup)
    extra[key] = {
        "ms": median(samples),
        "queries": counter.count,
        "comments": comments,
        "top_level": top_level,
        "replies": comments - top_level,
        "html_kib": len(html.encode()) // 1024,
        "samples_ms": [round(sample, 2) for sample in samples],
        "version": xtd_version(),
        "with_users": with_users,
        "object": f"{target._meta.label} {target.pk}",
    }
    return dict(extra[key])


@benchmark("comments_xtd")
def comments_xtd(ctx: Context) -> list[Figure]:
    """django-comments-xtd alone: its default rendering of a 10,000-comment, two-level thread."""
    if not xtd_available():
        ctx.log("django-comments-xtd not installed (pip install -r requirements-bench.txt): skipped")
        return []
    result = xtd_thread(ctx)
    note = f"django-comments-xtd {result['version']}, {result['comments']:,} comments, {result['html_kib']:,} KiB"
    return [
        Figure("comments.xtd_thread_ms", result["ms"], "ms", note),
        Figure("comments.xtd_thread_queries", result["queries"], "queries", "render_xtdcomment_tree, one render"),
    ]
