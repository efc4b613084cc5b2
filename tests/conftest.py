"""Shared fixtures: throw-away databases on SQLite and PostgreSQL.

Every database test runs on both engines (the page tests in tests/app on SQLite only,
but for those marked both_engines: tests/app/conftest.py). Where PostgreSQL (or a
browser) cannot be reached the test is skipped with the reason, unless
AMHE_REQUIRE_ALL=1 (set by .ci/run), which turns the skip into a failure so CI can
never pass without them.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from db.engine import build_engine, dispose_engine, upgrade_schema
from seed.demo import add_illustrative_national_metrics, seed_demo_if_empty
from seed.load import ensure_reference_data
from tests.tcp_proxy import TcpProxy

POSTGRES_ADMIN_URL = os.environ.get(
    "AMHE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
# Every chart a page test draws is checked against the Vega-Lite schema (components.charts).
os.environ.setdefault("AMHE_VALIDATE_CHARTS", "1")
REQUIRE_ALL = os.environ.get("AMHE_REQUIRE_ALL", "").lower() in {"1", "true", "yes"}


def skip_or_fail(reason: str) -> None:
    """Skip locally; fail in CI (AMHE_REQUIRE_ALL=1) so nothing is silently left out."""
    if REQUIRE_ALL:
        pytest.fail(f"{reason} (AMHE_REQUIRE_ALL=1 makes this a failure)", pytrace=False)
    pytest.skip(reason)


def _postgres_admin() -> Engine | None:
    engine = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text("select 1"))
    except Exception:
        engine.dispose()
        return None
    return engine


class DatabaseMaker:
    """Makes throw-away databases of one kind, and drops them afterwards."""

    def __init__(self, kind: str, folder: Path) -> None:
        self.kind = kind
        self.folder = folder
        self.admin = _postgres_admin() if kind == "postgresql" else None
        self.made: list[tuple[str, Engine]] = []
        if kind == "postgresql" and self.admin is None:
            self.unavailable = f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL}"
        else:
            self.unavailable = ""

    def new(self, template: str | None = None) -> tuple[str, Engine]:
        name = f"amhe_test_{uuid.uuid4().hex[:12]}"
        if self.kind == "sqlite":
            path = self.folder / f"{name}.sqlite"
            if template:
                shutil.copyfile(template.removeprefix("sqlite:///"), path)
            url = f"sqlite:///{path}"
        else:
            assert self.admin is not None
            with self.admin.connect() as connection:
                clause = f' TEMPLATE "{template.rsplit("/", 1)[1]}"' if template else ""
                connection.execute(text(f'CREATE DATABASE "{name}"{clause}'))
            url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
        engine = build_engine(url)
        self.made.append((url, engine))
        return url, engine

    def drop(self, url: str, engine: Engine) -> None:
        engine.dispose()
        # The app (AppTest, db.manage) opens its own pooled engine for the same URL.
        dispose_engine(url)
        if self.kind == "postgresql" and self.admin is not None:
            name = url.rsplit("/", 1)[1]
            with self.admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def close(self) -> None:
        for url, engine in self.made:
            self.drop(url, engine)
        if self.admin is not None:
            self.admin.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_kind(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    maker = DatabaseMaker(request.param, tmp_path_factory.mktemp(request.param))
    yield maker
    maker.close()


def _require(maker: DatabaseMaker) -> None:
    if maker.unavailable:
        skip_or_fail(maker.unavailable)


@pytest.fixture(scope="session")
def demo_template(database_kind: DatabaseMaker) -> str | None:
    """A database with the schema and the demo data, copied for each test."""
    if database_kind.unavailable:
        return None
    url, engine = database_kind.new()
    upgrade_schema(engine)
    seed_demo_if_empty(engine)
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def schema_template(database_kind: DatabaseMaker) -> str | None:
    """An empty database at the latest schema with only the reference data, copied for
    each test (migrating a new database each time took 1.5 to 4 s)."""
    if database_kind.unavailable:
        return None
    url, engine = database_kind.new()
    upgrade_schema(engine)
    ensure_reference_data(engine)
    engine.dispose()
    return url


@pytest.fixture
def engine(database_kind: DatabaseMaker, schema_template: str | None) -> Iterator[Engine]:
    """An empty database at the latest schema, with only the reference data."""
    _require(database_kind)
    url, engine = database_kind.new(template=schema_template)
    yield engine
    database_kind.made.remove((url, engine))
    database_kind.drop(url, engine)


@pytest.fixture
def illustrative_metrics(engine: Engine) -> list[str]:
    """Adds to ``engine`` the demo seed's illustrative national core metrics (no values),
    for tests that need national metrics without the rest of the demo data (production
    loads none: seed/load.py). Returns their codes."""
    with Session(engine) as session, session.begin():
        return [metric.code for metric in add_illustrative_national_metrics(session)]


@pytest.fixture
def demo_engine(database_kind: DatabaseMaker, demo_template: str | None) -> Iterator[Engine]:
    """A fresh copy of the demo database, for tests that write."""
    _require(database_kind)
    url, engine = database_kind.new(template=demo_template)
    yield engine
    database_kind.made.remove((url, engine))
    database_kind.drop(url, engine)


@pytest.fixture
def demo_url(database_kind: DatabaseMaker, demo_template: str | None) -> Iterator[str]:
    """The URL of a fresh copy of the demo database (for AppTest and the browser)."""
    _require(database_kind)
    url, engine = database_kind.new(template=demo_template)
    engine.dispose()
    yield url
    database_kind.made.remove((url, engine))
    database_kind.drop(url, engine)


@pytest.fixture
def proxy() -> Iterator[TcpProxy]:
    """A loopback TCP proxy in front of the test PostgreSQL server, which a test can cut,
    hold and restore (tests/tcp_proxy.py)."""
    server = make_url(POSTGRES_ADMIN_URL)
    with TcpProxy(server.port or 5432, server.host or "127.0.0.1") as made:
        yield made
