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
