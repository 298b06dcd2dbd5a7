"""Retention: what the site deletes, and after how long (settings, README 「运维」).

- Finished exports: EXPORT_RETENTION_DAYS (30) after they were written; the job stays listed as 已过期
  (handling.exports.exports_expire).
- Temporary files left by interrupted work: an export's scratch file, a backup that stopped half-way
  (``.partial-…`` in BACKUP_DIR), Django's upload files in FILE_UPLOAD_TEMP_DIR when one is set:
  TEMP_RETENTION_DAYS (7).
- Backups: the newest BACKUP_KEEP (14), pruned by each backup (ops.backup).
Meeting notes, referral attachments and the opinions themselves are records and are not deleted here.
"""

import logging
import shutil
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from handling.exports import exports_expire
from ops.backup import PARTIAL_PREFIX

logger = logging.getLogger(__name__)


def _older_than(path: Path, cutoff: float) -> bool:
    try:
        return path.lstat().st_mtime < cutoff
    except FileNotFoundError:
        return False


def temporary_files_sweep(*, now: datetime | None = None) -> int:
    """Delete the leftovers of interrupted backups and uploads older than TEMP_RETENTION_DAYS."""
    now = now or timezone.now()
    cutoff = (now - timedelta(days=settings.TEMP_RETENTION_DAYS)).timestamp()
    removed = 0
    if settings.BACKUP_DIR and Path(settings.BACKUP_DIR).is_dir():
        for path in Path(settings.BACKUP_DIR).glob(f"{PARTIAL_PREFIX}*"):
            if _older_than(path, cutoff):
                shutil.rmtree(path, ignore_errors=True)
                removed += 1
    upload_dir = getattr(settings, "FILE_UPLOAD_TEMP_DIR", None)
    if upload_dir and Path(upload_dir).is_dir():
        for path in Path(upload_dir).glob("*.upload*"):
            if path.is_file() and _older_than(path, cutoff):
                path.unlink(missing_ok=True)
                removed += 1
    return removed


def retention_apply(*, now: datetime | None = None) -> dict[str, int]:
    """The daily clean-up; logs and returns what it deleted."""
    now = now or timezone.now()
    result = exports_expire(now=now)
    result["temporary_files"] = result.pop("scratch_files") + temporary_files_sweep(now=now)
    logger.info(
        "retention: %s export file(s) older than %s days and %s temporary file(s) older than %s days deleted",
        result["exports"],
        settings.EXPORT_RETENTION_DAYS,
        result["temporary_files"],
        settings.TEMP_RETENTION_DAYS,
    )
    return result
