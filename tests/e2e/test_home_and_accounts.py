import re

from django.contrib.auth import get_user_model
from django.core import mail
from playwright.sync_api import expect

from tests.factories import ContactPointFactory, DraftFactory


def test_home_page_renders_in_chinese_on_a_phone(phone_page, live_server, screenshot):
    DraftFactory(
        text="示例物业条例\n\n第一条 为了规范物业管理，制定本条例。\n\n第二条 本条例自公布之日起施行。",
        title="示例物业管理条例（征求意见稿）",
    )
    ContactPointFactory.create_batch(2)
    phone_page.goto(live_server.url + "/")
    expect(phone_page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(phone_page.get_by_role("heading", name="正在征求意见")).to_be_visible()
    expect(phone_page.get_by_role("link", name="示例物业管理条例（征求意见稿）")).to_be_visible()
    expect(phone_page.locator(".stat strong")).to_have_text("2")
    # Nothing wider than the phone's screen: no sideways scrolling.
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(phone_page, "home-360")
    phone_page.get_by_role("link", name="示例物业管理条例（征求意见稿）").click()
    expect(phone_page.get_by_text("第一条")).to_be_visible()


def test_citizen_registers_confirms_logs_in_and_out(page, live_server, screenshot):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="注册").click()
    page.get_by_label("电子邮箱或手机号码").fill("resident@example.com")
    page.get_by_label("公开显示名称（可不填）").fill("社区居民")
    page.get_by_label("密码", exact=True).fill("Lüshi-falv-2026")
    page.get_by_label("再次输入密码").fill("Lüshi-falv-2026")
    page.get_by_role("button", name="注册").click()
    expect(page.get_by_text("注册成功")).to_be_visible()
    assert not get_user_model().objects.get(email="resident@example.com").is_active

    code = re.search(r"验证码：?\s*(\d{6})", mail.outbox[-1].body).group(1)
    page.get_by_label("验证码").fill(code)
    page.get_by_role("button", name="确认", exact=True).click()
    expect(page.get_by_text("账号已确认，请登录")).to_be_visible()

    page.get_by_label("用户名、电子邮箱或手机号码").fill("resident@example.com")
    page.get_by_label("密码").fill("Lüshi-falv-2026")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("link", name="社区居民")).to_be_visible()
    screenshot(page, "logged-in")
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_text("您已退出登录")).to_be_visible()
    expect(page.get_by_role("link", name="登录")).to_be_visible()


def test_wrong_password_shows_a_chinese_message(page, live_server):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名、电子邮箱或手机号码").fill("nobody@example.com")
    page.get_by_label("密码").fill("whatever-123")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert")).to_contain_text("账号或密码不正确")


def test_english_switch_and_back(page, live_server, screenshot):
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Open for comment")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    screenshot(page, "home-english")
    page.get_by_role("button", name="中文").click()
    expect(page.get_by_role("heading", name="正在征求意见")).to_be_visible()
