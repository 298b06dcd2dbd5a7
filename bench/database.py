"""The benchmarks' own database: created when missing, dropped and rebuilt for a new data set."""

from __future__ import annotations

from pathlib import Path

import psycopg
from django.core.management import call_command
from django.db import connection, connections


def _admin_connection(settings: dict) -> psycopg.Connection:
    """A connection to the server's maintenance database, to create and drop the benchmark one."""
    return psycopg.connect(
        dbname="postgres",
        user=settings.get("USER") or None,
        password=settings.get("PASSWORD") or None,
        host=settings.get("HOST") or None,
        port=settings.get("PORT") or None,
        autocommit=True,
    )


def ensure_database(log) -> None:
    """Create the PostgreSQL database if it does not exist, and bring its schema up to date."""
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        with _admin_connection(settings) as admin:
            exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [settings["NAME"]]).fetchone()
            if not exists:
                log(f"creating database {settings['NAME']}")
                admin.execute(f'CREATE DATABASE "{settings["NAME"]}"')
    call_command("migrate", verbosity=0, interactive=False)


def reset_database(log) -> None:
    """Drop the benchmark database and create it again, empty and migrated."""
    settings = connection.settings_dict
    connections.close_all()
    if connection.vendor == "postgresql":
        with _admin_connection(settings) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{settings["NAME"]}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{settings["NAME"]}"')
    else:
        name = Path(settings["NAME"])
        for suffix in ("", "-wal", "-shm", "-journal"):
            name.with_name(name.name + suffix).unlink(missing_ok=True)
    log(f"database {settings['NAME']} reset; migrating")
    call_command("migrate", verbosity=0, interactive=False)
