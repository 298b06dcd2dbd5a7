"""Issue 22: 200% zoom on a 360 px phone (a 180 px CSS viewport) without sideways scrolling, a compact
header, keyboard-scrollable tables, 3:1 control borders and focus rings, readable badges."""

from playwright.sync_api import expect

from tests.factories import ContactPointFactory, DraftFactory

LUMINANCE = """(colour) => {
  const [r, g, b] = colour.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number).map((c) => {
    c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}"""


def contrast(page, one, two):
    lum = [page.evaluate(f"({LUMINANCE})('{c}')") for c in (one, two)]
    high, low = max(lum), min(lum)
    return (high + 0.05) / (low + 0.05)


def test_pages_reflow_at_200_percent_zoom_on_a_phone(browser, live_server, draft_index, screenshot):
    DraftFactory(index=draft_index, title="一部标题相当长的某某市物业管理条例（修订草案征求意见稿）")
    point = ContactPointFactory(name="湖滨街道基层立法联系点", district="上城区")
    context = browser.new_context(viewport={"width": 180, "height": 370}, device_scale_factor=2, locale="zh-CN")
    page = context.new_page()
    for path, name in (("/", "home"), ("/contact-points/", "points"), (f"/contact-points/{point.pk}/", "point")):
        page.goto(live_server.url + path)
        width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert width[0] <= width[1], (path, width)
        header = page.locator(".site-header").bounding_box()
        screenshot(page, f"zoom200-{name}")
        assert header["height"] <= 370 * 0.4, (path, header)
        screenshot(page, f"zoom200-{name}")
    # The yearly table scrolls by keyboard: it is a focusable, named region.
    region = page.locator(".table-scroll").first
    expect(region).to_have_attribute("tabindex", "0")
    region.focus()
    before = region.evaluate("el => el.scrollLeft")
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("([el, before]) => el.scrollLeft > before", arg=[region.element_handle(), before])
    context.close()


def test_control_borders_focus_ring_and_badges(page, live_server, draft_index):
    DraftFactory(index=draft_index, title="对比度测试条例")
    page.goto(live_server.url + "/search/")
    box = page.locator("input[type=search], input[name=q]").first
    border = box.evaluate("el => getComputedStyle(el).borderTopColor")
    assert contrast(page, border, "rgb(255, 255, 255)") >= 3
    page.goto(live_server.url + "/")
    badge = page.locator(".badge").first
    assert float(badge.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")) >= 14
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    focused = page.locator(".site-header :focus-visible")
    expect(focused).to_have_count(1)
    ring = focused.evaluate("el => getComputedStyle(el).outlineColor")
    red = page.locator(".site-header").evaluate("el => getComputedStyle(el).backgroundColor")
    assert contrast(page, ring, red) >= 3
