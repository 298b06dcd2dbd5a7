"""Backups and restores: a database and its files, backed up, wiped and restored (PostgreSQL and SQLite, in
processes of their own as an operator runs them), and every way a restore refuses a damaged backup."""

import io
import json
import os
import tarfile
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from ops import backup
from ops.backup import BackupError, backup_create, backup_list, backup_restore, backup_verify
from tests.commands import manage

FILL = """
from pathlib import Path
from django.conf import settings
from cms.models import User
for i in range(25):
    User.objects.create(username=f"restore-{i}", display_name=f"恢复测试{i}")
notes = Path(settings.PRIVATE_MEDIA_ROOT) / "contact_points/notes/2026/12"
notes.mkdir(parents=True, exist_ok=True)
(notes / "座谈会纪要.docx").write_bytes(b"PK" + bytes(range(256)) * 40)
referrals = Path(settings.PRIVATE_MEDIA_ROOT) / "referrals/2026/12"
referrals.mkdir(parents=True, exist_ok=True)
(referrals / "reply.pdf").write_bytes(b"%PDF-1.7 reply")
media = Path(settings.MEDIA_ROOT) / "documents"
media.mkdir(parents=True, exist_ok=True)
(media / "说明.pdf").write_bytes(b"%PDF-1.7 statement")
"""
COUNT = "from cms.models import User; print(User.objects.filter(username__startswith='restore-').count())"
FILES = {
    "private/contact_points/notes/2026/12/座谈会纪要.docx": b"PK" + bytes(range(256)) * 40,
    "private/referrals/2026/12/reply.pdf": b"%PDF-1.7 reply",
    "media/documents/说明.pdf": b"%PDF-1.7 statement",
}


def _ok(result):
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _round_trip(tmp_path, database_url, wipe):
    env = {
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PRIVATE_MEDIA_ROOT": str(tmp_path / "private"),
        "BACKUP_DIR": str(tmp_path / "backups"),
    }
    _ok(manage("migrate", "--noinput", "-v0", env_vars=env))
    _ok(manage("shell", "-c", FILL, env_vars=env))
    _ok(manage("backup", env_vars=env))
    [made] = backup_list(tmp_path / "backups")
    manifest = json.loads((made / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["stored_files"] == {"private": 2, "media": 1}

    wipe()
    for name in FILES:
        (tmp_path / name).unlink()
    refused = manage("restore", made.name, env_vars=env)  # no terminal, no --yes-i-know
    assert refused.returncode != 0 and "--yes-i-know" in refused.stderr

    out = _ok(manage("restore", made.name, "--yes-i-know", env_vars=env))
    assert "已恢复数据库" in out
    assert _ok(manage("shell", "-c", COUNT, env_vars=env)).strip().splitlines()[-1] == "25"
    for name, content in FILES.items():
        assert (tmp_path / name).read_bytes() == content
    _ok(manage("migrate", "--check", env_vars=env))


def test_sqlite_backup_wipe_restore_brings_rows_and_files_back(tmp_path):
    database = tmp_path / "site.sqlite3"

    def wipe():
        for path in tmp_path.glob("site.sqlite3*"):
            path.unlink()

    _round_trip(tmp_path, f"sqlite:///{database}", wipe)


def _postgres_url():
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("PostgreSQL restore test: DATABASE_URL is not PostgreSQL")
    return url


def test_postgresql_backup_wipe_restore_brings_rows_and_files_back(tmp_path):
    url = _postgres_url()
    base, _slash, name = url.rpartition("/")
    restore_db = f"{name.split('?')[0]}_restore"
    admin = psycopg.connect(f"{base}/postgres", autocommit=True)
    admin.execute(f'DROP DATABASE IF EXISTS "{restore_db}" WITH (FORCE)')
    admin.execute(f'CREATE DATABASE "{restore_db}"')

    def wipe():
        with psycopg.connect(f"{base}/{restore_db}", autocommit=True) as conn:
            conn.execute("DROP SCHEMA public CASCADE")
            conn.execute("CREATE SCHEMA public")

    try:
        _round_trip(tmp_path, f"{base}/{restore_db}", wipe)
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{restore_db}" WITH (FORCE)')
        admin.close()


@pytest.mark.django_db
def test_the_postgresql_client_tools_match_the_server():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    server = backup.server_major_version()
    assert backup.tool_major_version("pg_dump") >= server
    assert backup.tool_major_version("pg_restore") >= server


# Refusals (in this process, on the test database) --------------------------------------------------
# Transactional tests: SQLite's online backup cannot read a database its own connection holds a write
# transaction on.


@pytest.fixture
def made(transactional_db, file_roots):
    (file_roots / "private" / "exports").mkdir(parents=True)
    (file_roots / "private" / "exports" / "a.csv").write_text("编号,意见\n1,好\n", encoding="utf-8")
    return backup_create()


def test_a_backup_lists_each_file_with_size_and_sha256(made):
    manifest = backup_verify(made)
    for name, entry in manifest["files"].items():
        assert entry["size"] == (made / name).stat().st_size
        assert len(entry["sha256"]) == 64
    with tarfile.open(made / "files.tar") as tar:
        assert tar.getnames() == ["private/exports/a.csv"]


def test_a_damaged_file_is_refused_before_anything_is_touched(made):
    tar = made / "files.tar"
    data = bytearray(tar.read_bytes())
    data[600] ^= 0xFF  # same size, one byte changed
    tar.write_bytes(bytes(data))
    with pytest.raises(BackupError, match="files.tar 已损坏：SHA-256"):
        backup_restore(path=made)


def test_a_truncated_file_is_refused(made):
    database = made / json.loads((made / "manifest.json").read_text())["database"]
    database.write_bytes(database.read_bytes()[:100])
    with pytest.raises(BackupError, match="已损坏或被截断"):
        backup_verify(made)


def test_a_missing_file_or_manifest_is_refused(made):
    (made / "files.tar").unlink()
    with pytest.raises(BackupError, match="缺少文件 files.tar"):
        backup_verify(made)
    (made / "manifest.json").unlink()
    with pytest.raises(CommandError, match="缺少清单文件"):
        call_command("restore", str(made), "--yes-i-know")


def test_an_unreadable_manifest_is_refused(made):
    (made / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="清单文件 manifest.json 已损坏"):
        call_command("restore", str(made), "--yes-i-know")


def test_an_unknown_backup_is_named_in_the_message(db, file_roots):
    with pytest.raises(CommandError, match="找不到备份 backup-19990101"):
        call_command("restore", "backup-19990101-000000Z", "--yes-i-know")


def test_restore_refuses_without_confirmation(made, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # not a terminal
    with pytest.raises(CommandError, match="已拒绝恢复"):
        call_command("restore", str(made))


def test_restore_asks_for_the_database_name_at_a_terminal(made, monkeypatch):
    terminal = io.StringIO("")
    terminal.isatty = lambda: True
    monkeypatch.setattr("sys.stdin", terminal)
    monkeypatch.setattr("builtins.input", lambda prompt: "not-the-database")
    with pytest.raises(CommandError, match="未做任何改动"):
        call_command("restore", str(made))


def test_a_backup_of_another_engine_is_refused(made):
    from django.db import connection

    manifest_path = made / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    manifest["engine"] = other
    manifest["database"] = backup.DATABASE_FILES[other]
    (made / manifest["database"]).write_bytes((made / backup.DATABASE_FILES[connection.vendor]).read_bytes())
    manifest["files"][manifest["database"]] = manifest["files"].pop(backup.DATABASE_FILES[connection.vendor])
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(BackupError, match="无法恢复"):
        backup_restore(path=made)


def test_an_archive_reaching_outside_its_folder_is_refused(made, file_roots):
    tar_path = made / "files.tar"
    with tarfile.open(tar_path, "w") as tar:
        info = tarfile.TarInfo("private/../../escaped.txt")
        payload = b"outside"
        info.size = len(payload)
        tar.addfile(info, io.BytesIO(payload))
    manifest_path = made / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["files"]["files.tar"] = {"size": tar_path.stat().st_size, "sha256": backup._sha256(tar_path)}
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(BackupError, match="文件归档"):
        backup._unpack_files(tar_path)
    assert not (file_roots.parent / "escaped.txt").exists()
    assert not Path(file_roots / "escaped.txt").exists()


def test_only_the_newest_backups_are_kept(transactional_db, file_roots, settings):
    settings.BACKUP_KEEP = 2
    start = timezone.now()
    made = [backup_create(now=start + timedelta(days=day)) for day in range(4)]
    assert backup_list(settings.BACKUP_DIR) == made[2:]
    assert backup_create(now=start + timedelta(days=9), keep=0)  # 0 keeps every one
    assert len(backup_list(settings.BACKUP_DIR)) == 3


def test_without_a_backup_dir_the_command_says_how_to_set_one(db, settings):
    settings.BACKUP_DIR = None
    with pytest.raises(CommandError, match="BACKUP_DIR"):
        call_command("backup")


def test_the_daily_task_writes_a_backup(transactional_db, file_roots, settings):
    from ops.tasks import backup_daily

    name = backup_daily()
    assert [p.name for p in backup_list(settings.BACKUP_DIR)] == [name]
    settings.BACKUP_DIR = None
    assert backup_daily() is None
