"""The staff's solicitations and received batches as Wagtail viewsets: lists filtered in Wagtail's filter panel,
a page per object, 发出征询任务 and 签收所选 through the services, and nothing for a user without the permission."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.views.generic import IndexView, InspectView

from cms.roles import Role
from contact_points import services
from contact_points.models import BatchState, Meeting, OpinionBatch, Solicitation
from tests.contact_points.conftest import docx_bytes
from tests.factories import DraftFactory, UserFactory

pytestmark = pytest.mark.django_db


def _submitted_batch(draft, point, coordinator, text="关于第三条：建议写明期限和责任人。") -> OpinionBatch:
    meeting = services.meeting_save(
        user=coordinator, meeting=Meeting(contact_point=point, draft=draft, held_on=date.today())
    )
    batch = services.note_upload(user=coordinator, meeting=meeting, name="纪要.docx", data=docx_bytes([text])).batch
    services.batch_items_review(
        user=coordinator, batch=batch, item_ids=[i.pk for i in batch.items.all()], action="accept"
    )
    services.batch_submit(user=coordinator, batch_id=batch.pk)
    return OpinionBatch.objects.get(pk=batch.pk)


@pytest.fixture
def other_draft(draft_index):
    return DraftFactory(index=draft_index, slug="other", title="杭州市电梯安全条例（草案）")


@pytest.fixture
def solicitations(staff, draft, other_draft, point, other_point):
    deadline = timezone.now() + timedelta(days=5)
    return [
        services.solicitation_send(staff=staff, draft=d, deadline=deadline, contact_points=[point, other_point])
        for d in (draft, other_draft)
    ]


@pytest.fixture
def moderator(db):
    """In the admin, but with no permission on contact points' work."""
    return UserFactory(username="mod", roles=[Role.MODERATOR])


def test_solicitation_list_is_wagtails_listing_filtered_in_its_filter_panel(client, staff, solicitations, draft):
    mine, other = solicitations
    client.force_login(staff)
    url = reverse("contact_points_admin:solicitations")
    assert url == reverse("contact_point_solicitations:index") == "/admin/contact-points/solicitations/"
    response = client.get(url)
    assert isinstance(response.context["view"], IndexView)
    assert {s.pk for s in response.context["object_list"]} == {mine.pk, other.pk}
    assert "draft" in response.context["filters"].form.fields
    filtered = client.get(url, {"draft": draft.pk})
    assert [s.pk for s in filtered.context["object_list"]] == [mine.pk]
    assert filtered.context["object_list"][0].target_count == 2  # the selector's figures reach the row
    # Wagtail's filter panel reloads only the results.
    fragment = client.get(reverse("contact_point_solicitations:index_results"), {"draft": draft.pk})
    html = fragment.content.decode()
    assert fragment.status_code == 200 and "<html" not in html
    assert reverse("contact_points_admin:solicitation", args=[mine.pk]) in html
    assert reverse("contact_points_admin:solicitation", args=[other.pk]) not in html


def test_solicitation_page_is_an_inspect_view_with_each_points_answer(client, staff, solicitations, point):
    client.force_login(staff)
    url = reverse("contact_points_admin:solicitation", args=[solicitations[0].pk])
    assert url == reverse("contact_point_solicitations:inspect", args=[solicitations[0].pk])
    response = client.get(url)
    assert isinstance(response.context["view"], InspectView)
    html = response.content.decode()
    assert point.name in html and "待报送" in html and "已报送 0 / 2" in html
    assert client.get(reverse("contact_points_admin:solicitation", args=[999999])).status_code == 404


def test_sending_a_solicitation_calls_the_service_and_a_refusal_keeps_the_form(
    client, staff, draft, point, monkeypatch
):
    calls = []
    send = services.solicitation_send

    def spy(**kwargs):
        calls.append(kwargs)
        return send(**kwargs)

    monkeypatch.setattr(services, "solicitation_send", spy)
    client.force_login(staff)
    url = reverse("contact_points_admin:solicitation_new")
    deadline = (timezone.localtime() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, {"draft": draft.pk, "deadline": deadline, "mode": "all", "note": "请于月底前报送"})
    solicitation = Solicitation.objects.get()
    assert response["Location"] == reverse("contact_points_admin:solicitation", args=[solicitation.pk])
    assert calls[0]["staff"] == staff and calls[0]["contact_points"] == [point]

    past = (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    refused = client.post(url, {"draft": draft.pk, "deadline": past, "mode": "all", "note": "过期的任务"})
    assert refused.status_code == 200 and Solicitation.objects.count() == 1
    assert "过期的任务" in refused.content.decode()  # what was typed is still there


def test_staff_screens_refuse_a_user_without_the_permission(
    client, moderator, coordinator, solicitations, draft, point
):
    batch = _submitted_batch(draft, point, coordinator)
    urls = [
        reverse("contact_point_solicitations:index"),
        reverse("contact_point_solicitations:index_results"),
        reverse("contact_point_solicitations:add"),
        reverse("contact_point_solicitations:inspect", args=[solicitations[0].pk]),
        reverse("contact_point_batches:index"),
        reverse("contact_point_batches:index_results"),
        reverse("contact_point_batches:inspect", args=[batch.pk]),
    ]
    for user in (moderator, coordinator):  # in the admin without the permission / not in the admin at all
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code in (302, 403), (user, url)
            assert draft.title not in response.content.decode()
        deadline = (timezone.localtime() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
        client.post(
            reverse("contact_point_solicitations:add"), {"draft": draft.pk, "deadline": deadline, "mode": "all"}
        )
    assert Solicitation.objects.count() == 2


def test_batch_list_filters_by_state_and_point_and_ticks_only_submitted_batches(
    client, staff, draft, point, coordinator, other_point, intruder
):
    submitted = _submitted_batch(draft, point, coordinator)
    received = _submitted_batch(draft, other_point, intruder, text="关于第五条：建议缩短期限。")
    services.batches_receive(staff=staff, batch_ids=[received.pk])
    client.force_login(staff)
    url = reverse("contact_points_admin:batches")
    assert url == reverse("contact_point_batches:index")
    listing = client.get(url)
    assert isinstance(listing.context["view"], IndexView)
    assert [b.pk for b in listing.context["object_list"]] == [submitted.pk]  # awaiting receipt by default
    assert not listing.context["is_filtering"]  # the default state is not counted as a filter applied
    html = listing.content.decode()
    assert f'data-object-id="{submitted.pk}"' in html and "data-bulk-action-footer" in html
    everything = client.get(url, {"state": "all"})
    assert {b.pk for b in everything.context["object_list"]} == {submitted.pk, received.pk}
    assert f'data-object-id="{received.pk}"' not in everything.content.decode()  # received: nothing to tick
    by_point = client.get(url, {"state": "all", "contact_point": other_point.pk})
    assert [b.pk for b in by_point.context["object_list"]] == [received.pk]


def test_receive_selected_is_a_wagtail_bulk_action_calling_the_service(
    client, staff, draft, point, coordinator, monkeypatch
):
    batch = _submitted_batch(draft, point, coordinator)
    calls = []
    receive = services.batches_receive

    def spy(**kwargs):
        calls.append(kwargs)
        return receive(**kwargs)

    monkeypatch.setattr(services, "batches_receive", spy)
    client.force_login(staff)
    page = client.get(reverse("contact_points_admin:batch", args=[batch.pk]))
    assert isinstance(page.context["view"], InspectView)
    action = page.context["receive_url"]  # 签收 on the batch's page opens the same bulk action
    assert action.startswith(reverse("wagtail_bulk_action", args=["contact_points", "opinionbatch", "receive"]))
    assert point.name in client.get(action).content.decode()
    response = client.post(action, follow=True)
    assert calls == [{"staff": staff, "batch_ids": [batch.pk]}]
    assert OpinionBatch.objects.get(pk=batch.pk).state == BatchState.RECEIVED
    assert response.redirect_chain[-1][0] == reverse("contact_points_admin:batch", args=[batch.pk])
    assert "已签收 1 份意见汇总" in response.content.decode()
    assert client.get(reverse("contact_points_admin:batch", args=[batch.pk])).context["receive_url"] == ""
