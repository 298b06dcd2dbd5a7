"""Revision benchmarks: the 修改前后对照表 on real pairs of promulgated texts.

``revision.compare_real_pairs`` is the share of the ten real pairs (two promulgated versions of the
same law, in ``tests/drafts/versions/``), each run as Markdown and as Word, for which
``manage.py export_comparison --old --new --format json`` names as modified or added exactly the
articles of the newer version whose text (whitespace aside) is no article's text in the older one.
The target is 1.0.  It needs no data in the database.

On the data set's draft (1,260 articles, 1,000,000 opinions; skipped without it), the revision workspace
as staff use it, through its services:

* ``revision.open_1260_s``: open the working copy (every heading and article copied);
* ``revision.save_p50_ms``: the median of 300 saves of one article's new text with its reason and 20 linked
  opinions of that article;
* ``revision.publish_1260_s``: publish the copy with those 300 changed articles and 10,000 linked opinions
  (the 6,000 of the saves and 4,000 more) as the next version (current when the call returns);
* ``revision.link_10k_s``: the task queued by publishing, which points each of the 10,000 opinions at its
  new article with its audit event and site-history entry;
* ``revision.table_s`` and ``revision.table_rss_mb``: the 修改前后对照表 .docx of the two versions, with the
  reasons and the 10,000 opinions, built in a fresh process (its time and peak memory).

Everything is undone at the end (and at the start, should an earlier run have been interrupted): the
published version is removed and the draft's current version put back, the opinions' links cleared.

The Word files are made here from the Markdown with python-docx, as an office would have typed them:
headings in Word's heading styles, every other line a paragraph.
"""

from __future__ import annotations

import io
import json
import re
import tempfile
from pathlib import Path

from django.db import connection
from docx import Document

from bench.registry import Context, Figure, benchmark

PAIRS = Path(__file__).resolve().parent.parent / "tests" / "drafts" / "versions"
FORMATS = ("md", "docx")
_HEADING_RE = re.compile(r"^(#{1,6})\s+(.*)$")
_COMMENT_RE = re.compile(r"^<!--.*-->$")


def real_pairs(folder: Path = PAIRS) -> list[tuple[Path, Path]]:
    """(older, newer) of each regulation: files named 名称(YYYY-MM-DD).md, two a name."""
    by_name: dict[str, list[Path]] = {}
    for path in sorted(folder.glob("*(*).md")):
        by_name.setdefault(path.stem.rpartition("(")[0], []).append(path)
    pairs = []
    for name, paths in sorted(by_name.items()):
        if len(paths) != 2:
            raise ValueError(f"{name}: expected two versions, found {len(paths)}")
        pairs.append((paths[0], paths[1]))  # the dates sort the older first
    return pairs


def markdown_docx(text: str) -> bytes:
    """A Word file of a Markdown text: ``#`` lines as headings (level by the number of #), others as
    paragraphs; blank lines and HTML comments left out."""
    document = Document()
    for raw in text.splitlines():
        line = raw.strip()
        if not line or _COMMENT_RE.match(line):
            continue
        if heading := _HEADING_RE.match(line):
            document.add_heading(heading.group(2).strip(), level=len(heading.group(1)))
        else:
            document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def expected_numbers(old: Path, new: Path) -> set[int]:
    """The newer text's articles whose text, whitespace aside, is not the text of any older article."""
    from drafts.matching import normalize_text
    from drafts.parser import parse_text

    def articles(path: Path):
        return list(parse_text(path.read_text(encoding="utf-8")).articles_flat())

    old_texts = {normalize_text(article.text) for article in articles(old)}
    return {article.number for article in articles(new) if normalize_text(article.text) not in old_texts}


def exported_rows(old: Path, new: Path, fmt: str, workdir: Path) -> list[dict]:
    """The rows of ``export_comparison --format json`` on the pair, given as Markdown or as Word files."""
    from django.core.management import call_command

    if fmt == "docx":
        old_docx, new_docx = workdir / f"{old.stem}.docx", workdir / f"{new.stem}.docx"
        for source, target in ((old, old_docx), (new, new_docx)):
            target.write_bytes(markdown_docx(source.read_text(encoding="utf-8")))
        old, new = old_docx, new_docx
    out = workdir / "comparison.json"
    call_command("export_comparison", old=str(old), new=str(new), format="json", out=str(out), stdout=io.StringIO())
    return json.loads(out.read_text(encoding="utf-8"))["rows"]


def changed_numbers(rows: list[dict]) -> set[int]:
    """The newer articles the export calls modified or added."""
    return {row["new_number"] for row in rows if row["change"] in ("modified", "added")}


def real_pair_results(log=print) -> dict[tuple[str, str], bool]:
    """(regulation, format) → whether the export names exactly the expected articles."""
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        for old, new in real_pairs():
            expected = expected_numbers(old, new)
            for fmt in FORMATS:
                got = changed_numbers(exported_rows(old, new, fmt, Path(folder)))
                name = old.stem.rpartition("(")[0]
                results[(name, fmt)] = got == expected
                if got != expected:
                    log(f"{name} ({fmt}): missing {sorted(expected - got)}, extra {sorted(got - expected)}")
    return results


@benchmark("revision")
def revision(ctx: Context) -> list[Figure]:
    from bench.dataset import find_dataset

    dataset = find_dataset()
    figures = []
    if dataset is None:
        ctx.log("no data set in the database: the workspace figures are skipped (`make bench BENCH_ARGS=bench`)")
    else:
        figures = measure_workspace(dataset, ctx.log)
    results = real_pair_results(ctx.log)
    share = sum(results.values()) / len(results)
    return [
        *figures,
        Figure(
            "revision.compare_real_pairs",
            round(share, 3),
            "share",
            f"{sum(results.values())} of {len(results)} runs ({len(results) // len(FORMATS)} pairs × md, docx)",
        ),
    ]


# The revision workspace on the data set's draft (1,260 articles, 1,000,000 opinions) -------------------

USERNAME = "revision-bench"
CHANGES = 300
LINKS_PER_SAVE = 20
LINKED_OPINIONS = 10_000
TABLE_CHILD = """
import json, sys, time
import django
django.setup()
from drafts.comparison_word import comparison_docx
from drafts.models import DraftVersion
from drafts.selectors import version_comparison
old, new = DraftVersion.objects.get(pk=int(sys.argv[1])), DraftVersion.objects.get(pk=int(sys.argv[2]))
started = time.perf_counter()
comparison = version_comparison(old=old, new=new)
data = comparison_docx(comparison)
seconds = time.perf_counter() - started
rows = [row for row in comparison.rows if row.changed]
from bench.harness import peak_memory_kb
print(json.dumps({"seconds": seconds, "peak_kb": peak_memory_kb(),
                  "bytes": len(data), "rows": len(rows), "opinions": sum(len(r.note.opinions) for r in rows)}))
"""


def remove_revision_work(draft_id: int, log=print) -> None:
    """Undo what the revision figures did to the data set's draft (a no-op when there is nothing)."""
    from wagtail.models import ModelLogEntry

    from cms.models import User
    from drafts.models import DraftPage, DraftVersion
    from handling.models import HandlingEvent
    from revisions.models import Revision

    users = User.objects.filter(username=USERNAME)
    for revision in Revision.objects.filter(draft_id=draft_id, created_by__in=users).select_related("draft"):
        if revision.published_version_id:
            DraftPage.objects.filter(pk=draft_id).update(current_version=revision.base_version_id)
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE comments_opinion SET resulting_article_id = NULL WHERE resulting_article_id IN"
                    " (SELECT id FROM drafts_provision WHERE version_id = %s)",
                    [revision.published_version_id],
                )
            DraftVersion.objects.filter(pk=revision.published_version_id).delete()
            log(f"removed the published version {revision.published_version_id}")
        revision.delete()
    # Events and site history record the benchmark's own links, undone above (HandlingEvent is append-only
    # by design; a queryset delete is allowed here only, as in bench/handling.py).
    HandlingEvent.objects.filter(actor__in=users).delete()
    ModelLogEntry.objects.filter(user_id__in=users.values("pk")).delete()
    users.delete()


def measure_workspace(dataset, log=print) -> list[Figure]:
    import os
    import subprocess
    import sys
    import time

    from django_q.models import OrmQ

    from bench.dataset import staff_user
    from comments.models import Opinion
    from drafts.models import DraftPage, Provision
    from revisions import services
    from revisions.models import RevisionLink, RevisionNode

    draft = DraftPage.objects.get(pk=dataset.draft_id)
    stage = draft.stage
    remove_revision_work(draft.pk, log)
    user = staff_user(USERNAME, "修改稿基准")
    try:
        started = time.perf_counter()
        revision = services.revision_open(draft=draft, user=user)
        open_s = time.perf_counter() - started
        articles = list(RevisionNode.objects.filter(revision=revision, kind="article").order_by("position"))
        step = len(articles) // CHANGES
        chosen = articles[::step][:CHANGES]
        lineages = {node.pk: node.source_id for node in chosen}
        opinions: dict[int, list[int]] = {}
        for node in chosen:
            opinions[node.pk] = list(
                Opinion.objects.filter(
                    article_id=lineages[node.pk], parent__isnull=True, moderation_state__in=("published", "internal")
                )
                .order_by("pk")
                .values_list("pk", flat=True)[:LINKS_PER_SAVE]
            )
        samples = []
        for node in chosen:
            begun = time.perf_counter()
            services.node_save(
                revision_id=revision.pk,
                node_id=node.pk,
                user=user,
                row_version=node.row_version,
                text=node.text + "\n县级以上人民政府应当加强指导和监督。",
                reason="根据公众意见，增加政府指导监督的规定。",
                opinion_ids=opinions[node.pk],
            )
            samples.append((time.perf_counter() - begun) * 1000)
        linked = sum(len(ids) for ids in opinions.values())
        # The rest of the 10,000 linked opinions, spread over the same changes (not timed).
        extra = list(
            Opinion.objects.filter(draft=draft, parent__isnull=True, moderation_state__in=("published", "internal"))
            .exclude(pk__in=[pk for ids in opinions.values() for pk in ids])
            .order_by("pk")
            .values_list("pk", flat=True)[: LINKED_OPINIONS - linked]
        )
        RevisionLink.objects.bulk_create(
            [RevisionLink(node=chosen[i % len(chosen)], opinion_id=pk) for i, pk in enumerate(extra)], batch_size=5000
        )
        linked += len(extra)
        old_version = draft.current_version
        queued = OrmQ.objects.order_by("-id").values_list("id", flat=True).first() or 0
        started = time.perf_counter()
        version = services.revision_publish(revision_id=revision.pk, user=user, stage="second_reading")
        publish_s = time.perf_counter() - started
        OrmQ.objects.filter(id__gt=queued).delete()  # nothing serves the bench database's queue: run it here
        started = time.perf_counter()
        linked_now = services.link_published(revision.pk)
        link_s = time.perf_counter() - started
        articles_after = Provision.objects.filter(version=version, kind="article").count()
        log(f"opened in {open_s:.2f} s; {CHANGES} saves; published {articles_after:,} articles in {publish_s:.2f} s")
        result = subprocess.run(  # noqa: S603 - our own interpreter and code
            [sys.executable, "-c", TABLE_CHILD, str(old_version.pk), str(version.pk)],
            cwd=Path(__file__).resolve().parent.parent,
            env=dict(os.environ),
            capture_output=True,
            text=True,
            timeout=1800,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"the table process failed: {result.stderr[-2000:]}")
        table = json.loads(result.stdout.strip().splitlines()[-1])
        log(f"对照表: {table['rows']} rows, {table['opinions']:,} opinions, {table['bytes'] / 1024:.0f} KB")
    finally:
        remove_revision_work(draft.pk, log)
        DraftPage.objects.filter(pk=draft.pk).update(stage=stage)
    samples.sort()
    return [
        Figure("revision.open_1260_s", round(open_s, 3), "s", f"{len(articles):,} articles and their headings copied"),
        Figure(
            "revision.save_p50_ms",
            round(samples[len(samples) // 2], 1),
            "ms",
            f"{CHANGES} saves of one article with its reason and {LINKS_PER_SAVE} linked opinions; p95 "
            f"{samples[int(len(samples) * 0.95)]:.0f} ms",
        ),
        Figure(
            "revision.publish_1260_s",
            round(publish_s, 2),
            "s",
            f"{CHANGES} changed articles with {linked:,} linked opinions; the new version is current when it returns",
        ),
        Figure(
            "revision.link_10k_s",
            round(link_s, 2),
            "s",
            f"the task after publishing: {linked_now:,} opinions pointed at their new articles, each with its audit "
            "event and site-history entry",
        ),
        Figure(
            "revision.table_s",
            round(table["seconds"], 2),
            "s",
            f"对照表 .docx: {table['rows']} changed rows, {table['opinions']:,} opinions, in a fresh process",
        ),
        Figure("revision.table_rss_mb", round(table["peak_kb"] / 1024), "MB", "peak RSS (VmHWM) of that process"),
    ]
