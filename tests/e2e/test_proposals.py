"""On a phone a citizen proposes a wording of an article and sees it as a redline in the thread and in 「我的意见」."""

from pathlib import Path

from playwright.sync_api import expect

from drafts.models import DraftPage, ModerationMode
from tests.factories import PASSWORD, DraftFactory, UserFactory

HANGZHOU = Path(__file__).resolve().parents[2] / "drafts" / "fixtures" / "杭州市物业管理条例(2021-08-09).md"
PHONE = {"width": 360, "height": 740}


def test_citizen_proposes_a_wording_on_a_phone_and_sees_the_redline(phone_page, live_server, screenshot):
    draft = DraftFactory(
        text=HANGZHOU.read_text(encoding="utf-8"), title="杭州市物业管理条例（修订草案）", slug="hangzhou"
    )
    # Published as soon as posted (no sensitive word): the redline is in the thread at once.
    DraftPage.objects.filter(pk=draft.pk).update(moderation_mode=ModerationMode.POST)
    UserFactory(username="laozhang", display_name="老张")
    phone = phone_page
    phone.goto(live_server.url + "/accounts/login/")
    phone.get_by_label("用户名、电子邮箱或手机号码").fill("laozhang")
    phone.get_by_label("密码").fill(PASSWORD)
    phone.get_by_role("button", name="登录").click()
    expect(phone.get_by_role("link", name="我的意见")).to_be_visible()

    phone.goto(f"{live_server.url}{draft.url}articles/6/")
    phone.get_by_label("您的意见").fill("纠纷处理机制应当写明时限。")
    wording = phone.get_by_label("建议修改为")
    added = phone.get_by_label("建议增加的条文")
    # With JavaScript only the chosen text area shows; it holds the article's text, a 款 a line.
    expect(wording).to_be_hidden()
    phone.get_by_label("修改为", exact=True).check()
    expect(wording).to_be_visible()
    expect(added).to_be_hidden()
    text = wording.input_value()
    assert text.splitlines()[1] == "鼓励通过和解、调解等途径解决物业管理活动纠纷。"
    wording.fill(text.replace("纠纷处理机制", "纠纷处理机制，在三十日内处理").replace("鼓励通过和解、", "鼓励通过"))
    phone.get_by_role("button", name="提交意见").click()

    expect(phone.get_by_text("意见已发表")).to_be_visible()
    proposal = phone.locator("#opinions .proposal").first
    expect(proposal).to_contain_text("建议修改为：")
    expect(proposal.locator("ins")).to_contain_text("在三十日内处理")
    expect(proposal.locator("del")).to_contain_text("和解、")
    # Screen readers hear what changed; sighted readers see strike-through and underline, not colour alone.
    expect(proposal.locator("ins .visually-hidden")).to_have_text("增加：")
    expect(proposal.locator("del .visually-hidden")).to_have_text("删除：")
    assert proposal.locator("del").evaluate("e => getComputedStyle(e).textDecorationLine") == "line-through"
    assert proposal.locator("ins").evaluate("e => getComputedStyle(e).textDecorationLine") == "underline"
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone, "proposal-thread-phone")

    phone.goto(live_server.url + "/my/opinions/")
    mine = phone.locator(".my-opinion .proposal")
    expect(mine.locator("ins")).to_contain_text("在三十日内处理")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
