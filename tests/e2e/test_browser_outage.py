"""The database goes away while someone saves, in a real browser: the plain sentence and
"Try again", no error box from Streamlit, nothing saved; once it is back, "Try again"
brings the page back and the save succeeds, in the same session of the same server (no
restart).

Unlike the other browser tests this one runs on PostgreSQL: the app reaches its demo
database through a loopback proxy the test cuts and restores (tests/tcp_proxy.py).
tests/app/test_database_outage.py covers the other moments of a cut with AppTest.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from db.engine import build_engine
from db.models import FeedbackItem
from tests.conftest import POSTGRES_ADMIN_URL
from tests.e2e.conftest import VIEWPORT, AppServer, _free_port, _wait_until_healthy
from tests.e2e.helpers import (
    COOKIE_KEY,
    LOAD_TIMEOUT_MS,
    REPO_ROOT,
    TIMEOUT_MS,
    act,
    assert_no_errors,
    open_page,
    sign_in,
    track,
)
from tests.tcp_proxy import TcpProxy

pytestmark = pytest.mark.parametrize("database_kind", ["postgresql"], indirect=True)

PASSWORD = "outage-secret-word"
SUMMARY = "People asked for the meeting papers a week ahead"
UNAVAILABLE = "The dashboard cannot reach its database just now."


@pytest.fixture
def proxy() -> Iterator[TcpProxy]:
    server = make_url(POSTGRES_ADMIN_URL)
    with TcpProxy(server.port or 5432, server.host or "127.0.0.1") as made:
        yield made


@pytest.fixture
def proxied_server(browser: Browser, demo_url: str, proxy: TcpProxy, tmp_path) -> Iterator:
    """``streamlit run app.py`` on a PostgreSQL demo database reached through ``proxy``
    (its ``database_url`` is the database itself, for the test's checks)."""
    url = make_url(demo_url).set(port=proxy.port, password=PASSWORD)
    port = _free_port()
    env = {
        **os.environ,
        "AMHE_DATABASE_URL": url.render_as_string(hide_password=False),
        "AMHE_DEMO": "1",
        "AMHE_LOGIN_SLEEP_TIME": "0",
        "AMHE_COOKIE_KEY": COOKIE_KEY,
    }
    log_path = tmp_path / "streamlit.log"
    command = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.port", str(port), "--server.address", "127.0.0.1",
        "--server.headless", "true", "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=log, stderr=log)
    server = AppServer(f"http://127.0.0.1:{port}/", demo_url, log_path, process)
    try:
        _wait_until_healthy(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture
def page(browser: Browser, proxied_server: AppServer) -> Iterator[Page]:
    context = browser.new_context(viewport=VIEWPORT, base_url=proxied_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    made = context.new_page()
    track(made)
    yield made
    context.close()


def feedback_count(server: AppServer) -> int:
    engine = build_engine(server.database_url)
    try:
        with Session(engine) as session:
            return session.scalar(select(func.count(FeedbackItem.id)))
    finally:
        engine.dispose()


def test_a_save_during_an_outage_saves_nothing_and_succeeds_once_back(
    page: Page, proxied_server: AppServer, proxy: TcpProxy
) -> None:
    before = feedback_count(proxied_server)
    sign_in(page, proxied_server.url, "london.forum", "demo-forum", timeout_ms=LOAD_TIMEOUT_MS)
    open_page(page, "Feedback")
    main = page.get_by_test_id("stMain")
    main.get_by_test_id("stExpander").filter(has_text="Add feedback").locator("summary").click()
    summary = main.get_by_role("textbox", name="What they said (a short summary)")
    summary.fill(SUMMARY)

    proxy.cut()
    act(page, main.get_by_role("button", name="Add feedback").click)
    expect(main.get_by_text(UNAVAILABLE)).to_be_visible()
    assert_no_errors(page, "during the outage")
    body = page.locator("body").inner_text()
    assert "This app has encountered an error" not in body and PASSWORD not in body
    assert feedback_count(proxied_server) == before

    proxy.restore()
    act(page, main.get_by_role("button", name="Try again").click)
    expect(main.get_by_text(UNAVAILABLE)).to_have_count(0)
    # The form comes back empty: the browser forgot what was typed into a form that the
    # outage's run did not draw (AppTest cannot show this: it keeps the server's value).
    main.get_by_test_id("stExpander").filter(has_text="Add feedback").locator("summary").click()
    summary.fill(SUMMARY)
    act(page, main.get_by_role("button", name="Add feedback").click)
    expect(main.get_by_text("Thank you. The feedback has been added.")).to_be_visible()
    assert_no_errors(page, "after the database came back")
    assert feedback_count(proxied_server) == before + 1
