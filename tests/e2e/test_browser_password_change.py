"""A new password at the next sign-in, in a real browser: the administrator sets one
for london.lead and asks for a new one (the confirmation names the account); the lead
then signs in to a page with nothing but "Choose a new password" (axe checked), chooses
one, and reaches the dashboard."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.conftest import AppServer
from tests.e2e.helpers import (
    act,
    assert_accessible,
    assert_no_errors,
    nav_titles,
    open_page,
    screenshot,
    sign_in,
    sign_out,
)

GIVEN = "Lantern-kettle-moss-river"
CHOSEN = "Otter-basalt-violin-7"
LEAD = "london.lead (Leon Mensah (demo))"


def test_a_reset_asks_for_a_new_password_at_the_next_sign_in(
    page: Page, app_server: AppServer, screenshot_dir
) -> None:
    sign_in(page, app_server.url, "admin", "demo-admin")
    open_page(page, "Administration")
    main = page.get_by_test_id("stMain")
    account = main.get_by_role("combobox", name="Account", exact=True)
    account.click()
    account.press_sequentially("london.lead")  # the list is long: narrow it first
    act(page, page.get_by_role("option", name=LEAD, exact=True).click)
    expect(account).to_have_value(LEAD)
    form = main.get_by_test_id("stForm").filter(has=page.get_by_text("Set new password"))
    form.get_by_role("textbox", name="New password", exact=True).fill(GIVEN)
    expect(
        form.get_by_role("checkbox", name="Ask for a new password at the next sign-in")
    ).to_be_checked()
    act(page, form.get_by_role("button", name="Set new password").click)
    expect(main.get_by_text("New password set for london.lead.")).to_be_visible()
    sign_out(page)

    sign_in(page, app_server.url, "london.lead", GIVEN)
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name="Choose a new password")).to_be_visible()
    assert nav_titles(page) == []
    assert_accessible(page, "Choose a new password (london.lead)")
    screenshot(page, screenshot_dir, "choose-a-new-password")
    main.get_by_role("textbox", name="Current password (the one you were given)").fill(GIVEN)
    main.get_by_role("textbox", name="New password", exact=True).fill(CHOSEN)
    main.get_by_role("textbox", name="New password again", exact=True).fill(CHOSEN)
    act(page, main.get_by_role("button", name="Set my new password").click)
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("New password set for london.lead.")).to_be_visible()
    assert_no_errors(page, "after choosing a new password")
    assert "Overview" in nav_titles(page)
    sign_out(page)

    sign_in(page, app_server.url, "london.lead", CHOSEN)
    assert "Overview" in nav_titles(page)
