"""A coordinator on a phone records a meeting, uploads notes, reviews the opinions found, submits;
staff find them among the draft's opinions in the admin."""

import io
from pathlib import Path

from docx import Document
from playwright.sync_api import expect

from cms.roles import Role
from comments.models import Channel, Opinion
from contact_points.models import BatchItem
from tests.factories import PASSWORD, ContactPointFactory, DraftFactory, UserFactory

HANGZHOU = Path(__file__).resolve().parents[2] / "drafts" / "fixtures" / "杭州市物业管理条例(2021-08-09).md"

NOTES = [
    "翠苑一区社区《杭州市物业管理条例（修订草案）》座谈会纪要",
    "时间：2026年11月20日下午",
    "地点：社区议事厅",
    "居民王某某：第五条应当写明物业服务人每半年公示一次物业费收支。",
    "律师陈某：建议第十二条规定的二十个工作日缩短为十五个工作日。",
    "退休教师刘某：希望条例的文字通俗一些，让老年人看得懂。",
    "物业企业代表：第三十条可以增加业主拖欠物业费的催缴程序。",
    "区人大代表张某：第二十条应当允许业主大会线上表决。",
]


def _notes_file(tmp_path) -> Path:
    document = Document()
    for text in NOTES:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    path = tmp_path / "座谈会纪要.docx"
    path.write_bytes(buffer.getvalue())
    return path


def _log_in(page, live_server, username):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名、电子邮箱或手机号码").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_coordinator_records_meeting_uploads_notes_reviews_and_submits_staff_see_them(
    phone_page, page, live_server, screenshot, tmp_path
):
    draft = DraftFactory(
        text=HANGZHOU.read_text(encoding="utf-8"), title="杭州市物业管理条例（修订草案）", slug="hangzhou"
    )
    coordinator = UserFactory(username="coord", display_name="翠苑联络员", roles=[Role.COORDINATOR])
    point = ContactPointFactory(name="翠苑一区社区基层立法联系点")
    point.coordinators.add(coordinator)
    UserFactory(username="staffer", roles=[Role.STAFF])

    # On a phone: log in, open the workspace, record a meeting.
    phone = phone_page
    _log_in(phone, live_server, "coord")
    phone.get_by_role("link", name="联络员工作台").click()
    expect(phone.get_by_role("heading", name="联络员工作台")).to_be_visible()
    phone.get_by_role("link", name="记录征询活动").first.click()
    phone.get_by_label("形式").select_option(label="座谈会")
    phone.get_by_label("地点").fill("社区议事厅")
    phone.get_by_label("居民").fill("15")
    phone.get_by_label("人大代表").fill("1")
    phone.get_by_label("会议概要").fill("逐章学习草案，重点讨论物业费公示。")
    phone.get_by_role("button", name="保存").click()
    expect(phone.get_by_text("征询活动已保存")).to_be_visible()

    # Upload the notes: five opinions are found, four tied to articles.
    phone.get_by_label("上传纪要").set_input_files(str(_notes_file(tmp_path)))
    phone.get_by_role("button", name="上传", exact=True).click()
    expect(phone.get_by_text("识别出 5 条意见")).to_be_visible()
    assert phone.locator(".batch-item--candidate").count() == 5
    screenshot(phone, "contact-point-candidates-phone")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the review page scrolls sideways on a phone ({width} px)"

    # Review: re-link the general opinion to article 2 while editing it, drop the company's, accept the rest.
    general = phone.locator(".batch-item", has_text="让老年人看得懂")
    general.get_by_role("link", name="修改并确认").click()
    article_2 = draft.current_version.provisions.get(kind="article", number=2)
    phone.get_by_label("条文").select_option(str(article_2.pk))
    phone.get_by_label("提出人类别").select_option(label="居民")
    phone.get_by_role("button", name="保存并确认").click()
    expect(phone.get_by_text("意见已保存")).to_be_visible()
    phone.locator(".batch-item", has_text="催缴程序").get_by_role("checkbox").check()
    phone.once("dialog", lambda dialog: dialog.accept())
    phone.get_by_role("button", name="删除所选").click()
    expect(phone.get_by_text("已删除 1 条意见")).to_be_visible()
    phone.get_by_text("全选本页").click()
    phone.get_by_role("button", name="确认所选").click()
    expect(phone.get_by_text("已确认 3 条意见")).to_be_visible()
    phone.once("dialog", lambda dialog: dialog.accept())
    phone.get_by_role("button", name="报送意见汇总").click()
    expect(phone.get_by_text("已报送 4 条意见")).to_be_visible()
    screenshot(phone, "contact-point-submitted-phone")

    opinions = Opinion.objects.filter(channel=Channel.CONTACT_POINT)
    assert opinions.count() == 4 and not BatchItem.objects.filter(state="candidate").exists()
    assert sorted(o.article.number for o in opinions) == [2, 5, 12, 20]

    # Staff see them among the draft's opinions, with the contact point named.
    _log_in(page, live_server, "staffer")
    page.goto(f"{live_server.url}/admin/opinions/?draft={draft.pk}&channel=contact_point")
    rows = page.locator("table.listing tbody tr:not(.group-row)")
    expect(rows).to_have_count(4)
    expect(rows.first).to_contain_text("翠苑一区社区基层立法联系点")
    expect(page.get_by_text("第五条应当写明物业服务人每半年公示一次物业费收支")).to_be_visible()
    screenshot(page, "staff-draft-opinions")


def test_staff_send_a_solicitation_and_receive_the_batch_in_wagtails_lists(page, live_server, screenshot):
    """发出征询任务 through the viewset's form, then 签收所选 by ticking the batch in the list (Wagtail's bulk
    actions and their footer)."""
    from datetime import date, timedelta

    from django.utils import timezone

    from contact_points import services
    from contact_points.models import Meeting, OpinionBatch, Solicitation
    from tests.contact_points.conftest import docx_bytes

    draft = DraftFactory(title="杭州市物业管理条例（修订草案）", slug="hangzhou")
    coordinator = UserFactory(username="coord", roles=[Role.COORDINATOR])
    point = ContactPointFactory(name="翠苑一区社区基层立法联系点", district="西湖区")
    point.coordinators.add(coordinator)
    ContactPointFactory(name="湖滨街道基层立法联系点", district="上城区")
    UserFactory(username="staffer", roles=[Role.STAFF])

    _log_in(page, live_server, "staffer")
    page.goto(f"{live_server.url}/admin/contact-points/solicitations/")
    page.get_by_role("link", name="发出征询任务").first.click()
    page.get_by_label("法规草案").select_option(label=draft.title)
    deadline = timezone.localtime() + timedelta(days=7)
    page.get_by_label("反馈截止时间").fill(deadline.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("按区县").check()
    page.get_by_label("区县", exact=True).select_option("西湖区")
    page.get_by_role("button", name="发出").click()
    expect(page.get_by_text("征询任务已发给 1 个联系点")).to_be_visible()
    expect(page.get_by_text("待报送")).to_be_visible()
    assert list(Solicitation.objects.get().contact_points.all()) == [point]

    meeting = services.meeting_save(
        user=coordinator, meeting=Meeting(contact_point=point, draft=draft, held_on=date.today())
    )
    batch = services.note_upload(
        user=coordinator, meeting=meeting, name="纪要.docx", data=docx_bytes(["关于第三条：建议写明期限。"])
    ).batch
    services.batch_items_review(
        user=coordinator, batch=batch, item_ids=[i.pk for i in batch.items.all()], action="accept"
    )
    services.batch_submit(user=coordinator, batch_id=batch.pk)

    page.goto(f"{live_server.url}/admin/contact-points/batches/")
    page.get_by_role("checkbox", name=f"选择{point.name}的意见汇总").check()
    page.get_by_role("link", name="签收所选意见汇总").click()
    expect(page.get_by_text("已选择 1 条")).to_be_visible()
    screenshot(page, "staff-receive-batch")
    page.get_by_role("button", name="签收", exact=True).click()
    expect(page.get_by_text("已签收 1 份意见汇总")).to_be_visible()
    assert OpinionBatch.objects.get(pk=batch.pk).state == "received"
