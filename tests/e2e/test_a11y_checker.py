"""The checker that runs axe-core on every page of the browser tests (tests/e2e/a11y.py) reports what it
should: a page with known serious violations, served on the live server's address by the test itself, is
found and handed to the test that loaded it; a clean page is counted without a finding."""

from tests.e2e.a11y import CHECKER

BROKEN = """<!doctype html><html lang="zh-CN"><head><title>坏页面</title></head><body><main>
<h1>坏页面</h1><img src="/static/missing.png"><button type="button"></button>
</main></body></html>"""
CLEAN = """<!doctype html><html lang="zh-CN"><head><title>好页面</title></head><body><main>
<h1>好页面</h1><p>正文。</p></main></body></html>"""


def test_a_page_with_serious_violations_is_reported_to_the_test_that_loaded_it(page, live_server, request):
    if not (CHECKER.available and CHECKER.wanted):
        return  # checks turned off (A11Y_CHECK=0), or axe-core missing (the fixture fails the test in CI)

    def serve(html):
        return lambda route: route.fulfill(body=html, content_type="text/html")

    for path, html in (("/a11y-broken/", BROKEN), ("/a11y-clean/", CLEAN)):
        page.route(f"{live_server.url}{path}", serve(html))
    answered = CHECKER.pages
    page.goto(f"{live_server.url}/a11y-clean/")
    CHECKER.wait(page)
    page.goto(f"{live_server.url}/a11y-broken/")
    CHECKER.wait(page)
    assert CHECKER.pages == answered + 2
    found = CHECKER.take(request.node.nodeid)  # taken here, so that this test does not fail on them
    assert any("/a11y-broken/: image-alt (critical)" in line for line in found), found
    assert any("/a11y-broken/: button-name (critical)" in line for line in found), found
    assert not any("/a11y-clean/" in line for line in found)
    # They are the checker's own test pages, not the site's: out of the session's count.
    CHECKER.serious[:] = [line for line in CHECKER.serious if line not in found]
    CHECKER.pages -= 2
