"""AppTest helpers: run the real app.py against a throw-away demo database."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import components.downloads
from components import auth_adapter
from core.passwords import hash_password
from db.engine import build_engine
from tests.app.apptest_adapter import navigation_only

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.hookimpl(tryfirst=True)
def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """The page tests here run on SQLite only; engine differences are tests/db's, which
    runs everything on both engines. A test marked ``both_engines`` (every page for every
    role, a new install's first start, a change made meanwhile) runs on PostgreSQL too,
    and a test that parametrizes ``database_kind`` itself (the outage) keeps its choice.
    First (tryfirst), so the fixture's own two params are not applied as well."""
    if "database_kind" not in metafunc.fixturenames:
        return
    if metafunc.definition.get_closest_marker("both_engines"):
        return
    for mark in metafunc.definition.iter_markers("parametrize"):
        names = mark.args[0] if mark.args else mark.kwargs.get("argnames", ())
        if isinstance(names, str):
            names = [name.strip() for name in names.split(",")]
        if "database_kind" in names:
            return
    sqlite_only = pytest.mark.parametrize("database_kind", ["sqlite"], indirect=True)
    metafunc.definition.add_marker(sqlite_only, append=False)  # the id starts "sqlite-"


@pytest.fixture(autouse=True)
def _navigation_only(monkeypatch):
    navigation_only(monkeypatch)


@pytest.fixture
def app_env(monkeypatch, demo_url):
    monkeypatch.setenv("AMHE_DATABASE_URL", demo_url)
    monkeypatch.setenv("AMHE_DEMO", "1")
    monkeypatch.setenv("AMHE_LOGIN_SLEEP_TIME", "0")
    # Demo mode on a named database needs a real key (only the local demo file makes one up).
    monkeypatch.setenv("AMHE_COOKIE_KEY", "app-test-only-cookie-key-" + "x" * 32)
    return demo_url


def new_app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=60)


def sign_in(at: AppTest, username: str, password: str) -> AppTest:
    at.run()
    username_box = next(t for t in at.text_input if t.label == "Username")
    password_box = next(t for t in at.text_input if t.label == "Password")
    username_box.input(username)
    password_box.input(password)
    next(b for b in at.button if b.label == "Sign in").click()
    return at.run()


@pytest.fixture
def signed_in(app_env):
    def make(username: str, password: str) -> AppTest:
        at = sign_in(new_app(), username, password)
        assert not at.exception, at.exception
        return at

    return make


@pytest.fixture
def app_engine(app_env):
    """An engine on the app's database, for set-up and checks beside the page."""
    engine = build_engine(app_env)
    yield engine
    engine.dispose()


def open_as(signed_in, page: str, username: str, password: str) -> AppTest:
    """Sign in as ``username`` and open ``page``, which must run without an error."""
    at = signed_in(username, password)
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


#: The password of the one account in the ``auth`` fixture.
ADAPTER_PASSWORD = "a-long-password!"


@pytest.fixture
def auth():
    credentials = {
        "usernames": {
            "someone": {
                "name": "Some One",
                "email": "",
                "password": hash_password(ADAPTER_PASSWORD),
                "roles": ["forum_member"],
                "failed_login_attempts": 0,
                "logged_in": False,
            }
        }
    }
    made = auth_adapter.new_authenticator(
        credentials,
        cookie_name="amhe-test",
        cookie_key="k" * 40,
        cookie_expiry_days=1.0,
        login_sleep_time=0,
    )
    yield made
    for key in ("name", "username", "authentication_status", "email", "roles", "logout"):
        st.session_state.pop(key, None)


def address_of(at: AppTest, *names: str) -> dict[str, str]:
    """The page's query parameters ``names`` that are set, each as one string."""
    found = {}
    for name in names:
        if name in at.query_params:
            value = at.query_params[name]
            found[name] = value[0] if isinstance(value, list) else value
    return found


def reopened(
    signed_in, page: str, address: dict[str, str], account=("national.lead", "demo-national")
) -> AppTest:
    """``page`` at ``address`` in a new session (a reload, or a link pasted elsewhere),
    which must open without an error or a warning."""
    fresh = signed_in(*account)
    for name, value in address.items():
        fresh.query_params[name] = value
    fresh.switch_page(page)
    fresh.run()
    assert not fresh.exception, fresh.exception
    assert not fresh.warning, [w.value for w in fresh.warning]
    return fresh


@pytest.fixture
def offered(monkeypatch) -> list[tuple[pd.DataFrame, object]]:
    """Every (table, About) the pages hand to ``download_buttons``: its files are made
    from exactly these (``components.downloads._frozen`` is where every one passes)."""
    calls: list[tuple[pd.DataFrame, object]] = []
    original = components.downloads._frozen

    def record(table, about):
        calls.append((table.copy(), about))
        return original(table, about)

    monkeypatch.setattr(components.downloads, "_frozen", record)
    return calls
