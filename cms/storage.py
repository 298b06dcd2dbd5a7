"""Storage for files that only their owners and staff may read: never under MEDIA_URL."""

from django.core.files.storage import storages


def private_storage():
    """The "private" storage of settings.STORAGES (a callable, so that tests and deployments can swap it)."""
    return storages["private"]
