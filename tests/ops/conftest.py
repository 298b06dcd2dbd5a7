import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Variables of the test run itself that must not reach a command under test.
INHERITED = {"DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE", "BACKUP_DIR"}


def manage(*args: str, env_vars: dict[str, str], settings: str = "cms.settings.dev", timeout: int = 300):
    """manage.py in a fresh process with only the given configuration."""
    clean = {k: v for k, v in os.environ.items() if k not in INHERITED}
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": settings, **env_vars},
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


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
