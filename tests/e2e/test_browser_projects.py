"""Community projects in a real browser: the London lead adds a project with two partners,
sees it listed and counted toward the commitment of three. axe on each step."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.projects import COMMITMENT_RULE
from db.engine import build_engine
from db.models import CommunityProject
from tests.e2e.conftest import AppServer
from tests.e2e.helpers import (
    act,
    assert_accessible,
    assert_no_errors,
    open_page,
    screenshot,
    sign_in,
)

TITLE = "Community kitchen conversations"
PARTNERS = [
    ("Tower Hamlets Somali Women's Group", "Ethnically led VCSE"),
    ("East London Mosque", "Faith group"),
]
#: Resolves after two rendering frames: the scroll events of a scroll made before it
#: have been delivered by then.
FRAMES_JS = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


def saved_project(app_server: AppServer) -> tuple[CommunityProject, list[tuple[str, str]]] | None:
    engine = build_engine(app_server.database_url)
    try:
        with Session(engine) as session:
            project = session.scalar(
                select(CommunityProject).where(CommunityProject.title == TITLE)
            )
            if project is None:
                return None
            return project, [(p.name, p.kind) for p in project.partners]
    finally:
        engine.dispose()


def choose(form: Locator, page: Page, label: str, option: str) -> None:
    """Pick ``option`` in the select box labelled ``label`` with the mouse, as a person
    does: scroll it into view, then click it (inside a form: no rerun).

    The select box's list closes when anything around it scrolls (react-aria's
    close-on-scroll). A click straight after Playwright's own scroll can open the list
    before the browser delivers that scroll's event (in the next frame), which then
    closes it again; so the scroll is let settle first."""
    box = form.get_by_role("combobox", name=label, exact=True)
    box.scroll_into_view_if_needed()
    page.evaluate(FRAMES_JS)
    box.click()
    page.get_by_role("option", name=option, exact=True).click()
    expect(box).to_have_value(option)


def test_london_lead_adds_a_project_with_two_partners_and_it_counts(
    page: Page, app_server: AppServer, screenshot_dir
) -> None:
    sign_in(page, app_server.url, "london.lead", "demo-london")
    open_page(page, "Community projects")
    assert_no_errors(page, "the Community projects page as london.lead")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_text(COMMITMENT_RULE)).to_be_visible()
    # The demo data has two of London's projects active or completed.
    expect(
        main.get_by_text("London: 2 projects active or completed (no aim of its own set)")
    ).to_be_visible()
    # The plan's three is across the organisation, not in each region.
    expect(main.get_by_text("at least 3 across the whole organisation")).to_be_visible()
    assert_accessible(page, "the Community projects page (london.lead)")

    # Opening the expander makes its form (a script run).
    act(
        page,
        main.get_by_test_id("stExpander")
        .filter(has_text="Add a project in London")
        .locator("summary")
        .click,
    )
    form = main.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Add project"))
    expect(form).to_be_visible()
    form.get_by_label("Title", exact=True).fill(TITLE)
    form.get_by_label("Place", exact=True).fill("Community centre, Whitechapel")
    choose(form, page, "Status", "Active")
    form.get_by_label("People reached so far").fill("64")
    form.get_by_label("Communities engaged").fill("Somali and Bangladeshi women")
    for number, (name, kind) in enumerate(PARTNERS, start=1):
        form.get_by_label(f"Partner {number} name").fill(name)
        choose(form, page, f"Partner {number} type", kind)
    assert_accessible(page, "the Community projects page with the add form filled in")
    act(page, form.get_by_role("button", name="Add project").click)

    expect(main.get_by_text(f"Added '{TITLE}'.")).to_be_visible()
    assert_no_errors(page, "after adding a project")
    saved = saved_project(app_server)
    assert saved is not None, "the project was saved"
    project, partners = saved
    assert project.status == "active" and project.people_reached == 64
    assert partners == PARTNERS

    # Listed, with its partners, under Active; and it now counts toward the commitment.
    # The innermost block holding the project's heading is its card.
    card = (
        main.get_by_test_id("stVerticalBlock")
        .filter(has=page.get_by_role("heading", name=TITLE, exact=True))
        .last
    )
    expect(card).to_contain_text("Active")
    expect(card).to_contain_text("People reached: 64")
    for name, kind in PARTNERS:
        expect(card).to_contain_text(f"{name} ({kind})")
    expect(main.get_by_role("heading", name="Active (3)")).to_be_visible()
    expect(
        main.get_by_text("London: 3 projects active or completed (no aim of its own set)")
    ).to_be_visible()
    assert_accessible(page, "the Community projects page after adding a project")
    screenshot(page, screenshot_dir, "projects-added-by-london-lead")


def test_national_lead_sees_every_region_accessibly(
    page: Page, app_server: AppServer, screenshot_dir
) -> None:
    sign_in(page, app_server.url, "national.lead", "demo-national")
    open_page(page, "Community projects")
    assert_no_errors(page, "the Community projects page as national.lead")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name="All regions")).to_be_visible()
    expect(main.get_by_role("button", name="Add project")).to_have_count(0)
    assert_accessible(page, "the Community projects page (national.lead)")
    screenshot(page, screenshot_dir, "projects-national-lead")
