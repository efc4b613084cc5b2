"""Backups: SQLite's online backup, and pg_dump / pg_restore for PostgreSQL."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from db.engine import refresh_statistics


class BackupError(RuntimeError):
    """A backup or restore failed; the message says why."""


def _pg_environment(engine: Engine) -> tuple[list[str], dict[str, str]]:
    url = make_url(str(engine.url.render_as_string(hide_password=False)))
    args = ["--host", url.host or "127.0.0.1", "--port", str(url.port or 5432)]
    if url.username:
        args += ["--username", url.username]
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return args, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} is needed for PostgreSQL backups; install the PostgreSQL "
            "client tools (for example: apt-get install postgresql-client)."
        )
    return path


def backup(engine: Engine, target: Path) -> None:
    """Write a consistent copy of the whole database to ``target`` while it is in use."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            source = connection.connection.dbapi_connection
            destination = sqlite3.connect(target)
            try:
                source.backup(destination)
            finally:
                destination.close()
        return
    args, env = _pg_environment(engine)
    database = engine.url.database or ""
    result = subprocess.run(
        [_tool("pg_dump"), *args, "--format=custom", "--no-owner", "--file", str(target), database],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")


def restore(engine: Engine, source: Path) -> None:
    """Replace the database's contents with the backup at ``source``."""
    source = Path(source)
    if not source.exists():
        raise BackupError(f"There is no backup file at {source}.")
    engine.dispose()
    if engine.dialect.name == "sqlite":
        backup_db = sqlite3.connect(source)
        try:
            with engine.connect() as connection:
                backup_db.backup(connection.connection.dbapi_connection)
        finally:
            backup_db.close()
        refresh_statistics(engine)
        return
    args, env = _pg_environment(engine)
    result = subprocess.run(
        [
            _tool("pg_restore"),
            *args,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--dbname",
            engine.url.database or "",
            str(source),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
    refresh_statistics(engine)
