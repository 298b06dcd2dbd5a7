"""Staff write the next version in the revision workspace: apply a citizen's proposed wording with a reason,
see it saved as they type, insert an article, publish the new version and download the 修改前后对照表;
the citizen then sees 「修改为」 under 「我的意见」."""

import io
from pathlib import Path

from docx import Document
from playwright.sync_api import expect

from cms.roles import Role
from comments.models import Disposition, Opinion
from drafts.models import DraftPage, ModerationMode, Provision
from handling.services import opinions_dispose
from revisions.models import RevisionNode
from tests.factories import PASSWORD, DraftFactory, UserFactory

HANGZHOU = Path(__file__).resolve().parents[2] / "drafts" / "fixtures" / "杭州市物业管理条例(2021-08-09).md"


def _log_in(page, live_server, username):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名、电子邮箱或手机号码").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_a_proposal_from_a_phone_becomes_the_new_text_and_the_citizen_sees_it(
    page, phone_page, live_server, screenshot
):
    draft = DraftFactory(
        text=HANGZHOU.read_text(encoding="utf-8"), title="杭州市物业管理条例（修订草案）", slug="hangzhou"
    )
    DraftPage.objects.filter(pk=draft.pk).update(moderation_mode=ModerationMode.POST)
    article = draft.current_version.provisions.get(kind="article", number=12)
    UserFactory(username="resident", display_name="老张")
    staffer = UserFactory(username="staffer", display_name="法工委小王", roles=[Role.STAFF])

    # A resident proposes a wording of 第十二条 on a phone.
    phone = phone_page
    _log_in(phone, live_server, "resident")
    expect(phone.get_by_role("link", name="我的意见")).to_be_visible()
    phone.goto(f"{live_server.url}{draft.url}articles/12/")
    phone.get_by_label("您的意见").fill("建议写明物业管理区域调整后的过渡办法。")
    phone.get_by_label("修改为", exact=True).check()
    wording = phone.get_by_label("建议修改为")
    proposed = wording.input_value() + "\n物业管理区域调整的，原物业服务合同继续履行至期满。"
    wording.fill(proposed)
    phone.get_by_role("button", name="提交意见").click()
    expect(phone.get_by_text("意见已发表")).to_be_visible()
    opinion = Opinion.objects.get(draft=draft)
    assert opinion.proposal.text == proposed
    opinions_dispose(staff=staffer, opinion_ids=[opinion.pk], disposition=Disposition.ADOPTED)

    _log_in(page, live_server, "staffer")
    page.goto(f"{live_server.url}/admin/drafts/{draft.pk}/revision/")
    page.get_by_role("button", name="打开修改稿").click()
    expect(page.get_by_text("已打开修改稿")).to_be_visible()
    page.get_by_role("link", name="第十二条", exact=True).click()
    expect(page.get_by_text(f"第 {opinion.pk} 号意见：修改为")).to_be_visible()
    page.get_by_role("button", name="采用此修改建议").click()
    expect(page.get_by_text(f"已采用第 {opinion.pk} 号意见的修改建议")).to_be_visible()
    expect(page.locator("#id_text")).to_have_value(proposed)
    expect(page.get_by_label(f"第 {opinion.pk} 号", exact=False)).to_be_checked()
    # The reason is saved as it is typed: no button pressed, nothing lost if the tab closes.
    page.get_by_label("修改理由", exact=True).first.fill("采纳公众意见，明确区域调整后的合同衔接。")
    expect(page.locator("[data-role=autosave-status]")).to_contain_text("已自动保存")
    node = RevisionNode.objects.get(revision__draft=draft, kind="article", number=12)
    assert node.reason == "采纳公众意见，明确区域调整后的合同衔接。"
    screenshot(page, "revision-article")

    # Insert an article after 第十条: everything after it is renumbered.
    page.goto(f"{live_server.url}/admin/drafts/{draft.pk}/revision/")
    page.get_by_role("link", name="第十条", exact=True).click()
    page.get_by_text("在本条后增加一条或章节").click()
    insert = page.locator("form", has=page.locator("input[name=action][value=insert]"))
    insert.locator("#id_insert-text").fill("物业服务人应当在物业管理区域显著位置公示服务内容。")
    insert.locator("#id_insert-reason").fill("新增公示义务。")
    insert.get_by_role("button", name="增加").click()
    expect(page.get_by_text("已增加第十一条")).to_be_visible()
    page.goto(f"{live_server.url}/admin/drafts/{draft.pk}/revision/?changed=1")
    expect(page.get_by_text("新增 1 条，删除 0 条")).to_be_visible()
    screenshot(page, "revision-outline")

    page.get_by_role("link", name="发布为新版本").click()
    page.get_by_label("新版本的审议阶段").select_option("second_reading")
    page.get_by_label("我已看过上面的提示，确认发布为新的版本").check()
    page.get_by_role("button", name="发布为新版本").click()
    expect(page.get_by_text("已发布为第 2 版（二审稿）")).to_be_visible()
    draft.refresh_from_db()
    new_thirteen = Provision.objects.get(version=draft.current_version, kind="article", number=13)
    assert new_thirteen.lineage == article.lineage and new_thirteen.text == proposed
    opinion.refresh_from_db()
    assert opinion.resulting_article == new_thirteen

    # The comparison table, with the reason and the opinion behind the change.
    with page.expect_download() as download:
        page.get_by_role("button", name="下载", exact=True).click()
    document = Document(io.BytesIO(Path(download.value.path()).read_bytes()))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert any("采纳公众意见，明确区域调整后的合同衔接" in cell for cell in cells)
    assert any("新增公示义务" in cell for cell in cells)

    # The resident sees what the text became under 「我的意见」.
    phone.goto(live_server.url + "/my/opinions/")
    expect(phone.get_by_text("修改为：", exact=True)).to_be_visible()
    expect(phone.locator(".my-opinion")).to_contain_text("原物业服务合同继续履行至期满")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(phone, "revision-my-opinions-phone")
