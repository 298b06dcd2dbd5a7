"""manage.py in a process of its own, for tests of what a command or a settings module does at start-up."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Variables of the test run itself that must not reach a command under test.
INHERITED = {"DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE", "BACKUP_DIR"}


def manage(
    *args: str, env_vars: dict[str, str], settings: str = "cms.settings.dev", timeout: int = 300
) -> subprocess.CompletedProcess:
    """manage.py in a fresh process with only the given configuration (no terminal on its input)."""
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
