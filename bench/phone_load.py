"""Issue 22: what a low-end phone on a weak signal gets.  Chromium through Playwright at 360x740,
network 400 kbps / 400 ms round trip (CDP Network.emulateNetworkConditions), CPU slowed 4x (CDP
Emulation.setCPUThrottlingRate), cold cache for every page.

    python -m bench.phone_load http://127.0.0.1:8110 /drafts/<big-draft>/ [/drafts/<big-draft>/articles/12/]

Prints the issue's figures: drafts.first_view_kb (bytes transferred, compressed, for the whole first
view: document, CSS, JS), phone.big_draft_load_s (to the load event), phone.big_draft_text_px (top of
the first article of the text) and phone.article_load_s.  Timings depend on the machine: on a shared
box they are an upper bound, not a fact about the code.

Registered as the benchmark ``phone`` (``python -m bench phone``, part of ``make bench``): gunicorn
serves the benchmark data set's 1,260-article draft and the same figures go into the table, plus the
whole text's weight (?full=1) for comparison. Without Chromium the benchmark is skipped with a note.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from bench.registry import Context, Figure, benchmark

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
KBPS = 400 * 1000 / 8  # bytes per second


def load(browser, url: str) -> dict:
    """One cold load of ``url`` on the emulated phone: its timings, size and where the text starts."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 400, "downloadThroughput": KBPS, "uploadThroughput": KBPS},
    )
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    transferred = []
    cdp.on("Network.loadingFinished", lambda event: transferred.append(event["encodedDataLength"]))
    page.goto(url, wait_until="load", timeout=180_000)
    timing = page.evaluate(
        """() => {
          const nav = performance.getEntriesByType("navigation")[0];
          const first = document.querySelector(".article, [id^=article-]");
          return {
            load_s: nav.loadEventEnd / 1000,
            html_bytes: nav.transferSize,
            elements: document.getElementsByTagName("*").length,
            height_px: document.documentElement.scrollHeight,
            text_px: first ? first.getBoundingClientRect().top + window.scrollY : null,
          };
        }"""
    )
    timing["kb"] = sum(transferred) / 1024
    context.close()
    return timing


def measure(base: str, draft_path: str, article_paths: list[str]) -> dict:
    """The big draft's first view and each article's load, in one Chromium."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            return {
                "draft": load(browser, base + draft_path),
                "articles": {path: load(browser, base + path) for path in article_paths},
            }
        finally:
            browser.close()


def main(argv: list[str]) -> None:
    base, draft_path, *rest = argv
    found = measure(base, draft_path, rest)
    big = found["draft"]
    print(f"drafts.first_view_kb      {big['kb']:8.1f} KB   (HTML document {big['html_bytes'] / 1024:.1f} KB)")
    print(f"phone.big_draft_load_s    {big['load_s']:8.2f} s    ({big['elements']:,} elements)")
    print(f"phone.big_draft_text_px   {big['text_px'] or -1:8.0f} px   (page {big['height_px']:,} px tall)")
    for path, article in found["articles"].items():
        print(f"phone.article_load_s      {article['load_s']:8.2f} s    {path} ({article['kb']:.1f} KB)")


@benchmark("phone")
def phone(ctx: Context) -> list[Figure]:
    """The issue 22 figures on the benchmark data set's draft, served by gunicorn with the bench settings."""
    if not Path(CHROMIUM).exists():
        ctx.log(f"Chromium not found at {CHROMIUM} (apt-get install chromium): phone figures skipped")
        return []
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        ctx.log("Playwright is not installed (requirements-dev.txt): phone figures skipped")
        return []
    from django.db import connection

    from bench.dataset import ensure_dataset, find_dataset
    from bench.harness import Gunicorn
    from drafts.models import Provision

    # The page's weight hardly depends on the number of opinions: a data set of another scale is used
    # as it is rather than rebuilt.
    dataset = find_dataset() or ensure_dataset(ctx)
    hot = Provision.objects.get(pk=dataset.hot_article_id).number
    article_path = f"{dataset.url}articles/{hot}/"
    extra = {}
    if connection.vendor == "sqlite":
        extra["DATABASE_URL"] = f"sqlite:///{connection.settings_dict['NAME']}"
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/1")
    with tempfile.TemporaryDirectory(prefix="bench-phone-") as directory:
        server = Gunicorn(Path(directory), redis_url, workers=2, worker_class="sync", threads=1, extra_env=extra)
        server.start()
        try:
            # The server's text cache warm, as on a site in use; the browser's cache is cold on every load.
            for path in (dataset.url, article_path, f"{dataset.url}?full=1"):
                server.get(path)
            found = measure(server.url, dataset.url, [article_path])
            whole = measure(server.url, f"{dataset.url}?full=1", [])["draft"]
        finally:
            server.stop()
    big, article = found["draft"], found["articles"][article_path]
    note = f"{dataset.opinions:,} opinions; 360x740, 400 kbps, 400 ms, CPU x4, cold cache"
    return [
        Figure(
            "drafts.first_view_kb", round(big["kb"], 1), "KB", f"HTML {big['html_bytes'] / 1024:.1f} KB; budget 150 KB"
        ),
        Figure("phone.big_draft_load_s", round(big["load_s"], 2), "s", f"{big['elements']:,} elements; {note}"),
        Figure(
            "phone.big_draft_text_px", round(big["text_px"] or -1), "px", f"page {big['height_px']:,} px; budget 1,500"
        ),
        Figure("phone.article_load_s", round(article["load_s"], 2), "s", f"第{hot}条, {article['kb']:.1f} KB"),
        Figure(
            "phone.full_text_kb", round(whole["kb"], 1), "KB", f"?full=1 in {whole['load_s']:.1f} s, for comparison"
        ),
    ]


if __name__ == "__main__":
    main(sys.argv[1:])
