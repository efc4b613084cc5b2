"""Two app processes on one PostgreSQL database (issue 16), in a real browser.

Two ``streamlit run app.py`` servers (A and B, each its own process on its own loopback
port) serve one fresh demo database on PostgreSQL, as two app hosts behind the reverse
proxy do (deploy/). Both start at once, while the test seeds the database.

* A sign-in made on A works on B: B opens signed in with A's cookie alone.
* A write made through A shows on B's next run, although B had read (and cached) the
  same figures just before: db.cache keys its reads by the newest audit event, which
  the write through A adds, so B's cache cannot hold on to the old figures.

(Two processes running the migrations at once: tests/db/test_migrations.py.)
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from playwright.sync_api import Error as PlaywrightError
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.engine import build_engine, upgrade_schema
from db.models import FeedbackItem, User
from seed.demo import seed_demo_if_empty
from tests.conftest import DatabaseMaker, skip_or_fail
from tests.e2e.conftest import (
    VIEWPORT,
    AppServer,
    _wait_until_healthy,
    start_app_server,
    stop_app_server,
)
from tests.e2e.helpers import (
    COOKIE_NAME,
    TIMEOUT_MS,
    act,
    assert_no_errors,
    choose,
    cookie_names,
    expect_signed_out,
    open_app,
    open_page,
    reload_app,
    sign_out_button,
    signed_in,
    track,
)

# One pair of servers; not beside the other heavy browser tests.
pytestmark = pytest.mark.xdist_group("heavy-browser")

REGION = "London"
SUMMARY = "Two app processes: feedback added through one is shown by the other"
#: The columns of the Feedback page's "Every region" table (FeedbackFigures.as_row).
ITEMS, WAITING = "Feedback items", "Still waiting"
LOG_LINES = 40


class Servers:
    """The two servers on one database, A and B."""

    def __init__(self, a: AppServer, b: AppServer) -> None:
        self.a, self.b = a, b

    def logs(self) -> str:
        """The end of each server's output, for a failure message."""
        parts = []
        for name, server in (("A", self.a), ("B", self.b)):
            lines = server.log().splitlines()[-LOG_LINES:]
            parts.append(
                f"--- server {name} ({server.url}), its output's last {len(lines)} lines:\n"
                + "\n".join(lines)
            )
        return "\n".join(parts)

    @contextlib.contextmanager
    def explained(self) -> Iterator[None]:
        """A failure inside says which server said what."""
        try:
            yield
        except (AssertionError, PlaywrightError) as exc:
            raise AssertionError(f"{exc}\n\n{self.logs()}") from None


@pytest.fixture(scope="module")
def servers(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    """Servers A and B on one new PostgreSQL database holding the demo data."""
    maker = DatabaseMaker("postgresql", tmp_path_factory.mktemp("two-processes"))
    if maker.unavailable:
        skip_or_fail(maker.unavailable)
    started: list[AppServer] = []
    try:
        url, engine = maker.new()
        # Both start at once, and while the database is seeded: a server touches the
        # database only when a browser first opens a session, after this.
        for name in ("a", "b"):
            started.append(start_app_server(url, tmp_path_factory.mktemp(f"server-{name}")))
        upgrade_schema(engine)
        seed_demo_if_empty(engine)
        engine.dispose()
        for server in started:
            _wait_until_healthy(server)
        yield Servers(*started)
    finally:
        for server in started:
            stop_app_server(server)
        maker.close()


@contextlib.contextmanager
def fresh_page(browser: Browser, base_url: str) -> Iterator[Page]:
    """A page in a new browser context (no cookies), for ``base_url``."""
    context = browser.new_context(viewport=VIEWPORT, base_url=base_url)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        track(page)
        yield page
    finally:
        context.close()


def sign_in_cookie(page: Page, server: str) -> dict:
    """The sign-in cookie in ``page``'s browser context (set by the browser just after
    signing in, so waited for a moment)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for cookie in page.context.cookies():
            if cookie["name"] == COOKIE_NAME:
                return cookie
        page.wait_for_timeout(100)
    raise AssertionError(
        f"Signing in on server {server} set no {COOKIE_NAME!r} cookie; the browser has "
        f"{sorted(cookie_names(page))}."
    )


def display_name(server: AppServer, username: str) -> str:
    engine = build_engine(server.database_url)
    try:
        with Session(engine) as session:
            name = session.scalar(select(User.display_name).where(User.username == username))
    finally:
        engine.dispose()
    assert name, f"{username!r} is not in the demo database"
    return name


def added_item_id(server: AppServer) -> int | None:
    engine = build_engine(server.database_url)
    try:
        with Session(engine) as session:
            return session.scalar(select(FeedbackItem.id).where(FeedbackItem.summary == SUMMARY))
    finally:
        engine.dispose()


def region_figures(page: Page) -> dict[str, str]:
    """The region's row of the Feedback page's "Every region" table, by column."""
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name="Every region")).to_be_visible()
    table = main.get_by_test_id("stDataFrame").last  # the page draws it last
    row = table.locator("tr").filter(has_text=REGION)
    expect(row).to_have_count(1)
    header = [text.strip() for text in table.locator("tr").first.locator("th").all_inner_texts()]
    cells = [text.strip() for text in row.locator("td").all_inner_texts()]
    assert ITEMS in header and WAITING in header and len(cells) == len(header), (
        f"The Every region table has the columns {header} and {REGION}'s row {cells}."
    )
    return dict(zip(header, cells, strict=True))


def region_figures_when(page: Page, expected: dict[str, str], timeout_s: float = 5) -> dict:
    """:func:`region_figures`, read again for up to ``timeout_s`` until they show
    ``expected`` (the table's cells can be drawn a moment after the run ends)."""
    deadline = time.monotonic() + timeout_s
    while True:
        figures = region_figures(page)
        if all(figures.get(k) == v for k, v in expected.items()) or time.monotonic() > deadline:
            return figures
        page.wait_for_timeout(200)


def test_signing_in_on_one_process_signs_in_on_the_other(
    browser: Browser, servers: Servers
) -> None:
    a, b = servers.a, servers.b
    with (
        servers.explained(),
        signed_in(browser, a.url, "london.lead", "demo-london") as on_a,
        fresh_page(browser, b.url) as on_b,
    ):
        cookie = sign_in_cookie(on_a, "A")
        # Without the cookie, B asks for a sign-in.
        open_app(on_b, b.url)
        expect_signed_out(on_b)
        # With A's cookie alone (the form left empty), B opens signed in.
        on_b.context.add_cookies([{"name": COOKIE_NAME, "value": cookie["value"], "url": b.url}])
        reload_app(on_b)
        try:
            expect(sign_out_button(on_b)).to_be_visible()
        except AssertionError:
            raise AssertionError(
                f"Server B ({b.url}) did not take the sign-in cookie that server A "
                f"({a.url}) set for london.lead: it shows no Sign out button."
            ) from None
        sidebar = on_b.get_by_test_id("stSidebar")
        expect(sidebar).to_contain_text(display_name(b, "london.lead"))
        assert_no_errors(on_b, "server B, signed in with server A's cookie")


def test_a_write_through_one_process_shows_on_the_others_next_run(
    browser: Browser, servers: Servers
) -> None:
    a, b = servers.a, servers.b
    with (
        servers.explained(),
        signed_in(browser, b.url, "national.lead", "demo-national") as reader,
        signed_in(browser, a.url, "london.forum", "demo-forum") as writer,
    ):
        # B shows the Feedback page first, so its cache holds every region's figures.
        open_page(reader, "Feedback")
        choose(reader, reader.get_by_test_id("stMain"), "Region", REGION)
        before = region_figures(reader)
        expect(reader.get_by_test_id("stMain")).not_to_contain_text(SUMMARY)
        assert added_item_id(b) is None

        # A London forum member adds feedback through A.
        open_page(writer, "Feedback")
        main = writer.get_by_test_id("stMain")
        main.get_by_test_id("stExpander").filter(has_text="Add feedback").locator("summary").click()
        form = main.get_by_test_id("stForm").filter(has=writer.get_by_label("Date received"))
        form.get_by_role("textbox", name="What they said (a short summary)").fill(SUMMARY)
        act(writer, form.get_by_role("button", name="Add feedback").click)
        expect(main.get_by_text("Thank you. The feedback has been added.")).to_be_visible()
        item_id = added_item_id(a)
        assert item_id is not None, "Adding feedback through server A saved nothing."

        # B's next run (away to another page and back) shows it: the figures and the item.
        open_page(reader, "Your account")
        open_page(reader, "Feedback")
        main = reader.get_by_test_id("stMain")
        expect(main.get_by_role("combobox", name="Region", exact=True)).to_have_value(REGION)
        expected = {
            ITEMS: str(int(before[ITEMS]) + 1),
            WAITING: str(int(before[WAITING]) + 1),
        }
        after = region_figures_when(reader, expected)
        assert {k: after[k] for k in expected} == expected, (
            f"After feedback was added through server A, server B's Every region table "
            f"shows {REGION} as {after}; before the write it showed {before}. Expected "
            f"{expected}: B kept stale figures."
        )
        card = main.locator(f".st-key-feedback-list-{item_id}")
        try:
            expect(card).to_contain_text(SUMMARY)
        except AssertionError:
            raise AssertionError(
                f"Server B does not list the feedback added through server A ({SUMMARY!r})."
            ) from None
        assert_no_errors(reader, "server B's Feedback page after the write through A")
