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


def test_a_long_draft_on_a_phone_reads_part_by_part_and_old_links_find_their_part(
    phone_page, browser, live_server, draft_index
):
    """Issue 22: a long draft opens on its first chapter; links to the whole text's anchors from before
    (…/#article-245, …/#chapter-N) land on the part that holds them; without JavaScript the contents
    and the pager still lead everywhere."""
    from drafts.models import Provision
    from drafts.parser import parse_text
    from drafts.services import draft_create
    from tests.drafts.test_parts import long_text

    draft = draft_create(index=draft_index, result=parse_text(long_text()), slug="long", publish=True)
    url = live_server.url + draft.url
    phone_page.goto(url)
    expect(phone_page.locator("article.article")).to_have_count(30)
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360

    phone_page.goto(f"{url}#article-245")
    expect(phone_page.locator("#article-245")).to_be_in_viewport()
    assert "article=245" in phone_page.url
    chapter = Provision.objects.filter(version=draft.current_version, kind="chapter").order_by("position")[8]
    phone_page.goto(f"{url}#chapter-{chapter.pk}")
    expect(phone_page.locator(f"#chapter-{chapter.pk}")).to_be_in_viewport()
    assert "chapter=9" in phone_page.url

    context = browser.new_context(viewport={"width": 360, "height": 780}, locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    page.goto(url)
    page.locator(".toc-card summary").click()
    page.get_by_role("link", name="第五章　第五章的标题").click()
    expect(page.locator(".part-bar")).to_contain_text("第 5 部分，共 10 部分")
    expect(page.locator("#article-121")).to_be_visible()
    page.get_by_role("link", name="下一部分").click()
    expect(page.locator(".part-bar")).to_contain_text("第 6 部分")
    page.get_by_role("link", name="阅读全文").click()
    expect(page.locator("article.article")).to_have_count(320)
    context.close()
