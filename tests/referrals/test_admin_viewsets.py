"""The oversight board and a referral's staff page as a Wagtail viewset: the list filtered in Wagtail's filter
panel, the inspect page that takes the decisions through the services, and who may see or act."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.views.generic import IndexView, InspectView

from cms.roles import Role
from comments.models import Channel, ModerationState, Opinion
from referrals import services
from referrals.models import Referral, ReferralState
from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def departments(db):
    return DepartmentFactory(name="市住房和城乡建设局"), DepartmentFactory(name="市市场监督管理局")


@pytest.fixture
def liaison(departments):
    user = UserFactory(username="liaison1", roles=[Role.LIAISON])
    departments[0].liaisons.add(user)
    return user


def _forward(staff, draft, department, body: str) -> Referral:
    opinion = Opinion.objects.create(
        draft=draft,
        version=draft.current_version,
        body=body,
        channel=Channel.LETTER,
        moderation_state=ModerationState.INTERNAL,
    )
    return services.opinions_forward(
        staff=staff,
        opinion_ids=[opinion.pk],
        department=department,
        deadline=timezone.now() + timedelta(days=10),
        instructions=f"研究：{body}",
    )


@pytest.fixture
def referrals(staff, draft, departments, liaison, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        housing = _forward(staff, draft, departments[0], "建议公开维修资金。")
        market = _forward(staff, draft, departments[1], "建议规范电梯维保。")
        replied = _forward(staff, draft, departments[0], "建议设立业委会办公场所。")
        services.referral_reply(liaison=liaison, referral_id=replied.pk, text="已研究。", files=[])
    return housing, market, Referral.objects.get(pk=replied.pk)


@pytest.fixture
def watcher(db):
    """In the admin and allowed to read referrals, but not to decide on them (no comments.dispose_opinion)."""
    user = UserFactory(username="watcher", roles=[Role.MODERATOR])
    user.user_permissions.add(Permission.objects.get(codename="view_referral", content_type__app_label="referrals"))
    return user


def test_board_is_wagtails_listing_filtered_in_its_filter_panel(client, staff, referrals, departments):
    housing, market, replied = referrals
    client.force_login(staff)
    url = reverse("referrals_board")
    assert url == reverse("referral_board:index") == "/admin/referrals/"
    board = client.get(url)
    assert isinstance(board.context["view"], IndexView)
    assert {r.pk for r in board.context["object_list"]} == {housing.pk, market.pk, replied.pk}
    assert {"department", "show"} <= set(board.context["filters"].form.fields)
    assert {row.department for row in board.context["rows"]} == set(departments)  # the counts above the list
    by_department = client.get(url, {"department": departments[1].pk})
    assert [r.pk for r in by_department.context["object_list"]] == [market.pk]
    to_review = client.get(url, {"department": departments[0].pk, "show": "review"})
    assert [r.pk for r in to_review.context["object_list"]] == [replied.pk]
    fragment = client.get(reverse("referral_board:index_results"), {"show": "review"})
    html = fragment.content.decode()
    assert "<html" not in html and reverse("referrals_admin", args=[replied.pk]) in html
    assert reverse("referrals_admin", args=[market.pk]) not in html


def test_referral_page_is_an_inspect_view_that_takes_the_review(
    client, staff, referrals, django_capture_on_commit_callbacks
):
    replied = referrals[2]
    client.force_login(staff)
    url = reverse("referrals_admin", args=[replied.pk])
    assert url == reverse("referral_board:inspect", args=[replied.pk])
    page = client.get(url)
    assert isinstance(page.context["view"], InspectView) and page.context["can_act"]
    assert "建议设立业委会办公场所。" in page.content.decode() and "退回重办" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "accept", "note": "", "revision": replied.revision}, follow=True)
    assert response.redirect_chain[-1][0] == url and "已办结" in response.content.decode()
    assert Referral.objects.get(pk=replied.pk).state == ReferralState.CLOSED
    assert client.get(reverse("referrals_admin", args=[999999])).status_code == 404


def test_reading_the_board_does_not_allow_deciding(client, watcher, referrals):
    replied = referrals[2]
    client.force_login(watcher)
    assert client.get(reverse("referrals_board")).status_code == 200
    page = client.get(reverse("referrals_admin", args=[replied.pk]))
    assert page.status_code == 200 and not page.context["can_act"] and "退回重办" not in page.content.decode()
    response = client.post(
        reverse("referrals_admin", args=[replied.pk]), {"action": "accept", "revision": replied.revision}
    )
    assert response.status_code in (302, 403)
    assert Referral.objects.get(pk=replied.pk).state == ReferralState.REPLIED


def test_board_refuses_roles_without_the_permission(client, moderator, liaison, referrals):
    urls = [
        reverse("referral_board:index"),
        reverse("referral_board:index_results"),
        reverse("referral_board:inspect", args=[referrals[0].pk]),
    ]
    for user in (moderator, liaison):  # in the admin without the permission / not in the admin at all
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code in (302, 403), (user, url)
            assert "建议公开维修资金" not in response.content.decode()
