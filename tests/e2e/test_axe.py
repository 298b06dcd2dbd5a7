"""Issue 22: axe-core (WCAG 2.0/2.1 A and AA) finds no serious or critical violation on the main pages.

axe-core is a test tool, never served to users: `make axe` installs it from npm outside the
repository (AXE_CORE_JS overrides the path); the test injects it into each page itself.
"""

import json
import os
from pathlib import Path

import pytest

from cms.roles import Role
from tests.factories import PASSWORD, ContactPointFactory, DraftFactory, UserFactory

AXE = Path(os.environ.get("AXE_CORE_JS", Path.home() / ".cache/legislation-tests/node_modules/axe-core/axe.min.js"))
RUN = """async () => {
  const tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return result.violations.filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
}"""


def _violations(page, url):
    page.goto(url)
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    return page.evaluate(RUN)


def test_main_pages_have_no_serious_axe_violations(browser, live_server, draft_index):
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail(f"axe-core not installed at {AXE}: .ci/run should have run `make axe`")
        pytest.skip(f"axe-core not installed at {AXE}: run `make axe`")
    draft = DraftFactory(index=draft_index, slug="axe", title="无障碍测试条例")
    from tests.drafts.test_parts import long_text

    long = DraftFactory(index=draft_index, slug="axe-long", title="长篇无障碍测试条例", text=long_text())
    point = ContactPointFactory(name="湖滨街道基层立法联系点", district="上城区")
    UserFactory(username="staff-axe", roles=[Role.STAFF])
    found = {}
    for viewport in ({"width": 360, "height": 740}, {"width": 1280, "height": 900}):
        # bypass_csp: only so that the test can inject axe; the pages themselves are unchanged.
        context = browser.new_context(viewport=viewport, locale="zh-CN", bypass_csp=True)
        page = context.new_page()
        public = [
            "/",
            draft.url,
            f"{draft.url}articles/5/",
            long.url,  # a long draft read part by part (issue 22)
            f"{long.url}?chapter=2",
            "/contact-points/",
            f"/contact-points/{point.pk}/",
            "/search/?q=物业",
            "/accounts/login/",
            "/accounts/register/",
        ]
        for path in public:
            found[(viewport["width"], path)] = _violations(page, live_server.url + path)
        page.goto(live_server.url + "/accounts/login/")
        page.get_by_label("用户名、电子邮箱或手机号码").fill("staff-axe")
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        for path in ("/admin/", "/admin/opinions/", f"/admin/opinions/?draft={draft.pk}"):
            found[(viewport["width"], path)] = _violations(page, live_server.url + path)
        context.close()
    serious = {f"{w}px {path}": v for (w, path), v in found.items() if v}
    assert not serious, json.dumps(serious, ensure_ascii=False, indent=1)


def _log_in(page, live_server, username):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名、电子邮箱或手机号码").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_coordinator_and_liaison_pages_have_no_serious_axe_violations(browser, live_server, draft_index):
    """The contact point's workspace (meeting, batch with its items, an item's edit, feedback) and a
    department's referral inbox and a referral (to acknowledge, then to answer), on a phone and a desk."""
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail(f"axe-core not installed at {AXE}: .ci/run should have run `make axe`")
        pytest.skip(f"axe-core not installed at {AXE}: run `make axe`")
    from datetime import timedelta

    from django.utils import timezone

    from comments.models import ModerationState, Opinion
    from contact_points import services as points
    from referrals import services as referrals
    from tests.factories import DepartmentFactory

    draft = DraftFactory(index=draft_index, slug="axe-work", title="无障碍测试条例")
    coordinator = UserFactory(username="coord-axe", display_name="翠苑联络员", roles=[Role.COORDINATOR])
    point = ContactPointFactory(name="翠苑一区社区基层立法联系点")
    point.coordinators.add(coordinator)
    batch = points.batch_open(user=coordinator, contact_point=point, draft=draft)
    article = draft.current_version.provisions.get(kind="article", number=2)
    item = points.batch_item_save(
        user=coordinator, batch=batch, body="建议写明表决方式。", article_id=article.pk, proposer_name="王阿姨"
    )
    staff = UserFactory(username="staff-axe2", roles=[Role.STAFF])
    liaison = UserFactory(username="liaison-axe", display_name="房管局联络人", roles=[Role.LIAISON])
    department = DepartmentFactory(name="杭州市住房保障和房产管理局")
    department.liaisons.add(liaison)
    opinion = Opinion.objects.create(
        draft=draft,
        version=draft.current_version,
        article=article,
        author=UserFactory(username="citizen-axe"),
        body="建议明确物业服务合同的衔接。",
        moderation_state=ModerationState.PUBLISHED,
    )
    referral = referrals.opinions_forward(
        staff=staff, opinion_ids=[opinion.pk], department=department, deadline=timezone.now() + timedelta(days=10)
    )
    workspace = f"/workspace/{point.pk}/"
    coordinator_pages = [
        workspace,
        f"{workspace}meetings/new/",
        f"{workspace}batches/{batch.pk}/",
        f"{workspace}batches/{batch.pk}/?show=candidate",
        f"{workspace}batches/{batch.pk}/items/{item.pk}/",
        f"{workspace}feedback/",
    ]
    found = {}
    for viewport in ({"width": 360, "height": 740}, {"width": 1280, "height": 900}):
        context = browser.new_context(viewport=viewport, locale="zh-CN", bypass_csp=True)
        page = context.new_page()
        _log_in(page, live_server, "coord-axe")
        for path in coordinator_pages:
            found[(viewport["width"], path)] = _violations(page, live_server.url + path)
        context.close()
        context = browser.new_context(viewport=viewport, locale="zh-CN", bypass_csp=True)
        page = context.new_page()
        _log_in(page, live_server, "liaison-axe")
        for path in ("/referrals/", "/referrals/?show=closed", f"/referrals/{referral.pk}/"):
            found[(viewport["width"], path)] = _violations(page, live_server.url + path)
        if viewport["width"] == 360:  # acknowledged: the reply and extension forms appear
            page.get_by_role("button", name="签收").click()
            page.wait_for_load_state()
        found[(viewport["width"], "acknowledged")] = _violations(page, f"{live_server.url}/referrals/{referral.pk}/")
        context.close()
    serious = {f"{w}px {path}": v for (w, path), v in found.items() if v}
    assert not serious, json.dumps(serious, ensure_ascii=False, indent=1)
