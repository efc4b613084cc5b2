"""An administrator in a real browser (issue 15): a confirmation names the account, a
region chosen for a national role is refused in words, the Add area form keeps its
region between adds, and a guessable password is refused with the reason."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.e2e.conftest import AppServer
from tests.e2e.helpers import act, assert_accessible, open_page, signed_in

STRONG = "Quiet-harbour-lantern-47"


@pytest.fixture(scope="module")
def admin(browser: Browser, app_server: AppServer) -> Iterator[Page]:
    """One administrator's sign-in for the module; each test opens Administration."""
    with signed_in(browser, app_server.url, "admin", "demo-admin") as page:
        yield page


def _administration(page: Page, tab: str) -> Locator:
    """Administration, on ``tab``; its panel."""
    open_page(page, "Administration")
    main = page.get_by_test_id("stMain")
    main.get_by_role("tab", name=tab, exact=True).click()
    panel = main.get_by_role("tabpanel", name=tab)
    expect(panel).to_be_visible()
    return panel


def _form(panel: Locator, button: str) -> Locator:
    return panel.get_by_test_id("stForm").filter(
        has=panel.page.get_by_role("button", name=button, exact=True)
    )


def _pick(page: Page, box: Locator, option: str | re.Pattern) -> None:
    """Open the select box ``box`` and click ``option`` (tried again when the list closed
    before the click: Streamlit scrolls a newly opened page back to the top)."""
    for _ in range(3):
        box.scroll_into_view_if_needed()
        box.click()
        listed = page.get_by_role("option", name=option).first
        try:
            listed.wait_for(state="visible", timeout=5_000)
        except PlaywrightTimeoutError:
            page.keyboard.press("Escape")
            continue
        listed.click()
        return
    raise AssertionError(f"The option {option!r} never showed in the list.")


def _pick_in_form(page: Page, form: Locator, label: str, option: str) -> None:
    """Choose ``option`` in a select box inside a form (no run until it is submitted)."""
    box = form.get_by_role("combobox", name=label, exact=True)
    _pick(page, box, re.compile(f"^{re.escape(option)}$"))
    expect(box).to_have_value(option)


def _submit(page: Page, form: Locator, button: str) -> None:
    act(page, form.get_by_role("button", name=button, exact=True).click)


def _messages(page: Page, test_id: str) -> str:
    return " ".join(page.get_by_test_id("stMain").get_by_test_id(test_id).all_inner_texts())


def test_a_region_chosen_for_a_national_role_is_refused(admin: Page) -> None:
    panel = _administration(admin, "Accounts")
    form = _form(panel, "Add account")
    form.get_by_label("Username (what they type to sign in)").fill("board.member")
    form.get_by_label("Full name", exact=True).fill("Board Member")
    _pick_in_form(admin, form, "Role", "National lead")
    _pick_in_form(admin, form, "Region (regional leads and forum members only)", "London")
    form.get_by_label("First password", exact=True).fill(STRONG)
    _submit(admin, form, "Add account")
    said = _messages(admin, "stAlertContentError")
    assert "National lead is a national role" in said, said
    assert "board.member" not in " ".join(panel.get_by_test_id("stDataFrame").all_inner_texts())


def test_a_new_password_confirmation_names_the_account(admin: Page) -> None:
    panel = _administration(admin, "Accounts")
    account = panel.get_by_role("combobox", name="Account", exact=True)

    def choose_account() -> None:
        _pick(admin, account, re.compile(r"^london\.forum "))

    act(admin, choose_account)
    expect(account).to_have_value(re.compile(r"^london\.forum "))
    form = _form(panel, "Set new password")
    form.get_by_label("New password", exact=True).fill(STRONG)
    _submit(admin, form, "Set new password")
    said = _messages(admin, "stAlertContentSuccess")
    assert "New password set for london.forum." in said, said
    assert_accessible(admin, "Administration after a password was set")


def test_a_guessable_password_is_refused_with_the_reason(admin: Page) -> None:
    panel = _administration(admin, "Accounts")
    form = _form(panel, "Set new password")
    form.get_by_label("New password", exact=True).fill("password1234")
    _submit(admin, form, "Set new password")
    said = _messages(admin, "stAlertContentError")
    assert said and "password1234" not in said, said
    assert "New password set" not in _messages(admin, "stAlertContentSuccess")


def test_the_add_area_form_keeps_its_region_between_adds(admin: Page) -> None:
    panel = _administration(admin, "Areas")
    form = _form(panel, "Add area")
    _pick_in_form(admin, form, "Region", "North West")
    for name in ("Cheshire and Merseyside test area", "Lancashire test area"):
        form.get_by_label("Name of the area", exact=True).fill(name)
        _submit(admin, form, "Add area")
        said = _messages(admin, "stAlertContentSuccess")
        assert f"Added {name} to North West." in said, said
        form = _form(_administration(admin, "Areas"), "Add area")
        expect(form.get_by_role("combobox", name="Region", exact=True)).to_have_value("North West")
        expect(form.get_by_label("Name of the area", exact=True)).to_have_value("")
