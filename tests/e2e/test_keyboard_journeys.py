"""Issue 22: keyboard-only journeys on a phone-sized screen. A coordinator adds an opinion to the point's
batch and submits it; a department liaison acknowledges a referral and replies.

Only the keyboard: Tab to move, Enter or Space to follow a link or press a button, typing into the
fields, and the arrow keys in a drop-down list (how a keyboard chooses an option). Every control the
journey reaches must show where the focus is.
"""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from cms.roles import Role
from comments.models import Channel, ModerationState, Opinion
from contact_points.models import BatchItem
from referrals import services as referrals
from referrals.models import Referral
from tests.factories import PASSWORD, ContactPointFactory, DepartmentFactory, DraftFactory, UserFactory

FOCUS_STATE = """(element) => {
  if (element !== document.activeElement) return null;
  const style = getComputedStyle(element);
  const rect = element.getBoundingClientRect();
  const ring = (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2) || style.boxShadow !== "none";
  return {ring, onScreen: rect.bottom > 0 && rect.top < window.innerHeight};
}"""


def tab_to(page, target, limit: int = 120):
    """Press Tab until ``target`` (a CSS selector or a locator) has the focus; it must show a focus ring
    and be on the screen."""
    locator = page.locator(target) if isinstance(target, str) else target
    for _ in range(limit):
        page.keyboard.press("Tab")
        state = locator.evaluate(FOCUS_STATE)
        if state is not None:
            assert state["ring"], f"{target} has the focus but no visible focus ring"
            assert state["onScreen"], f"{target} has the focus but is off screen"
            return
    raise AssertionError(f"{target} not reached with {limit} presses of Tab")


def press_and_load(page, key: str):
    """Follow the focused link or press the focused button with ``key``; wait for the next page."""
    with page.expect_navigation():
        page.keyboard.press(key)


def log_in(page, live_server, username: str):
    page.goto(live_server.url + "/accounts/login/")
    # The first field has the focus when the page opens.
    assert page.evaluate("document.activeElement.name") == "identifier"
    page.keyboard.type(username)
    tab_to(page, "input[name=password]")
    page.keyboard.type(PASSWORD)
    press_and_load(page, "Enter")
    assert "/accounts/login/" not in page.url


def test_a_coordinator_adds_an_opinion_to_the_batch_and_submits_it_with_the_keyboard_only(phone_page, live_server):
    page = phone_page
    DraftFactory(title="物业管理条例（草案）", slug="wuye")
    coordinator = UserFactory(username="coord", display_name="翠苑联络员", roles=[Role.COORDINATOR])
    point = ContactPointFactory(name="翠苑一区社区基层立法联系点")
    point.coordinators.add(coordinator)
    log_in(page, live_server, "coord")

    tab_to(page, "a[href='/workspace/']")  # 联络员工作台 in the site navigation
    press_and_load(page, "Enter")
    expect(page.get_by_role("heading", name="联络员工作台")).to_be_visible()
    tab_to(page, "#open-draft")
    tab_to(page, page.get_by_role("button", name="打开意见汇总"))
    press_and_load(page, "Space")
    expect(page.get_by_role("heading", name="意见汇总：物业管理条例（草案）")).to_be_visible()

    tab_to(page, "#item-new select[name=article]")
    page.keyboard.press("ArrowDown")  # 第一条
    page.keyboard.press("ArrowDown")  # 第二条
    tab_to(page, "#item-new textarea[name=body]")
    page.keyboard.type("建议第二条写明业主大会的表决方式。")
    tab_to(page, "#item-new input[name=proposer_name]")
    page.keyboard.type("王阿姨")
    tab_to(page, "#item-new button[type=submit]")
    press_and_load(page, "Enter")
    # The confirmation is where the user looks: on the screen, not 2,000 px above.
    confirmation = page.get_by_text("已添加一条意见。")
    expect(confirmation).to_be_in_viewport()
    item = BatchItem.objects.get()
    assert item.article.number == 2 and item.proposer_name == "王阿姨" and item.state == "accepted"

    page.once("dialog", lambda dialog: dialog.accept())  # 报送后不能再修改。确定报送吗？
    tab_to(page, page.get_by_role("button", name="报送意见汇总"))
    press_and_load(page, "Space")
    expect(page.get_by_text("已报送 1 条意见")).to_be_in_viewport()
    opinion = Opinion.objects.get(channel=Channel.CONTACT_POINT)
    assert opinion.article.number == 2 and opinion.body == "建议第二条写明业主大会的表决方式。"


def test_a_liaison_acknowledges_and_replies_to_a_referral_with_the_keyboard_only(phone_page, live_server):
    page = phone_page
    draft = DraftFactory(title="物业管理条例（草案）", slug="wuye")
    staff = UserFactory(username="staffer", roles=[Role.STAFF])
    liaison = UserFactory(username="fgj", display_name="房管局联络人", roles=[Role.LIAISON])
    department = DepartmentFactory(name="杭州市住房保障和房产管理局")
    department.liaisons.add(liaison)
    opinion = Opinion.objects.create(
        draft=draft,
        version=draft.current_version,
        article=draft.current_version.provisions.get(kind="article", number=3),
        author=UserFactory(username="resident"),
        body="建议明确物业服务合同的衔接。",
        moderation_state=ModerationState.PUBLISHED,
    )
    referral = referrals.opinions_forward(
        staff=staff, opinion_ids=[opinion.pk], department=department, deadline=timezone.now() + timedelta(days=10)
    )
    log_in(page, live_server, "fgj")

    tab_to(page, "a[href='/referrals/']")  # 转办件 in the site navigation
    press_and_load(page, "Enter")
    tab_to(page, f"a[href='/referrals/{referral.pk}/']")
    press_and_load(page, "Enter")
    tab_to(page, page.get_by_role("button", name="签收"))
    press_and_load(page, "Space")
    expect(page.get_by_text("已签收。请在办理期限内答复。")).to_be_visible()

    tab_to(page, "textarea[name=text]")
    page.keyboard.type("我局已研究：原合同继续履行至期满，过渡期不超过六个月。")
    tab_to(page, page.get_by_role("button", name="提交答复"))
    press_and_load(page, "Enter")
    expect(page.get_by_text("答复已提交，等待法工委审核")).to_be_in_viewport()
    referral.refresh_from_db()
    assert referral.state == "replied" and referral.reply.startswith("我局已研究")
    assert Referral.objects.count() == 1
