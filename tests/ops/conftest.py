import socket

import pytest


def closed_port() -> int:
    """A port on this machine that nothing listens on: bound, then released."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def file_roots(settings, tmp_path):
    """MEDIA_ROOT and PRIVATE_MEDIA_ROOT as real folders of this test, and BACKUP_DIR beside them."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.BACKUP_DIR = str(tmp_path / "backups")
    return tmp_path
