"""The limits a PostgreSQL engine puts on its connections (db.engine.POSTGRES_TIMEOUTS),
so that a database the network no longer reaches gives a message, not a page that waits
for ever. tests/app/test_database_outage.py sees one at work through a proxy."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import make_url

from db.engine import POSTGRES_TIMEOUTS, build_engine, postgres_timeouts


def test_a_postgresql_url_gets_the_connect_and_tcp_timeouts():
    limits = postgres_timeouts(make_url("postgresql://amhe@db.example.org/amhe"))
    assert limits == POSTGRES_TIMEOUTS
    assert 0 < limits["connect_timeout"] <= 30, "seconds: long enough for a slow network"
    assert 0 < limits["tcp_user_timeout"] <= 60_000, "milliseconds"


def test_a_value_in_the_url_wins():
    url = make_url("postgresql+psycopg://amhe@db.example.org/amhe?connect_timeout=3")
    assert postgres_timeouts(url) == {"tcp_user_timeout": POSTGRES_TIMEOUTS["tcp_user_timeout"]}


def test_sqlite_gets_none():
    assert postgres_timeouts(make_url("sqlite:///data/amhe.sqlite")) == {}


@pytest.mark.parametrize("database_kind", ["postgresql"], indirect=True)
def test_the_engine_opens_its_connections_with_them(engine):
    built = build_engine(engine.url.render_as_string(hide_password=False))
    try:
        with built.connect() as connection:
            parameters = connection.connection.dbapi_connection.info.get_parameters()
    finally:
        built.dispose()
    assert parameters["connect_timeout"] == str(POSTGRES_TIMEOUTS["connect_timeout"])
    assert parameters["tcp_user_timeout"] == str(POSTGRES_TIMEOUTS["tcp_user_timeout"])
