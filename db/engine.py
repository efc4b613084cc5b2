"""Engines and schema upgrades for SQLite (embedded) and PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from threading import Lock
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import URL, make_url

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 30_000
#: libpq's limits on a PostgreSQL connection, so that a database the network no longer
#: reaches gives the plain "cannot reach" message within seconds, not a page that waits
#: for ever: how long opening a connection may take (seconds), and how long what was sent
#: on an open one may go unacknowledged (milliseconds; a slow query is not cut short:
#: the server's network stack acknowledges it on arrival). A value in the URL's query wins.
POSTGRES_TIMEOUTS: dict[str, int] = {"connect_timeout": 10, "tcp_user_timeout": 20_000}

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
    # pool_pre_ping: a connection broken while the database was away is found and replaced
    # when next taken from the pool, so the app carries on by itself once it is back.
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=5,
        max_overflow=5,
        connect_args=postgres_timeouts(parsed),
    )


def postgres_timeouts(url: URL) -> dict[str, int]:
    """The connection limits of :data:`POSTGRES_TIMEOUTS` a PostgreSQL URL does not set
    itself (none for another database)."""
    if url.get_backend_name() != "postgresql":
        return {}
    return {name: value for name, value in POSTGRES_TIMEOUTS.items() if name not in url.query}


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


def _alembic_config(engine: Engine, migrations_dir: Path = MIGRATIONS_DIR):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    config.set_main_option("path_separator", "os")
    config.attributes["engine"] = engine
    return config


def schema_differences(engine: Engine) -> list[Any]:
    """How the models (db.models) differ from the schema of ``engine``'s database, as
    Alembic's autogenerate sees it: empty when a database upgraded to the newest
    revision is what the models describe."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from db.models import Base

    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))


def new_revision(message: str, migrations_dir: Path = MIGRATIONS_DIR) -> tuple[Path, bool]:
    """Write the next migration (numbered after the newest) from what the models add to
    the newest revision, found by upgrading a throw-away SQLite database and comparing
    (Alembic's autogenerate; operations in batch form, which both engines run). Returns
    the new file and whether it found any change (False: an empty revision, for a data
    migration written by hand)."""
    import importlib.util
    import sys
    import tempfile

    from alembic import command
    from alembic.script import ScriptDirectory

    with tempfile.TemporaryDirectory() as folder:
        engine = build_engine(f"sqlite:///{Path(folder) / 'head.sqlite'}")
        try:
            config = _alembic_config(engine, migrations_dir)
            if importlib.util.find_spec("ruff") is not None:  # installed for development
                hooks = {
                    "hooks": "ruff",
                    "ruff.type": "exec",
                    "ruff.executable": sys.executable,
                    "ruff.options": "-m ruff format REVISION_SCRIPT_FILENAME",
                }
                for key, value in hooks.items():
                    config.set_section_option("post_write_hooks", key, value)
            command.upgrade(config, "head")
            changed = bool(schema_differences(engine))
            head = ScriptDirectory.from_config(config).get_current_head()
            number = f"{int(head or 0) + 1:04d}"
            script = command.revision(config, message=message, autogenerate=True, rev_id=number)
        finally:
            engine.dispose()
    assert script is not None and not isinstance(script, list)
    return Path(script.path), changed


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
