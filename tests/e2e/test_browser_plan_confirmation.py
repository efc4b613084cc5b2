"""The plan's honesty on the Local plan page (issue 10, part 4).

``national.lead`` confirms the themes of a national action in the "National template
actions" section: the count in the "proposed, not yet confirmed" notes (the section's
own, and the one on Overview) goes up by one, and the confirmation is saved with its
audit event. ``london.lead`` sees the organisation-wide actions (LG1, WF2, WF3) in
London's plan read-only: kept by the national team, with no form or button to change
them, and not among the actions London can open to update or edit.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db import plan
from db.engine import build_engine
from db.models import AuditEvent, PlanAction
from tests.e2e.conftest import AppServer
from tests.e2e.helpers import (
    act,
    assert_accessible,
    assert_no_errors,
    open_page,
    screenshot,
    signed_in,
)

ORGANISATION_WIDE = ("LG1", "WF2", "WF3")
CONFIRMED = "ST1"  # a national action regions adopt, its themes not yet confirmed


def main(page: Page) -> Locator:
    return page.get_by_test_id("stMain")


def confirmation(app_server: AppServer) -> tuple[int, int, dict]:
    """(confirmed, total) national actions, and ST1's template row."""
    engine = build_engine(app_server.database_url)
    try:
        with Session(engine) as session:
            state = plan.theme_confirmation(session)
            action = session.scalar(
                select(PlanAction).where(
                    PlanAction.region_id.is_(None), PlanAction.code == CONFIRMED
                )
            )
            events = session.scalar(
                select(func.count(AuditEvent.id)).where(
                    AuditEvent.entity_type == "plan_action", AuditEvent.entity_id == action.id
                )
            )
            row = {
                "title": action.title,
                "confirmed_at": action.themes_confirmed_at,
                "events": events,
            }
    finally:
        engine.dispose()
    return state.confirmed, state.total, row


@pytest.fixture(scope="module")
def national(browser: Browser, app_server: AppServer) -> Iterator[Page]:
    with signed_in(browser, app_server.url, "national.lead", "demo-national") as page:
        yield page


@pytest.fixture(scope="module")
def london(browser: Browser, app_server: AppServer) -> Iterator[Page]:
    with signed_in(browser, app_server.url, "london.lead", "demo-london") as page:
        yield page


def open_options(page: Page, label: str) -> Locator:
    """Open the select box ``label`` and return its options. It is scrolled into view
    first: a select box opened while the page scrolls closes again at once."""
    box = main(page).get_by_role("combobox", name=label, exact=True)
    box.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    box.click()
    options = page.get_by_role("option")
    expect(options.first).to_be_visible()
    return options


def overview_note(confirmed: int, total: int) -> str:
    return f"confirmed them for {confirmed} of the plan's {total} actions so far"


def test_national_lead_confirms_an_actions_themes(
    national: Page, app_server: AppServer, screenshot_dir
) -> None:
    before, total, st1 = confirmation(app_server)
    assert st1["confirmed_at"] is None and before < total, "the demo's themes are proposed"
    open_page(national, "Overview")
    expect(main(national)).to_contain_text(overview_note(before, total))

    open_page(national, "Local plan")
    assert_no_errors(national, "the Local plan page (national.lead)")
    page = main(national)
    expect(page.get_by_role("heading", name="National template actions")).to_be_visible()
    warning = page.get_by_test_id("stAlertContentWarning").filter(has_text="Themes confirmed for")
    expect(warning).to_contain_text(f"Themes confirmed for {before} of {total} national actions.")

    label = f"{CONFIRMED} {st1['title']}"
    options = open_options(national, "National template action")
    act(national, options.filter(has_text=label).click)
    expect(page.get_by_role("combobox", name="National template action")).to_have_value(label)
    form = page.get_by_test_id("stForm").filter(
        has=national.get_by_role("button", name="Confirm these themes")
    )
    expect(form).to_contain_text("Themes this action serves")
    expect(page.get_by_text("These themes were proposed from the action's text")).to_be_visible()
    assert_accessible(national, "the National template actions section (national.lead)")
    act(national, form.get_by_role("button", name="Confirm these themes").click)

    assert_no_errors(national, "after confirming the themes")
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text(
        f"Confirmed the themes of '{st1['title']}'."
    )
    expect(warning).to_contain_text(
        f"Themes confirmed for {before + 1} of {total} national actions."
    )
    expect(page.get_by_text(re.compile(r"^Confirmed by .+ on \d{2} \w{3} \d{4}\."))).to_be_visible()
    after, _, saved = confirmation(app_server)
    assert after == before + 1
    assert saved["confirmed_at"] is not None
    assert saved["events"] == st1["events"] + 1, "the confirmation is an audited write"
    assert_accessible(national, "the Local plan page after confirming themes")
    screenshot(national, screenshot_dir, "plan-themes-confirmed")

    open_page(national, "Overview")
    expect(main(national)).to_contain_text(overview_note(before + 1, total))


def organisation_wide_card(page: Page, code: str) -> Locator:
    card = (
        main(page)
        .locator('[data-testid="stVerticalBlock"]')
        .filter(has=page.get_by_text(re.compile(rf"^{code} ")))
        .filter(has_text="Kept by the national team.")
        .last
    )
    expect(card).to_be_visible()
    return card


def test_regional_lead_sees_organisation_wide_actions_read_only(
    london: Page, screenshot_dir
) -> None:
    open_page(london, "Local plan")
    assert_no_errors(london, "the Local plan page (london.lead)")
    page = main(london)
    expect(page.get_by_role("heading", name="Organisation-wide actions")).to_be_visible()
    for code in ORGANISATION_WIDE:
        card = organisation_wide_card(london, code)
        expect(card).to_contain_text("Owner: National team.")
        expect(card.get_by_role("button")).to_have_count(0)
        expect(card.get_by_test_id("stForm")).to_have_count(0)
        expect(card.get_by_role("textbox")).to_have_count(0)
        # Listed once: in the organisation-wide section, not among London's own actions.
        expect(page.get_by_text(re.compile(rf"^{code} "))).to_have_count(1)
    assert_accessible(london, "the Local plan page's organisation-wide actions (london.lead)")
    screenshot(london, screenshot_dir, "plan-organisation-wide-london-lead")

    # None of them can be opened for a progress update or an edit.
    labels = open_options(london, "Action").all_inner_texts()
    london.keyboard.press("Escape")
    assert labels and not [t for t in labels if t.split(" ", 1)[0] in ORGANISATION_WIDE], labels
