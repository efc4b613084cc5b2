"""The database goes away while someone saves, in a real browser: the plain sentence and
"Try again", no error box from Streamlit, nothing saved; once it is back, "Try again"
brings the page back and the save succeeds, in the same session of the same server (no
restart).

Unlike the other browser tests this one runs on PostgreSQL: the app reaches its demo
database through a loopback proxy the test cuts and restores (tests/tcp_proxy.py).
tests/app/test_database_outage.py covers the other moments of a cut with AppTest.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from db.engine import build_engine
from db.models import FeedbackItem
from tests.e2e.conftest import AppServer, _wait_until_healthy, start_app_server, stop_app_server
from tests.e2e.helpers import (
    LOAD_TIMEOUT_MS,
    act,
    assert_no_errors,
    open_page,
    sign_in,
)
from tests.tcp_proxy import TcpProxy

pytestmark = pytest.mark.parametrize("database_kind", ["postgresql"], indirect=True)

PASSWORD = "outage-secret-word"
SUMMARY = "People asked for the meeting papers a week ahead"
UNAVAILABLE = "The dashboard cannot reach its database just now."


@pytest.fixture
def app_server(browser: Browser, demo_url: str, proxy: TcpProxy, tmp_path) -> Iterator[AppServer]:
    """``streamlit run app.py`` on a PostgreSQL demo database reached through ``proxy``
    (its ``database_url`` is the database itself, for the test's checks). The ``page``
    fixture (tests/e2e/conftest.py) opens this server."""
    url = make_url(demo_url).set(port=proxy.port, password=PASSWORD)
    server = start_app_server(url.render_as_string(hide_password=False), tmp_path)
    try:
        _wait_until_healthy(server)
        yield replace(server, database_url=demo_url)
    finally:
        stop_app_server(server)


def feedback_count(server: AppServer) -> int:
    engine = build_engine(server.database_url)
    try:
        with Session(engine) as session:
            return session.scalar(select(func.count(FeedbackItem.id)))
    finally:
        engine.dispose()


def test_a_save_during_an_outage_saves_nothing_and_succeeds_once_back(
    page: Page, app_server: AppServer, proxy: TcpProxy
) -> None:
    before = feedback_count(app_server)
    sign_in(page, app_server.url, "london.forum", "demo-forum", timeout_ms=LOAD_TIMEOUT_MS)
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
    assert feedback_count(app_server) == before

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
    assert feedback_count(app_server) == before + 1
