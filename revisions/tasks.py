"""Tasks of the revision workspace (django-q2)."""

from revisions.services import link_published

__all__ = ["link_published"]
