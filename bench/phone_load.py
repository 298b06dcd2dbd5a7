"""Issue 22: what a low-end phone on a weak signal gets.  Chromium through Playwright at 360x740,
network 400 kbps / 400 ms round trip (CDP Network.emulateNetworkConditions), CPU slowed 4x (CDP
Emulation.setCPUThrottlingRate), cold cache for every page.

    python -m bench.phone_load http://127.0.0.1:8110 /drafts/<big-draft>/ [/drafts/<big-draft>/articles/12/]

Prints the issue's figures: drafts.first_view_kb (bytes transferred, compressed, for the whole first
view: document, CSS, JS), phone.big_draft_load_s (to the load event), phone.big_draft_text_px (top of
the first article of the text) and phone.article_load_s.  Timings depend on the machine: on a shared
box they are an upper bound, not a fact about the code.
"""

from __future__ import annotations

import sys

from playwright.sync_api import sync_playwright

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


def main(argv: list[str]) -> None:
    base, draft_path, *rest = argv
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        big = load(browser, base + draft_path)
        print(f"drafts.first_view_kb      {big['kb']:8.1f} KB   (HTML document {big['html_bytes'] / 1024:.1f} KB)")
        print(f"phone.big_draft_load_s    {big['load_s']:8.2f} s    ({big['elements']:,} elements)")
        print(f"phone.big_draft_text_px   {big['text_px'] or -1:8.0f} px   (page {big['height_px']:,} px tall)")
        for path in rest:
            article = load(browser, base + path)
            print(f"phone.article_load_s      {article['load_s']:8.2f} s    {path} ({article['kb']:.1f} KB)")
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1:])
