"""Staff filter a draft's opinions, bulk-dispose a campaign group, forward one opinion; the department's
liaison replies on a phone; staff close the referral, export the adoption table and download it."""

import io
from datetime import timedelta
from pathlib import Path

from django.utils import timezone
from docx import Document
from playwright.sync_api import expect

from cms.roles import Role
from comments.models import ModerationState, Opinion
from referrals.models import Referral
from tests.factories import PASSWORD, DepartmentFactory, DraftFactory, UserFactory

HANGZHOU = Path(__file__).resolve().parents[2] / "drafts" / "fixtures" / "杭州市物业管理条例(2021-08-09).md"
CAMPAIGN = "强烈要求取消停车位只租不售的规定，车位应当优先出售给本小区业主，保障业主的合法权益！"


def _log_in(page, live_server, username):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名、电子邮箱或手机号码").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_staff_dispose_a_group_forward_one_liaison_replies_staff_close_and_export(
    page, phone_page, live_server, screenshot, tmp_path
):
    draft = DraftFactory(
        text=HANGZHOU.read_text(encoding="utf-8"), title="杭州市物业管理条例（修订草案）", slug="hangzhou"
    )
    article = draft.current_version.provisions.get(kind="article", number=12)
    residents = [UserFactory(username=f"r{i}", display_name=f"业主{i}") for i in range(4)]
    for i, resident in enumerate(residents[:3]):
        Opinion.objects.create(
            draft=draft,
            version=draft.current_version,
            article=article,
            author=resident,
            body=CAMPAIGN + "！" * i,
            moderation_state=ModerationState.PUBLISHED,
        )
    single = Opinion.objects.create(
        draft=draft,
        version=draft.current_version,
        article=article,
        author=residents[3],
        body="建议规定物业管理区域调整后，原物业服务合同的处理办法和过渡期。",
        moderation_state=ModerationState.PUBLISHED,
    )
    UserFactory(username="staffer", display_name="法工委小王", roles=[Role.STAFF])
    liaison = UserFactory(username="fgj", display_name="房管局联络人", roles=[Role.LIAISON])
    department = DepartmentFactory(name="杭州市住房保障和房产管理局", short_name="市住保房管局")
    department.liaisons.add(liaison)

    # Staff group the near-duplicates, filter the group and dispose of it in one go.
    _log_in(page, live_server, "staffer")
    page.goto(f"{live_server.url}/admin/opinions/?draft={draft.pk}")
    page.get_by_role("button", name="重新分组相似意见").click()
    page.get_by_role("link", name="3 条").first.click()
    rows = page.locator("table.listing tbody tr:not(.group-row)")
    expect(rows).to_have_count(3)
    page.locator("thead [data-bulk-action-select-all-checkbox]").check()
    page.get_by_role("link", name="给所选意见填写处理情况").click()
    page.get_by_label("处理情况").select_option("not_adopted")
    page.get_by_label("理由说明").fill("车位归属由民法典规定，本条例不作重复规定。")
    page.get_by_role("button", name="保存处理情况").click()
    expect(page.get_by_text("已处理 3 条意见")).to_be_visible()
    expect(rows).to_have_count(3)  # back on the same filtered list
    assert Opinion.objects.filter(disposition="not_adopted").count() == 3

    # Forward the remaining opinion to the department.
    page.goto(f"{live_server.url}/admin/opinions/?draft={draft.pk}&disposition=undecided")
    page.get_by_label(f"选择第 {single.pk} 号意见").check()
    page.get_by_role("link", name="把所选意见转交承办单位办理").click()
    page.get_by_label("承办单位").select_option(label="杭州市住房保障和房产管理局")
    deadline = (timezone.localtime() + timedelta(days=15)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label("办理期限").fill(deadline)
    page.get_by_label("交办要求").fill("请研究物业管理区域调整后的合同衔接问题。")
    page.get_by_role("button", name="转交承办单位").click()
    expect(page.get_by_text("已将 1 条意见转交杭州市住房保障和房产管理局办理")).to_be_visible()
    screenshot(page, "staff-workspace-after-forward")
    referral = Referral.objects.get()

    # The liaison, on a phone, acknowledges and replies with an attachment.
    phone = phone_page
    _log_in(phone, live_server, "fgj")
    phone.get_by_role("link", name="转办件").click()
    phone.get_by_role("link", name=draft.title).click()
    phone.get_by_role("button", name="签收").click()
    phone.get_by_label("答复内容").fill("我局已研究：调整后原合同继续履行至期满，过渡期不超过六个月。")
    attachment = tmp_path / "答复函.pdf"
    attachment.write_bytes(b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
    phone.get_by_label("附件").set_input_files(str(attachment))
    phone.get_by_role("button", name="提交答复").click()
    expect(phone.get_by_text("答复已提交，等待法工委审核")).to_be_visible()
    screenshot(phone, "liaison-replied-phone")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the referral page scrolls sideways on a phone ({width} px)"

    # Staff accept the reply: the referral is closed.
    page.goto(f"{live_server.url}/admin/referrals/{referral.pk}/")
    expect(page.get_by_text("过渡期不超过六个月").first).to_be_visible()
    page.get_by_role("button", name="办结").click()
    referral.refresh_from_db()
    assert referral.state == "closed"

    # Staff export the adoption table (built by a task, with a progress bar) and download it.
    page.goto(f"{live_server.url}/admin/opinions/exports/?draft={draft.pk}")
    page.get_by_role("button", name="开始导出").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载").first.click()
    path = tmp_path / "table.docx"
    download_info.value.save_as(path)
    screenshot(page, "staff-exports")
    document = Document(io.BytesIO(path.read_bytes()))
    cells = [cell.text for row in document.tables[0].rows for cell in row.cells]
    assert "车位归属由民法典规定，本条例不作重复规定。" in cells
    assert any("原物业服务合同的处理办法" in text for text in cells)
    assert not any("r0" in text or "@example.com" in text for text in cells)
