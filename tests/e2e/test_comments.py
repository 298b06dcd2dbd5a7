"""A citizen registers and comments on article 5, replies and supports; a moderator publishes; a visitor reads."""

import re
from pathlib import Path

from django.core import mail
from playwright.sync_api import expect

from cms.roles import Role
from comments import services
from comments.models import ModerationState, Opinion
from tests.factories import PASSWORD, DraftFactory, UserFactory

HANGZHOU = Path(__file__).resolve().parents[2] / "drafts" / "fixtures" / "杭州市物业管理条例(2021-08-09).md"


def _log_in(page, live_server, username):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名、电子邮箱或手机号码").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_citizen_comments_replies_supports_moderator_publishes_visitor_reads(
    browser, phone_page, page, live_server, screenshot
):
    draft = DraftFactory(
        text=HANGZHOU.read_text(encoding="utf-8"), title="杭州市物业管理条例（修订草案）", slug="hangzhou"
    )
    article = draft.current_version.provisions.get(kind="article", number=5)
    neighbour = UserFactory(username="neighbour", display_name="楼上邻居")
    earlier, _created = services.opinion_post(
        user=neighbour, draft=draft, article_id=article.pk, body="建议写明物业公司不得把业主电话号码交给商家。"
    )
    Opinion.objects.filter(pk=earlier.pk).update(moderation_state=ModerationState.PUBLISHED)
    services._apply_counts([earlier], 1)
    UserFactory(username="moderator1", roles=[Role.MODERATOR])

    # A resident registers on a phone, confirms the code and logs in.
    phone = phone_page
    phone.goto(f"{live_server.url}{draft.url}articles/5/")
    phone.get_by_role("link", name="登录后发表意见").click()
    phone.get_by_role("link", name="注册").first.click()
    phone.get_by_label("电子邮箱或手机号码").fill("laoli@example.com")
    phone.get_by_label("公开显示名称（可不填）").fill("退休老李")
    phone.get_by_label("密码", exact=True).fill("Lao-Li-2026-zhuzhai")
    phone.get_by_label("再次输入密码").fill("Lao-Li-2026-zhuzhai")
    phone.get_by_role("button", name="注册").click()
    code = re.search(r"验证码：?\s*(\d{6})", mail.outbox[-1].body).group(1)
    phone.get_by_label("验证码").fill(code)
    phone.get_by_role("button", name="确认", exact=True).click()
    phone.get_by_label("用户名、电子邮箱或手机号码").fill("laoli@example.com")
    phone.get_by_label("密码").fill("Lao-Li-2026-zhuzhai")
    phone.get_by_role("button", name="登录").click()
    expect(phone.get_by_role("link", name="我的意见")).to_be_visible()

    # Comment on article 5.
    phone.goto(f"{live_server.url}{draft.url}articles/5/")
    phone.get_by_label("您的意见").fill("第五条应当写明：物业服务人收集业主信息须经业主同意，<b>不得</b>用于广告。")
    phone.get_by_role("button", name="提交意见").click()
    expect(phone.get_by_text("审核通过后公开显示")).to_be_visible()

    # Support the neighbour's comment (without leaving the page) and reply to it.
    phone.wait_for_load_state("load")  # thread.js is deferred: a click before it ran posts the whole page
    phone.get_by_role("button", name="附议 0").click()
    expect(phone.get_by_role("button", name="已附议 1")).to_be_focused()
    phone.locator(f"#opinion-{earlier.pk}").get_by_role("link", name="回复").click()
    phone.get_by_label("回复 楼上邻居").fill("同意，还应当规定泄露信息的赔偿责任。")
    phone.get_by_role("button", name="发表回复").click()
    expect(phone.get_by_text("审核通过后公开显示")).to_be_visible()
    phone.goto(live_server.url + "/my/opinions/")
    expect(phone.get_by_text("待审核")).to_have_count(2)

    # The moderator publishes both from the queue.
    _log_in(page, live_server, "moderator1")
    page.goto(live_server.url + "/admin/opinions/moderation/")
    expect(page.get_by_text("第五条应当写明")).to_be_visible()
    page.locator("thead [data-bulk-action-select-all-checkbox]").check()
    page.get_by_role("link", name="发布所选意见", exact=True).click()
    page.get_by_role("button", name="发布", exact=True).click()
    expect(page.get_by_text("已处理 2 条意见")).to_be_visible()

    # A visitor on a phone sees both, with the markup shown as text.
    visitor = browser.new_context(viewport={"width": 360, "height": 780}, locale="zh-CN").new_page()
    visitor.goto(f"{live_server.url}{draft.url}articles/5/")
    thread = visitor.locator("#opinions")
    expect(thread).to_contain_text("退休老李")
    expect(thread).to_contain_text("<b>不得</b>")
    expect(thread).to_contain_text("同意，还应当规定泄露信息的赔偿责任。")
    expect(thread).to_contain_text("附议 1")
    expect(thread).not_to_contain_text("laoli@example.com")
    assert visitor.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(visitor, "article-5-thread-phone")

    # On the draft page the count opens the thread in place.
    visitor.goto(f"{live_server.url}{draft.url}")
    visitor.locator(f'a[data-article-id="{article.pk}"]').click()
    expect(visitor.locator(".thread-inline")).to_contain_text("退休老李")
    visitor.context.close()


def test_a_long_paste_is_kept_whole_counted_and_refused_with_a_message(phone_page, live_server, screenshot):
    draft = DraftFactory(
        text=HANGZHOU.read_text(encoding="utf-8"), title="杭州市物业管理条例（修订草案）", slug="hangzhou"
    )
    UserFactory(username="laozhang", display_name="老张")
    _log_in(phone_page, live_server, "laozhang")
    # From the draft page: every article says how to comment on it.
    phone_page.goto(f"{live_server.url}{draft.url}")
    phone_page.locator("#p-article-1, article.article").first.get_by_role("link", name="发表意见").click()
    expect(phone_page.get_by_label("您的意见")).to_be_visible()
    box = phone_page.get_by_label("您的意见")
    text = "建议" + "物业服务收费应当公开透明。" * 161  # 2,095 characters: over the 2,000 limit
    box.fill(text)
    count = phone_page.locator(".opinion-form__count")
    expect(count).to_contain_text("超出")
    assert box.input_value() == text  # nothing cut
    screenshot(phone_page, "long-paste-counted")
    phone_page.get_by_role("button", name="提交意见").click()
    expect(phone_page.get_by_role("alert")).to_contain_text("2000")
    assert phone_page.get_by_label("您的意见").input_value() == text  # the text is still there
    assert not Opinion.objects.exists()


def test_the_feedback_table_fits_a_phone_without_squeezing_the_article_column(phone_page, live_server):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    draft = DraftFactory(
        text=HANGZHOU.read_text(encoding="utf-8"),
        title="杭州市物业管理条例（修订草案）",
        slug="hangzhou",
        opens_at=now - timedelta(days=30),
        closes_at=now - timedelta(days=1),
    )
    for number, disposition in ((12, "adopted"), (45, "partly_adopted"), (88, "not_adopted")):
        Opinion.objects.create(
            draft=draft,
            version=draft.current_version,
            article=draft.current_version.provisions.get(kind="article", number=number),
            body="建议明确物业服务收费标准。",
            moderation_state=ModerationState.PUBLISHED,
            disposition=disposition,
            disposition_reason="已研究。",
        )
    phone_page.goto(f"{live_server.url}/opinions/drafts/{draft.pk}/feedback/")
    scroller = phone_page.locator(".table-scroll")
    widths = scroller.evaluate("e => [e.scrollWidth, e.clientWidth]")
    assert widths[0] <= widths[1], widths  # every column in view
    label = phone_page.get_by_role("link", name="第十二条")
    line = phone_page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('.data-table tbody th')).lineHeight)"
    )
    assert label.bounding_box()["height"] < 1.5 * line  # 第十二条 on one line
    assert scroller.get_attribute("tabindex") == "0"  # a table wider than a phone can be scrolled by keyboard
