"""Backups and restores: the database and the uploaded files, in one directory with a manifest.

A backup is a directory ``backup-YYYYMMDD-HHMMSSZ`` in BACKUP_DIR holding
- ``database.dump``: pg_dump's custom format (PostgreSQL), or ``database.sqlite3``: a copy made with SQLite's
  online backup API (consistent while the site writes);
- ``files.tar``: every file under PRIVATE_MEDIA_ROOT (meeting notes, referral attachments, exports) as
  ``private/…`` and under MEDIA_ROOT (draft attachments, images) as ``media/…``;
- ``manifest.json``: when, which engine, and each file's size and SHA-256.
It is written as ``.partial-…`` and renamed when complete, so a backup that stopped half-way is never taken
for one; the newest BACKUP_KEEP are kept.

A restore checks the manifest (every file present, sizes and sums right) before it touches anything. On
PostgreSQL it empties the schema and loads the dump in one transaction (``pg_restore`` piped into
``psql --single-transaction``): it either completes or leaves the database as it was.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1
PREFIX = "backup-"
PARTIAL_PREFIX = ".partial-"
MANIFEST = "manifest.json"
FILES_TAR = "files.tar"
DATABASE_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
ENGINE_NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}
LOCK_FILE = ".backup.lock"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message tells the operator why, in Chinese."""


def file_roots() -> dict[str, Path]:
    """The uploaded files a backup holds, by the name of their folder in files.tar."""
    return {"private": Path(settings.PRIVATE_MEDIA_ROOT), "media": Path(settings.MEDIA_ROOT)}


def backup_dir(directory: str | Path | None = None) -> Path:
    chosen = directory or settings.BACKUP_DIR
    if not chosen:
        raise BackupError(_("未设置备份目录：请设置环境变量 BACKUP_DIR，或用 --dir 指定目录。"))
    path = Path(chosen)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(_("无法创建备份目录 %(path)s：%(error)s") % {"path": path, "error": exc}) from exc
    return path


def backup_list(directory: str | Path) -> list[Path]:
    """The complete backups in `directory`, oldest first (their names sort by time)."""
    path = Path(directory)
    if not path.is_dir():
        return []
    return sorted(p for p in path.iterdir() if p.name.startswith(PREFIX) and (p / MANIFEST).is_file())


def backup_latest_time(directory: str | Path) -> datetime | None:
    """When the newest complete backup was made, from its manifest."""
    for path in reversed(backup_list(directory)):
        try:
            return datetime.fromisoformat(json.loads((path / MANIFEST).read_text(encoding="utf-8"))["created_at"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return None


@contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """One backup at a time in a directory (the daily schedule, a cron job and a person may meet)."""
    with open(directory / LOCK_FILE, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BackupError(_("另一个备份正在进行，请稍后再试。")) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _engine() -> str:
    if connection.vendor not in DATABASE_FILES:
        raise BackupError(_("不支持备份 %(vendor)s 数据库。") % {"vendor": connection.vendor})
    return connection.vendor


# PostgreSQL's command-line tools --------------------------------------------------------------------


def _pg_env() -> dict[str, str]:
    """libpq's environment for the configured database (the password never on a command line)."""
    config = connection.settings_dict
    env = {**os.environ, "PGDATABASE": str(config["NAME"]), "PGCONNECT_TIMEOUT": "10"}
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if config.get(key):
            env[variable] = str(config[key])
    options = config.get("OPTIONS") or {}
    for key, variable in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT")):
        if options.get(key):
            env[variable] = str(options[key])
    return env


def tool_major_version(tool: str) -> int | None:
    """The major version of a PostgreSQL client program (pg_dump 15.20 → 15), None when it is missing."""
    path = shutil.which(tool)
    if path is None:
        return None
    output = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30, check=False).stdout  # noqa: S603
    found = re.search(r"(\d+)(?:\.\d+)?", output)
    return int(found.group(1)) if found else None


def server_major_version() -> int:
    connection.ensure_connection()
    return connection.pg_version // 10000


def _pg_tool(tool: str) -> str:
    """The program's path, refused when missing or older than the server (it could not read the server's
    catalogue, or would write a dump the server's own tools read differently)."""
    major = tool_major_version(tool)
    if major is None:
        raise BackupError(
            _("找不到 %(tool)s：请安装与数据库服务器同一主版本的 PostgreSQL 客户端（例如 postgresql-client-15）。")
            % {"tool": tool}
        )
    server = server_major_version()
    if major < server:
        raise BackupError(
            _(
                "%(tool)s 的主版本 %(tool_version)s 低于数据库服务器的 %(server_version)s："
                "请安装 PostgreSQL %(server_version)s 的客户端。"
            )
            % {"tool": tool, "tool_version": major, "server_version": server}
        )
    return shutil.which(tool)


def _tail(text: str, lines: int = 5) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


# Backup ---------------------------------------------------------------------------------------------


def _dump_database(target_dir: Path) -> str:
    engine = _engine()
    target = target_dir / DATABASE_FILES[engine]
    if engine == "sqlite":
        if connection.in_atomic_block:
            # The online backup would wait forever for the write lock this very connection holds.
            raise BackupError(_("不能在数据库事务中备份 SQLite 数据库。"))
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
        return engine
    pg_dump = _pg_tool("pg_dump")
    result = subprocess.run(  # noqa: S603 - our own arguments, the connection from libpq's environment
        [pg_dump, "--format=custom", "--file", str(target)], env=_pg_env(), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(_("pg_dump 失败：%(error)s") % {"error": _tail(result.stderr)})
    return engine


def _pack_files(target: Path, *, skip: Path) -> dict[str, int]:
    """Every regular file of the upload folders into one tar (symbolic links are not followed)."""
    counts = {}
    skip = skip.resolve()
    with tarfile.open(target, "w") as tar:
        for name, root in file_roots().items():
            counts[name] = 0
            if not root.is_dir():
                continue
            for path in sorted(root.rglob("*")):
                if path.is_symlink() or not path.is_file() or path.resolve().is_relative_to(skip):
                    continue
                tar.add(path, arcname=f"{name}/{path.relative_to(root).as_posix()}", recursive=False)
                counts[name] += 1
    return counts


def backup_create(*, directory: str | Path | None = None, keep: int | None = None, now: datetime | None = None) -> Path:
    """Write a backup into `directory` (BACKUP_DIR) and keep the newest `keep` (BACKUP_KEEP); returns its path."""
    directory = backup_dir(directory)
    now = now or timezone.now()
    with _locked(directory):
        name = f"{PREFIX}{now.astimezone(UTC):%Y%m%d-%H%M%S}Z"
        final = directory / name
        if final.exists():
            raise BackupError(_("备份 %(name)s 已存在，请稍后再试。") % {"name": name})
        work = directory / f"{PARTIAL_PREFIX}{name}"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir()
        try:
            engine = _dump_database(work)
            stored = _pack_files(work / FILES_TAR, skip=directory)
            files = {}
            for member in (DATABASE_FILES[engine], FILES_TAR):
                files[member] = {"size": (work / member).stat().st_size, "sha256": _sha256(work / member)}
            manifest = {
                "format": FORMAT_VERSION,
                "created_at": now.astimezone(UTC).isoformat(),
                "engine": engine,
                "database": DATABASE_FILES[engine],
                "files": files,
                "stored_files": stored,
            }
            (work / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
            os.replace(work, final)
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
        removed = backup_prune(directory, settings.BACKUP_KEEP if keep is None else keep)
    logger.info(
        "backup %s written (%s, %s bytes; %s private and %s media files); %s old backup(s) removed",
        name,
        engine,
        sum(f["size"] for f in files.values()),
        stored["private"],
        stored["media"],
        removed,
    )
    return final


def backup_prune(directory: str | Path, keep: int) -> int:
    """Remove all but the newest `keep` backups (0 keeps every one); returns how many were removed."""
    if keep <= 0:
        return 0
    old = backup_list(directory)[:-keep]
    for path in old:
        shutil.rmtree(path)
    return len(old)


# Restore --------------------------------------------------------------------------------------------


def backup_resolve(name: str | Path) -> Path:
    """A backup by its path, or by its name inside BACKUP_DIR."""
    path = Path(name)
    if not path.exists() and settings.BACKUP_DIR and not path.is_absolute():
        path = Path(settings.BACKUP_DIR) / path
    if not path.is_dir():
        raise BackupError(_("找不到备份 %(name)s：请给出备份目录的路径，或 BACKUP_DIR 中备份的名称。") % {"name": name})
    return path


def backup_verify(path: Path) -> dict:
    """The manifest, once every file it lists is there with its size and SHA-256; BackupError otherwise."""
    manifest_path = path / MANIFEST
    if not manifest_path.is_file():
        raise BackupError(_("备份不完整：缺少清单文件 %(file)s，无法确认备份内容，已拒绝恢复。") % {"file": MANIFEST})
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        files = manifest["files"]
        engine = manifest["engine"]
        database = manifest["database"]
        version = manifest["format"]
    except (ValueError, KeyError, TypeError):
        raise BackupError(_("清单文件 %(file)s 已损坏，无法读取，已拒绝恢复。") % {"file": MANIFEST}) from None
    if version != FORMAT_VERSION or engine not in DATABASE_FILES or database != DATABASE_FILES[engine]:
        raise BackupError(_("不支持的备份格式（清单格式 %(version)s），已拒绝恢复。") % {"version": version})
    for member in (database, FILES_TAR):
        if member not in files:
            raise BackupError(_("清单中没有 %(file)s，备份不完整，已拒绝恢复。") % {"file": member})
        expected = files[member]
        actual = path / member
        if not actual.is_file():
            raise BackupError(_("备份不完整：缺少文件 %(file)s，已拒绝恢复。") % {"file": member})
        size = actual.stat().st_size
        if size != expected.get("size"):
            raise BackupError(
                _(
                    "备份文件 %(file)s 已损坏或被截断：大小为 %(actual)s 字节，"
                    "清单记录为 %(expected)s 字节，已拒绝恢复。"
                )
                % {"file": member, "actual": size, "expected": expected.get("size")}
            )
        if _sha256(actual) != expected.get("sha256"):
            raise BackupError(_("备份文件 %(file)s 已损坏：SHA-256 校验值与清单不符，已拒绝恢复。") % {"file": member})
    return manifest


def database_label() -> str:
    """The configured database as an operator knows it (its name, or the SQLite file's)."""
    return str(connection.settings_dict["NAME"])


def backup_restore(*, path: Path, files: bool = True) -> dict[str, int]:
    """Put the backup at `path` back into the configured database (and the upload folders); returns how many
    files were restored per folder. The manifest is checked first."""
    manifest = backup_verify(path)
    engine = _engine()
    if manifest["engine"] != engine:
        raise BackupError(
            _("这是 %(backup)s 数据库的备份，当前配置的数据库是 %(current)s，无法恢复。")
            % {"backup": ENGINE_NAMES[manifest["engine"]], "current": ENGINE_NAMES[engine]}
        )
    if engine == "sqlite":
        _restore_sqlite(path / manifest["database"])
    else:
        _restore_postgresql(path / manifest["database"])
    restored = _unpack_files(path / FILES_TAR) if files else {}
    logger.warning(
        "restored backup %s into database %s (files: %s)", path.name, database_label(), restored or "not restored"
    )
    return restored


def _restore_sqlite(source_file: Path) -> None:
    source = sqlite3.connect(f"file:{source_file}?mode=ro", uri=True)
    try:
        try:
            verdict = source.execute("PRAGMA integrity_check").fetchone()[0]
        except sqlite3.DatabaseError:
            verdict = "not a database"
        if verdict != "ok":
            raise BackupError(_("备份中的 SQLite 数据库已损坏（完整性检查未通过），已拒绝恢复。"))
        connection.ensure_connection()
        source.backup(connection.connection)
    finally:
        source.close()


def _restore_postgresql(dump: Path) -> None:
    pg_restore, psql = _pg_tool("pg_restore"), _pg_tool("psql")
    env = _pg_env()
    # Our own connection would hold locks the DROP SCHEMA waits for.
    connection.close()
    producer = subprocess.Popen(  # noqa: S603 - our own arguments
        [pg_restore, "--no-owner", "--no-privileges", "--file", "-", str(dump)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    consumer = subprocess.run(  # noqa: S603 - our own arguments
        [
            psql,
            "--no-psqlrc",
            "--quiet",
            "--set",
            "ON_ERROR_STOP=1",
            "--single-transaction",
            "--command",
            "SET lock_timeout = '30s'",
            "--command",
            "DROP SCHEMA public CASCADE",
            "--command",
            "CREATE SCHEMA public",
            "--file",
            "-",
        ],
        stdin=producer.stdout,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    producer.stdout.close()
    producer_error = producer.stderr.read().decode("utf-8", "replace")
    producer.stderr.close()
    if producer.wait() != 0:
        raise BackupError(
            _("读取数据库备份失败，数据库未作改动：%(error)s") % {"error": _tail(producer_error) or "pg_restore"}
        )
    if consumer.returncode != 0:
        error = _tail(consumer.stderr)
        if "lock timeout" in error:
            error = _("数据库正被其他进程使用。请先停止网站和后台任务，再恢复。") + "\n" + error
        raise BackupError(_("恢复数据库失败，数据库未作改动：%(error)s") % {"error": error})


def _unpack_files(archive: Path) -> dict[str, int]:
    """Every file of the archive back into its folder (files added since the backup stay where they are).
    The tar's "data" filter refuses absolute paths, "..", links out of the folder and device files."""
    roots = file_roots()
    counts = dict.fromkeys(roots, 0)
    try:
        with tarfile.open(archive) as tar:
            for member in tar:
                top, _sep, rest = member.name.partition("/")
                if top not in roots or not rest:
                    raise BackupError(
                        _("文件归档中有不属于备份的条目 %(name)s，已停止恢复文件。") % {"name": member.name}
                    )
                member.name = rest
                roots[top].mkdir(parents=True, exist_ok=True)
                tar.extract(member, roots[top], filter="data")
                counts[top] += member.isfile()
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(
            _("文件归档 %(file)s 无法读取或已损坏：%(error)s") % {"file": archive.name, "error": exc}
        ) from exc
    return counts
