"""Downloads of meeting notes and of a point's feedback sheet are recorded in the access audit (issue 21)."""

from datetime import date

import pytest
from django.urls import reverse

from cms.models import AccessEvent, AccessEventKind
from contact_points import services
from contact_points.models import Meeting
from tests.contact_points.conftest import docx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def note(draft, point, coordinator):
    meeting = services.meeting_save(
        user=coordinator, meeting=Meeting(contact_point=point, draft=draft, held_on=date.today())
    )
    return services.note_upload(user=coordinator, meeting=meeting, name="纪要.docx", data=docx_bytes(["建议。"])).note


def test_a_coordinator_downloading_notes_is_recorded(client, point, coordinator, note):
    client.force_login(coordinator)
    response = client.get(reverse("contact_points:note", args=[point.pk, note.pk]), REMOTE_ADDR="192.0.2.4")
    assert response.status_code == 200
    (event,) = AccessEvent.objects.filter(kind=AccessEventKind.NOTES_DOWNLOAD)
    assert event.user_id == coordinator.pk and event.ip == "192.0.2.4"
    assert (event.object_type, event.object_id, event.object_repr) == (
        "contact_points.meetingnote",
        str(note.pk),
        "纪要.docx",
    )


def test_staff_downloading_notes_in_the_admin_is_recorded(client, staff, note):
    client.force_login(staff)
    assert client.get(reverse("contact_points_admin:note", args=[note.pk])).status_code == 200
    assert AccessEvent.objects.filter(kind=AccessEventKind.NOTES_DOWNLOAD, user_id=staff.pk).count() == 1


def test_a_refused_download_is_not_recorded_as_one(client, intruder, other_point, point, note):
    client.force_login(intruder)
    assert client.get(reverse("contact_points:note", args=[point.pk, note.pk])).status_code == 404
    assert not AccessEvent.objects.filter(kind=AccessEventKind.NOTES_DOWNLOAD).exists()


def test_the_feedback_sheet_download_is_recorded_as_an_export(client, point, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("contact_points:feedback_xlsx", args=[point.pk])).status_code == 200
    (event,) = AccessEvent.objects.filter(kind=AccessEventKind.EXPORT_DOWNLOAD)
    assert event.user_id == coordinator.pk and event.object_id == str(point.pk)
