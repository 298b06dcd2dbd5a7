"""The staff admin in zh-hans speaks Chinese: a walk through the admin pages a clerk uses fails on any
interface text left in English (Wagtail's catalogue has gaps; the project fills them in cms/locale)."""

import re

from cms.roles import Role
from tests.factories import PASSWORD, DraftFactory, UserFactory

# Words that are names, not untranslated interface text.
ALLOWED = {"Wagtail", "Word", "Excel", "CSV", "PDF", "JSON", "ID", "URL", "HTML", "Markdown", "docx", "xlsx"}
# Latin words, not file extensions (.txt) or parts of an address.
LATIN = re.compile(r"(?<![.\w/@])[A-Za-z][A-Za-z'’-]{2,}(?:\s+[A-Za-z][A-Za-z'’-]+)*")

# A select's choices: Django's empty choice 「---------」 must read 全部.
OPTIONS = "() => [...document.querySelectorAll('select option')].map(option => option.textContent)"
VISIBLE_TEXT = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || el.closest('script,style,noscript,template,code,pre,[data-untranslatable]')) continue;
    if (el.checkVisibility({visibilityProperty: true})) out.push(node.textContent);
  }
  for (const el of document.querySelectorAll('[placeholder],[aria-label],[title]')) {
    if (!el.checkVisibility({visibilityProperty: true})) continue;
    for (const a of ['placeholder', 'aria-label', 'title']) if (el.getAttribute(a)) out.push(el.getAttribute(a));
  }
  return out;
}"""


def _english(page, names: set[str]) -> list[str]:
    found = [text.strip() for text in page.evaluate(OPTIONS) if "---------" in text]
    for text in page.evaluate(VISIBLE_TEXT):
        for match in LATIN.finditer(text):
            words = match.group(0)
            if any(word in ALLOWED or word in names for word in words.split()):
                continue
            found.append(words)
    return found


def test_the_admin_a_clerk_uses_has_no_english_left(page, live_server):
    draft = DraftFactory(title="杭州市物业管理条例（草案）", slug="hangzhou")
    UserFactory(username="clerk", display_name="法工委小王", roles=[Role.STAFF])
    names = {"clerk", "hangzhou"}
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名、电子邮箱或手机号码").fill("clerk")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    paths = [
        "/admin/",
        f"/admin/pages/{draft.get_parent().pk}/",
        f"/admin/pages/{draft.pk}/edit/",
        "/admin/pages/search/?q=条例",
        f"/admin/opinions/?draft={draft.pk}",
        "/admin/opinions/moderation/",
        "/admin/search/opinions/?q=物业",
        "/admin/stats/",
        f"/admin/stats/drafts/{draft.pk}/",
        f"/admin/drafts/{draft.pk}/notes/",
        "/admin/drafts/import/",
        "/admin/reports/site-history/",
        "/admin/account/",
    ]
    problems = {}
    for path in paths:
        page.goto(live_server.url + path)
        english = _english(page, names)
        if english:
            problems[path] = sorted(set(english))
    assert not problems, "\n".join(f"{path}: {words}" for path, words in problems.items())
