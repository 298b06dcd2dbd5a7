"""Staff and visitors open the statistics dashboards (a screenshot of each, looked at by a person)."""

from datetime import timedelta
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import expect

from cms.roles import Role
from comments.models import Channel, Disposition, ModerationState, Opinion
from contact_points.models import ContactPointOpinion
from drafts.models import DraftPage
from tests.factories import PASSWORD, ContactPointFactory, DraftFactory, UserFactory

HANGZHOU = Path(__file__).resolve().parents[2] / "drafts" / "fixtures" / "杭州市物业管理条例(2021-08-09).md"


def test_staff_and_visitors_open_every_dashboard(page, phone_page, live_server, screenshot):
    draft = DraftFactory(
        text=HANGZHOU.read_text(encoding="utf-8"), title="杭州市物业管理条例（修订草案）", slug="hangzhou"
    )
    now = timezone.now()
    DraftPage.objects.filter(pk=draft.pk).update(opens_at=now - timedelta(days=25), closes_at=now - timedelta(days=2))
    articles = list(draft.current_version.provisions.filter(kind="article").order_by("position"))
    point = ContactPointFactory(name="湖滨街道基层立法联系点")
    citizen = UserFactory(username="c1")
    for i in range(90):
        channel = [Channel.ONLINE, Channel.CONTACT_POINT, Channel.LETTER][i % 3]
        opinion = Opinion.objects.create(
            draft=draft,
            version=draft.current_version,
            article=articles[(i * i) % 12] if i % 7 else None,
            channel=channel,
            author=citizen if channel == Channel.ONLINE else None,
            body=f"第{i}条意见",
            moderation_state=ModerationState.PUBLISHED if channel == Channel.ONLINE else ModerationState.INTERNAL,
            disposition=[Disposition.ADOPTED, Disposition.NOT_ADOPTED, Disposition.UNDECIDED][i % 3],
            created_at=now - timedelta(days=24 - i % 20),
        )
        if channel == Channel.CONTACT_POINT:
            ContactPointOpinion.objects.create(opinion=opinion, contact_point=point)
    UserFactory(username="staffer", roles=[Role.STAFF])

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名、电子邮箱或手机号码").fill("staffer")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(f"{live_server.url}/admin/")
    expect(page.get_by_text("征求意见工作").first).to_be_visible()
    screenshot(page, "stats-admin-home")
    page.goto(f"{live_server.url}/admin/stats/drafts/{draft.pk}/")
    expect(page.get_by_role("heading", name="各条文收到的意见")).to_be_visible()
    assert page.locator("svg[role=img]").count() >= 6
    screenshot(page, "stats-admin-draft")
    page.goto(f"{live_server.url}/admin/stats/")
    expect(page.get_by_role("heading", name="按来源渠道统计")).to_be_visible()
    screenshot(page, "stats-admin-year")

    phone = phone_page
    phone.goto(f"{live_server.url}/statistics/drafts/{draft.pk}/")
    expect(phone.get_by_role("heading", name="各条文收到的意见")).to_be_visible()
    phone.get_by_text("查看数据表").first.click()
    expect(phone.locator("details[open] table").first).to_be_visible()
    screenshot(phone, "stats-public-draft-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.goto(f"{live_server.url}/statistics/{now.year}/")
    expect(phone.get_by_role("link", name="下载年度工作报告（Word）")).to_be_visible()
    screenshot(phone, "stats-public-year-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.goto(f"{live_server.url}/contact-points/{point.pk}/")
    expect(phone.get_by_role("heading", name="历年情况")).to_be_visible()
    screenshot(phone, "contact-point-record-phone")
