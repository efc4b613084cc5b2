"""A London Regional Forum member in a real browser: opens the latest Forum meeting, reads
"Since the last meeting", downloads the meeting pack, switches to presentation mode and
moves with the Next and Previous buttons (the keys and the presenting view are tested in
test_browser_presentation.py). axe finds no violations in the normal view or in
presentation mode."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import AppServer
from tests.e2e.helpers import (
    act,
    assert_accessible,
    assert_no_errors,
    open_page,
    screenshot,
    sign_in,
)

EDITING_BUTTONS = ["Record the decision", "Start the meeting", "Save the meeting's details"]


def screen(page: Page, number: int):
    """The presentation's "3 of 35" counter, on screen ``number``."""
    counter = page.locator(".st-key-present-bar")
    return counter.get_by_text(re.compile(rf"^{number} of \d+$"))


def test_forum_member_presents_the_meeting(page: Page, app_server: AppServer, screenshot_dir):
    sign_in(page, app_server.url, "london.forum", "demo-forum")
    open_page(page, "Forum meeting")
    assert_no_errors(page, "the Forum meeting page as london.forum")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name="Since the last meeting")).to_be_visible()
    expect(main.get_by_text("values entered for 16 metrics")).to_be_visible()
    expect(main.get_by_role("combobox", name=re.compile("Meeting"))).to_be_visible()
    for label in EDITING_BUTTONS:
        expect(main.get_by_role("button", name=label)).to_have_count(0)
    assert_accessible(page, "the Forum meeting page (london.forum)")
    screenshot(page, screenshot_dir, "forum-meeting-normal")

    # The meeting pack downloads as a PDF.
    with page.expect_download(timeout=60_000) as download:
        main.get_by_role("button", name="Download the meeting pack (PDF)").click()
    path = download.value.path()
    assert download.value.suggested_filename.startswith("meeting-pack-london-")
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    # Presentation mode: one screen at a time, no editing controls (the presenting view
    # itself is tested in tests/e2e/test_browser_presentation.py).
    act(page, lambda: main.get_by_text("Present on a shared screen", exact=True).click())
    expect(screen(page, 1)).to_be_visible()
    expect(main.get_by_role("button", name=re.compile("^Previous"))).to_be_disabled()
    for label in EDITING_BUTTONS:
        expect(main.get_by_role("button", name=label)).to_have_count(0)
    expect(main.get_by_role("textbox")).to_have_count(0)
    assert_no_errors(page, "presentation mode")
    assert_accessible(page, "presentation mode, screen 1 (london.forum)")
    screenshot(page, screenshot_dir, "forum-meeting-presentation-1")

    next_button = main.get_by_role("button", name=re.compile("^Next"))
    act(page, next_button.click)
    expect(screen(page, 2)).to_be_visible()
    act(page, main.get_by_role("button", name=re.compile("^Previous")).click)
    expect(screen(page, 1)).to_be_visible()


def test_lead_sees_the_meeting_forms_accessibly(page: Page, app_server: AppServer):
    sign_in(page, app_server.url, "london.lead", "demo-london")
    open_page(page, "Forum meeting")
    assert_no_errors(page, "the Forum meeting page as london.lead")
    main = page.get_by_test_id("stMain")
    for title in ("Start a new meeting", "Correct this meeting's details"):
        main.get_by_test_id("stExpander").filter(has_text=title).locator("summary").click()
    expect(main.get_by_role("button", name="Record the decision")).to_be_visible()
    expect(main.get_by_role("button", name="Start the meeting")).to_be_visible()
    assert_accessible(page, "the Forum meeting page with its forms open (london.lead)")
    act(page, lambda: main.get_by_text("Present on a shared screen", exact=True).click())
    expect(screen(page, 1)).to_be_visible()
    for label in EDITING_BUTTONS:
        expect(main.get_by_role("button", name=label)).to_have_count(0)
