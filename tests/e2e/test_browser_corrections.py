"""Putting a mistake right in a real browser: the London lead withdraws a value with a
reason and reads the withdrawal in the metric's history; a London forum member reads
only that a value for the quarter was withdrawn (not the value, who or why). axe on
each state."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import Locator, Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from components.corrections import REASON_LABEL
from core.formatting import format_value
from db.engine import build_engine
from db.models import CommunityProject, Metric, MetricValue, Region
from tests.e2e.conftest import AppServer
from tests.e2e.helpers import (
    act,
    assert_accessible,
    assert_no_errors,
    open_page,
    screenshot,
    sign_in,
    sign_out,
)

REASON = "typed into the wrong quarter"
QUARTER = date(2026, 7, 1)  # Q2 2026/27: submitted in the demo data, not signed off


def ca01_value(app_server: AppServer) -> tuple[int, int, str] | None:
    """CA01's id, and London's overall Q2 2026/27 value of it (id and as the picker
    shows it), or None once it is gone."""
    engine = build_engine(app_server.database_url)
    try:
        with Session(engine) as session:
            metric = session.scalar(select(Metric).where(Metric.code == "CA01"))
            row = session.scalar(
                select(MetricValue)
                .join(Region, Region.id == MetricValue.region_id)
                .where(
                    Region.code == "london",
                    MetricValue.metric_id == metric.id,
                    MetricValue.period_start == QUARTER,
                    MetricValue.characteristic == "",
                )
            )
            if row is None:
                return None
            return metric.id, row.id, f"Q2 2026/27: {format_value(row.value, metric.unit)}"
    finally:
        engine.dispose()


def open_values_history(page: Page, metric_id: int) -> Locator:
    """The Metrics page's Cultural awareness cards, and CA01's "History of its values"."""
    open_page(page, "Metrics")
    main = page.get_by_test_id("stMain")
    main.get_by_role("combobox", name="Theme", exact=True).click()
    act(page, lambda: page.get_by_role("option", name="Cultural awareness", exact=True).click())
    history = main.locator(f".st-key-history-values-{metric_id}")
    history.scroll_into_view_if_needed()
    act(page, history.locator("summary").click)
    return history


def test_the_lead_withdraws_a_value_and_the_forum_sees_only_that_it_was(
    page: Page, app_server: AppServer, screenshot_dir
) -> None:
    found = ca01_value(app_server)
    assert found is not None
    metric_id, _value_id, choice = found

    sign_in(page, app_server.url, "london.lead", "demo-london")
    history = open_values_history(page, metric_id)
    form = history.get_by_test_id("stForm")
    expect(form.get_by_role("button", name="Withdraw this value")).to_be_visible()
    # The newest value is offered first.
    expect(form.get_by_role("combobox", name="Value")).to_have_value(choice)
    form.get_by_role("textbox", name=REASON_LABEL).fill(REASON)
    form.get_by_text("Yes, withdraw this value", exact=False).click()
    assert_accessible(page, "the withdraw form filled in (london.lead)")
    act(page, form.get_by_role("button", name="Withdraw this value").click)
    main = page.get_by_test_id("stMain")
    expect(main.get_by_text("The value was withdrawn.", exact=False)).to_be_visible()
    assert_no_errors(page, "after withdrawing a value")
    assert ca01_value(app_server) is None

    history = main.locator(f".st-key-history-values-{metric_id}")
    note = history.get_by_text("was withdrawn by Leon Mensah (demo)", exact=False)
    expect(note).to_be_visible()
    expect(note).to_contain_text(f"because: {REASON}")
    expect(note).to_contain_text("CA01, Q2 2026/27")
    assert_accessible(page, "the value's history with the withdrawal (london.lead)")
    screenshot(page, screenshot_dir, "corrections-withdrawn-lead")
    sign_out(page)

    sign_in(page, app_server.url, "london.forum", "demo-forum")
    history = open_values_history(page, metric_id)
    expect(
        history.get_by_text(
            "A value for Q2 2026/27 was withdrawn by the regional lead on", exact=False
        )
    ).to_be_visible()
    expect(history.get_by_text(REASON, exact=False)).to_have_count(0)
    expect(history.get_by_text("Leon Mensah", exact=False)).to_have_count(0)
    expect(history.get_by_role("button", name="Withdraw this value")).to_have_count(0)
    assert_no_errors(page, "the value's history as london.forum")
    assert_accessible(page, "the value's history with the withdrawal (london.forum)")
    screenshot(page, screenshot_dir, "corrections-withdrawn-forum")


def london_project(app_server: AppServer) -> tuple[int, str]:
    """A London project nobody has commented on: its id and title."""
    engine = build_engine(app_server.database_url)
    try:
        with Session(engine) as session:
            project = session.scalar(
                select(CommunityProject)
                .join(Region, Region.id == CommunityProject.region_id)
                .where(Region.code == "london")
                .order_by(CommunityProject.id)
            )
            return project.id, project.title
    finally:
        engine.dispose()


def test_the_lead_deletes_a_project_and_the_forum_sees_that_one_was(
    page: Page, app_server: AppServer, screenshot_dir
) -> None:
    project_id, title = london_project(app_server)
    sign_in(page, app_server.url, "london.lead", "demo-london")
    open_page(page, "Community projects")
    main = page.get_by_test_id("stMain")
    history = main.locator(f".st-key-history-project-{project_id}")
    history.scroll_into_view_if_needed()
    act(page, history.locator("summary").click)
    form = history.get_by_test_id("stForm")
    form.get_by_role("textbox", name=REASON_LABEL).fill("Entered twice by mistake")
    form.get_by_text("Yes, delete this project everywhere", exact=False).click()
    assert_accessible(page, "the delete-project form filled in (london.lead)")
    act(page, form.get_by_role("button", name="Delete this project").click)
    expect(main.get_by_text("The project was deleted.", exact=False)).to_be_visible()
    assert_no_errors(page, "after deleting a project")
    expect(main.locator(f".st-key-history-project-{project_id}")).to_have_count(0)
    panel = main.get_by_test_id("stExpander").filter(has_text="Corrections (1)")
    panel.locator("summary").click()  # opens in the browser alone (no script run)
    expect(panel.get_by_text("because: Entered twice by mistake", exact=False)).to_be_visible()
    sign_out(page)

    sign_in(page, app_server.url, "london.forum", "demo-forum")
    open_page(page, "Community projects")
    main = page.get_by_test_id("stMain")
    panel = main.get_by_test_id("stExpander").filter(has_text="Corrections (1)")
    panel.locator("summary").click()  # opens in the browser alone (no script run)
    expect(
        panel.get_by_text("A community project was deleted by the regional lead", exact=False)
    ).to_be_visible()
    expect(panel.get_by_text(title, exact=False)).to_have_count(0)
    expect(main.get_by_role("button", name="Delete this project")).to_have_count(0)
    assert_no_errors(page, "the Community projects page as london.forum")
    assert_accessible(page, "the Community projects page with a deletion (london.forum)")
    screenshot(page, screenshot_dir, "corrections-project-deleted-forum")
