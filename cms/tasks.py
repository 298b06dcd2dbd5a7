"""Scheduled work of the cms app."""

from cms import access_audit


def access_audit_purge() -> int:
    """Daily (migration cms 0005): delete access records older than ACCESS_AUDIT_RETENTION_DAYS."""
    return access_audit.purge()
