"""Text people typed shows as text on every page, in a real browser: never a picture, a
link, HTML, a heading or a script (issue 10: a local metric named
``x ![p](http://127.0.0.1:8799/p.png) [login](http://127.0.0.1:8799/login)`` made the
Overview and Themes pages load that picture and show that link).

Before any page is visited, every field a person can type (and the region and area names)
in the test's own copy of the demo database gets the payload below: a markdown picture and
link, raw HTML with a script, a bare link, an e-mail address and a heading. Then each role
signs in once and opens every page it sees. On each page:

* the browser asked the payload's address for nothing (``page.on("request")``);
* no link goes there, no picture comes from there, no heading, bold or script was made
  from the payload, no dialog opened;
* where the page shows typed text, the payload shows, as typed.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, Request
from sqlalchemy import text
from sqlalchemy.engine import Engine

from core.formatting import WORD_JOINER
from db.engine import build_engine
from tests.e2e.helpers import act, assert_no_errors, nav_titles, open_page, sign_in

ORIGIN = "http://127.0.0.1:8799"
#: One line: what a name or a title gets (at its start, so "# " could make a heading).
PAYLOAD = (
    f"# Pwn ![p]({ORIGIN}/p.png) [login]({ORIGIN}/login) <b>bold</b> "
    f"<img src={ORIGIN}/h.png onerror=alert(1)><script>alert(2)</script> "
    f"{ORIGIN}/bare www.pwn.example pwn@pwn.example"
)
#: Longer text (notes, descriptions, feedback) also gets headings and a quote on new lines.
LONG_PAYLOAD = f"{PAYLOAD}\n# PwnHeading\n> PwnQuote\n\nPwnSetext\n==="
#: What must show, as typed, on the pages that show typed text.
SHOWN = f"[login]({ORIGIN}/login) <b>bold</b>"

#: (table, column, long text?) for every typed field, and the names of places.
FIELDS = [
    ("region", "name", False),
    ("area", "name", False),
    ("app_user", "display_name", False),
    ("metric", "name", False),
    ("metric", "definition", True),
    ("metric", "data_source", False),
    ("metric", "coproduced_with", False),
    ("metric", "coproduced_at", False),
    ("metric_value", "note", True),
    ("plan_action", "title", False),
    ("plan_action", "description", True),
    ("plan_action", "owner", False),
    ("action_update", "note", True),
    ("community_project", "title", False),
    ("community_project", "place", False),
    ("community_project", "communities_engaged", True),
    ("community_project", "outcomes", True),
    ("community_project", "next_steps", True),
    ("project_partner", "name", False),
    ("feedback_item", "summary", True),
    ("feedback_item", "response", True),
    ("feedback_item", "action_taken", True),
    ("forum_meeting", "chair", False),
    ("forum_meeting", "notes", True),
    ("meeting_decision", "text", True),
    ("population_count", "source", False),
    ("audit_event", "reason", True),
]

ROLES = {
    "london.forum": "demo-forum",
    "london.lead": "demo-london",
    "national.lead": "demo-national",
    "admin": "demo-admin",
}
#: Pages that show typed text in the page itself (not only in tables, which the grid
#: draws on a canvas), for every role that sees them.
SHOWS_TYPED_TEXT = {
    "Overview",
    "Themes",
    "Local plan",
    "Metrics",
    "Community projects",
    "Feedback",
    "Forum meeting",
    "Compare regions",
}

_FIND_MARKUP_JS = """
(origin) => {
  const found = [];
  for (const a of document.querySelectorAll("a[href]"))
    if (a.href.startsWith(origin) || a.href.includes("pwn.example"))
      found.push(`a link to ${a.href}`);
  for (const img of document.querySelectorAll("img[src]"))
    if (img.src.startsWith(origin)) found.push(`a picture from ${img.src}`);
  for (const h of document.querySelectorAll("h1, h2, h3, h4, h5, h6")) {
    const words = h.innerText;
    if (/Pwn/.test(words) && !/#\\s*Pwn/.test(words) || /PwnHeading|PwnSetext/.test(words))
      found.push(`a heading made from the payload: <${h.tagName}> ${words.slice(0, 80)}`);
  }
  for (const b of document.querySelectorAll("b, strong"))
    if (b.innerText.trim() === "bold") found.push("bold text made from <b>");
  for (const q of document.querySelectorAll("blockquote"))
    if (/PwnQuote/.test(q.innerText)) found.push("a quote made from the payload");
  for (const s of document.querySelectorAll("script"))
    if (/alert\\(2\\)/.test(s.textContent)) found.push("a script from the payload");
  return found;
}
"""


def _set_payloads(engine: Engine) -> None:
    with engine.begin() as connection:
        for table, column, long in FIELDS:
            payload = LONG_PAYLOAD if long else PAYLOAD
            # The payload first (a heading needs the start of a line), the old text after
            # it so that names stay unique.
            connection.execute(
                text(f"UPDATE {table} SET {column} = :payload || ' ' || {column}"),
                {"payload": payload},
            )
        # A status set by hand shows its reason on the Metrics and Themes pages.
        connection.execute(
            text(
                "UPDATE metric SET manual_status = 'moderate_progress', "
                "manual_status_reason = :reason WHERE id % 2 = 0"
            ),
            {"reason": LONG_PAYLOAD},
        )


@pytest.fixture(scope="module")
def hostile_database(app_server) -> str:
    assert not app_server.url.startswith(ORIGIN), "the app must not serve the payload's address"
    engine = build_engine(app_server.database_url)
    try:
        _set_payloads(engine)
    finally:
        engine.dispose()
    return app_server.url


def _problems(page: Page, requests: list[str], dialogs: list[str]) -> list[str]:
    problems = [f"the browser asked for {url}" for url in requests]
    problems += [f"a dialog opened: {message}" for message in dialogs]
    return problems + page.evaluate(_FIND_MARKUP_JS, ORIGIN)


def _shown_text(page: Page) -> str:
    main = page.get_by_test_id("stMain").inner_text()
    return main.replace(WORD_JOINER, "").replace("\u00a0", " ")


@pytest.mark.parametrize("username", list(ROLES))
def test_typed_text_is_only_text_on_every_page(page: Page, hostile_database: str, username):
    requests: list[str] = []
    dialogs: list[str] = []

    def on_request(request: Request) -> None:
        if request.url.startswith(ORIGIN) or "pwn.example" in request.url:
            requests.append(request.url)

    page.on("request", on_request)
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(page, hostile_database, username, ROLES[username])
    sidebar = page.get_by_test_id("stSidebar").inner_text().replace(WORD_JOINER, "")
    assert SHOWN in sidebar, f"{username}: the name in the sidebar is not shown as typed"

    failures: list[str] = []
    titles = nav_titles(page)
    assert titles, f"{username} sees no pages"
    for title in titles:
        open_page(page, title)
        assert_no_errors(page, f"{title} as {username}")
        views = [""]
        if title == "Metrics" and username == "london.lead":
            views.append("Enter values")  # the data-entry grid's caption
        for view in views:
            if view:
                act(page, page.get_by_test_id("stMain").get_by_text(view, exact=True).first.click)
                assert_no_errors(page, f"{title} ({view}) as {username}")
            where = f"{title}{' (' + view + ')' if view else ''} as {username}"
            failures += [f"{where}: {p}" for p in _problems(page, requests, dialogs)]
            requests.clear()
            if title in SHOWS_TYPED_TEXT and SHOWN not in _shown_text(page):
                failures.append(f"{where}: the typed text is not shown as typed")
    assert not failures, "\n".join(failures)
