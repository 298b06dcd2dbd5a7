"""An export whose worker died is queued again by the watchdog, and failed with a message and 重试 after a
few tries; its partial file is removed. The clock is injected: nothing here waits."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from comments.models import ModerationState, Opinion
from handling import exports
from handling.models import ExportJob, ExportState

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def scratch(settings, tmp_path):
    settings.EXPORT_SCRATCH_DIR = str(tmp_path)
    return tmp_path


@pytest.fixture
def opinions(draft, article, citizen):
    for i in range(3):
        Opinion.objects.create(
            draft=draft,
            version=draft.current_version,
            article=article,
            author=citizen,
            body=f"意见{i}",
            moderation_state=ModerationState.PUBLISHED,
        )


def _left_running(draft, staff, *, beat_ago: timedelta, attempts: int = 1) -> ExportJob:
    """A job as a worker killed with kill -9 leaves it: running, 15 %, its heart stopped."""
    now = timezone.now()
    return ExportJob.objects.create(
        draft=draft,
        format="docx",
        created_by=staff,
        state=ExportState.RUNNING,
        done=15,
        total=100,
        heartbeat_at=now - beat_ago,
        attempts=attempts,
        created_at=now - beat_ago,
    )


def test_a_job_whose_worker_died_is_queued_again_and_finishes(
    draft, staff, opinions, scratch, django_capture_on_commit_callbacks
):
    job = _left_running(draft, staff, beat_ago=timedelta(minutes=2))
    partial = scratch / f"export-{job.pk}-abc.docx"
    partial.write_bytes(b"half a file")
    with django_capture_on_commit_callbacks(execute=True):
        assert exports.export_watchdog() == {"requeued": 1, "failed": 0}
    job.refresh_from_db()
    assert job.state == ExportState.DONE and job.attempts == 2 and job.file
    assert not partial.exists() and not list(scratch.iterdir())


def test_a_beating_job_is_left_alone(draft, staff, opinions):
    job = _left_running(draft, staff, beat_ago=timedelta(seconds=20))
    assert exports.export_watchdog() == {"requeued": 0, "failed": 0}
    job.refresh_from_db()
    assert job.state == ExportState.RUNNING and job.done == 15
    # A second task for the same job (the broker still held it) finds it taken and does nothing.
    exports.export_build(job.pk)
    job.refresh_from_db()
    assert job.state == ExportState.RUNNING and job.attempts == 1


def test_after_the_last_try_the_job_fails_with_a_message_and_staff_retry(
    client, draft, staff, opinions, django_capture_on_commit_callbacks
):
    job = _left_running(draft, staff, beat_ago=timedelta(minutes=5), attempts=3)
    assert exports.export_watchdog() == {"requeued": 0, "failed": 1}
    job.refresh_from_db()
    assert job.state == ExportState.FAILED and "中断了 3 次" in job.error and "重试" in job.error
    client.force_login(staff)
    page = client.get(reverse("opinions_exports") + f"?draft={draft.pk}").content.decode()
    assert f'name="retry" value="{job.pk}"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("opinions_exports"), {"retry": str(job.pk)}, follow=True)
    assert "已重新开始生成" in response.content.decode()
    again = ExportJob.objects.exclude(pk=job.pk).get()
    assert again.state == ExportState.DONE and again.format == job.format and again.draft == draft


def test_a_queued_job_the_broker_lost_is_queued_again(draft, staff, opinions, django_capture_on_commit_callbacks):
    lost = ExportJob.objects.create(
        draft=draft, format="csv", created_by=staff, created_at=timezone.now() - timedelta(minutes=30)
    )
    waiting = ExportJob.objects.create(draft=draft, format="csv", created_by=staff)
    with django_capture_on_commit_callbacks(execute=True):
        assert exports.export_watchdog() == {"requeued": 1, "failed": 0}
    lost.refresh_from_db()
    waiting.refresh_from_db()
    assert lost.state == ExportState.DONE and waiting.state == ExportState.QUEUED


def test_only_a_failed_job_can_be_retried(client, draft, staff, opinions):
    done = ExportJob.objects.create(draft=draft, format="csv", created_by=staff, state=ExportState.DONE)
    client.force_login(staff)
    response = client.post(reverse("opinions_exports"), {"retry": str(done.pk)}, follow=True)
    assert "只能重试失败的导出任务" in response.content.decode()
    assert ExportJob.objects.count() == 1
