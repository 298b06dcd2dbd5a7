"""Draft benchmarks: importing texts and serving the public page of a 1,260-article draft."""

from __future__ import annotations

import time

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.dataset import FIXTURES, civil_code_text, ensure_dataset
from bench.registry import Context, Figure, benchmark, median, timed


def _import_seconds(text: str, repeat: int = 3) -> float:
    """Median seconds to parse a text and store it as a new unpublished draft (rolled back)."""
    from drafts.models import DraftIndexPage
    from drafts.parser import parse_text
    from drafts.services import draft_create

    index = DraftIndexPage.objects.first()
    samples = []
    for _ in range(repeat):
        with transaction.atomic():
            started = time.perf_counter()
            draft_create(index=index, result=parse_text(text), slug="bench-import")
            samples.append(time.perf_counter() - started)
            transaction.set_rollback(True)
    return round(sorted(samples)[len(samples) // 2], 3)


@benchmark("drafts")
def drafts(ctx: Context) -> list[Figure]:
    dataset = ensure_dataset(ctx)
    company_law = (FIXTURES / "公司法(2023-12-29).md").read_text(encoding="utf-8")
    figures = [
        Figure("drafts.import_company_law_s", _import_seconds(company_law), "s", "266 articles, parse + store"),
        Figure("drafts.import_1260_s", _import_seconds(civil_code_text()), "s", "1,260 articles, parse + store"),
    ]
    client = Client()
    response = client.get(dataset.url)
    if response.status_code != 200:
        raise RuntimeError(f"draft page answered {response.status_code}")
    with CaptureQueriesContext(connection) as queries:
        client.get(dataset.url)
    query_count = len(queries)  # read now: each request clears the connection's query log
    samples = timed(lambda: client.get(dataset.url), repeat=30)
    figures += [
        Figure("drafts.page_queries", query_count, "queries", f"{dataset.opinions:,} opinions on the draft"),
        Figure("drafts.page_p50_ms", median(samples), "ms", f"{len(response.content) // 1024:,} KiB of HTML"),
    ]
    return figures


def revised_text(text: str, seed: int = 7) -> str:
    """A second reading of a draft: articles deleted, inserted, changed and one moved; all renumbered."""
    import random
    import re

    from drafts.numerals import to_chinese

    rng = random.Random(seed)
    article = re.compile(r"^第[零一二三四五六七八九十百千]+条　(.*)$")
    heading = re.compile(r"^第[零一二三四五六七八九十百千]+[编章节]　")
    entries: list[tuple[str, str]] = []  # ("article", its whole text) or ("line", a heading or the title)
    for line in text.splitlines():
        found = article.match(line)
        if found:
            entries.append(("article", found.group(1)))
        elif entries and entries[-1][0] == "article" and line and not heading.match(line):
            entries[-1] = ("article", entries[-1][1] + "\n" + line)  # a further paragraph of the article
        else:
            entries.append(("line", line))
    positions = [i for i, (kind, _text) in enumerate(entries) if kind == "article"]
    for n, i in enumerate(positions):
        kind, body = entries[i]
        if n % 97 == 50:
            entries[i] = ("deleted", body)
        elif n % 23 == 5 and len(body) > 20:
            cut = rng.randrange(5, len(body) - 10)
            entries[i] = ("article", body[:cut] + "，但是法律另有规定的除外" + body[cut + 4 :])
    # One article moves to the end of the text's first part.
    moved = entries[positions[10]]
    entries[positions[10]] = ("deleted", "")
    entries.insert(positions[180], moved)
    out: list[str] = []
    number = 0
    for n, (kind, body) in enumerate(entries):
        if kind == "deleted":
            continue
        if kind == "line":
            out.append(body)
            continue
        number += 1
        out.append(f"第{to_chinese(number)}条　{body}")
        if n % 89 == 3:
            number += 1
            out.append(
                f"第{to_chinese(number)}条　县级以上人民政府应当将本条规定的工作经费列入本级财政预算，第{n}号新增条文。"
            )
    return "\n".join(out) + "\n"


@benchmark("drafts_versions")
def drafts_versions(ctx: Context) -> list[Figure]:
    """Import a revised 1,260-article text as version 2 (with matching) and diff it against version 1."""
    from drafts.models import DraftPage
    from drafts.parser import parse_text
    from drafts.services import draft_version_create

    dataset = ensure_dataset(ctx)
    draft = DraftPage.objects.get(pk=dataset.draft_id)
    revised = parse_text(revised_text(civil_code_text()))
    samples = []
    for _ in range(3):
        with transaction.atomic():
            started = time.perf_counter()
            draft_version_create(draft=draft, result=revised, make_current=False)
            samples.append(time.perf_counter() - started)
            transaction.set_rollback(True)
    if draft.versions.count() < 2:
        draft_version_create(draft=draft, result=revised, make_current=False)
    client = Client()
    url = f"{dataset.url}diff/?from=1&to=2"
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"diff page answered {response.status_code}")
    diff_samples = timed(lambda: client.get(url), repeat=5, warmup=1)
    return [
        Figure("drafts.version_import_1260_s", round(sorted(samples)[1], 3), "s", "parse + match + store"),
        Figure("drafts.diff_1260_s", round(median(diff_samples) / 1000, 3), "s", "diff page, 1,260 articles each"),
    ]
