"""Retention: a finished export older than EXPORT_RETENTION_DAYS loses its file and says 已过期; temporary
leftovers go after TEMP_RETENTION_DAYS. The clock is injected."""

import logging
import os
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from handling.models import ExportFormat, ExportJob, ExportState
from ops import retention
from ops.tasks import retention_daily

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def scratch(settings, tmp_path):
    settings.EXPORT_SCRATCH_DIR = str(tmp_path / "scratch")
    settings.BACKUP_DIR = str(tmp_path / "backups")
    settings.EXPORT_RETENTION_DAYS = 30
    settings.TEMP_RETENTION_DAYS = 7
    return tmp_path


def _done(draft, staff, *, finished_at) -> ExportJob:
    job = ExportJob(
        draft=draft, format=ExportFormat.CSV, state=ExportState.DONE, created_by=staff, finished_at=finished_at
    )
    job.file.save("意见采纳情况表.csv", ContentFile("编号,意见\n".encode()), save=False)
    job.save()
    return job


def test_an_export_past_its_retention_is_deleted_and_marked_expired(draft, staff):
    now = timezone.now()
    old = _done(draft, staff, finished_at=now - timedelta(days=31))
    recent = _done(draft, staff, finished_at=now - timedelta(days=29))
    old_name = old.file.name
    storage = old.file.storage
    assert storage.exists(old_name)

    assert retention.retention_apply(now=now)["exports"] == 1

    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.state, old.file.name) == (ExportState.EXPIRED, "")
    assert not storage.exists(old_name)
    assert recent.state == ExportState.DONE and storage.exists(recent.file.name)
    # A second run finds nothing more.
    assert retention.retention_apply(now=now)["exports"] == 0


def test_the_exports_page_says_expired_instead_of_a_broken_link(client, draft, staff):
    now = timezone.now()
    old = _done(draft, staff, finished_at=now - timedelta(days=40))
    retention.retention_apply(now=now)
    client.force_login(staff)
    page = client.get(reverse("opinions_exports") + f"?draft={draft.pk}").content.decode()
    assert "已过期" in page and "文件已按保留期限删除" in page
    assert reverse("opinions_export_download", args=[old.pk]) not in page
    assert client.get(reverse("opinions_export_download", args=[old.pk])).status_code == 404
    status = client.get(reverse("opinions_export_status", args=[old.pk])).json()
    assert (status["state"], status["state_label"], status["download_url"]) == ("expired", "已过期", "")


def _aged(path, *, days, now):
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_bytes(b"x")
    moment = (now - timedelta(days=days)).timestamp()
    os.utime(path, (moment, moment))
    return path


def test_temporary_leftovers_are_deleted_after_their_retention(scratch):
    now = timezone.now()
    old_scratch = _aged(scratch / "scratch" / "export-7-abc.docx", days=8, now=now)
    new_scratch = _aged(scratch / "scratch" / "export-8-def.docx", days=1, now=now)
    old_partial = scratch / "backups" / ".partial-backup-20261101-023000Z"
    _aged(old_partial / "database.dump", days=8, now=now)
    _aged(old_partial, days=8, now=now)
    new_partial = scratch / "backups" / ".partial-backup-20261204-023000Z"
    _aged(new_partial / "database.dump", days=0, now=now)

    assert retention.retention_apply(now=now)["temporary_files"] == 2
    assert not old_scratch.exists() and not old_partial.exists()
    assert new_scratch.exists() and new_partial.exists()


def test_the_daily_task_logs_what_it_deleted(draft, staff, caplog):
    _done(draft, staff, finished_at=timezone.now() - timedelta(days=31))
    with caplog.at_level(logging.INFO, logger="ops.retention"):
        assert retention_daily() == {"exports": 1, "temporary_files": 0}
    assert "1 export file(s) older than 30 days" in caplog.text
