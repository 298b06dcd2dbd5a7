"""Search on the 1,000,000-opinion data set: our database backend, and Wagtail's beside it on the same texts.

Five figures, one benchmark (`python -m bench search`), on the data set (bench/dataset.py; never built
here: without it the benchmark stops and says how to build it), with the database backend whatever
ELASTICSEARCH_URL says:

* index_per_s: documents a second written by a full rebuild of the database backend's index
  (`search.services.rebuild`, what `manage.py search_index --rebuild` runs) over the live drafts, their
  articles and the opinions. An index already complete (as many entries as documents) is reused, since
  a rebuild takes minutes; the rate then comes from re-indexing the first 200,000 opinions in place
  (`DatabaseBackend.index`: the rebuild's own writes, upserts by key). BENCH_SEARCH_REBUILD=1 rebuilds.
* query_p50_ms: median wall time of `search.selectors.search` as a staff user (every document: top 20,
  every facet, highlighted fragments), RUNS runs of each of WORDS, from a very common word to a rare one;
  the note gives each word's median, and the anonymous public search's.
* recall: found (the documents the search matches, counted exactly by DatabaseBackend.count with the
  search's own conditions: past CANDIDATES matches the search shows an estimated total) / true (the
  documents whose title or body contains the word, counted with strpos over the texts the index holds),
  summed over the words; 1.0 is every document.
* wagtail_recall, wagtail_p50_ms: the same words over the same documents with Wagtail's database search
  backend (on PostgreSQL its PostgresSearchBackend: a tsvector built by PostgreSQL's own parser under the
  default text search configuration), `backend.search(word, BenchText)[:20]` timed, `.count()` for recall.

Wagtail indexes models that inherit `Indexed`; Opinion must not (posting stays lean), so the comparison
has a model of its own, `bench_search.BenchText` (kind, object_id, title, body), filled with a copy of
every document's title and body from our index (INSERT … SELECT) and indexed the way Wagtail's
update_index does it (its rebuilder, `add_items` 1,000 objects at a time). The model is defined here at
run time, outside INSTALLED_APPS, and its table made by the schema editor in the benchmark database only:
no migration, no setting, nothing the application loads. The table and its entries in Wagtail's index
stay in the benchmark database for the next run (reused when complete, dropped with the database when a
new data set is built); BENCH_SEARCH_CLEANUP=1 removes them after the run.

Indexes are vacuumed and analysed after being written (untimed), as autovacuum would soon do: a GIN
index's pending list and the planner's statistics otherwise depend on when the benchmark happens to run.
"""

from __future__ import annotations

import os
import time
from functools import cache

from django.db import connection
from django.test import override_settings

from bench.dataset import find_dataset, staff_user
from bench.registry import Context, Figure, benchmark, median, timed
from search.backends.database import CANDIDATES

# Two-character words of the data set's opinions (bench/dataset.py) and articles, most common first:
# 建议 opens 5 of the 8 openers (~62 % of opinions), 业主 ~22 %, 物业 ~9 %, 停车 and 电梯 ~4 % each;
# 公示 is in no opinion, only in some 65 articles.
WORDS = ["建议", "业主", "物业", "停车", "电梯", "公示"]
RUNS = 20
PARTIAL_OPINIONS = 200_000  # re-indexed to measure the rate when a complete index is reused
LONG_REBUILD_S = 15 * 60  # a full rebuild longer than this is too long to repeat in every run
WAGTAIL_CHUNK = 1000  # update_index's default chunk size
USERNAME = "bench-search-staff"
BENCH_TABLE = "bench_search_benchtext"


def _log_every(log, step: int, label: str):
    """A progress callback that logs every `step` documents with the running rate."""
    started = time.perf_counter()
    state = {"next": step}

    def progress(count: int, total: int | None = None) -> None:
        if count >= state["next"] or (total is not None and count >= total):
            state["next"] = count + step
            seconds = time.perf_counter() - started
            of = f" of {total:,}" if total else ""
            log(f"{label}: {count:,}{of} in {seconds:.0f} s ({count / seconds:,.0f}/s)")

    return progress


def _vacuum(*tables: str) -> float:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'VACUUM ANALYZE "{table}"')
    return time.perf_counter() - started


def _staff_user():
    return staff_user(USERNAME, "检索基准测试工作人员")


# 1. Our index: a full rebuild, or a complete index reused --------------------------------------------


def _kinds() -> dict[str, int]:
    from django.db.models import Count

    from search.models import SearchEntry

    return dict(SearchEntry.objects.values_list("kind").annotate(n=Count("pk")).order_by("kind"))


def _kinds_note(kinds: dict[str, int]) -> str:
    return ", ".join(f"{kinds.get(kind, 0):,} {kind}s" for kind in ("draft", "article", "opinion"))


def _rebuild(ctx: Context, expected: int) -> tuple[float, str]:
    """A full rebuild: (documents a second, note)."""
    from search import services, text

    text.index_tokens("物业")  # jieba loads its dictionary once per process, not per rebuild
    ctx.log(f"rebuilding the search index: {expected:,} documents")
    started = time.perf_counter()
    count = services.rebuild(progress=_log_every(ctx.log, 100_000, "indexed"))
    seconds = time.perf_counter() - started
    vacuum = _vacuum("search_searchentry")
    kinds = _kinds()
    if sum(kinds.values()) != expected or count != expected:
        raise RuntimeError(f"the rebuild wrote {count:,} documents, the index holds {kinds}, expected {expected:,}")
    minutes = f"{seconds / 60:.1f} min"
    ctx.log(f"rebuilt: {count:,} documents in {seconds:.1f} s ({minutes}); VACUUM ANALYZE {vacuum:.0f} s")
    note = (
        f"full rebuild (search.services.rebuild, database backend), {_kinds_note(kinds)} in {seconds:.0f} s "
        f"({minutes}); VACUUM ANALYZE afterwards {vacuum:.0f} s, untimed"
    )
    if seconds > LONG_REBUILD_S:
        note += (
            f"; longer than {LONG_REBUILD_S // 60} min, so later runs reuse the index and re-index "
            f"{PARTIAL_OPINIONS:,} opinions"
        )
    return count / seconds, note


def _reindex_opinions(ctx: Context, dataset) -> tuple[float, str]:
    """The index is complete: re-index the data set's first PARTIAL_OPINIONS opinions in place."""
    from comments.models import Opinion
    from search import documents, text
    from search.backends.database import DatabaseBackend

    ids = list(
        Opinion.objects.filter(draft_id=dataset.draft_id).order_by("pk").values_list("pk", flat=True)[:PARTIAL_OPINIONS]
    )
    text.index_tokens("物业")
    ctx.log(f"index complete: reused; re-indexing the first {len(ids):,} opinions (BENCH_SEARCH_REBUILD=1 rebuilds)")
    backend = DatabaseBackend()
    progress = _log_every(ctx.log, 50_000, "re-indexed")
    count = 0
    started = time.perf_counter()
    # Documents built and written 5,000 at a time, as the catch-up after changes does.
    for i in range(0, len(ids), 5000):
        count += backend.index(list(documents.opinion_docs(opinion_ids=ids[i : i + 5000])))
        progress(count)
    seconds = time.perf_counter() - started
    vacuum = _vacuum("search_searchentry")
    if count != len(ids):
        raise RuntimeError(f"re-indexed {count:,} opinions, expected {len(ids):,}")
    ctx.log(f"re-indexed {count:,} opinions in {seconds:.1f} s; VACUUM ANALYZE {vacuum:.0f} s")
    note = (
        f"index complete ({_kinds_note(_kinds())}), reused: rate of re-indexing the first {count:,} opinions in "
        f"place (DatabaseBackend.index, the rebuild's upserts) in {seconds:.0f} s; BENCH_SEARCH_REBUILD=1 "
        f"measures a full rebuild"
    )
    return count / seconds, note


def _index_figure(ctx: Context, dataset) -> Figure:
    from search import documents
    from search.models import SearchEntry

    expected = documents.count_all()
    entries = SearchEntry.objects.count()
    if entries == expected and os.environ.get("BENCH_SEARCH_REBUILD", "") != "1":
        rate, note = _reindex_opinions(ctx, dataset)
    else:
        if entries:
            ctx.log(f"the index holds {entries:,} entries for {expected:,} documents")
        rate, note = _rebuild(ctx, expected)
    return Figure("search.index_per_s", round(rate), "docs/s", note)


# 2. What is true: documents whose title or body contains the word -----------------------------------


def _true_counts(table: str, words: list[str], where: str = "") -> dict[str, int]:
    """Per word, the rows of `table` whose title or body contains it: one scan for all the words."""
    columns = ", ".join(["COUNT(*) FILTER (WHERE strpos(title, %s) > 0 OR strpos(body, %s) > 0)"] * len(words))
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT {columns} FROM "{table}" {where}',
            [value for word in words for value in (word, word)],
        )
        return dict(zip(words, cursor.fetchone(), strict=True))


def _ratio(found: dict[str, int], true: dict[str, int]) -> float:
    # Six decimals: Wagtail's few hits in a million must not round to zero.
    return round(sum(min(found[w], true[w]) for w in true) / sum(true.values()), 6)


def _counts_note(found: dict[str, int], true: dict[str, int]) -> str:
    return ", ".join(f"{word} {found[word]:,}/{true[word]:,}" for word in true)


# 3. Our search, as staff and as anyone ---------------------------------------------------------------


def _our_queries(ctx: Context) -> tuple[dict, dict, dict, dict, dict]:
    """(staff samples, staff counts, anonymous samples, anonymous counts, staff estimates) per word.

    The counts are exact (DatabaseBackend.count, the same match and access conditions as the search): what
    recall is measured with. The search's own total is the planner-free estimate (约) once more than
    CANDIDATES opinions match; it is reported beside the count."""
    from django.contrib.auth.models import AnonymousUser

    from search.backends.base import SearchQuery
    from search.backends.database import DatabaseBackend
    from search.selectors import access_tokens, search

    def count(word: str, who) -> int:
        # Recall is over every document the truth counts: articles of earlier versions too (a search leaves
        # them out unless asked for 「包括历史版本」, which is what include_superseded asks).
        tokens, is_staff = access_tokens(who)
        query = SearchQuery(text=word, tokens=tokens, is_staff=is_staff, include_superseded=True)
        return DatabaseBackend().count(query)

    user = _staff_user()
    anonymous = AnonymousUser()
    try:
        if not access_tokens(user)[1]:
            raise RuntimeError(f"{USERNAME} does not search as staff")
        staff, staff_counts, public, public_counts, estimates = {}, {}, {}, {}, {}
        for word in WORDS:
            result = search(text=word, user=user)
            if len(result.hits) != min(20, result.total) or (len(result.facets) < 2 and result.total > 100):
                raise RuntimeError(f"{word}: {len(result.hits)} hits of {result.total:,}, facets {list(result.facets)}")
            estimates[word] = (result.total, result.total_is_estimate)
            staff_counts[word] = count(word, user)
            staff[word] = timed(lambda word=word: search(text=word, user=user), repeat=RUNS)
            public_counts[word] = count(word, anonymous)
            public[word] = timed(lambda word=word: search(text=word, user=anonymous), repeat=RUNS)
            shown = f"约 {result.total:,}" if result.total_is_estimate else f"{result.total:,}"
            ctx.log(
                f"ours {word}: staff {median(staff[word])} ms ({staff_counts[word]:,} match, shown {shown}, "
                f"{len(result.facets)} facets), anonymous {median(public[word])} ms ({public_counts[word]:,} match)"
            )
        return staff, staff_counts, public, public_counts, estimates
    finally:
        from cms.models import User

        User.objects.filter(username=USERNAME).delete()


# 4. Wagtail's database backend on the same documents -------------------------------------------------


@cache
def bench_text_model():
    """BenchText: a copy of each indexed document's title and body, for Wagtail's search backend.

    Not in INSTALLED_APPS, so Wagtail does not add the `index_entries` relation its PostgreSQL backend
    joins through (it does that for the installed apps' indexed models when it starts): it is added here.
    """
    from django.db import models
    from modelsearch.abstract_models import TextIDGenericRelation
    from modelsearch.conf import get_app_config
    from wagtail.search import index

    class BenchText(index.Indexed, models.Model):
        kind = models.CharField(max_length=10)
        object_id = models.BigIntegerField()
        title = models.CharField(max_length=300)
        body = models.TextField(blank=True)

        search_fields = [index.SearchField("title", boost=3), index.SearchField("body")]

        class Meta:
            app_label = "bench_search"
            db_table = BENCH_TABLE

        def __str__(self) -> str:
            return f"{self.kind}:{self.object_id}"

    TextIDGenericRelation(get_app_config().get_model("IndexEntry")).contribute_to_class(BenchText, "index_entries")
    return BenchText


def _wagtail_entries(model):
    from django.contrib.contenttypes.models import ContentType
    from modelsearch.conf import get_app_config

    entry = get_app_config().get_model("IndexEntry")
    return entry.objects.filter(content_type=ContentType.objects.get_for_model(model))


def _wagtail_index(ctx: Context, backend, expected: int) -> str:
    """Fill BenchText from our index and index it with Wagtail, unless a complete copy is there: a note."""
    from search.models import SearchEntry

    model = bench_text_model()
    if BENCH_TABLE not in connection.introspection.table_names():
        with connection.schema_editor() as editor:
            editor.create_model(model)
    rows, entries = model.objects.count(), _wagtail_entries(model).count()
    if rows == expected and entries == expected:
        ctx.log(f"Wagtail's index of {BENCH_TABLE}: {entries:,} entries, complete: reused")
        return "index reused from an earlier run"  # (an interrupted run leaves it; a finished one removes it)
    ctx.log(f"Wagtail's index of {BENCH_TABLE}: {rows:,} rows, {entries:,} entries for {expected:,}: rebuilding")
    _wagtail_entries(model)._raw_delete(using=connection.alias)
    with connection.cursor() as cursor:
        cursor.execute(f'TRUNCATE "{BENCH_TABLE}" RESTART IDENTITY')
        cursor.execute(
            f'INSERT INTO "{BENCH_TABLE}" (kind, object_id, title, body) '
            f"SELECT kind, object_id, title, body FROM {SearchEntry._meta.db_table} ORDER BY id"
        )
    _vacuum(BENCH_TABLE)
    # As update_index does it for one model: the backend's rebuilder (one transaction on PostgreSQL),
    # add_items a chunk at a time, then the rebuilder's finish (title norms over the whole index).
    index = backend.get_index_for_model(model)
    rebuilder = backend.rebuilder_class(index)
    progress = _log_every(ctx.log, 100_000, "Wagtail indexed")
    started = time.perf_counter()
    index = rebuilder.start()
    index.add_model(model)
    count, last = 0, 0
    while chunk := list(model.objects.filter(pk__gt=last).order_by("pk")[:WAGTAIL_CHUNK]):
        index.add_items(model, chunk)
        count += len(chunk)
        last = chunk[-1].pk
        progress(count, expected)
    rebuilder.finish()
    seconds = time.perf_counter() - started
    vacuum = _vacuum(_wagtail_entries(model).model._meta.db_table)
    entries = _wagtail_entries(model).count()
    if entries != expected:
        raise RuntimeError(f"Wagtail's index holds {entries:,} entries for {expected:,} documents")
    ctx.log(f"Wagtail indexed {count:,} documents in {seconds:.0f} s ({count / seconds:,.0f}/s); VACUUM {vacuum:.0f} s")
    return f"indexed in {seconds:.0f} s ({count / seconds:,.0f}/s, add_items of {WAGTAIL_CHUNK:,})"


def _wagtail_queries(ctx: Context, backend) -> tuple[dict, dict]:
    """(samples, counts) per word."""
    model = bench_text_model()
    samples, found = {}, {}
    for word in WORDS:
        found[word] = backend.search(word, model).count()
        samples[word] = timed(lambda word=word: list(backend.search(word, model)[:20]), repeat=RUNS, warmup=1)
        ctx.log(f"Wagtail {word}: {median(samples[word])} ms, {found[word]:,} found")
    return samples, found


def _cleanup(ctx: Context) -> None:
    model = bench_text_model()
    removed = _wagtail_entries(model)._raw_delete(using=connection.alias)
    with connection.cursor() as cursor:
        cursor.execute(f'DROP TABLE IF EXISTS "{BENCH_TABLE}"')
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.filter(app_label="bench_search").delete()
    ctx.log(f"BENCH_SEARCH_CLEANUP: {removed:,} Wagtail index entries and {BENCH_TABLE} removed")


# The benchmark ---------------------------------------------------------------------------------------


def _word_medians(samples: dict[str, list[float]]) -> str:
    return ", ".join(f"{word} {median(values)}" for word, values in samples.items())


def _estimates_note(estimates: dict[str, tuple[int, bool]]) -> str:
    return ", ".join(f"{word} {'约 ' if estimated else ''}{total:,}" for word, (total, estimated) in estimates.items())


def _all(samples: dict[str, list[float]]) -> list[float]:
    return [value for values in samples.values() for value in values]


@benchmark("search")
@override_settings(ELASTICSEARCH_URL="")
def search(ctx: Context) -> list[Figure]:
    from wagtail.search.backends import get_search_backend

    from search.models import SearchEntry

    dataset = find_dataset()
    if dataset is None or dataset.opinions != ctx.scale:
        found = "no data set" if dataset is None else f"a data set of {dataset.opinions:,} opinions"
        raise RuntimeError(
            f"search needs the data set of {ctx.scale:,} opinions and never builds it; the database has {found}: "
            f"build it with `make bench BENCH_ARGS='bench --scale {ctx.scale}'`"
        )
    if connection.vendor != "postgresql":
        raise RuntimeError("search compares PostgreSQL backends: run it on PostgreSQL (make bench does)")
    figures = [_index_figure(ctx, dataset)]
    documents = SearchEntry.objects.count()

    staff, staff_found, public, public_found, estimates = _our_queries(ctx)
    true = _true_counts(SearchEntry._meta.db_table, WORDS)
    public_true = _true_counts(SearchEntry._meta.db_table, WORDS, "WHERE public")
    for word in WORDS:
        if staff_found[word] > true[word] or public_found[word] > public_true[word]:
            ctx.log(
                f"{word}: more found than contain it (staff {staff_found[word]:,}/{true[word]:,}, "
                f"public {public_found[word]:,}/{public_true[word]:,})"
            )

    backend = get_search_backend("default")
    wagtail_note = _wagtail_index(ctx, backend, documents)
    wagtail_samples, wagtail_found = _wagtail_queries(ctx, backend)
    wagtail_true = _true_counts(BENCH_TABLE, WORDS)
    # Wagtail's index is one table for every model, and each page saved anywhere averages the title length
    # over all of it: a million entries of this comparison would add half a second to every page save that
    # other benchmarks (draft import) time. They go; the next run indexes them again.
    _wagtail_entries(bench_text_model())._raw_delete(using=connection.alias)
    with connection.cursor() as cursor:  # FULL: a plain VACUUM leaves the table's pages for every scan to read
        cursor.execute(f'VACUUM FULL ANALYZE "{_wagtail_entries(bench_text_model()).model._meta.db_table}"')

    words = "、".join(WORDS)
    setting = f"{documents:,} documents ({_kinds_note(_kinds())}); words {words}; {RUNS} runs each"
    figures += [
        Figure(
            "search.query_p50_ms",
            median(_all(staff)),
            "ms",
            f"search.selectors.search as staff, top 20 + 6 facets + highlights; {setting}; per word "
            f"{_word_medians(staff)}; anonymous public search p50 {median(_all(public))} ms "
            f"(per word {_word_medians(public)}); totals shown (约 = estimated, over {CANDIDATES:,} "
            f"candidates): {_estimates_note(estimates)}",
        ),
        Figure(
            "search.recall",
            _ratio(staff_found, true),
            "",
            f"matching (DatabaseBackend.count)/true (strpos over titles and bodies) as staff, all kinds: "
            f"{_counts_note(staff_found, true)}; "
            f"anonymous {_ratio(public_found, public_true)} over public documents: "
            f"{_counts_note(public_found, public_true)}",
        ),
        Figure(
            "search.wagtail_recall",
            _ratio(wagtail_found, wagtail_true),
            "",
            f"wagtail.search.backends.database (PostgresSearchBackend), BenchText copy of the same {documents:,} "
            f"documents, .count() per word: {_counts_note(wagtail_found, wagtail_true)}",
        ),
        Figure(
            "search.wagtail_p50_ms",
            median(_all(wagtail_samples)),
            "ms",
            f"backend.search(word, BenchText)[:20], no facets or highlights; {setting}; per word "
            f"{_word_medians(wagtail_samples)}; {wagtail_note}",
        ),
    ]
    if os.environ.get("BENCH_SEARCH_CLEANUP", "") == "1":
        _cleanup(ctx)
    return figures
