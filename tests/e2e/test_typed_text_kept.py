"""Issue 20 item 7: what a citizen types stays in the page until it is saved. A reload (or the way back from
the outage page) brings the text back; once the opinion is saved, the kept copy is gone."""

from playwright.sync_api import expect

from tests.factories import DraftFactory, UserFactory


def test_typed_text_survives_a_reload_and_is_forgotten_once_saved(phone_page, live_server, client):
    draft = DraftFactory(slug="kept", title="保留输入测试条例")
    resident = UserFactory(username="resident")
    client.force_login(resident)
    phone = phone_page
    phone.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )

    phone.goto(f"{live_server.url}{draft.url}articles/5/")
    box = phone.get_by_label("您的意见")
    box.fill("第五条应当写明公示的期限和方式。")
    phone.goto(f"{live_server.url}{draft.url}")  # away, then a fresh load: no form state of the browser's
    phone.goto(f"{live_server.url}{draft.url}articles/5/")
    expect(phone.get_by_label("您的意见")).to_have_value("第五条应当写明公示的期限和方式。")

    phone.get_by_role("button", name="提交意见").click()
    expect(phone.locator("#messages")).to_contain_text("审核通过后公开显示")
    phone.wait_for_load_state("load")  # the confirmation page's deferred script forgets the kept copy
    phone.goto(f"{live_server.url}{draft.url}articles/5/")
    expect(phone.get_by_label("您的意见")).to_have_value("")
