import re
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments import services
from comments.models import ModerationState, Opinion, SensitiveWord
from drafts.models import DraftPage
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

XSS = [
    "<script>alert('xss')</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(document.cookie)">点我</a>',
    '"><svg/onload=alert(1)>',
]


def article_url(draft, number=5):
    return f"{draft.url}articles/{number}/"


def form_data(draft, body, article=None, **extra):
    data = {"draft": draft.pk, "body": body, "submission_key": str(uuid.uuid4())}
    if article is not None:
        data["article"] = article.pk
    data.update(extra)
    return data


def published(user, draft, body, article=None, moderator=None, **kwargs):
    opinion, _created = services.opinion_post(
        user=user, draft=draft, body=body, article_id=article.pk if article else None, **kwargs
    )
    if opinion.moderation_state != ModerationState.PUBLISHED:
        Opinion.objects.filter(pk=opinion.pk).update(moderation_state=ModerationState.PUBLISHED)
        services._apply_counts([opinion], 1)
    return opinion


def test_citizen_posts_on_an_article_and_is_told_it_awaits_moderation(client, draft, article, citizen):
    client.force_login(citizen)
    response = client.post("/opinions/new/", form_data(draft, "建议增加罚则。", article), follow=True)
    assert response.status_code == 200
    assert "审核通过后公开显示" in response.content.decode()
    opinion = Opinion.objects.get()
    assert opinion.article_id == article.pk and opinion.ip_address == "127.0.0.1"


def test_anonymous_visitor_is_sent_to_log_in(client, draft, article):
    response = client.post("/opinions/new/", form_data(draft, "匿名意见", article))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Opinion.objects.exists()
    page = client.get(article_url(draft)).content.decode()
    assert "登录后发表意见" in page


def test_missing_csrf_token_is_refused_in_chinese(draft, article, citizen):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(citizen)
    response = browser.post("/opinions/new/", form_data(draft, "没有令牌的意见", article))
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()
    assert not Opinion.objects.exists()


@pytest.mark.parametrize("payload", XSS)
def test_script_and_html_are_shown_as_text(client, draft, article, citizen, payload):
    published(citizen, draft, f"意见：{payload}", article)
    html = client.get(article_url(draft)).content.decode()
    assert payload not in html
    assert "<script>alert" not in html and "<img src=x" not in html and "<svg" not in html
    assert "&lt;" in html


def test_template_syntax_in_a_comment_is_not_evaluated(client, draft, article, citizen):
    published(citizen, draft, "意见：{{ request.user.username }}{% csrf_token %}", article)
    html = client.get(article_url(draft)).content.decode()
    assert "意见：{{ request.user.username }}{% csrf_token %}" in html


def test_double_click_makes_one_opinion(client, draft, article, citizen):
    client.force_login(citizen)
    data = form_data(draft, "只提交一次的意见。", article)
    first = client.post("/opinions/new/", data)
    second = client.post("/opinions/new/", data)
    assert first.status_code == second.status_code == 302
    assert Opinion.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "message"),
    [("", "不能为空"), ("  \n ", "不能为空"), ("长" * 100_000, "不能超过 2000 字，现在是 100000 字")],
)
def test_bad_bodies_get_a_message_and_keep_the_text(client, draft, article, citizen, body, message):
    client.force_login(citizen)
    response = client.post("/opinions/new/", form_data(draft, body, article))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    if body.strip():
        assert body in html  # what was typed is still in the box
    assert not Opinion.objects.exists()


def test_comment_after_the_period_closed(client, draft, article, citizen):
    DraftPage.objects.filter(pk=draft.pk).update(closes_at=timezone.now() - timedelta(hours=1))
    client.force_login(citizen)
    response = client.post("/opinions/new/", form_data(draft, "晚到的意见", article))
    assert response.status_code == 400 and "征求意见期已结束" in response.content.decode()
    page = client.get(article_url(draft)).content.decode()
    assert "不能发表意见" in page and 'name="body"' not in page


def test_rate_limited_post_answers_429(client, draft, article, citizen, settings):
    settings.OPINION_RATE_PER_USER_MINUTE = 1
    client.force_login(citizen)
    client.post("/opinions/new/", form_data(draft, "第一条", article))
    response = client.post("/opinions/new/", form_data(draft, "第二条", article))
    assert response.status_code == 429 and "太频繁" in response.content.decode()


def test_reply_to_a_hidden_comment_is_refused(client, draft, article, citizen, other):
    hidden = published(citizen, draft, "一条后来被隐藏的意见", article)
    Opinion.objects.filter(pk=hidden.pk).update(moderation_state=ModerationState.HIDDEN)
    client.force_login(other)
    response = client.post("/opinions/new/", form_data(draft, "回复", reply_to=hidden.pk))
    assert response.status_code == 404
    assert Opinion.objects.count() == 1


def test_reply_form_page_and_reply(client, draft, article, citizen, other):
    top = published(citizen, draft, "顶层意见", article)
    client.force_login(other)
    page = client.get(f"/opinions/new/?draft={draft.pk}&reply_to={top.pk}")
    assert page.status_code == 200 and "回复 老张" in page.content.decode()
    response = client.post("/opinions/new/", form_data(draft, "回复内容", reply_to=top.pk))
    assert response.status_code == 302
    reply = Opinion.objects.get(parent=top)
    assert reply.article_id == article.pk


def test_support_once_with_and_without_javascript(client, draft, article, citizen, other):
    opinion = published(citizen, draft, "值得附议的意见", article)
    client.force_login(other)
    response = client.post(f"/opinions/{opinion.pk}/support/", HTTP_ACCEPT="application/json")
    assert response.json() == {"support_count": 1, "supported": True}
    again = client.post(f"/opinions/{opinion.pk}/support/", HTTP_ACCEPT="application/json")
    assert again.status_code == 400 and "已经附议" in again.json()["error"]
    plain = client.post(f"/opinions/{opinion.pk}/support/", follow=True)
    assert "已经附议" in plain.content.decode()
    assert "已附议 1" in client.get(article_url(draft)).content.decode()


def test_support_of_ones_own_comment_is_refused(client, draft, article, citizen):
    opinion = published(citizen, draft, "自己的意见", article)
    client.force_login(citizen)
    response = client.post(f"/opinions/{opinion.pk}/support/", HTTP_ACCEPT="application/json")
    assert response.status_code == 400 and "自己" in response.json()["error"]


def test_anonymous_support_goes_to_log_in(client, draft, article, citizen):
    opinion = published(citizen, draft, "意见", article)
    assert client.post(f"/opinions/{opinion.pk}/support/", HTTP_ACCEPT="application/json").status_code == 403
    response = client.post(f"/opinions/{opinion.pk}/support/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_thread_pages_with_cursor_sorting_and_constant_queries(client, draft, article):
    authors = [UserFactory() for _ in range(25)]
    opinions = [published(a, draft, f"第{n}条意见的内容。", article) for n, a in enumerate(authors)]
    for n, a in enumerate(authors[:4]):
        published(a, draft, f"对第一条的回复{n}", reply_to_id=opinions[0].pk)
    Opinion.objects.filter(pk=opinions[3].pk).update(support_count=9)
    html = client.get(article_url(draft)).content.decode()
    assert len(re.findall(r'<li class="opinion" id="opinion-', html)) == 20
    assert "第24条意见" in html and "第4条意见" not in html
    assert "查看全部 4 条回复" not in html  # opinions[0] is on the second page
    cursor = re.search(r"after=(\d+)#opinions", html).group(1)
    second = client.get(article_url(draft) + f"?sort=new&after={cursor}").content.decode()
    assert len(re.findall(r'<li class="opinion" id="opinion-', second)) == 5
    assert "第0条意见" in second and "查看全部 4 条回复" in second
    top = client.get(article_url(draft) + "?sort=top").content.decode()
    assert top.index("第3条意见") < top.index("第24条意见")
    fragment = client.get(f"/opinions/articles/{article.pk}/?partial=1&after={cursor}").content.decode()
    assert "<html" not in fragment and "第0条意见" in fragment
    replies = client.get(f"/opinions/{opinions[0].pk}/replies/").content.decode()
    assert all(f"对第一条的回复{n}" in replies for n in range(4))

    with CaptureQueriesContext(connection) as small:
        client.get(article_url(draft, 6))
    more = [published(UserFactory(), draft, f"第六条意见{n}", draft.current_version.provisions.get(number=6))
            for n in range(30)]  # fmt: skip
    for n, opinion in enumerate(more[:10]):
        published(UserFactory(), draft, f"第六条回复{n}", reply_to_id=opinion.pk)
    with CaptureQueriesContext(connection) as large:
        client.get(article_url(draft, 6))
    assert len(large) <= len(small) + 1  # the replies query appears once there are replies


def test_bad_cursor_gives_the_first_page(client, draft, article, citizen):
    published(citizen, draft, "意见", article)
    assert client.get(article_url(draft) + "?after=abc&sort=top").status_code == 200


def test_public_pages_show_the_display_name_only(client, draft, article):
    author = UserFactory(display_name="", email="secret@example.com", phone="13800138000")
    published(author, draft, "没有显示名的作者的意见", article, ip="203.0.113.7")
    html = client.get(article_url(draft)).content.decode()
    assert "匿名" in html
    for secret in ("secret@example.com", "13800138000", "203.0.113.7", author.username):
        assert secret not in html


def test_draft_page_shows_counts_and_opens_threads_in_place(client, draft, article, citizen):
    published(citizen, draft, "意见", article)
    html = client.get(draft.url).content.decode()
    assert f'data-article-id="{article.pk}"' in html and "1 条意见" in html
    assert "comments/js/thread.js" in html and f"/opinions/drafts/{draft.pk}/" in html


def test_general_opinions_page(client, draft, citizen):
    published(citizen, draft, "对草案整体的意见：名称应当改为条例。")
    html = client.get(f"/opinions/drafts/{draft.pk}/").content.decode()
    assert "对草案整体的意见：名称应当改为条例" in html


def test_unpublished_draft_threads_are_not_public(client, draft, article):
    draft.unpublish()
    assert client.get(f"/opinions/articles/{article.pk}/").status_code == 404
    assert client.get(f"/opinions/drafts/{draft.pk}/").status_code == 404


def test_report_form_and_hiding(client, draft, article, citizen, settings):
    settings.OPINION_REPORTS_TO_HIDE = 1
    opinion = published(citizen, draft, "有问题的意见", article)
    reporter = UserFactory()
    client.force_login(reporter)
    assert client.get(f"/opinions/{opinion.pk}/report/").status_code == 200
    response = client.post(f"/opinions/{opinion.pk}/report/", {"reason": "abuse"}, follow=True)
    assert "举报已收到" in response.content.decode()
    opinion.refresh_from_db()
    assert opinion.moderation_state == ModerationState.HIDDEN
    assert "有问题的意见" not in client.get(article_url(draft)).content.decode()


def test_my_opinions_shows_states_reasons_and_withdraws(client, draft, article, citizen, other, moderator):
    mine = published(citizen, draft, "我的已发布意见", article)
    rejected, _ = services.opinion_post(user=citizen, draft=draft, body="我的被拒意见")
    services.opinions_moderate(moderator=moderator, opinion_ids=[rejected.pk], action="reject", reason="重复内容")
    published(other, draft, "别人的意见", article)
    client.force_login(citizen)
    html = client.get("/my/opinions/").content.decode()
    assert "我的已发布意见" in html and "我的被拒意见" in html and "重复内容" in html
    assert "别人的意见" not in html
    response = client.post(f"/opinions/{mine.pk}/withdraw/", follow=True)
    assert "意见已撤回" in response.content.decode()
    mine.refresh_from_db()
    assert mine.moderation_state == ModerationState.WITHDRAWN
    client.force_login(other)
    assert client.post(f"/opinions/{rejected.pk}/withdraw/", follow=True).status_code == 200
    rejected.refresh_from_db()
    assert rejected.moderation_state == ModerationState.REJECTED  # not theirs to withdraw


def test_my_opinions_needs_login(client):
    assert client.get("/my/opinions/").status_code == 302


def test_moderation_queue_filters_and_bulk_actions(client, draft, article, citizen, moderator):
    SensitiveWord.objects.create(word="发票")
    plain, _ = services.opinion_post(user=citizen, draft=draft, body="普通的意见", article_id=article.pk)
    held, _ = services.opinion_post(user=citizen, draft=draft, body="有人卖发票", article_id=article.pk)
    client.force_login(moderator)
    queue = client.get("/admin/opinions/moderation/").content.decode()
    assert "普通的意见" in queue and "有人卖发票" in queue and "敏感词" in queue
    flagged = client.get("/admin/opinions/moderation/?state=pending&flag=held").content.decode()
    assert "有人卖发票" in flagged and "普通的意见" not in flagged
    assert "/admin/bulk/comments/opinion/publish/" in queue
    refused = client.post(_moderate("reject", held), {"reason": ""}, follow=True)
    assert "请填写理由" in refused.content.decode()
    done = client.post(_moderate("publish", plain) + "&next=/admin/opinions/moderation/", {}, follow=True)
    assert "已处理 1 条意见" in done.content.decode()
    client.post(_moderate("reject", held), {"reason": "广告"})
    plain.refresh_from_db()
    held.refresh_from_db()
    assert plain.moderation_state == ModerationState.PUBLISHED
    assert held.moderation_state == ModerationState.REJECTED and held.moderated_by == moderator


def _moderate(action: str, *opinions) -> str:
    ids = "&".join(f"id={o.pk}" for o in opinions)
    return f"/admin/bulk/comments/opinion/{action}/?{ids}"


def test_select_all_in_the_queue_moderates_what_the_filters_list(client, draft, article, citizen, moderator):
    SensitiveWord.objects.create(word="发票")
    plain, _ = services.opinion_post(user=citizen, draft=draft, body="普通的意见", article_id=article.pk)
    held, _ = services.opinion_post(user=citizen, draft=draft, body="有人卖发票", article_id=article.pk)
    client.force_login(moderator)
    response = client.post("/admin/bulk/comments/opinion/hide/?id=all&state=pending&flag=held", {"reason": "广告"})
    assert response.status_code == 302
    held.refresh_from_db()
    plain.refresh_from_db()
    assert held.moderation_state == ModerationState.HIDDEN and plain.moderation_state == ModerationState.PENDING


@pytest.mark.parametrize("role_user", ["citizen", "staff_without_role"])
def test_moderation_queue_is_for_moderators_only(client, draft, citizen, role_user):
    user = citizen if role_user == "citizen" else UserFactory(is_staff=True)
    client.force_login(user)
    response = client.get("/admin/opinions/moderation/")
    assert response.status_code in (302, 403)
    opinion, _ = services.opinion_post(user=citizen, draft=draft, body="待审核的意见")
    assert client.get(_moderate("publish", opinion)).status_code in (302, 403)
    client.post(_moderate("publish", opinion), {})
    opinion.refresh_from_db()
    assert opinion.moderation_state == ModerationState.PENDING


def test_sensitive_words_are_managed_in_the_admin(client, moderator):
    client.force_login(moderator)
    response = client.post("/admin/snippets/comments/sensitiveword/add/", {"word": "代开发票", "is_active": "on"})
    assert response.status_code == 302
    assert SensitiveWord.objects.filter(word="代开发票").exists()


def test_a_reply_to_a_reply_names_whom_it_answers_without_extra_queries(client, draft, article, citizen, other):
    top = published(citizen, draft, "顶层意见", article)
    first = published(other, draft, "第一条回复", reply_to_id=top.pk)
    published(citizen, draft, "回复小李的回复", reply_to_id=first.pk)
    client.get(article_url(draft))  # the first request also loads the site
    with CaptureQueriesContext(connection) as queries:
        html = client.get(article_url(draft)).content.decode()
    assert "回复 小李" in html
    published(UserFactory(), draft, "又一条回复回复", reply_to_id=first.pk)
    with CaptureQueriesContext(connection) as more:
        client.get(article_url(draft))
    assert len(more) == len(queries)


def test_a_draft_behind_a_view_restriction_takes_no_opinions(client, draft, article, citizen):
    from wagtail.models import PageViewRestriction

    client.force_login(citizen)
    client.get(article_url(draft))  # caches "no restrictions anywhere"
    PageViewRestriction.objects.create(page=draft, restriction_type=PageViewRestriction.PASSWORD, password="x")
    response = client.post("/opinions/new/", form_data(draft, "受限草案上的意见", article))
    assert response.status_code == 404
    assert not Opinion.objects.exists()


def test_report_and_support_of_an_opinion_on_an_unpublished_draft_are_not_found(client, draft, article, citizen):
    opinion = published(citizen, draft, "未公开草案上的意见", article)
    draft.unpublish()
    client.force_login(UserFactory())
    assert client.get(f"/opinions/{opinion.pk}/report/").status_code == 404
    assert client.post(f"/opinions/{opinion.pk}/support/").status_code == 404


def test_an_overlong_or_malformed_post_says_why_and_keeps_the_text(client, draft, article, citizen):
    client.force_login(citizen)
    response = client.post("/opinions/new/", form_data(draft, "长" * 100_001, article))
    assert response.status_code == 400 and "意见太长了" in response.content.decode()
    bad_key = form_data(draft, "一条普通的意见", article, submission_key="not-a-uuid")
    html = client.post("/opinions/new/", bad_key).content.decode()
    assert "页面已过期" in html and "一条普通的意见" in html


def test_text_is_kept_when_the_period_closed_while_typing(client, draft, article, citizen):
    client.force_login(citizen)
    DraftPage.objects.filter(pk=draft.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    html = client.post("/opinions/new/", form_data(draft, "我写了很久的意见文字", article)).content.decode()
    assert "征求意见期已结束" in html and "我写了很久的意见文字" in html


@pytest.mark.parametrize("value", ["%C2%B2", "1e3", "-1", "abc"])
def test_odd_ids_are_not_found_not_errors(client, draft, citizen, value):
    client.force_login(citizen)
    assert client.get(f"/opinions/new/?draft={draft.pk}&reply_to={value}").status_code in (200, 404)
    assert client.get(f"/opinions/new/?draft={draft.pk}&article={value}").status_code in (200, 404)
    assert client.get(f"/opinions/new/?draft={value}").status_code == 404


def test_the_moderation_queue_offers_a_moderator_only_the_drafts_he_may_see(client, moderator, staff, draft, citizen):
    """Found by the probe (tests/probe/test_admin_leaks.py): the draft filter listed unpublished drafts' titles
    and the queue their pending opinions, to a moderator with no page permission."""
    from comments.models import ModerationState, Opinion

    opinion = Opinion.objects.create(
        draft=draft, version=draft.current_version, author=citizen, body="待审核的意见。", moderation_state="pending"
    )
    assert opinion.moderation_state == ModerationState.PENDING
    draft.title = "尚未公布的草案标题"
    draft.save_revision().publish()
    draft.unpublish()
    client.force_login(moderator)
    html = client.get("/admin/opinions/moderation/").content.decode()
    assert "尚未公布的草案标题" not in html and "待审核的意见" not in html
    assert "待审核的意见" not in client.get(f"/admin/opinions/moderation/?draft={draft.pk}").content.decode()
    client.force_login(staff)
    html = client.get("/admin/opinions/moderation/").content.decode()
    assert "尚未公布的草案标题" in html and "待审核的意见" in html
