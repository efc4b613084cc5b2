"""The Local plan in a real browser: the London lead posts a progress update that changes
an action's status, then sees the new status and the update in the action's history.
axe on each step."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.statuses import ACTION_STATUSES
from db.engine import build_engine
from db.models import ActionUpdate, PlanAction, Region
from tests.e2e.conftest import AppServer
from tests.e2e.helpers import (
    act,
    assert_accessible,
    assert_no_errors,
    open_page,
    screenshot,
    sign_in,
)

NOTE = "The venue fell through, so the listening event moves to March."


def first_london_action(app_server: AppServer) -> tuple[int, str, str, int]:
    """The action the details section opens first: id, title, status, version."""
    engine = build_engine(app_server.database_url)
    try:
        with Session(engine) as session:
            london = session.scalar(select(Region.id).where(Region.code == "london"))
            action = session.scalar(
                select(PlanAction)
                .where(PlanAction.region_id == london)
                .order_by(PlanAction.action_area_id, PlanAction.id)
                .limit(1)
            )
            return action.id, action.title, action.status, action.version
    finally:
        engine.dispose()


def saved(app_server: AppServer, action_id: int) -> tuple[str, int, list[tuple]]:
    engine = build_engine(app_server.database_url)
    try:
        with Session(engine) as session:
            action = session.get(PlanAction, action_id)
            updates = session.execute(
                select(ActionUpdate.note, ActionUpdate.status_from, ActionUpdate.status_to)
                .where(ActionUpdate.action_id == action_id)
                .order_by(ActionUpdate.id)
            ).all()
            return action.status, action.version, [tuple(u) for u in updates]
    finally:
        engine.dispose()


def choose(form: Locator, page: Page, label: str, option: str) -> None:
    """Pick ``option`` in the select box labelled ``label`` (inside a form: no rerun)."""
    box = form.get_by_role("combobox", name=label, exact=True)
    box.click()
    page.get_by_role("option", name=option, exact=True).click()
    expect(box).to_have_value(option)


def test_london_lead_posts_an_update_that_changes_the_status(
    page: Page, app_server: AppServer, screenshot_dir
) -> None:
    action_id, title, old_status, old_version = first_london_action(app_server)
    new_status = "at_risk" if old_status != "at_risk" else "off_track"
    old_label = ACTION_STATUSES[old_status].label
    new_label = ACTION_STATUSES[new_status].label

    sign_in(page, app_server.url, "london.lead", "demo-london")
    open_page(page, "Local plan")
    assert_no_errors(page, "the Local plan page as london.lead")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name="London's actions")).to_be_visible()
    expect(main.get_by_text("Showing all", exact=False).first).to_be_visible()
    expect(main.get_by_text("Overdue by", exact=False).first).to_be_visible()
    assert_accessible(page, "the Local plan page (london.lead)")

    # The details section opens the first action of the plan.
    details = main.locator(".st-key-plan-details")
    expect(details.get_by_role("heading", name=title)).to_be_visible()
    expect(details).to_contain_text(old_label)

    form = main.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Post update"))
    expect(form).to_be_visible()
    form.get_by_label("What has happened? (up to 1,000 characters)").fill(NOTE)
    choose(form, page, "Status after this update", new_label)
    assert_accessible(page, "the Local plan page with the update form filled in")
    act(page, form.get_by_role("button", name="Post update").click)

    expect(main.get_by_text(f"Progress update saved for '{title}'.", exact=False)).to_be_visible()
    assert_no_errors(page, "after posting an update")
    status, version, updates = saved(app_server, action_id)
    assert (status, version) == (new_status, old_version + 1)
    assert updates[-1] == (NOTE, old_status, new_status)

    # The new status shows, in words, on the action's details ...
    expect(details.get_by_role("heading", name=title)).to_be_visible()
    expect(details).to_contain_text(new_label)
    # ... and the update is in its history, last, with the change of status in words.
    updates_list = main.get_by_role("list").filter(has_text=NOTE)
    expect(updates_list).to_have_count(1)
    last_item = updates_list.get_by_role("listitem").last
    expect(last_item).to_contain_text(NOTE)
    expect(last_item).to_contain_text(f"Status changed from {old_label} to {new_label}.")
    expect(last_item).to_contain_text("Leon Mensah")  # who posted it

    # The change history (audit events) lists it too.
    # (Organisation-wide actions have histories of their own on the page too.)
    history = main.locator(f".st-key-history-action-{action_id}")
    act(page, history.locator("summary").click)  # its log is read when it opens (a run)
    expect(history.get_by_test_id("stDataFrame")).to_be_visible()
    assert_accessible(page, "the Local plan page after posting an update")
    screenshot(page, screenshot_dir, "local-plan-update-posted-by-london-lead")


def test_forum_member_reads_the_plan_without_forms(
    page: Page, app_server: AppServer, screenshot_dir
) -> None:
    sign_in(page, app_server.url, "london.forum", "demo-forum")
    open_page(page, "Local plan")
    assert_no_errors(page, "the Local plan page as london.forum")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name="London's actions")).to_be_visible()
    expect(main.get_by_test_id("stForm")).to_have_count(0)
    assert_accessible(page, "the Local plan page (london.forum)")
    screenshot(page, screenshot_dir, "local-plan-forum-member")
