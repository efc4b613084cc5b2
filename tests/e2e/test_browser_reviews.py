"""The bi-annual review in a real browser: the London lead records a review with a piece
of good practice shared with other regions, and the North West lead finds it in the
good-practice library; axe on the page for the lead, a forum member and the national
lead."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import Page, expect
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.reviews import format_half_year, recent_half_years
from db.engine import build_engine
from db.models import BiannualReview, GoodPractice, Region
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

PAGE = "Bi-annual review"
TITLE = "Interpreter rota for first appointments"
DONE = "Booked interpreters a week ahead for every first appointment, with a named backup."


def unrecorded_half(app_server: AppServer) -> date:
    """The older of the two half-years just ended, with no London review (test set-up:
    whatever today is, London's review of it is then due or overdue)."""
    half = recent_half_years(date.today())[-1]
    engine = build_engine(app_server.database_url)
    try:
        with Session(engine) as session, session.begin():
            london = session.scalar(select(Region.id).where(Region.code == "london"))
            ids = select(BiannualReview.id).where(
                BiannualReview.region_id == london, BiannualReview.half_start == half
            )
            session.execute(delete(GoodPractice).where(GoodPractice.review_id.in_(ids)))
            session.execute(
                delete(BiannualReview).where(
                    BiannualReview.region_id == london, BiannualReview.half_start == half
                )
            )
        return half
    finally:
        engine.dispose()


def test_a_lead_shares_good_practice_and_another_region_finds_it(
    page: Page, app_server: AppServer, screenshot_dir
) -> None:
    half = unrecorded_half(app_server)
    label = format_half_year(half)
    sign_in(page, app_server.url, "london.lead", "demo-london")
    open_page(page, PAGE)
    assert_no_errors(page, "the Bi-annual review page as london.lead")
    main = page.get_by_test_id("stMain")
    card = main.locator(f".st-key-review-{half:%Y-%m}")
    form = card.get_by_test_id("stForm")
    form.get_by_role("textbox", name="What went well").fill("More carers came to the forum.")
    form.get_by_role("textbox", name="What did not go well").fill("Interpreters were late.")
    form.get_by_role("textbox", name="Good practice: title").fill(TITLE)
    form.get_by_role("textbox", name="Good practice: what was done").fill(DONE)
    expect(form.get_by_role("checkbox", name="Share with other regions")).to_be_checked()
    assert_accessible(page, "the Bi-annual review page with a review to record (london.lead)")
    act(page, form.get_by_role("button", name=f"Record the review of {label}").click)
    expect(main.get_by_text(f"The review of {label} is recorded.")).to_be_visible()
    assert_no_errors(page, "after recording the review")
    expect(card.get_by_text(TITLE)).to_be_visible()
    expect(
        card.get_by_text("Shared with other regions (in the good-practice library)")
    ).to_be_visible()
    screenshot(page, screenshot_dir, "review-recorded-by-lead")
    sign_out(page)

    sign_in(page, app_server.url, "northwest.lead", "demo-northwest")
    open_page(page, PAGE)
    main = page.get_by_test_id("stMain")
    search = main.get_by_role("textbox", name="Search the good practice")
    search.fill("interpreter rota")
    act(page, lambda: search.press("Enter"))
    assert_no_errors(page, "after searching the library")
    library = main.get_by_test_id("stDataFrame").last
    row = library.locator("tr").filter(has_text=TITLE)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("London")
    expect(row).to_contain_text(f"({label})")
    expect(main.get_by_text("1 piece of good practice.")).to_be_visible()
    assert_accessible(page, "the good-practice library filtered (northwest.lead)")
    screenshot(page, screenshot_dir, "review-library-filtered")


def test_the_forum_member_reads_the_reviews_accessibly(page: Page, app_server: AppServer) -> None:
    sign_in(page, app_server.url, "london.forum", "demo-forum")
    open_page(page, PAGE)
    assert_no_errors(page, "the Bi-annual review page as london.forum")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_text("Peer supporters at the drop-in")).to_be_visible()
    expect(main.get_by_role("button", name="Share with other regions")).to_have_count(0)
    expect(main.get_by_test_id("stForm")).to_have_count(0)
    assert_accessible(page, "the Bi-annual review page (london.forum)")


def test_the_national_lead_sees_every_region_accessibly(
    page: Page, app_server: AppServer, screenshot_dir
) -> None:
    sign_in(page, app_server.url, "national.lead", "demo-national")
    open_page(page, PAGE)
    assert_no_errors(page, "the Bi-annual review page as national.lead")
    main = page.get_by_test_id("stMain")
    table = main.get_by_test_id("stDataFrame").first
    expect(table.locator("tr").filter(has_text="South West")).to_have_count(1)
    expect(table).to_contain_text("✓ Recorded")
    assert_accessible(page, "the Bi-annual review page with every region (national.lead)")
    screenshot(page, screenshot_dir, "review-national-table")
