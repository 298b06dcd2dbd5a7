"""The small behaviours that moved from inline scripts and handlers into static files still work:
stock reasons fill the reason box, the statistics draft picker opens the chosen draft, an export's
progress updates by itself, the print button prints and the expired-form page's button goes back."""

from datetime import timedelta
from pathlib import Path

from django.core.files.base import ContentFile
from django.utils import timezone
from playwright.sync_api import expect

from cms.roles import Role
from comments.models import ModerationState, Opinion
from drafts.parser import parse_text
from drafts.services import draft_create
from handling.models import ExportJob, ExportState, ReasonTemplate
from tests.factories import PASSWORD, DraftFactory, UserFactory

FIXTURES = Path(__file__).resolve().parents[2] / "drafts" / "fixtures"
HANGZHOU = FIXTURES / "杭州市物业管理条例(2021-08-09).md"
CHAOZHOU = FIXTURES / "潮州市畲族文化保护条例(2021-04-29).md"
REASON = "该意见涉及的问题已由上位法作出规定，本条例不再重复。"


def _log_in(page, live_server, username):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名、电子邮箱或手机号码").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_label("用户名、电子邮箱或手机号码")).to_have_count(0)


def hangzhou_draft():
    return DraftFactory(
        text=HANGZHOU.read_text(encoding="utf-8"), title="杭州市物业管理条例（修订草案）", slug="hangzhou"
    )


def _draft_with_an_opinion():
    draft = hangzhou_draft()
    opinion = Opinion.objects.create(
        draft=draft,
        version=draft.current_version,
        article=draft.current_version.provisions.get(kind="article", number=5),
        author=UserFactory(username="resident"),
        body="建议明确业主个人信息的保管责任。",
        moderation_state=ModerationState.PUBLISHED,
    )
    return draft, opinion


def test_a_stock_reason_fills_the_reason_box_on_the_opinion_page_and_in_the_workspace(page, live_server):
    draft, opinion = _draft_with_an_opinion()
    ReasonTemplate.objects.create(text=REASON)
    UserFactory(username="staffer", roles=[Role.STAFF])
    _log_in(page, live_server, "staffer")

    page.goto(f"{live_server.url}/admin/opinions/{opinion.pk}/")
    picker = page.get_by_label("插入常用理由")
    picker.select_option(REASON)
    expect(page.get_by_label("理由说明")).to_have_value(REASON)
    expect(picker).to_have_value("")  # back to its prompt, ready for another pick

    page.goto(f"{live_server.url}/admin/opinions/?draft={draft.pk}")
    page.get_by_label(f"选择第 {opinion.pk} 号意见").check()
    page.get_by_role("link", name="给所选意见填写处理情况").click()
    page.wait_for_url("**/bulk/**")
    page.wait_for_load_state("load")  # the picker's script is deferred: a pick before it ran changes nothing
    page.get_by_label("插入常用理由").select_option(REASON)
    expect(page.get_by_label("理由说明")).to_have_value(REASON)


def test_the_statistics_draft_picker_opens_the_chosen_draft(page, live_server):
    first = hangzhou_draft()
    now = timezone.now()
    second = draft_create(
        index=first.get_parent().specific,
        result=parse_text(CHAOZHOU.read_text(encoding="utf-8")),
        title="潮州市畲族文化保护条例（草案）",
        slug="chaozhou",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=20),
        publish=True,
    )
    UserFactory(username="staffer", roles=[Role.STAFF])
    _log_in(page, live_server, "staffer")

    page.goto(f"{live_server.url}/admin/stats/drafts/{first.pk}/")
    page.get_by_label("法规草案").select_option(label=second.title)
    page.get_by_role("button", name="查看").click()
    expect(page).to_have_url(f"{live_server.url}/admin/stats/drafts/{second.pk}/")


def test_a_running_export_shows_its_progress_and_its_download_link_when_done(page, live_server):
    draft, _opinion = _draft_with_an_opinion()
    job = ExportJob.objects.create(draft=draft, format="docx", state=ExportState.RUNNING, total=40, done=10)
    UserFactory(username="staffer", roles=[Role.STAFF])
    _log_in(page, live_server, "staffer")

    page.goto(f"{live_server.url}/admin/opinions/exports/?draft={draft.pk}")
    row = page.locator(f"tr[data-export='{job.pk}']")
    expect(row.locator("[data-role=percent]")).to_have_text("25%")
    expect(row.get_by_role("link", name="下载")).to_have_count(0)

    ExportJob.objects.filter(pk=job.pk).update(done=30)
    expect(row.locator("[data-role=percent]")).to_have_text("75%")
    expect(row.locator("[data-role=count]")).to_have_text("（30/40）")

    job.refresh_from_db()
    job.file.save("table.docx", ContentFile(b"docx"), save=False)
    job.state, job.done, job.finished_at = ExportState.DONE, 40, timezone.now()
    job.save()
    expect(row.get_by_role("link", name="下载")).to_be_visible()  # the page reloaded by itself


def test_the_print_button_opens_the_browser_print_dialog(page, live_server):
    draft = hangzhou_draft()
    page.add_init_script("window.print = () => { window.printed = (window.printed || 0) + 1; };")
    page.goto(f"{live_server.url}{draft.url}print/")
    page.get_by_role("button", name="打印").click()
    page.wait_for_function("window.printed === 1")


def test_the_expired_form_page_goes_back_to_the_form(page, live_server):
    page.goto(live_server.url + "/accounts/login/")
    page.context.clear_cookies()  # the form's security token no longer matches: the post is refused
    page.get_by_label("用户名、电子邮箱或手机号码").fill("someone")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="页面已过期，请重新提交")).to_be_visible()
    page.wait_for_load_state("load")  # the button's script is deferred: a click before it ran does nothing
    page.get_by_role("button", name="返回上一页").click()
    expect(page).to_have_url(live_server.url + "/accounts/login/")
    expect(page.get_by_label("用户名、电子邮箱或手机号码")).to_be_visible()
