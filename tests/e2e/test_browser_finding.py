"""Finding things, in a real browser at 1366x768: search for a metric's code and land on
its card; "Go to a metric"; "Open details and history" scrolls to the details; Overview
leads with what needs the person; the feedback picker says which items wait. axe on each
new state, for the roles concerned."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.statuses import PROGRESS_STATUSES
from db.engine import build_engine
from db.models import Metric, PlanAction, Region
from tests.e2e.conftest import AppServer
from tests.e2e.helpers import (
    act,
    assert_accessible,
    assert_no_errors,
    open_page,
    screenshot,
    signed_in,
)

SMALL_SCREEN = {"width": 1366, "height": 768}


def london_metric(app_server: AppServer, offset: int = 0) -> tuple[int, str, str]:
    """A London local metric: id, code and name."""
    engine = build_engine(app_server.database_url)
    try:
        with Session(engine) as session:
            london = session.scalar(select(Region.id).where(Region.code == "london"))
            metric = session.scalars(
                select(Metric)
                .where(Metric.region_id == london, Metric.active.is_(True))
                .order_by(Metric.code)
                .offset(offset)
            ).first()
            return metric.id, metric.code, metric.name
    finally:
        engine.dispose()


def london_action(app_server: AppServer) -> tuple[int, str]:
    """A London action well down the plan (not the one the details open first)."""
    engine = build_engine(app_server.database_url)
    try:
        with Session(engine) as session:
            london = session.scalar(select(Region.id).where(Region.code == "london"))
            action = session.scalars(
                select(PlanAction)
                .where(PlanAction.region_id == london)
                .order_by(PlanAction.action_area_id.desc(), PlanAction.id.desc())
            ).first()
            return action.id, action.title
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def lead(browser: Browser, app_server: AppServer) -> Iterator[Page]:
    with signed_in(
        browser, app_server.url, "london.lead", "demo-london", viewport=SMALL_SCREEN
    ) as page:
        yield page


@pytest.fixture(scope="module")
def forum(browser: Browser, app_server: AppServer) -> Iterator[Page]:
    with signed_in(
        browser, app_server.url, "london.forum", "demo-forum", viewport=SMALL_SCREEN
    ) as page:
        yield page


def main(page: Page) -> Locator:
    return page.get_by_test_id("stMain")


def search(page: Page, query: str) -> None:
    open_page(page, "Search")
    box = main(page).get_by_role("textbox", name="Search for")
    box.fill(query)
    act(page, lambda: box.press("Enter"))


def test_searching_a_metric_code_lands_on_its_card(
    forum: Page, app_server: AppServer, screenshot_dir
) -> None:
    metric_id, code, name = london_metric(app_server)
    search(forum, code)
    assert_no_errors(forum, "Search (london.forum)")
    results = main(forum).locator(".st-key-search-results")
    link = results.get_by_role("link").first
    expect(link).to_contain_text(code)
    assert_accessible(forum, "Search with results (london.forum)")
    screenshot(forum, screenshot_dir, "search-results-forum")
    act(forum, link.click)
    expect(forum).to_have_url(re.compile(r"/metrics"))
    card = main(forum).locator(f".st-key-metric-card-{metric_id}")
    expect(card.get_by_role("heading", name=name)).to_be_visible()
    expect(card).to_be_in_viewport()
    assert_no_errors(forum, "Metrics opened from a search result")
    assert_accessible(forum, "Metrics with a metric opened from search (london.forum)")


def test_a_search_with_nothing_found_says_so(lead: Page) -> None:
    search(lead, "zzzz nothing like this")
    expect(main(lead).get_by_text("Nothing matches", exact=False)).to_be_visible()
    assert_accessible(lead, "Search with no results (london.lead)")


def test_go_to_a_metric_by_its_code(lead: Page, app_server: AppServer) -> None:
    metric_id, code, name = london_metric(app_server, offset=1)
    open_page(lead, "Metrics")
    picker = main(lead).get_by_role("combobox", name="Go to a metric")
    picker.click()
    picker.fill(code)
    act(lead, lead.get_by_role("option", name=re.compile(re.escape(code))).first.click)
    card = main(lead).locator(f".st-key-metric-card-{metric_id}")
    expect(card.get_by_role("heading", name=name)).to_be_visible()
    expect(card).to_be_in_viewport()
    expect(main(lead).get_by_text("Clear the choice above", exact=False)).to_be_visible()
    assert_accessible(lead, "Metrics with a metric chosen in Go to a metric (london.lead)")


def test_open_details_and_history_scrolls_to_the_details(
    lead: Page, app_server: AppServer, screenshot_dir
) -> None:
    action_id, title = london_action(app_server)
    open_page(lead, "Local plan")
    button = main(lead).locator(f".st-key-plan-open-{action_id}").get_by_role("button")
    act(lead, button.click)
    details = main(lead).locator(".st-key-plan-details")
    expect(details.get_by_role("heading", name=title)).to_be_visible()
    expect(details).to_be_in_viewport()
    screenshot(lead, screenshot_dir, "local-plan-details-opened")
    assert_accessible(lead, "Local plan with an action's details opened (london.lead)")


def test_overview_leads_with_what_needs_the_person(lead: Page) -> None:
    open_page(lead, "Overview")
    assert_no_errors(lead, "Overview (london.lead)")
    attention = main(lead).get_by_role("heading", name="Needs your attention")
    first_theme = main(lead).get_by_role("heading", level=3).first
    expect(attention).to_be_visible()
    assert attention.bounding_box()["y"] < first_theme.bounding_box()["y"]
    values = main(lead).locator("li").filter(has_text=re.compile(r"\(Q\d \d{4}/\d\d"))
    words = [s.label for s in PROGRESS_STATUSES.values()] + ["Progress cannot be worked out"]
    expect(values.first).to_contain_text(re.compile("|".join(map(re.escape, words))))
    assert_accessible(lead, "Overview with statuses (london.lead)")


def test_the_feedback_picker_says_what_waits(lead: Page) -> None:
    open_page(lead, "Feedback")
    body = main(lead)
    expect(
        body.get_by_text("the regional lead has written what we did", exact=False)
    ).to_be_visible()
    expect(
        body.get_by_text("answered and finished, with nothing more to do", exact=False)
    ).to_be_visible()
    picker = body.get_by_role("combobox", name="Feedback item")
    expect(picker).to_have_value(re.compile(r"^(Waiting \d+ days?|Responded|Closed) · "))
    assert_accessible(lead, "Feedback with the status meanings (london.lead)")


def test_a_national_lead_searches_every_region(
    browser: Browser, app_server: AppServer, screenshot_dir
) -> None:
    with signed_in(
        browser, app_server.url, "national.lead", "demo-national", viewport=SMALL_SCREEN
    ) as page:
        search(page, "CA")
        expect(main(page).get_by_role("combobox", name="Search in")).to_have_value("Every region")
        results = main(page).locator(".st-key-search-results").get_by_role("link")
        expect(results.first).to_contain_text("(")  # each result names its region
        assert_no_errors(page, "Search (national.lead)")
        assert_accessible(page, "Search across every region (national.lead)")
        screenshot(page, screenshot_dir, "search-every-region-national")
