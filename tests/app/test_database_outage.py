"""The database goes away mid-session and comes back: the real app (AppTest) on a seeded
PostgreSQL demo database reached through a loopback proxy the test cuts and restores
(tests/tcp_proxy.py).

While it is cut, a run shows one plain sentence (``unavailable_message``: no error page,
no traceback, no password), whether the cut hits the sign-in's reads at the top of
app.py, a page's reads, or a save just before it commits; and nothing is half-saved.
Once restored, the very next run of the same session carries on, on the same engine,
still signed in, and a save succeeds.

AppTest runs app.py in this process, so a test can also cut at an exact moment of a run
(an SQLAlchemy event on the app's engine). What it does not show faithfully is the
browser's side of a form the outage's run did not draw: AppTest keeps the value the
server holds, while the browser forgets what was typed there. So no test here relies on
that; tests/e2e/test_browser_outage.py goes through a save during an outage in Chromium.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import Engine, event, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from app import TRY_AGAIN
from db import engine as engine_module
from db.engine import WRITE_OPTION, build_engine, dispose_engine, get_engine, unavailable_message
from db.models import AuditEvent, FeedbackItem, LoginAttempt
from tests.app.conftest import new_app, sign_in
from tests.app.test_app_roles import texts
from tests.markdown_text import shown
from tests.tcp_proxy import FORWARD, TcpProxy

# PostgreSQL only: the proxy stands between the app and a database server.
pytestmark = pytest.mark.parametrize("database_kind", ["postgresql"], indirect=True)

FEEDBACK = "pages/feedback.py"
METRICS = "pages/metrics.py"
SUMMARY_BOX = "What they said (a short summary)"
#: The password in the app's database URL (the test server trusts loopback, so it is
#: never checked); it must never be shown.
PASSWORD = "outage-secret-word"
#: What only an error page shows.
ERROR_PAGE_WORDS = ("Traceback", "This app has encountered an error", "OperationalError")


@pytest.fixture
def proxied_url(monkeypatch, demo_url: str, proxy: TcpProxy) -> Iterator[str]:
    """The app's settings, its database URL pointing at the proxy (with a password)."""
    url = make_url(demo_url).set(port=proxy.port, password=PASSWORD)
    rendered = url.render_as_string(hide_password=False)
    monkeypatch.setenv("AMHE_DATABASE_URL", rendered)
    monkeypatch.setenv("AMHE_DEMO", "1")
    monkeypatch.setenv("AMHE_LOGIN_SLEEP_TIME", "0")
    monkeypatch.setenv("AMHE_COOKIE_KEY", "app-test-only-cookie-key-" + "x" * 32)
    yield rendered
    dispose_engine(rendered)  # the app's pool, before the database is dropped


@pytest.fixture
def direct(demo_url: str) -> Iterator[Engine]:
    """The same database without the proxy, to look at what was saved."""
    engine = build_engine(demo_url)
    yield engine
    engine.dispose()


def count(engine: Engine, model) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(model))


@contextmanager
def cut_on(engine: Engine, proxy: TcpProxy, name: str, when: Callable[..., bool]) -> Iterator:
    """Cut the proxy from inside a run: at the first ``name`` event of ``engine`` (an
    SQLAlchemy connection event) for which ``when`` is true."""

    def hook(*args) -> None:
        if proxy.state == FORWARD and when(*args):
            proxy.cut()

    event.listen(engine, name, hook)
    try:
        yield
    finally:
        event.remove(engine, name, hook)


def reads_feedback(_conn, _cursor, statement: str, *_rest) -> bool:
    return "feedback_item" in statement


def is_a_write(conn) -> bool:
    return bool(conn.get_execution_options().get(WRITE_OPTION))


def assert_plain_message_only(at: AppTest, url: str) -> None:
    """The run shows the plain sentence and the button to try again, and no error page,
    traceback or password."""
    assert not at.exception, [e.message for e in at.exception]
    message = unavailable_message(get_engine(url))
    assert PASSWORD not in message
    assert [shown(e.value) for e in at.error] == [message]
    assert TRY_AGAIN in [b.label for b in at.button]
    page = texts(at)
    for words in (*ERROR_PAGE_WORDS, PASSWORD):
        assert words not in page


def assert_page_shows(at: AppTest, title: str) -> None:
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert title in [t.value for t in at.title]
    assert "Sign out" in [b.label for b in at.button], "still signed in"


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def summary_box(at: AppTest):
    return next(t for t in at.text_area if t.label == SUMMARY_BOX)


def test_a_cut_between_runs_shows_the_sentence_and_the_next_run_carries_on(proxied_url, proxy):
    at = sign_in(new_app(), "london.forum", "demo-forum")
    at.switch_page(FEEDBACK).run()
    assert_page_shows(at, "Feedback: you said, we did")
    engine = get_engine(proxied_url)

    proxy.cut()  # the next run's first read is the sign-in's, at the top of app.py
    at.run()
    assert_plain_message_only(at, proxied_url)
    assert not at.title and not at.text_area, "nothing of the page under the message"
    at.switch_page(METRICS).run()  # going to another page meanwhile
    assert_plain_message_only(at, proxied_url)

    proxy.restore()
    button(at, TRY_AGAIN).click()
    at.run()
    assert_page_shows(at, "Metrics")
    assert get_engine(proxied_url) is engine, "the same engine: no restart"


def test_a_cut_while_the_page_reads_shows_the_sentence(proxied_url, proxy):
    at = sign_in(new_app(), "london.forum", "demo-forum")
    at.switch_page(FEEDBACK).run()
    with cut_on(get_engine(proxied_url), proxy, "before_cursor_execute", reads_feedback):
        at.run()
    assert_plain_message_only(at, proxied_url)
    assert [t.value for t in at.title] == ["Feedback: you said, we did"], "cut in the page"

    proxy.restore()
    at.run()
    assert_page_shows(at, "Feedback: you said, we did")


def test_a_save_cut_as_it_commits_saves_nothing_and_succeeds_once_back(proxied_url, proxy, direct):
    before = count(direct, FeedbackItem), count(direct, AuditEvent)
    at = sign_in(new_app(), "london.forum", "demo-forum")
    at.switch_page(FEEDBACK).run()
    summary = "People asked for evening sessions."
    summary_box(at).input(summary)
    button(at, "Add feedback").click()
    # The feedback and its audit event are sent; the connection goes before the commit.
    with cut_on(get_engine(proxied_url), proxy, "commit", is_a_write):
        at.run()
    assert_plain_message_only(at, proxied_url)
    assert not at.success

    proxy.restore()
    assert (count(direct, FeedbackItem), count(direct, AuditEvent)) == before, "half-saved"
    at.run()
    assert_page_shows(at, "Feedback: you said, we did")
    assert summary_box(at).value == summary, "what was typed is kept to save again"
    button(at, "Add feedback").click()
    at.run()
    assert_page_shows(at, "Feedback: you said, we did")
    assert "The feedback has been added" in at.success[0].value
    after = count(direct, FeedbackItem), count(direct, AuditEvent)
    assert after == (before[0] + 1, before[1] + 1)


def test_a_save_while_cut_saves_nothing_and_is_not_made_later(proxied_url, proxy, direct):
    before = count(direct, FeedbackItem), count(direct, AuditEvent)
    at = sign_in(new_app(), "london.forum", "demo-forum")
    at.switch_page(FEEDBACK).run()
    summary = "People asked for a quiet waiting room."
    summary_box(at).input(summary)
    proxy.cut()
    button(at, "Add feedback").click()
    at.run()
    assert_plain_message_only(at, proxied_url)

    proxy.restore()
    assert (count(direct, FeedbackItem), count(direct, AuditEvent)) == before
    button(at, TRY_AGAIN).click()
    at.run()
    assert_page_shows(at, "Feedback: you said, we did")
    assert not at.success, "not saved behind the person's back once the database is back"
    assert (count(direct, FeedbackItem), count(direct, AuditEvent)) == before


def test_a_signed_out_visitor_sees_the_sentence_and_signs_in_once_back(proxied_url, proxy, direct):
    attempts = count(direct, LoginAttempt)
    at = new_app().run()  # the sign-in form (and the app's engine opened)
    proxy.cut()
    assert_plain_message_only(new_app().run(), proxied_url)  # someone else arrives
    next(t for t in at.text_input if t.label == "Username").input("london.forum")
    next(t for t in at.text_input if t.label == "Password").input("demo-forum")
    button(at, "Sign in").click()
    at.run()
    assert_plain_message_only(at, proxied_url)
    assert count(direct, LoginAttempt) == attempts

    proxy.restore()
    at.run()
    assert not at.exception and not at.error
    at = sign_in(at, "london.forum", "demo-forum")
    assert "Sign out" in [b.label for b in at.button]
    assert count(direct, LoginAttempt) == attempts + 1


def test_a_database_that_stops_answering_gives_the_sentence_within_the_timeout(
    monkeypatch, proxied_url, proxy
):
    monkeypatch.setitem(engine_module.POSTGRES_TIMEOUTS, "connect_timeout", 2)
    at = sign_in(new_app(), "london.forum", "demo-forum")
    proxy.hold()  # connections open, and nothing ever answers
    started = time.monotonic()
    at.run()
    took = time.monotonic() - started
    assert_plain_message_only(at, proxied_url)
    assert took < 15, f"a run waited {took:.1f} s for a database that does not answer"

    proxy.restore()
    at.run()
    assert_page_shows(at, "Overview")
