"""Engines, sessions and schema upgrades for SQLite (embedded) and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from threading import Lock

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 30_000

_engines: dict[str, Engine] = {}
_lock = Lock()


class DatabaseUnavailable(RuntimeError):
    """The database could not be reached; the message is fit to show a person."""


def _configure_sqlite(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def _begin_sqlite(connection) -> None:
    """Writes start with BEGIN IMMEDIATE: the write lock is taken (waiting up to the busy
    timeout) before the transaction reads anything, so two people saving at once queue
    instead of one failing with "database is locked" when its snapshot went stale."""
    immediate = connection.get_execution_options().get(WRITE_OPTION, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


#: Execution option marking an engine (or connection) used for writes.
WRITE_OPTION = "amhe_write"


def writer(engine: Engine) -> Engine:
    """The engine as used by writes (on SQLite their transactions begin IMMEDIATE)."""
    return engine.execution_options(**{WRITE_OPTION: True})


def build_engine(url: str) -> Engine:
    """A new engine for ``url``; SQLite gets foreign keys, WAL and a busy timeout."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _configure_sqlite)
        event.listen(engine, "begin", _begin_sqlite)
        return engine
    if parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


def get_engine(url: str) -> Engine:
    """The process-wide engine for ``url`` (one pool per database)."""
    with _lock:
        if url not in _engines:
            _engines[url] = build_engine(url)
        return _engines[url]


def dispose_engine(url: str) -> None:
    with _lock:
        engine = _engines.pop(url, None)
    if engine is not None:
        engine.dispose()


def refresh_statistics(engine: Engine) -> None:
    """ANALYZE: let the query planner see the tables as they now are. Without it, a
    database filled in bulk (the synthetic data, a restore) is queried with plans made
    for empty tables until autovacuum catches up (PostgreSQL) or for ever (SQLite).

    On PostgreSQL, VACUUM too: until it has run, the planner cannot count on reading an
    index alone, and looks up "the newest event of a kind in a region" (db.cache) by
    walking the whole log backwards (20 ms instead of half a millisecond a region)."""
    command = "VACUUM (ANALYZE)" if engine.dialect.name == "postgresql" else "ANALYZE"
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql(command)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A session for reading; it never commits."""
    with Session(engine) as session:
        yield session


def _alembic_config(engine: Engine):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    config.attributes["engine"] = engine
    return config


def upgrade_schema(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to ``revision`` (the app does this on start)."""
    from alembic import command

    try:
        command.upgrade(_alembic_config(engine), revision)
    except Exception as exc:
        if _is_connection_error(exc):
            raise DatabaseUnavailable(unavailable_message(engine)) from exc
        raise


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def has_schema(engine: Engine) -> bool:
    return inspect(engine).has_table("region")


def _is_connection_error(exc: BaseException) -> bool:
    from sqlalchemy.exc import OperationalError

    return isinstance(exc, OperationalError) and not isinstance(exc.orig, type(None))


def unavailable_message(engine: Engine) -> str:
    where = make_url(str(engine.url)).render_as_string(hide_password=True)
    return (
        "The dashboard cannot reach its database just now. Please try again in a few "
        "minutes; if it keeps happening, tell the person who looks after the dashboard "
        f"(they will want to know it could not connect to {where})."
    )
