"""A real OpenLDAP server for the directory sign-in tests: Debian's slapd on a free port with a throw-away
configuration (a slapd.conf given with -f) and database, loaded and changed with ldapadd/ldapmodify."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

SLAPD = os.environ.get("SLAPD", "/usr/sbin/slapd")
SCHEMA_DIR = Path("/etc/ldap/schema")
MODULE_DIR = Path("/usr/lib/ldap")
SUFFIX = "dc=example,dc=gov,dc=cn"
ADMIN_DN = f"cn=admin,{SUFFIX}"
ADMIN_PASSWORD = "admin-secret"  # noqa: S105 - a throw-away test server

CONFIG = """\
include {schema}/core.schema
include {schema}/cosine.schema
include {schema}/inetorgperson.schema
include {schema}/nis.schema
pidfile {run}/slapd.pid
argsfile {run}/slapd.args
modulepath {modules}
moduleload back_mdb
database mdb
suffix "{suffix}"
rootdn "{admin}"
rootpw {password}
directory {run}/data
maxsize 16777216
access to attrs=userPassword by self write by anonymous auth by * none
access to * by * read
"""


def require_slapd() -> None:
    """Skip without slapd and its tools, except in CI (CI=true), where their absence fails the test."""
    missing = [tool for tool in (SLAPD, "ldapadd", "ldapmodify") if shutil.which(tool) is None]
    if missing:
        message = f"OpenLDAP is not installed (missing {', '.join(missing)}: apt-get install slapd ldap-utils)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Slapd:
    """One slapd process: `start()`, `add()`/`modify()` LDIF, `stop()`."""

    def __init__(self) -> None:
        self.run_dir = Path(tempfile.mkdtemp(prefix="slapd-"))
        self.port = _free_port()
        self.uri = f"ldap://127.0.0.1:{self.port}"

    def start(self) -> Slapd:
        (self.run_dir / "data").mkdir()
        config = self.run_dir / "slapd.conf"
        config.write_text(
            CONFIG.format(
                schema=SCHEMA_DIR,
                run=self.run_dir,
                modules=MODULE_DIR,
                suffix=SUFFIX,
                admin=ADMIN_DN,
                password=ADMIN_PASSWORD,
            )
        )
        # Without -d slapd returns once its listener is open and it has gone to the background.
        subprocess.run(  # noqa: S603 - the system's slapd with our own arguments
            [SLAPD, "-f", str(config), "-h", self.uri + "/"], check=True, capture_output=True, timeout=30
        )
        self.add(f"dn: {SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\no: Example\ndc: example\n")
        return self

    def _ldif(self, tool: str, ldif: str) -> None:
        result = subprocess.run(  # noqa: S603 - ldap-utils with our own arguments
            [tool, "-x", "-H", self.uri, "-D", ADMIN_DN, "-w", ADMIN_PASSWORD],
            input=ldif,
            text=True,
            capture_output=True,
            timeout=30,
        )
        if result.returncode:
            raise RuntimeError(f"{tool} failed: {result.stderr}")

    def add(self, ldif: str) -> None:
        self._ldif("ldapadd", ldif)

    def modify(self, ldif: str) -> None:
        self._ldif("ldapmodify", ldif)

    def stop(self) -> None:
        pid_file = self.run_dir / "slapd.pid"
        if pid_file.exists():
            pid = int(pid_file.read_text().split()[0])
            try:
                os.kill(pid, signal.SIGTERM)
                # slapd flushes and exits within moments; wait for it before removing its files.
                for _ in range(100):
                    os.kill(pid, 0)
                    time.sleep(0.05)
            except ProcessLookupError:
                pass
        shutil.rmtree(self.run_dir, ignore_errors=True)
