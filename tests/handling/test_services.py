from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from comments import clusters
from comments.models import Channel, Disposition, ModerationState, Opinion
from comments.services import OfflineOpinion, opinions_import
from drafts.parser import parse_text
from drafts.services import draft_version_create
from handling import services as handling
from handling.models import AppendOnlyError, HandlingEvent
from handling.services import ConflictError, HandlingError
from referrals import services as referrals
from tests.cms.test_emails import html_of
from tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


def _opinions(draft, article, citizen, n=3, body="意见{}：建议明确物业服务人的公示义务和期限。"):
    return [
        Opinion.objects.create(
            draft=draft,
            version=draft.current_version,
            article=article,
            author=citizen,
            body=body.format(i),
            moderation_state=ModerationState.PUBLISHED,
        )
        for i in range(n)
    ]


def test_bulk_disposition_records_who_when_before_after_and_why(draft, article, citizen, staff):
    ops = _opinions(draft, article, citizen)
    done = handling.opinions_dispose(
        staff=staff, opinion_ids=[o.pk for o in ops], disposition=Disposition.NOT_ADOPTED, reason="上位法已有规定"
    )
    assert len(done) == 3
    for o in Opinion.objects.filter(pk__in=[o.pk for o in ops]):
        assert (o.disposition, o.disposition_reason, o.disposed_by) == ("not_adopted", "上位法已有规定", staff)
        assert o.revision == 1
    event = HandlingEvent.objects.get(opinion=ops[0])
    assert event.actor == staff and event.reason == "上位法已有规定"
    assert event.before["disposition"] == "undecided" and event.after["disposition"] == "not_adopted"


def test_a_reason_is_required_for_partly_and_not_adopted(draft, article, citizen, staff):
    (o,) = _opinions(draft, article, citizen, n=1)
    for disposition in (Disposition.PARTLY_ADOPTED, Disposition.NOT_ADOPTED):
        with pytest.raises(HandlingError):
            handling.opinions_dispose(staff=staff, opinion_ids=[o.pk], disposition=disposition, reason="  ")
    handling.opinions_dispose(staff=staff, opinion_ids=[o.pk], disposition=Disposition.ADOPTED)
    o.refresh_from_db()
    assert o.disposition == "adopted"


def test_the_author_is_told_by_email(draft, article, citizen, staff, django_capture_on_commit_callbacks):
    (o,) = _opinions(draft, article, citizen, n=1)
    with django_capture_on_commit_callbacks(execute=True):
        handling.opinions_dispose(staff=staff, opinion_ids=[o.pk], disposition=Disposition.ADOPTED)
    assert [m.to for m in mail.outbox] == [[citizen.email]] and "采纳" in mail.outbox[0].body


def test_each_author_is_told_of_their_own_opinion_only_in_chinese_text_and_html(
    draft, article, citizen, other, staff, django_capture_on_commit_callbacks
):
    (mine,) = _opinions(draft, article, citizen, n=1, body="老张的意见{}：公示栏应设在一楼<大厅> & 电梯口。")
    (theirs,) = _opinions(draft, article, other, n=1, body="小李的意见{}：维修资金应每季度公布。")
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        handling.opinions_dispose(
            staff=staff, opinion_ids=[mine.pk, theirs.pk], disposition=Disposition.NOT_ADOPTED, reason="上位法已有规定"
        )
    assert sorted(m.to for m in mail.outbox) == sorted([[citizen.email], [other.email]])
    for author, opinion, stranger, strangers_opinion in (
        (citizen, mine, other, theirs),
        (other, theirs, citizen, mine),
    ):
        (message,) = [m for m in mail.outbox if m.to == [author.email]]
        html = html_of(message)
        assert message.subject == f"{settings.EMAIL_SUBJECT_PREFIX}您的意见已处理"
        assert f"{author.display_name}，您好" in message.body and f"{author.display_name}，您好" in html
        assert "未采纳" in message.body and "上位法已有规定" in message.body and opinion.body in message.body
        assert "未采纳" in html and "上位法已有规定" in html and "/my/opinions/" in html
        assert escape(opinion.body) in html and "<大厅>" not in html
        for secret in (stranger.email, stranger.display_name, stranger.username, strangers_opinion.body):
            assert secret not in f"{message.subject}{message.body}{html}"


def test_a_second_editor_gets_a_conflict_and_nothing_is_lost(draft, article, citizen, staff):
    (o,) = _opinions(draft, article, citizen, n=1)
    seen = {o.pk: o.revision}  # both staff open the page at revision 0
    handling.opinions_dispose(staff=staff, opinion_ids=[o.pk], disposition=Disposition.ADOPTED, revisions=seen)
    with pytest.raises(ConflictError) as exc:
        handling.opinions_dispose(
            staff=staff, opinion_ids=[o.pk], disposition=Disposition.NOT_ADOPTED, reason="不同意", revisions=seen
        )
    assert "已被他人修改" in exc.value.messages[0]
    o.refresh_from_db()
    assert o.disposition == "adopted" and HandlingEvent.objects.filter(opinion=o).count() == 1


def test_only_staff_handle_opinions(draft, article, citizen, moderator):
    (o,) = _opinions(draft, article, citizen, n=1)
    with pytest.raises(PermissionDenied):
        handling.opinions_dispose(staff=moderator, opinion_ids=[o.pk], disposition=Disposition.ADOPTED)
    with pytest.raises(PermissionDenied):
        handling.opinions_dispose(staff=citizen, opinion_ids=[o.pk], disposition=Disposition.ADOPTED)


def test_merged_opinions_follow_the_disposition_of_the_one_that_absorbed_them(draft, article, citizen, staff):
    target, a, b = _opinions(draft, article, citizen)
    handling.opinions_merge(staff=staff, target_id=target.pk, opinion_ids=[a.pk, b.pk], reason="内容相同")
    a.refresh_from_db()
    assert (a.disposition, a.merged_into) == ("merged", target)
    handling.opinions_dispose(
        staff=staff, opinion_ids=[target.pk], disposition=Disposition.PARTLY_ADOPTED, reason="部分吸收"
    )
    for o in (a, b):
        o.refresh_from_db()
        assert (o.disposition, o.disposition_reason, o.merged_into_id) == ("partly_adopted", "部分吸收", target.pk)
    with pytest.raises(HandlingError):
        handling.opinions_merge(staff=staff, target_id=a.pk, opinion_ids=[b.pk])


def test_forwarding_marks_the_cluster_forwarded_and_blocks_other_dispositions(draft, article, citizen, staff):
    ops = _opinions(draft, article, citizen)
    department = DepartmentFactory(name="市住保房管局")
    referral = referrals.opinions_forward(
        staff=staff,
        opinion_ids=[o.pk for o in ops],
        department=department,
        deadline=timezone.now() + timedelta(days=30),
        instructions="请研究物业费公示问题。",
    )
    assert referral.opinions.count() == 3
    assert set(Opinion.objects.values_list("disposition", flat=True)) == {"forwarded"}
    with pytest.raises(HandlingError):
        handling.opinions_dispose(staff=staff, opinion_ids=[ops[0].pk], disposition=Disposition.ADOPTED)
    inactive = DepartmentFactory(name="已撤销的局", is_active=False)
    (other,) = _opinions(draft, article, citizen, n=1, body="另一条{}")
    with pytest.raises(HandlingError) as exc:
        referrals.opinions_forward(
            staff=staff, opinion_ids=[other.pk], department=inactive, deadline=timezone.now() + timedelta(days=3)
        )
    assert "已停用" in exc.value.messages[0]


def test_an_adopted_opinion_links_to_the_changed_article_of_a_later_version(draft, article, citizen, staff):
    (o,) = _opinions(draft, article, citizen, n=1)
    with pytest.raises(HandlingError):
        handling.opinion_link_change(staff=staff, opinion_id=o.pk, article_id=article.pk)
    handling.opinions_dispose(staff=staff, opinion_ids=[o.pk], disposition=Disposition.ADOPTED)
    text = "示例条例\n\n" + "\n\n".join(f"第{n}条 修改后的第{n}条。" for n in "一二三四五六七八九十")
    version = draft_version_create(draft=draft, result=parse_text(text), make_current=False)
    later = version.provisions.get(kind="article", number=5)
    with pytest.raises(HandlingError):  # an article of the same version is not a later change
        handling.opinion_link_change(staff=staff, opinion_id=o.pk, article_id=article.pk)
    handling.opinion_link_change(staff=staff, opinion_id=o.pk, article_id=later.pk)
    o.refresh_from_db()
    assert o.resulting_article == later


def test_assignment_only_to_staff(draft, article, citizen, staff):
    ops = _opinions(draft, article, citizen, n=2)
    assert handling.opinions_assign(staff=staff, opinion_ids=[o.pk for o in ops], assignee=staff) == 2
    assert set(Opinion.objects.values_list("assignee", flat=True)) == {staff.pk}
    with pytest.raises(HandlingError):
        handling.opinions_assign(staff=staff, opinion_ids=[ops[0].pk], assignee=citizen)


def test_handling_events_are_append_only(draft, article, citizen, staff):
    (o,) = _opinions(draft, article, citizen, n=1)
    handling.opinions_dispose(staff=staff, opinion_ids=[o.pk], disposition=Disposition.ADOPTED)
    event = HandlingEvent.objects.get()
    event.reason = "篡改"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_near_identical_opinions_are_grouped_across_channels(draft, article, citizen):
    campaign = "强烈要求取消本条关于停车位只租不售的规定，保障业主的合法权益！"
    rows = [
        (1, campaign),
        (2, campaign),
        (3, "强烈要求取消本条关于停车位只租不售的规定，保障全体业主的合法权益!!"),
        (4, "建议增加电梯维修资金的使用程序。"),
        (5, "我认为物业费应当按季度公示，接受业主监督，保障知情权。"),
    ]
    assert clusters.group_texts(rows) == {1: [1, 2, 3]}
    ops = _opinions(draft, article, citizen, n=2, body=campaign + "{}")
    opinions_import(
        draft=draft,
        version=draft.current_version,
        channel=Channel.LETTER,
        opinions=[OfflineOpinion(body=campaign), OfflineOpinion(body="完全不同的一条意见，关于垃圾分类的宣传。")],
    )
    assert clusters.draft_clusters_update(draft.pk) == 4  # the four new opinions placed in groups
    grouped = Opinion.objects.filter(cluster=ops[0].pk)
    assert grouped.count() == 3 and set(grouped.values_list("cluster_size", flat=True)) == {3}
    assert Opinion.objects.filter(cluster__isnull=True).count() == 1


def test_workspace_lists_groups_and_bulk_disposes(client, draft, article, citizen, staff, moderator):
    ops = _opinions(draft, article, citizen)
    url = reverse("opinions_all") + f"?draft={draft.pk}"
    ids = "&".join(f"id={o.pk}" for o in ops)
    bulk = reverse("wagtail_bulk_action", args=["comments", "opinion", "dispose"]) + f"?{ids}&next={url}"
    client.force_login(moderator)
    assert client.get(url).status_code in (302, 403)
    assert client.get(bulk).status_code in (302, 403)
    data = {"disposition": "not_adopted", "reason": "已有规定"} | {f"rev-{o.pk}": 0 for o in ops}
    assert client.post(bulk, data).status_code in (302, 403)
    assert set(Opinion.objects.values_list("disposition", flat=True)) == {"undecided"}
    client.force_login(staff)
    page = client.get(url).content.decode()
    assert article.label in page and ops[0].body in page
    assert reverse("wagtail_bulk_action", args=["comments", "opinion", "dispose"]) in page
    confirm = client.get(bulk).content.decode()
    assert all(o.body in confirm for o in ops) and 'name="rev-' in confirm
    response = client.post(bulk, data, follow=True)
    assert response.redirect_chain[-1][0] == url
    assert "已处理 3 条意见" in response.content.decode()
    assert set(Opinion.objects.values_list("disposition", flat=True)) == {"not_adopted"}
    stale = client.post(bulk, data | {"disposition": "adopted"}, follow=True).content.decode()
    assert "已被他人修改" in stale
    assert "已有规定" in stale  # what was typed is kept on the page beside the refusal
    assert set(Opinion.objects.values_list("disposition", flat=True)) == {"not_adopted"}


def test_opinion_page_shows_history_and_keeps_typed_text_on_conflict(client, draft, article, citizen, staff):
    (o,) = _opinions(draft, article, citizen, n=1)
    client.force_login(staff)
    url = reverse("opinions_handle", args=[o.pk])
    client.post(url, {"action": "dispose", "revision": 0, "d-disposition": "adopted", "d-reason": ""})
    page = client.get(url).content.decode()
    assert "处理记录" in page and "待处理" in page and "采纳" in page
    response = client.post(
        url, {"action": "dispose", "revision": 0, "d-disposition": "not_adopted", "d-reason": "我写了很长的理由"}
    )
    body = response.content.decode()
    assert response.status_code == 200 and "已被他人修改" in body and "我写了很长的理由" in body


def _close(draft):
    draft.opens_at = timezone.now() - timedelta(days=30)
    draft.closes_at = timezone.now() - timedelta(days=1)
    draft.save_revision().publish()
    draft.refresh_from_db()


def test_public_feedback_of_a_closed_draft_shows_handling_and_only_public_reasons(
    client, draft, article, citizen, staff
):
    ops = _opinions(draft, article, citizen)
    hidden = Opinion.objects.create(
        draft=draft, version=draft.current_version, article=article, body="被隐藏的意见", moderation_state="hidden"
    )
    handling.opinions_dispose(staff=staff, opinion_ids=[ops[0].pk], disposition="adopted", reason="已在修改稿中写明")
    handling.opinions_dispose(
        staff=staff, opinion_ids=[ops[1].pk], disposition="not_adopted", reason="内部考虑", reason_public=False
    )
    url = reverse("comments:feedback", args=[draft.pk])
    assert client.get(url).status_code == 404  # the period is still open
    _close(draft)
    summary = client.get(url).content.decode()
    assert article.label in summary and "意见处理情况反馈" in summary
    detail = client.get(url, {"article": article.pk}).content.decode()
    assert "已在修改稿中写明" in detail and ops[0].body in detail
    assert ops[1].body in detail and "内部考虑" not in detail
    assert ops[2].body not in detail  # still undecided
    assert hidden.body not in detail and citizen.email not in detail
    handling.opinions_dispose(staff=staff, opinion_ids=[ops[2].pk], disposition="adopted")
    assert ops[2].body in client.get(url, {"article": article.pk}).content.decode()
    assert "采纳 2" in client.get(url).content.decode()  # the cached summary follows the change
    draft_page = client.get(draft.url).content.decode()
    assert url in draft_page


def test_the_version_diff_shows_the_opinions_behind_a_change(client, draft, article, citizen, staff):
    (o,) = _opinions(draft, article, citizen, n=1, body="建议第五条写明公示期限为七日。{}")
    handling.opinions_dispose(staff=staff, opinion_ids=[o.pk], disposition=Disposition.ADOPTED)
    text = "示例条例\n\n" + "\n\n".join(
        f"第{n}条 这是第{n}条的内容，规定了物业服务人和业主的权利义务。" + ("公示期限为七日。" if n == "五" else "")
        for n in "一二三四五六七八九十"
    )
    version = draft_version_create(draft=draft, result=parse_text(text), make_current=True)
    handling.opinion_link_change(
        staff=staff, opinion_id=o.pk, article_id=version.provisions.get(kind="article", number=5).pk
    )
    page = client.get(draft.url + "diff/").content.decode()
    assert "因采纳 1 条意见而修改" in page and "建议第五条写明公示期限为七日" in page


@pytest.mark.parametrize(
    "state", [ModerationState.PENDING, ModerationState.REJECTED, ModerationState.HIDDEN, ModerationState.WITHDRAWN]
)
def test_text_moderation_did_not_let_through_cannot_be_adopted(draft, article, citizen, staff, state):
    spam = Opinion.objects.create(
        draft=draft, version=draft.current_version, article=article, author=citizen, body="广告", moderation_state=state
    )
    with pytest.raises(HandlingError, match="尚未通过审核"):
        handling.opinions_dispose(staff=staff, opinion_ids=[spam.pk], disposition="adopted")
    spam.refresh_from_db()
    assert spam.disposition == Disposition.UNDECIDED and spam.revision == 0
