"""One click on Sign in signs in, every time (issue 16).

A person opens the app, waits until the form shows and the page has been still for half
a second, types and clicks once. The test does just that, twenty times in a row, each in
a new browser (a new session, as a person arriving is), and fails on any click the app
ignored (the form still showing, no error, long after the click).

It does not wait for the page's components to report ready, as the other browser tests
do (helpers.wait_for_app): a person cannot see them. The cause was one of them: the
authenticator's cookie component, drawn on the sign-in form to read every cookie, sent
its value when its frame had loaded, and the rerun that asked for replaced the run of a
click made before then (components/auth_adapter.py no longer draws it).
"""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import VIEWPORT, AppServer
from tests.e2e.helpers import (
    LOAD_TIMEOUT_MS,
    error_messages,
    sign_in_form,
    sign_out_button,
    track,
)

SIGN_INS = 20
#: How long the form has been still when the person clicks.
IDLE_MS = 500
#: Long enough for a sign-in on a loaded two-core machine; a click the app took has
#: always signed in well within it.
SIGNED_IN_WITHIN_MS = 30_000
ACCOUNTS = (("london.lead", "demo-london"), ("national.lead", "demo-national"))


def _form_still(page: Page) -> None:
    """The sign-in form shows and no script run is going on, as a person sees it."""
    expect(sign_in_form(page)[2]).to_be_visible(timeout=LOAD_TIMEOUT_MS)
    expect(page.get_by_test_id("stApp")).to_have_attribute(
        "data-test-script-state", "notRunning", timeout=LOAD_TIMEOUT_MS
    )
    page.wait_for_timeout(IDLE_MS)


def _one_click_signs_in(page: Page, username: str, password: str) -> str:
    """Sign in with one click on the form showing; "" when that signed in, else what
    the page shows instead."""
    _form_still(page)
    user_box, password_box, button = sign_in_form(page)
    user_box.fill(username)
    password_box.fill(password)
    button.click()
    try:
        expect(sign_out_button(page)).to_be_visible(timeout=SIGNED_IN_WITHIN_MS)
        return ""
    except AssertionError:
        shown = "the sign-in form" if button.is_visible() else "neither form nor app"
        errors = error_messages(page)
        return f"{shown}{' with ' + repr(errors) if errors else ', no message'}"


def _sign_out(page: Page) -> None:
    """Sign out as a person would: once the app has been still for a moment."""
    expect(page.get_by_test_id("stApp")).to_have_attribute(
        "data-test-script-state", "notRunning", timeout=LOAD_TIMEOUT_MS
    )
    page.wait_for_timeout(IDLE_MS)
    sign_out_button(page).click()
    try:
        expect(sign_in_form(page)[2]).to_be_visible(timeout=SIGNED_IN_WITHIN_MS)
    except AssertionError:
        sign_out_button(page).click()  # not what this test is about: try once more


def test_twenty_sign_ins_in_a_row_each_take_one_click(
    browser: Browser, app_server: AppServer
) -> None:
    """Signing in and out twenty times in one browser tab, as at a shared screen where
    people take turns, and the first opening of the app in a new browser."""
    ignored = []
    context = browser.new_context(viewport=VIEWPORT, base_url=app_server.url)
    try:
        page = context.new_page()
        track(page)
        page.goto(app_server.url)
        for attempt in range(1, SIGN_INS + 1):
            username, password = ACCOUNTS[attempt % len(ACCOUNTS)]
            outcome = _one_click_signs_in(page, username, password)
            if outcome:
                ignored.append(f"sign-in {attempt} ({username}): {outcome}")
                sign_in_form(page)[2].click()
                expect(sign_out_button(page)).to_be_visible(timeout=SIGNED_IN_WITHIN_MS)
            _sign_out(page)
    finally:
        context.close()
    assert not ignored, (
        f"{len(ignored)} of {SIGN_INS} first clicks on Sign in did not sign in "
        f"{SIGNED_IN_WITHIN_MS / 1000:.0f} s later:\n" + "\n".join(ignored)
    )
