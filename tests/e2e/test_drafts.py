"""Staff import and publish a draft in the admin; a visitor on a phone opens one article by its URL."""

from pathlib import Path

from playwright.sync_api import expect

from cms.models import HomePage
from cms.roles import Role
from drafts.models import DraftIndexPage, DraftPage
from tests.factories import PASSWORD, UserFactory

HANGZHOU = Path(__file__).resolve().parents[2] / "drafts" / "fixtures" / "杭州市物业管理条例(2021-08-09).md"


def test_staff_import_and_publish_then_visitor_reads_article_12_on_a_phone(page, phone_page, live_server, screenshot):
    home = HomePage.objects.get()
    index = DraftIndexPage(title="法规草案", slug="drafts")
    home.add_child(instance=index)
    index.save_revision().publish()
    UserFactory(username="clerk", roles=[Role.STAFF])

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名、电子邮箱或手机号码").fill("clerk")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("link", name="管理后台")).to_be_visible()

    page.goto(live_server.url + "/admin/drafts/import/")
    page.get_by_label("草案文件").set_input_files(str(HANGZHOU))
    page.get_by_role("button", name="解析并预览").click()
    expect(page.locator(".import-counts")).to_contain_text("93")
    expect(page.get_by_text("没有发现问题。")).to_be_visible()
    screenshot(page, "admin-import-preview")
    page.get_by_role("button", name="保存为未发布的草案").click()
    expect(page.get_by_text("草案尚未发布")).to_be_visible()

    # Publish from Wagtail's editor: the publish action sits in the footer's action menu.
    page.get_by_role("button", name="更多动作").click()
    page.get_by_role("button", name="发布", exact=True).click()
    draft = DraftPage.objects.get()
    expect(page.get_by_text("已经发布")).to_be_visible()
    draft.refresh_from_db()
    assert draft.live

    phone_page.goto(f"{live_server.url}{draft.url}articles/12/")
    expect(phone_page.locator("article.article")).to_contain_text("第十二条")
    expect(phone_page.get_by_role("link", name="第十三条 ›")).to_be_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(phone_page, "article-12-phone")
    phone_page.get_by_role("link", name="查看全文").click()
    expect(phone_page.locator("#article-12")).to_be_in_viewport()
    screenshot(phone_page, "draft-text-phone")
