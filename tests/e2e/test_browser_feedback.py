"""The feedback loop in a real browser: a London forum member adds feedback, the London
lead responds, and the item shows as responded with the response. axe on each step."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.engine import build_engine
from db.models import FeedbackItem
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

SUMMARY = "Forum members asked for the plan updates to be read out at meetings in Urdu"
RESPONSE = "We now read a short summary of each update in Urdu at every Forum meeting"


def saved_item(app_server: AppServer) -> FeedbackItem | None:
    engine = build_engine(app_server.database_url)
    try:
        with Session(engine) as session:
            return session.scalar(select(FeedbackItem).where(FeedbackItem.summary == SUMMARY))
    finally:
        engine.dispose()


def test_forum_member_adds_feedback_and_the_lead_responds(
    page: Page, app_server: AppServer, screenshot_dir
) -> None:
    # A London forum member adds feedback.
    sign_in(page, app_server.url, "london.forum", "demo-forum")
    open_page(page, "Feedback")
    assert_no_errors(page, "the Feedback page as london.forum")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("button", name="Save response")).to_have_count(0)
    # Opening the expander happens in the browser alone (no script run).
    main.get_by_test_id("stExpander").filter(has_text="Add feedback").locator("summary").click()
    notice = main.get_by_test_id("stAlertContentInfo").filter(
        has_text="Do not include names, contact details or anything that could identify a person."
    )
    expect(notice).to_be_visible()
    form = main.get_by_test_id("stForm").filter(has=page.get_by_label("Date received"))
    form.get_by_role("textbox", name="What they said (a short summary)").fill(SUMMARY)
    assert_accessible(page, "the Feedback page with the add form open (london.forum)")
    act(page, form.get_by_role("button", name="Add feedback").click)
    expect(main.get_by_text("Thank you. The feedback has been added.")).to_be_visible()
    assert_no_errors(page, "after adding feedback")
    item = saved_item(app_server)
    assert item is not None and item.status == "received" and item.response == ""
    screenshot(page, screenshot_dir, "feedback-added-by-forum-member")
    sign_out(page)

    # The London lead responds to it: it is the newest item, so it is chosen first.
    sign_in(page, app_server.url, "london.lead", "demo-london")
    open_page(page, "Feedback")
    main = page.get_by_test_id("stMain")
    chooser = main.get_by_role("combobox", name="Feedback item")
    expect(chooser).to_have_value(re.compile(re.escape(SUMMARY[:40])))
    respond = main.get_by_test_id("stForm").filter(has_text="Respond: what we did")
    respond.get_by_role("textbox", name="We did (the response people will see)").fill(RESPONSE)
    act(page, respond.get_by_role("button", name="Save response").click)
    expect(main.get_by_text("The response has been saved.")).to_be_visible()
    assert_no_errors(page, "after responding")

    # The item shows as responded, with the response, in the list.
    item = saved_item(app_server)
    assert item is not None
    card = main.locator(f".st-key-feedback-list-{item.id}")
    expect(card).to_contain_text(SUMMARY)
    expect(card).to_contain_text(RESPONSE)
    expect(card).to_contain_text("Responded")
    expect(card).to_contain_text("We did:")
    expect(card).to_contain_text("Answered on")
    item = saved_item(app_server)
    assert item is not None and item.status == "responded" and item.response == RESPONSE
    assert item.responded_on is not None
    assert_accessible(page, "the Feedback page after responding (london.lead)")
    screenshot(page, screenshot_dir, "feedback-responded-by-lead")


def test_national_lead_sees_every_region_accessibly(page: Page, app_server: AppServer) -> None:
    sign_in(page, app_server.url, "national.lead", "demo-national")
    open_page(page, "Feedback")
    assert_no_errors(page, "the Feedback page as national.lead")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name="Every region")).to_be_visible()
    expect(main.get_by_role("combobox", name="Region")).to_be_visible()
    expect(main.get_by_role("button", name="Save response")).to_have_count(0)
    expect(main.get_by_text("Add feedback", exact=True)).to_have_count(0)
    assert_accessible(page, "the Feedback page (national.lead)")
