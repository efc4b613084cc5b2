"""A London Regional Forum member opens today's Forum meeting after the regional lead
changed things earlier the same day (a status, a new local metric, a new project, a
feedback response, values entered, a decision): "Since the last meeting" lists every
kind, and axe finds no violations."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from db.engine import build_engine
from tests.db.test_meetings_since import make_every_kind_of_change
from tests.e2e.conftest import AppServer
from tests.e2e.helpers import assert_accessible, assert_no_errors, open_page, sign_in

HEADINGS = [
    "Values entered",
    "Actions completed",
    "New actions",
    "Actions updated",
    "Metrics added or changed",
    "Projects added or updated",
    "Feedback answered",
    "New feedback",
    "Decisions recorded",
]


def test_the_meeting_day_changes_are_listed(page: Page, app_server: AppServer):
    engine = build_engine(app_server.database_url)
    try:
        make_every_kind_of_change(engine)
    finally:
        engine.dispose()
    sign_in(page, app_server.url, "london.forum", "demo-forum")
    open_page(page, "Forum meeting")
    assert_no_errors(page, "the Forum meeting page after today's changes")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name="Since the last meeting")).to_be_visible()
    for heading in HEADINGS:
        expect(main.get_by_text(heading, exact=True).first).to_be_visible()
    for line in [
        "Local metric ‘LONDON-T2: Partner organisations met’ added",
        "Project ‘Barbershop talks’ added (Planned)",
        "Decision recorded at the meeting on",
    ]:
        expect(main.get_by_text(line).first).to_be_visible()
    assert_accessible(page, "Since the last meeting with every kind of change (london.forum)")
