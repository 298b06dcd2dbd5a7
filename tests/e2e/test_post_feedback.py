"""Issue 22: after posting the confirmation is in view and focused; 附议 keeps the focus and announces."""

from playwright.sync_api import expect

from comments import services
from comments.models import ModerationState, Opinion
from tests.factories import DraftFactory, UserFactory


def test_confirmation_in_view_and_support_keeps_focus(phone_page, live_server, client, screenshot):
    draft = DraftFactory(slug="feedback", title="反馈测试条例")
    article = draft.current_version.provisions.get(kind="article", number=5)
    neighbour = UserFactory(username="neighbour", display_name="楼上邻居")
    earlier, _created = services.opinion_post(user=neighbour, draft=draft, article_id=article.pk, body="值得附议。")
    Opinion.objects.filter(pk=earlier.pk).update(moderation_state=ModerationState.PUBLISHED)
    services._apply_counts([earlier], 1)
    resident = UserFactory(username="resident")
    phone = phone_page
    client.force_login(resident)
    session = client.cookies["sessionid"].value
    phone.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])

    phone.goto(f"{live_server.url}{draft.url}articles/5/")
    phone.get_by_label("您的意见").fill("第五条应当写明期限。")
    phone.get_by_role("button", name="提交意见").click()
    message = phone.locator("#messages")
    expect(message).to_contain_text("审核通过后公开显示")
    expect(message).to_be_in_viewport()
    expect(message).to_be_focused()
    screenshot(phone, "posted-confirmation-phone")

    phone.wait_for_load_state("load")  # thread.js is deferred: a key press before it ran posts the whole page
    button = phone.get_by_role("button", name="附议 0")
    button.focus()
    phone.keyboard.press("Enter")
    done = phone.get_by_role("button", name="已附议 1")
    expect(done).to_be_focused()
    expect(phone.locator(f"#opinion-{earlier.pk} [role=status]")).to_have_text("已附议 1")
    assert Opinion.objects.get(pk=earlier.pk).support_count == 1
    # Pressing again does nothing: no second request, no error.
    phone.keyboard.press("Enter")
    expect(phone.locator(".form-errors")).to_have_count(0)
