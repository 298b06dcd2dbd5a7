"""axe-core on every page the browser tests load (issue 22: a11y.serious = 0).

Every browser context the tests make (through the `browser` fixture) carries an init script: once a
page's load event has fired and its finite animations and transitions have ended, the page asks the
test process whether this address at this width was checked already, and if not runs axe-core (WCAG
2.0/2.1 A and AA) and hands the serious and critical violations back through an exposed binding. The
bindings only record: they never call back into Playwright, so a check can never block the test that
drives the page. The test that loaded a page with a violation fails at its teardown; a page the test
left before axe answered is counted as unchecked, and the session's summary names them.

axe-core is a test tool, installed by `make axe` outside the repository (AXE_CORE_JS overrides the path);
the init script is given to the browser by the test, never served by the site, and is not subject to the
site's Content-Security-Policy.
"""

import contextlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

AXE = Path(os.environ.get("AXE_CORE_JS", Path.home() / ".cache/legislation-tests/node_modules/axe-core/axe.min.js"))

CHECK = """
(() => {
  if (window.top !== window || window.__a11yInstalled) return;
  window.__a11yInstalled = true;
  window.__a11yPending = 0;
  const settle = async () => {
    // Contrast read from a colour in the middle of a fade is not the page's contrast: wait for the finite
    // animations and transitions running now (an endless spinner is left alone), a few frames at most.
    for (let round = 0; round < 5; round++) {
      const running = document.getAnimations().filter(a => {
        const t = a.effect && a.effect.getComputedTiming();
        return a.playState === "running" && t && t.iterations !== Infinity;
      });
      if (!running.length) return;
      await Promise.race([Promise.all(running.map(a => a.finished.catch(() => null))),
                          new Promise(r => setTimeout(r, 2000))]);
    }
  };
  const run = async () => {
    const key = {url: location.href, width: window.innerWidth};
    if (!(await window.__a11yClaim(key))) return;
    window.__a11yPending++;
    try {
      await settle();
      const tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
      const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
      const found = result.violations.filter(v => v.impact === "serious" || v.impact === "critical")
        .map(v => ({id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" "))}));
      await window.__a11yReport(Object.assign(key, {violations: found}));
    } catch (error) {
      await window.__a11yReport(Object.assign(key, {error: String(error)}));
    } finally {
      window.__a11yPending--;
    }
  };
  if (document.readyState === "complete") run();
  else window.addEventListener("load", () => run(), {once: true});
})();
"""


@dataclass
class Checker:
    """What the checks found, for the whole session and for the test now running."""

    claimed: dict = field(default_factory=dict)  # (url, width) -> test that loaded it first
    answered: set = field(default_factory=set)
    pages: int = 0
    serious: list = field(default_factory=list)  # every finding of the session
    found: dict = field(default_factory=dict)  # test -> findings on the pages it loaded, not yet failed
    errors: list = field(default_factory=list)
    contexts: dict = field(default_factory=dict)  # (url, width) -> the browser context that loaded it
    revisits: int = 0
    test: str = ""
    source: str = ""

    @property
    def available(self) -> bool:
        return AXE.exists()

    @property
    def wanted(self) -> bool:
        """A11Y_CHECK=0 turns the checks off (CI's second run, on PostgreSQL: the pages are the same)."""
        return os.environ.get("A11Y_CHECK", "1") != "0"

    def install(self, context) -> None:
        if not self.source:
            self.source = AXE.read_text(encoding="utf-8")
        context.expose_binding("__a11yClaim", lambda source, key: self.claim(key, source["context"]))
        context.expose_binding("__a11yReport", lambda source, report: self.report(report))
        context.add_init_script(self.source + "\n" + CHECK)

    @staticmethod
    def _key(key: dict) -> tuple[str, int]:
        return key["url"], int(key["width"])

    def claim(self, key: dict, context=None) -> bool:
        if urlsplit(key["url"]).scheme not in ("http", "https"):
            return False
        if self._key(key) in self.claimed:
            return False
        self.claimed[self._key(key)] = self.test
        self.contexts[self._key(key)] = context
        return True

    def revisit(self, context) -> None:
        """Load again, in `context` (same user, same width), each page of it that the test left before axe
        answered, and wait for the answer: a page is checked as the address reads it at the test's end."""
        left = [key for key, owner in self.contexts.items() if owner is context and key not in self.answered]
        for url, _width in left:
            if self.revisits >= 400:  # a bound on the extra page loads of one session
                return
            self.revisits += 1
            test = self.claimed.pop((url, _width))
            with contextlib.suppress(Exception):  # a page gone since (404, a finished flow) is checked as it is
                page = context.new_page()
                self.test, previous = test, self.test
                try:
                    page.goto(url, wait_until="load")
                    self.wait(page)
                finally:
                    self.test = previous
                    page.close()
            self.claimed.setdefault((url, _width), test)

    def report(self, report: dict) -> None:
        key = self._key(report)
        self.answered.add(key)
        if "error" in report:
            self.errors.append(f"{key[1]}px {key[0]}: {report['error']}")
            return
        self.pages += 1
        for violation in report["violations"]:
            line = f"{key[1]}px {key[0]}: {violation['id']} ({violation['impact']}) {violation['nodes']}"
            self.serious.append(line)
            self.found.setdefault(self.claimed.get(key, ""), []).append(line)

    def take(self, test: str) -> list[str]:
        """The findings on the pages `test` loaded, handed over once (the test fails on them)."""
        return self.found.pop(test, [])

    @staticmethod
    def wait(page, rounds: int = 600) -> None:
        """Let the checks running in `page` answer before the test goes on (or closes it). Polled from here:
        wait_for_function would compile its predicate with eval, which the site's CSP refuses."""
        with contextlib.suppress(Exception):  # a closed or JavaScript-less page has nothing to wait for
            for _ in range(rounds):  # 30 s at most; each round lets the bindings answer
                if page.evaluate("!window.__a11yInstalled || window.__a11yPending === 0"):
                    return
                page.wait_for_timeout(50)

    def unchecked(self) -> list[str]:
        return sorted(f"{width}px {url}" for (url, width) in self.claimed.keys() - self.answered)

    def summary(self) -> str:
        lines = [f"a11y: {self.pages} pages, {len(self.serious)} serious"]
        lines += [f"  serious: {line}" for line in self.serious]
        lines += [f"  not answered (error): {line}" for line in self.errors]
        unchecked = self.unchecked()
        if unchecked:
            left = json.dumps(unchecked, ensure_ascii=False)
            lines.append(f"  {len(unchecked)} pages left before axe answered: {left}")
        return "\n".join(lines)


CHECKER = Checker()


class CheckedContext:
    """A browser context whose close first lets the pages' checks answer."""

    def __init__(self, context):
        self._context = context

    def __getattr__(self, name):
        return getattr(self._context, name)

    def close(self, *args, **kwargs):
        for page in self._context.pages:
            CHECKER.wait(page)
        CHECKER.revisit(self._context)
        return self._context.close(*args, **kwargs)


class CheckedBrowser:
    """The session's browser: every context it makes runs axe-core on each page it loads."""

    def __init__(self, browser):
        self._browser = browser

    def __getattr__(self, name):
        return getattr(self._browser, name)

    def new_context(self, *args, **kwargs):
        context = self._browser.new_context(*args, **kwargs)
        if CHECKER.wanted and CHECKER.available and kwargs.get("java_script_enabled", True):
            CHECKER.install(context)
        return CheckedContext(context)

    def new_page(self, *args, **kwargs):
        context = self.new_context(*args, **kwargs)
        page = context.new_page()
        return page
