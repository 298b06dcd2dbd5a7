"""The public sees why, on a phone: a changed article's badge leads to its redline and reasons, readable
without colour; the feedback says what each article became."""

import pytest
from playwright.sync_api import expect

from comments.models import Disposition
from drafts.models import DraftStage
from drafts.parser import parse_text
from drafts.services import draft_version_create
from tests.drafts.test_comparison import A1, A2, A4, A6, INSERTED, OLD, opinion, revised
from tests.e2e.test_axe import AXE, _violations
from tests.factories import DraftFactory

NEW_FIVE = "业主应当遵守管理规约和业主大会的决定。"


@pytest.fixture
def revised_draft(draft_index):
    draft = DraftFactory(index=draft_index, slug="wuye", text=OLD, title="示例条例", closed=True)
    draft_version_create(
        draft=draft,
        result=parse_text(revised(A1, A2, A4, NEW_FIVE, A6, INSERTED, chapter_two_at=3)),
        stage=DraftStage.REVISED,
    )
    draft.refresh_from_db()
    four = draft.current_version.provisions.get(kind="article", number=4)
    opinion(draft, article=5, resulting=four, disposition=Disposition.ADOPTED, reason="写明业主大会的决定。")
    opinion(draft, article=3, resulting=None, disposition=Disposition.NOT_ADOPTED, reason="已有规定。")
    return draft


def test_a_reader_follows_the_badge_to_the_redline_and_the_reasons_on_a_phone(
    phone_page, live_server, revised_draft, screenshot
):
    phone_page.goto(live_server.url + revised_draft.url)
    phone_page.get_by_role("link", name="本条有修改").click()
    expect(phone_page).to_have_url(f"{live_server.url}{revised_draft.url}articles/4/#changes")
    section = phone_page.locator("#changes")
    expect(section).to_contain_text("与征求意见稿相比，本条有修改（原第五条）")
    expect(section).to_contain_text("写明业主大会的决定。")
    inserted = section.locator(".diff-text ins")
    expect(inserted).to_have_text("增加：和业主大会的决定")
    # Not colour alone: insertions are underlined, and the hidden word is there for screen readers only.
    assert "underline" in inserted.evaluate("e => getComputedStyle(e).textDecorationLine")
    assert inserted.locator(".visually-hidden").bounding_box()["width"] <= 1
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(phone_page, "revision-article-change-phone")

    phone_page.goto(f"{live_server.url}/opinions/drafts/{revised_draft.pk}/feedback/")
    expect(phone_page.locator(".data-table")).to_contain_text("第四条（已修改）")
    expect(phone_page.locator(".data-table")).to_contain_text("已删除")
    screenshot(phone_page, "revision-feedback-table-phone")
    phone_page.get_by_role("link", name="第五条").click()
    expect(phone_page.locator(".feedback-outcome")).to_contain_text("修改稿第四条修改为：")
    expect(phone_page.locator(".feedback-outcome .diff-text ins")).to_have_text("增加：和业主大会的决定")
    screenshot(phone_page, "revision-feedback-article-phone")


def test_the_change_and_feedback_pages_have_no_serious_axe_violations(browser, live_server, revised_draft):
    if not AXE.exists():
        pytest.skip(f"axe-core not installed at {AXE}: run `make axe`")
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    five = revised_draft.versions.get(number=1).provisions.get(kind="article", number=5)
    found = {
        path: _violations(page, live_server.url + path)
        for path in (
            revised_draft.url,
            f"{revised_draft.url}articles/4/",
            f"/opinions/drafts/{revised_draft.pk}/feedback/",
            f"/opinions/drafts/{revised_draft.pk}/feedback/?article={five.pk}",
        )
    }
    context.close()
    assert found == dict.fromkeys(found, [])
