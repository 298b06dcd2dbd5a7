"""Scheduled work of the ops app (the schedules are made by ops/migrations)."""

import logging

from django.conf import settings

from ops import retention
from ops.backup import backup_create
from ops.health import heartbeat_beat

logger = logging.getLogger(__name__)


def heartbeat() -> None:
    """Every minute: the task cluster is alive (ops.health.check_cluster reads it)."""
    heartbeat_beat()


def backup_daily() -> str | None:
    """Every night: a backup into BACKUP_DIR, when one is set (check --deploy warns when it is not)."""
    if not settings.BACKUP_DIR:
        logger.warning("BACKUP_DIR is not set: no backup made")
        return None
    return backup_create().name


def retention_daily() -> dict[str, int]:
    """Every night: expired exports and leftover temporary files are deleted."""
    return retention.retention_apply()
