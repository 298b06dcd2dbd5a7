"""Downloading a finished export is recorded in the access audit (issue 21)."""

import pytest
from django.urls import reverse

from cms.models import AccessEvent, AccessEventKind
from handling.models import ExportJob
from tests.handling.test_exports import make

pytestmark = pytest.mark.django_db


def test_an_export_download_is_recorded_with_its_file_name(
    client, draft, article, citizen, staff, moderator, django_capture_on_commit_callbacks
):
    make(draft, article, author=citizen)
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("opinions_exports"), {"draft": draft.pk, "format": "xlsx"})
    job = ExportJob.objects.get()
    assert client.get(reverse("opinions_export_download", args=[job.pk])).status_code == 200
    (event,) = AccessEvent.objects.filter(kind=AccessEventKind.EXPORT_DOWNLOAD)
    assert event.user_id == staff.pk and event.object_type == "handling.exportjob" and event.object_id == str(job.pk)
    assert event.object_repr.endswith(".xlsx")

    client.force_login(moderator)  # refused: nothing recorded
    client.get(reverse("opinions_export_download", args=[job.pk]))
    assert AccessEvent.objects.filter(kind=AccessEventKind.EXPORT_DOWNLOAD).count() == 1
