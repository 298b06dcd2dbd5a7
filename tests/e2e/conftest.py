"""Browser tests: Playwright for Python driving Debian's Chromium against pytest-django's live server."""

import contextlib
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.e2e.a11y import AXE as CHECKER_PATH
from tests.e2e.a11y import CHECKER, CheckedBrowser

# Playwright's sync API runs an event loop in this thread; the test code's own ORM calls are
# still plain synchronous calls, which Django would otherwise refuse beside a running loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}: .ci/run should have installed it")
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield CheckedBrowser(browser)
        browser.close()


@pytest.fixture(autouse=True)
def accessibility(request):
    """Every page a browser test loads is checked with axe-core (tests/e2e/a11y.py); the test that loaded a
    page with a serious or critical violation fails here, after its pages have answered."""
    if CHECKER.wanted and not CHECKER.available and os.environ.get("CI"):
        pytest.fail(f"axe-core not installed at {CHECKER_PATH}: .ci/run should have run `make axe`")
    CHECKER.test = request.node.nodeid
    yield
    CHECKER.test = ""
    found = CHECKER.take(request.node.nodeid)
    if found:
        pytest.fail("axe-core (WCAG 2.1 A/AA) found serious or critical violations:\n" + "\n".join(found))


def pytest_terminal_summary(terminalreporter):
    if CHECKER.claimed:
        terminalreporter.write_line(CHECKER.summary())


def pytest_sessionfinish(session):
    # A finding that reached no test (its page answered after the test that loaded it had ended) still fails.
    if any(CHECKER.found.values()) and session.exitstatus == 0:
        session.exitstatus = 1


def _new_page(browser, request, viewport, live_server):
    context = browser.new_context(viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai")
    # Intranets: no request may leave the site (no Gravatar, CDN or font service). Any request to
    # another host is refused and fails the test.
    site = urlsplit(live_server.url).netloc
    elsewhere: list[str] = []

    def guard(route):
        url = route.request.url
        if urlsplit(url).scheme in ("http", "https", "ws", "wss") and urlsplit(url).netloc != site:
            elsewhere.append(url)
            route.abort()
        else:
            route.continue_()

    context.route("**/*", guard)
    # A Content-Security-Policy violation fails the test as a request leaving the site does (issue 21).
    context.add_init_script(
        "window.__cspViolations = [];"
        "document.addEventListener('securitypolicyviolation', e => {"
        # axe-core, given to every page by the test itself (tests/e2e/a11y.py), formats its messages with
        # new Function(): an eval with no source file is the test's own script, never the site's.
        " if (e.blockedURI === 'eval' && !e.sourceFile) return;"
        " window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' at '"
        " + e.sourceFile + ':' + e.lineNumber); });"
    )
    violations: list[str] = []

    def collect(frame_page):
        with contextlib.suppress(Exception):  # a page closing or navigating has nothing more to tell
            violations.extend(frame_page.evaluate("window.__cspViolations || []"))

    page = context.new_page()
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    page.set_default_timeout(15_000)
    yield page
    CHECKER.wait(page)
    collect(page)
    context.unroute("**/*")
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        page.screenshot(path=str(ARTIFACTS / f"FAILED-{name}.png"), full_page=True)
    context.close()
    assert not elsewhere, f"requests left the site: {elsewhere}"
    assert not violations, f"Content-Security-Policy violations: {violations}"


@pytest.fixture
def page(browser, request, live_server):
    yield from _new_page(browser, request, DESKTOP, live_server)


@pytest.fixture
def phone_page(browser, request, live_server):
    yield from _new_page(browser, request, PHONE, live_server)


@pytest.fixture
def screenshot():
    """Save a named screenshot under tests/e2e/artifacts/ for a person to look at."""

    def _take(page, name: str):
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    return _take
