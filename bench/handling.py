"""Handling: the adoption table of 100,000 opinions, the same table by a plain python-docx loop, a bulk disposition,
and the regrouping of near-duplicates after a batch.

Five figures, one benchmark (`python -m bench handling`), on the data set's draft (bench/dataset.py;
never built here: without it the benchmark is skipped with a note):

* export_100k_s: `handling.exports.export_build` of a 意见采纳情况表 (.docx) job, the django-q2 task
  as a worker runs it (count, stream the rows into a temporary file, progress every 1,000 rows, store
  the file in the private storage), for a draft of 100,000 opinions. It runs in a fresh Python
  process, so that
* export_100k_rss_mb: is that process's peak resident memory (its VmHWM, Django and all; not ru_maxrss, which
  Linux carries across exec from the forking runner).
* naive_ratio: the same table for the first 10,000 of those rows written with python-docx alone
  (`naive_adoption_table` below, `table.add_row()` per opinion) over ours
  (`write_adoption_table`, median of three), on one list of rows, after checking that both files
  hold the same cell texts.
* bulk_10k_s: `comments.handling.opinions_dispose` of 10,000 opinions of the data set's hot article
  (not adopted, with a reason), as the workspace's bulk action calls it: row locks, one UPDATE, 10,000
  HandlingEvents with their 10,000 site-history entries and, on commit, a notification task enqueued for
  each online author (django-q's ORM broker on the bench database; the queued tasks are removed
  afterwards, no cluster serves it). The
  note splits the time into the service's own work and the commit with the enqueueing; django-q's
  INFO line per queued task is silenced meanwhile, as output to a terminal would be measured too.
* regroup_10k_s: `comments.clusters.draft_clusters_update` after a batch of 10,000 new offline opinions
  (a third one campaign's text) on the data set's draft, as the task after a batch runs it: only the new
  opinions are compared. The data set's own opinions count as grouped already (the generator marks them):
  their band rows are not computed (a million MinHash signatures would add minutes to every build), so the
  band table holds what earlier benchmarks left; the lookups go through its (draft, band) index either way.

The 100,000-opinion draft: the data set has its 1,000,000 opinions on one draft, so the benchmark
copies 100,000 of them (the first published or internal top-level ones by id: a random spread over
the articles, a tenth on the hot article) with INSERT … SELECT into a draft page of its own, and
their contact-point links with them; the copies keep pointing at the data set's version and
articles. That is a real draft of 100,000 opinions for every query of the export, rather than a
`limit` that only the benchmark would use.

Everything made here (the draft and its copies, the export job and its file, a staff user, the
handling events) is removed at the end, and at the start should an earlier run have been
interrupted; the disposed opinions get their previous handling back.
"""

from __future__ import annotations

import io
import json
import logging
import os
import statistics
import subprocess
import sys
import time
import zipfile
from datetime import timedelta
from itertools import islice
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone
from lxml import etree

from bench.dataset import find_dataset
from bench.registry import Context, Figure, benchmark

ROOT = Path(__file__).resolve().parent.parent
EXPORT_SLUG = "handling-bench-export"
EXPORT_TITLE = "民法典（导出基准，十万条意见）"
USERNAME = "handling-bench"
EXPORT_OPINIONS = 100_000
NAIVE_OPINIONS = 10_000
BULK_OPINIONS = 10_000
OURS_RUNS = 3
REASON = "本条已有相关规定，基准测试批量处理。"
COUNTED_STATES = ("published", "internal")

# The export as a worker runs it, in a process of its own: prints its time and peak memory as JSON.
CHILD = """
import json, sys, time
import django
django.setup()
from handling.exports import export_build
with open("/proc/self/status") as status:
    base = next((int(line.split()[1]) for line in status if line.startswith("VmRSS:")), 0)
started = time.perf_counter()
export_build(int(sys.argv[1]))
seconds = time.perf_counter() - started
from bench.harness import peak_memory_kb
print(json.dumps({"seconds": seconds, "peak_kb": peak_memory_kb(), "base_kb": base}))
"""


# Setup and cleanup -------------------------------------------------------------------------------


def remove(log=print) -> None:
    """Remove what this benchmark makes (a no-op when there is nothing)."""
    from wagtail.models import ModelLogEntry

    from bench.contact_points import _delete_file
    from cms.models import User
    from drafts.models import DraftPage
    from handling.models import ExportJob, HandlingEvent

    for draft in DraftPage.objects.filter(slug=EXPORT_SLUG):
        for job in ExportJob.objects.filter(draft=draft):
            if job.file:
                _delete_file(job.file)
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM contact_points_contactpointopinion WHERE opinion_id IN"
                " (SELECT id FROM comments_opinion WHERE draft_id = %s)",
                [draft.pk],
            )
            cursor.execute("DELETE FROM comments_opinion WHERE draft_id = %s", [draft.pk])
            if cursor.rowcount:
                log(f"removed the export draft's {cursor.rowcount:,} opinions")
        draft.delete()  # with its export jobs
    # HandlingEvent.delete() raises AppendOnlyError by design; a queryset delete does not call it.
    # Deleting events is allowed here only: they record the benchmark's own changes, undone below,
    # as are their entries in the site history.
    HandlingEvent.objects.filter(actor__username=USERNAME).delete()
    ModelLogEntry.objects.filter(user_id__in=User.objects.filter(username=USERNAME).values("pk")).delete()
    User.objects.filter(username=USERNAME).delete()


def export_draft(dataset, count: int, log=print):
    """A draft page holding copies of `count` of the data set's counted opinions (and their links)."""
    from comments.models import Opinion
    from drafts.models import DraftIndexPage, DraftPage

    started = time.perf_counter()
    opens = timezone.now() - timedelta(days=30)
    draft = DraftPage(
        title=EXPORT_TITLE,
        slug=EXPORT_SLUG,
        live=False,
        opens_at=opens,
        closes_at=opens + timedelta(days=30),
        current_version_id=dataset.version_id,
    )
    DraftIndexPage.objects.first().add_child(instance=draft)
    columns = [f.column for f in Opinion._meta.concrete_fields if f.column not in ("id", "draft_id", "submission_key")]
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM comments_opinion")
        offset = cursor.fetchone()[0]
        cursor.execute(
            f"INSERT INTO comments_opinion (id, draft_id, {', '.join(columns)})"
            f" SELECT id + %s, %s, {', '.join(columns)} FROM comments_opinion"
            " WHERE draft_id = %s AND parent_id IS NULL AND moderation_state IN (%s, %s)"
            " ORDER BY id LIMIT %s",
            [offset, draft.pk, dataset.draft_id, *COUNTED_STATES, count],
        )
        copied = cursor.rowcount
        cursor.execute(
            "INSERT INTO contact_points_contactpointopinion (opinion_id, contact_point_id, proposer_category)"
            " SELECT link.opinion_id + %s, link.contact_point_id, link.proposer_category"
            " FROM contact_points_contactpointopinion link"
            " JOIN comments_opinion copied ON copied.id = link.opinion_id + %s WHERE copied.draft_id = %s",
            [offset, offset, draft.pk],
        )
        links = cursor.rowcount
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('comments_opinion', 'id'),"
                " (SELECT MAX(id) FROM comments_opinion))"
            )
            # As autovacuum would after such an insert: the planner learns of the new draft's rows.
            cursor.execute("ANALYZE comments_opinion")
            cursor.execute("ANALYZE contact_points_contactpointopinion")
    seconds = time.perf_counter() - started
    log(f"export draft: {copied:,} opinions copied ({links:,} contact-point links) in {seconds:.1f} s")
    if copied != count:
        raise RuntimeError(f"the data set has only {copied:,} counted opinions to copy, not {count:,}")
    return draft


def _staff_user():
    from django.contrib.auth.models import Permission

    from cms.models import User

    user = User.objects.create(
        username=USERNAME,
        email=f"{USERNAME}@example.invalid",
        display_name="基准测试工作人员",
        password="!",  # noqa: S106 - an unusable password
        confirmed_at=timezone.now(),
    )
    user.user_permissions.add(Permission.objects.get(content_type__app_label="comments", codename="dispose_opinion"))
    return User.objects.get(pk=user.pk)  # without the permission cache of the object made before


# Measurements ------------------------------------------------------------------------------------


def measure_export(draft, *, in_child: bool = True, log=print) -> tuple[float, float | None, str]:
    """(seconds, peak RSS in MB or None, note) of export_build of a .docx job for `draft`."""
    from handling.models import ExportJob, ExportState

    job = ExportJob.objects.create(draft=draft, format="docx")
    if in_child:
        result = subprocess.run(  # noqa: S603 - our own interpreter and code
            [sys.executable, "-c", CHILD, str(job.pk)],
            cwd=ROOT,
            env=dict(os.environ),  # DATABASE_URL and DJANGO_SETTINGS_MODULE as the runner has them
            capture_output=True,
            text=True,
            timeout=1800,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"the export process failed: {result.stderr[-2000:]}")
        report = json.loads(result.stdout.strip().splitlines()[-1])
        seconds, peak, base = report["seconds"], report["peak_kb"] / 1024, report["base_kb"] / 1024
    else:
        from handling.exports import export_build

        started = time.perf_counter()
        export_build(job.pk)
        seconds, peak, base = time.perf_counter() - started, None, None
    job.refresh_from_db()
    if job.state != ExportState.DONE or not job.file:
        raise RuntimeError(f"the export ended {job.state}: {job.error}")
    size = job.file.size
    log(
        f"export: {job.done:,} rows, {size / 1024 / 1024:.1f} MB in {seconds:.1f} s"
        + (f", peak RSS {peak:.0f} MB ({base:.0f} MB after django.setup)" if peak else "")
    )
    note = f"{job.done:,} rows, {size / 1024 / 1024:.0f} MB .docx, export_build in a fresh process"
    if peak:
        note += f"; {base:.0f} MB after django.setup"
    return seconds, peak, note


def _row_texts(data: bytes) -> list[str]:
    """Every table row's cell texts, to compare two files' content."""
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    return [
        "\t".join("\n".join(t.text or "" for t in cell.iter(f"{w}t")) for cell in row.iter(f"{w}tc"))
        for row in root.iter(f"{w}tr")
    ]


def naive_adoption_table(out, *, meta, rows) -> int:
    """The adoption table through python-docx alone, a row at a time: the baseline a team would write.

    The same title block, header row, column styles and excerpts as `write_adoption_table`, so that
    both files hold the same cell texts; only for comparison, with no special case for a draft
    without opinions.
    """
    from cms.officialdoc import clean, lines
    from handling.word_export import ADOPTION_TABLE, EXCERPT_STYLE, HEADER, adoption_document, numbered_rows

    document = adoption_document(meta)
    document.table(ADOPTION_TABLE, [], header=HEADER)
    word = document.docx()
    table = word.tables[0]
    # Looked up once: python-docx finds a style by scanning all of them.
    wanted = {*ADOPTION_TABLE.styles, EXCERPT_STYLE}
    styles = {style.style_id: style for style in word.styles if style.style_id in wanted}
    count = 0
    for count, row, excerpt in numbered_rows(rows):
        cells = table.add_row().cells
        values = (str(count), row.article, row.body, row.source, row.disposition, row.reason)
        for cell, value, style in zip(cells, values, ADOPTION_TABLE.styles, strict=True):
            cell.text = "\n".join(lines(clean(value)))
            cell.paragraphs[0].style = styles[style]
        if excerpt := "\n".join(lines(clean(excerpt))):
            cells[1].add_paragraph(excerpt, styles[EXCERPT_STYLE])
    word.save(out)
    return count


def measure_naive(draft, count: int, *, log=print) -> tuple[float, float, float]:
    """(naive seconds, our seconds, ratio) for the first `count` rows of the draft's table."""
    from handling.exports import adoption_rows, table_meta
    from handling.word_export import write_adoption_table

    rows = list(islice(adoption_rows(draft.pk), count))
    meta = table_meta(draft)
    ours = []
    for _ in range(OURS_RUNS):
        out = io.BytesIO()
        started = time.perf_counter()
        write_adoption_table(out, meta=meta, rows=rows)
        ours.append(time.perf_counter() - started)
    naive_out = io.BytesIO()
    started = time.perf_counter()
    naive_adoption_table(naive_out, meta=meta, rows=rows)
    naive = time.perf_counter() - started
    if _row_texts(out.getvalue()) != _row_texts(naive_out.getvalue()):
        raise RuntimeError("the plain python-docx table and ours differ in content")
    mine = statistics.median(ours)
    log(f"{len(rows):,} rows: python-docx loop {naive:.2f} s, ours {mine:.3f} s (same cell texts)")
    return naive, mine, naive / mine


def measure_bulk(dataset, count: int, *, log=print) -> tuple[float, str]:
    """(seconds, note) of a bulk disposition of `count` opinions of the hot article, undone afterwards."""
    from django_q.models import OrmQ
    from wagtail.models import ModelLogEntry

    from comments.models import Disposition, Opinion
    from handling.models import HandlingEvent
    from handling.services import opinions_dispose

    staff = _staff_user()
    ids = list(
        Opinion.objects.filter(
            draft_id=dataset.draft_id,
            article_id=dataset.hot_article_id,
            parent__isnull=True,
            moderation_state__in=COUNTED_STATES,
        )
        .exclude(disposition=Disposition.FORWARDED)  # forwarded ones change only when their referral closes
        .order_by("id")
        .values_list("id", flat=True)[:count]
    )
    if len(ids) != count:
        raise RuntimeError(f"the hot article has only {len(ids):,} opinions to dispose")
    fields = ["disposition", "disposition_reason", "reason_public", "disposed_by", "disposed_at", "revision"]
    before = list(Opinion.objects.filter(pk__in=ids).only(*fields, "updated_at"))
    followers = Opinion.objects.filter(merged_into__in=ids).count()
    queued = OrmQ.objects.order_by("-id").values_list("id", flat=True).first() or 0
    q_logger = logging.getLogger("django-q")
    level = q_logger.level
    q_logger.setLevel(logging.WARNING)  # not a line on stderr for each of the thousands of tasks queued
    try:
        started = time.perf_counter()
        # Our own atomic block around the service's (which it joins), to tell its work from the commit
        # and the notification tasks that on_commit enqueues then: the total is the same either way.
        with transaction.atomic():
            opinions_dispose(staff=staff, opinion_ids=ids, disposition=Disposition.NOT_ADOPTED, reason=REASON)
            work = time.perf_counter() - started
        seconds = time.perf_counter() - started
        events = HandlingEvent.objects.filter(actor=staff).count()
        tasks = OrmQ.objects.filter(id__gt=queued).count()
        changed = Opinion.objects.filter(pk__in=ids, disposition=Disposition.NOT_ADOPTED, disposition_reason=REASON)
        if changed.count() != count or events != count + followers:
            raise RuntimeError(f"the bulk disposition changed {changed.count():,} opinions, {events:,} events")
    finally:
        q_logger.setLevel(level)
        OrmQ.objects.filter(id__gt=queued).delete()  # nothing serves the bench database's queue
        Opinion.objects.bulk_update(before, [*fields, "updated_at"], batch_size=2000)
        HandlingEvent.objects.filter(actor=staff).delete()  # the bench only: see remove()
        ModelLogEntry.objects.filter(user=staff).delete()
        staff.delete()
    log(
        f"bulk disposition: {count:,} opinions in {seconds:.2f} s: locks, update and {events:,} events {work:.2f} s,"
        f" commit and {tasks:,} notification tasks queued on commit {seconds - work:.2f} s"
    )
    return seconds, (
        f"opinions_dispose on the hot article: {work:.2f} s locks, UPDATE, {events:,} events;"
        f" {seconds - work:.2f} s commit + {tasks:,} notify tasks queued (ORM broker)"
    )


REGROUP_OPINIONS = 10_000
CAMPAIGN = "强烈要求取消停车位只租不售的规定，车位应当优先出售给本小区业主，保障业主的合法权益"


def _regroup_bodies(count: int, seed: int = 20261204) -> list[str]:
    """A batch as contact points send them: a third one campaign text (some with a word changed), the rest
    varied opinions that now and then say nearly the same thing."""
    import random

    from bench.dataset import ACTIONS, OPENERS, REASONS, SUBJECTS

    rng = random.Random(seed)
    bodies = []
    for i in range(count):
        if i % 3 == 0:
            bodies.append(CAMPAIGN + rng.choice(["", "！", "。", "，请采纳", "！！"]))
        else:
            parts = [
                rng.choice(OPENERS),
                rng.choice(SUBJECTS),
                "应当",
                rng.choice(ACTIONS),
                "，因为",
                rng.choice(REASONS),
            ]
            bodies.append("".join(parts) + "。")
    return bodies


def measure_regroup(dataset, count: int, *, log=print) -> tuple[float, str]:
    """(seconds, note) of placing a batch of `count` new offline opinions into the groups of the data set's
    draft (comments.clusters.draft_clusters_update, as the task after a batch runs it); removed after."""
    from comments import clusters, fingerprints
    from comments.models import Channel, ClusterBand, ModerationState, Opinion

    draft_id = dataset.draft_id
    waiting = Opinion.objects.filter(draft_id=draft_id, parent__isnull=True, clustered=False).count()
    if waiting:  # other benchmarks' posts, not yet grouped: not this batch's work
        started = time.perf_counter()
        clusters.draft_clusters_update(draft_id)
        seconds = time.perf_counter() - started
        log(f"regroup: {waiting:,} opinions left by other benchmarks placed first in {seconds:.1f} s")
    now = timezone.now()
    rows = [
        Opinion(
            draft_id=draft_id,
            version_id=dataset.version_id,
            channel=Channel.LETTER,
            proposer_name="基准",
            body=body,
            moderation_state=ModerationState.INTERNAL,
            text_hash=fingerprints.text_hash(body),
            campaign_checked=True,
            created_at=now,
            updated_at=now,
        )
        for body in _regroup_bodies(count)
    ]
    created = Opinion.objects.bulk_create(rows, batch_size=2000)
    ids = [o.pk for o in created]
    try:
        bands = ClusterBand.objects.filter(draft_id=draft_id).count()
        started = time.perf_counter()
        placed = clusters.draft_clusters_update(draft_id)
        seconds = time.perf_counter() - started
        grouped = Opinion.objects.filter(pk__in=ids, cluster__isnull=False)
        in_groups, groups = grouped.count(), grouped.values("cluster").distinct().count()
        if placed != count:
            raise RuntimeError(f"the regrouping placed {placed:,} opinions, not {count:,}")
    finally:
        Opinion.objects.filter(pk__in=ids).delete()  # their band rows go with them
    note = (
        f"{count:,} new offline opinions on the {dataset.opinions:,}-opinion draft ({bands:,} band rows before):"
        f" {in_groups:,} of them in {groups:,} groups"
    )
    log(f"regroup: {count:,} opinions placed in {seconds:.2f} s, {groups:,} groups")
    return seconds, note


def measure(
    dataset,
    *,
    export_opinions: int = EXPORT_OPINIONS,
    naive_opinions: int = NAIVE_OPINIONS,
    bulk_opinions: int = BULK_OPINIONS,
    regroup_opinions: int = REGROUP_OPINIONS,
    in_child: bool = True,
    log=print,
) -> list[Figure]:
    """The five figures, everything made for them removed after, whatever happens."""
    remove(log)
    try:
        draft = export_draft(dataset, export_opinions, log)
        seconds, peak, export_note = measure_export(draft, in_child=in_child, log=log)
        naive, ours, ratio = measure_naive(draft, naive_opinions, log=log)
        bulk_seconds, bulk_note = measure_bulk(dataset, bulk_opinions, log=log)
        regroup_seconds, regroup_note = measure_regroup(dataset, regroup_opinions, log=log)
    finally:
        remove(log)
    figures = [Figure("handling.export_100k_s", round(seconds, 2), "s", export_note)]
    if peak is not None:
        figures.append(Figure("handling.export_100k_rss_mb", round(peak), "MB", "peak RSS (VmHWM) of that process"))
    figures += [
        Figure(
            "handling.naive_ratio",
            round(ratio, 1),
            "x",
            f"{naive_opinions:,} rows, same cell texts: python-docx add_row loop {naive:.2f} s,"
            f" ours {ours:.3f} s (median of {OURS_RUNS})",
        ),
        Figure("handling.bulk_10k_s", round(bulk_seconds, 2), "s", bulk_note),
        Figure("handling.regroup_10k_s", round(regroup_seconds, 2), "s", regroup_note),
    ]
    return figures


@benchmark("handling")
def handling(ctx: Context) -> list[Figure]:
    """Adoption table of 100,000 opinions (time, memory), against python-docx at 10,000, and a bulk disposition."""
    dataset = find_dataset()
    if dataset is None:
        ctx.log("no data set in the database: skipped (build it with `make bench BENCH_ARGS=bench`)")
        return []
    ctx.log(f"data set: {dataset.opinions:,} opinions on draft {dataset.draft_id}")
    return measure(dataset, log=ctx.log)
