"""The staff workspace's bulk actions: Wagtail bulk-action pages that call the handling and referral services."""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from comments.models import Disposition, ModerationState, Opinion
from referrals.models import Referral
from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def _opinions(draft, article, citizen, n=3):
    return [
        Opinion.objects.create(
            draft=draft,
            version=draft.current_version,
            article=article,
            author=citizen,
            body=f"批量意见{i}",
            moderation_state=ModerationState.PUBLISHED,
        )
        for i in range(n)
    ]


def _bulk(action: str, ids, **params) -> str:
    query = [("id", pk) for pk in ids] + list(params.items())
    return reverse("wagtail_bulk_action", args=["comments", "opinion", action]) + "?" + urlencode(query)


def test_assign_and_unassign_the_selected_opinions(client, draft, article, citizen, staff):
    ops = _opinions(draft, article, citizen)
    client.force_login(staff)
    url = _bulk("assign", [o.pk for o in ops[:2]])
    page = client.get(url).content.decode()
    assert "取消分配" in page and staff.known_name in page
    response = client.post(url, {"assignee": staff.pk}, follow=True)
    assert "已分配 2 条意见" in response.content.decode()
    assert [o.assignee_id for o in Opinion.objects.order_by("pk")] == [staff.pk, staff.pk, None]
    client.post(url, {"assignee": ""})
    assert not Opinion.objects.filter(assignee__isnull=False).exists()


def test_assigning_to_someone_outside_staff_is_refused(client, draft, article, citizen, staff):
    ops = _opinions(draft, article, citizen, n=1)
    client.force_login(staff)
    page = client.post(_bulk("assign", [ops[0].pk]), {"assignee": citizen.pk}).content.decode()
    assert "error-message" in page and Opinion.objects.get().assignee is None


def test_merge_into_a_numbered_opinion_with_clear_messages(client, draft, article, citizen, staff):
    target, *others = _opinions(draft, article, citizen)
    client.force_login(staff)
    url = _bulk("merge", [o.pk for o in others], next=reverse("opinions_all"))
    assert "请填写合并到的意见编号" in client.post(url, {"target": "第一号"}).content.decode()
    response = client.post(url, {"target": target.pk, "merge_reason": "内容相同"}, follow=True)
    assert f"已将 2 条意见并入第 {target.pk} 号意见" in response.content.decode()
    assert set(Opinion.objects.filter(merged_into=target).values_list("pk", flat=True)) == {o.pk for o in others}


def test_forward_to_a_department_from_the_workspace(client, draft, article, citizen, staff):
    department = DepartmentFactory(name="市住房和城乡建设局")
    (opinion,) = _opinions(draft, article, citizen, n=1)
    client.force_login(staff)
    url = _bulk("forward", [opinion.pk])
    assert "市住房和城乡建设局" in client.get(url).content.decode()
    deadline = (timezone.localtime() + timedelta(days=15)).strftime("%Y-%m-%dT%H:%M")
    data = {"department": department.pk, "deadline": deadline, "instructions": "请研究", f"rev-{opinion.pk}": 0}
    response = client.post(url, data, follow=True)
    assert "已将 1 条意见转交市住房和城乡建设局办理" in response.content.decode()
    assert Referral.objects.get().department == department
    assert Opinion.objects.get().disposition == Disposition.FORWARDED


def test_select_all_in_listing_acts_on_what_the_filters_select(client, draft, article, citizen, staff):
    ops = _opinions(draft, article, citizen)
    Opinion.objects.filter(pk=ops[0].pk).update(disposition=Disposition.ADOPTED)
    client.force_login(staff)
    url = _bulk("assign", ["all"], draft=draft.pk, disposition=Disposition.UNDECIDED)
    response = client.post(url, {"assignee": staff.pk}, follow=True)
    assert "已分配 2 条意见" in response.content.decode()
    assert set(Opinion.objects.filter(assignee=staff).values_list("pk", flat=True)) == {ops[1].pk, ops[2].pk}


def test_replies_are_not_handled_on_their_own(client, draft, article, citizen, staff):
    (top,) = _opinions(draft, article, citizen, n=1)
    reply = Opinion.objects.create(
        draft=draft, version=draft.current_version, article=article, author=citizen, body="一条回复", parent=top
    )
    client.force_login(staff)
    page = client.get(_bulk("dispose", [reply.pk])).content.decode()
    assert "没有选择任何可以进行这一操作的条目" in page
    client.post(_bulk("dispose", [reply.pk]), {"disposition": "adopted"})
    assert Opinion.objects.get(pk=reply.pk).disposition == Disposition.UNDECIDED


@pytest.mark.parametrize("action", ["dispose", "assign", "merge", "forward"])
def test_only_staff_reach_the_workspace_bulk_actions(client, draft, article, citizen, moderator, action):
    (opinion,) = _opinions(draft, article, citizen, n=1)
    for user in (moderator, UserFactory(is_staff=True)):
        client.force_login(user)
        assert client.get(_bulk(action, [opinion.pk])).status_code in (302, 403)
        assert client.post(_bulk(action, [opinion.pk]), {"disposition": "adopted"}).status_code in (302, 403)
    assert Opinion.objects.get().disposition == Disposition.UNDECIDED


def test_the_workspace_shows_only_its_own_bulk_actions(client, draft, staff):
    client.force_login(staff)
    page = client.get(reverse("opinions_all")).content.decode()
    for action in ("dispose", "assign", "merge", "forward"):
        assert reverse("wagtail_bulk_action", args=["comments", "opinion", action]) in page
    assert "/bulk/comments/opinion/publish/" not in page


def test_select_all_beyond_the_limit_says_so_and_acts_on_the_first_ones(
    client, draft, article, citizen, staff, monkeypatch
):
    from cms import bulk_actions

    monkeypatch.setattr(bulk_actions, "MAX_SELECTED", 2)
    ops = _opinions(draft, article, citizen)
    client.force_login(staff)
    url = _bulk("assign", ["all"], draft=draft.pk)
    assert "列表中共有 3 条，一次最多处理 2 条" in client.get(url).content.decode()
    assert "已分配 2 条意见" in client.post(url, {"assignee": staff.pk}, follow=True).content.decode()
    assert Opinion.objects.filter(assignee=staff).count() == 2
    assert "列表中共有" not in client.get(_bulk("assign", [ops[0].pk])).content.decode()
