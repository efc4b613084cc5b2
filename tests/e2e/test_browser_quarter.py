"""One region through a whole quarter, in a real browser: the London lead changes a value
of Q2 2026/27 and submits the quarter; a forum member records the meeting's attendance and,
chairing, the forum's sign-off; the value is then locked; the lead reopens the quarter
with a reason, changes the value and submits again; the forum signs it off again; the
annual report shows the quarter as signed off and the audit log shows every step. axe on
the sign-off page for each role."""

from __future__ import annotations

import re
from datetime import date

from playwright.sync_api import Locator, Page, expect
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.periods import format_period
from core.permissions import Actor
from core.quarterly import long_date
from db.engine import build_engine
from db.meetings import create_meeting
from db.models import AuditEvent, QuarterReview, Region, User
from tests.e2e.conftest import VIEWPORT, AppServer
from tests.e2e.helpers import (
    TIMEOUT_MS,
    act,
    assert_accessible,
    assert_no_errors,
    open_page,
    reload_app,
    screenshot,
    sign_in,
    track,
)
from tests.e2e.test_browser_metrics import choose, type_into_cell

QUARTER = date(2026, 7, 1)
LABEL = format_period(QUARTER)  # Q2 2026/27
GRID_ROW = 4  # the grid shows four quarters with values (Q2 2026/27 last), then an empty one
CA01_COLUMN = 2


def prepare(app_server: AppServer) -> date:
    """London's Q2 2026/27 not yet submitted, and a Regional Forum meeting today (test
    set-up, through the app's own write for the meeting)."""
    engine = build_engine(app_server.database_url)
    try:
        with Session(engine) as session, session.begin():
            london = session.scalar(select(Region.id).where(Region.code == "london"))
            session.execute(
                delete(QuarterReview).where(
                    QuarterReview.region_id == london, QuarterReview.period_start == QUARTER
                )
            )
            lead = session.scalar(select(User).where(User.username == "london.lead"))
            actor = Actor(lead.id, lead.username, lead.role, lead.region_id)
        today = date.today()
        create_meeting(engine, actor, london, today)
        return today
    finally:
        engine.dispose()


def review_status(app_server: AppServer) -> tuple[str, int]:
    engine = build_engine(app_server.database_url)
    try:
        with Session(engine) as session:
            row = session.execute(
                select(QuarterReview.status, QuarterReview.sign_offs)
                .join(Region, Region.id == QuarterReview.region_id)
                .where(Region.code == "london", QuarterReview.period_start == QUARTER)
            ).one()
            return row.status, row.sign_offs
    finally:
        engine.dispose()


def audited_steps(app_server: AppServer) -> list[str]:
    engine = build_engine(app_server.database_url)
    try:
        with Session(engine) as session:
            return list(
                session.scalars(
                    select(AuditEvent.action)
                    .where(AuditEvent.entity_type == "quarter_review")
                    .where(AuditEvent.after["period"].as_string() == LABEL)
                    .order_by(AuditEvent.id)
                )
            )
    finally:
        engine.dispose()


def success(main: Locator) -> Locator:
    return main.get_by_test_id("stAlertContentSuccess")


def edit_ca01(page: Page, value: str) -> Locator:
    """Open the grid of Cultural awareness, type ``value`` for CA01 in Q2 2026/27 and
    save; the main area."""
    open_page(page, "Metrics")
    main = page.get_by_test_id("stMain")
    act(page, lambda: main.get_by_text("Enter values", exact=True).click())
    choose(page, main, "Theme", "Cultural awareness")
    grid = main.get_by_test_id("stDataFrame").first
    expect(grid).to_be_visible()
    type_into_cell(page, grid, GRID_ROW, CA01_COLUMN, value)
    act(page, main.get_by_role("button", name="Save changes").click)
    return main


def submit(page: Page) -> None:
    open_page(page, "Quarterly sign-off")
    main = page.get_by_test_id("stMain")
    form = main.get_by_test_id("stForm").filter(
        has=page.get_by_role("button", name=f"Submit {LABEL}")
    )
    if not form.count():  # only the oldest quarter waiting has its form open at first
        folded = main.get_by_text(f"Submit {LABEL} for the Regional Forum to review")
        act(page, folded.click)
    expect(form).to_be_visible()
    for box in form.get_by_role("textbox").all():
        box.fill("Not collected this quarter")
    act(page, form.get_by_role("button", name=f"Submit {LABEL}").click)
    expect(success(main)).to_contain_text(f"{LABEL} submitted")
    assert_no_errors(page, "after submitting")


def sign_off(page: Page, app_server: AppServer, *, attendance: bool) -> None:
    open_page(page, "Forum meeting")
    if not attendance:
        reload_app(page)  # the page was open: read what the lead did since
    main = page.get_by_test_id("stMain")
    assert_no_errors(page, "the Forum meeting page as london.forum")
    if attendance:
        for label, count in (
            ("Service users", "6"),
            ("Carers", "3"),
            ("Community partners", "2"),
            ("Staff", "2"),
        ):
            main.get_by_role("spinbutton", name=label).fill(count)
        main.get_by_role("textbox", name="Who chaired the meeting").fill("Femi Adeyemi")
        act(page, main.get_by_role("button", name="Save attendance").click)
        expect(main.get_by_text("Attendance: 13 people: 6 service users")).to_be_visible()
    expect(main.get_by_role("heading", name="Quarterly figures to review")).to_be_visible()
    expect(main.get_by_role("heading", name=f"{LABEL}: → Submitted")).to_be_visible()
    assert_accessible(page, "the quarter to review at the meeting (london.forum)")
    main.get_by_text("I am chairing this meeting", exact=False).click()
    act(page, main.get_by_role("button", name="Record the outcome").click)
    expect(success(main)).to_contain_text(f"{LABEL} signed off by the Regional Forum")
    assert review_status(app_server)[0] == "signed_off"


def test_one_region_through_a_whole_quarter(
    page: Page, browser, app_server: AppServer, screenshot_dir
) -> None:
    meeting_day = prepare(app_server)

    # The lead changes a value and submits the quarter.
    sign_in(page, app_server.url, "london.lead", "demo-london")
    main = edit_ca01(page, "71")
    expect(success(main)).to_contain_text("Saved 1 value")
    open_page(page, "Quarterly sign-off")
    expect(main.get_by_role("heading", name=f"{LABEL}: ! Overdue")).to_be_visible()
    assert_accessible(page, "the Quarterly sign-off page (london.lead)")
    screenshot(page, screenshot_dir, "sign-off-lead")
    submit(page)
    assert review_status(app_server) == ("submitted", 0)

    # A forum member, chairing, records the attendance and the forum's agreement.
    context = browser.new_context(viewport=VIEWPORT, base_url=app_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    forum = context.new_page()
    track(forum)
    try:
        sign_in(forum, app_server.url, "london.forum", "demo-forum")
        sign_off(forum, app_server, attendance=True)
        screenshot(forum, screenshot_dir, "sign-off-at-the-meeting")

        # Locked: the lead's change is refused, naming the quarter.
        main = edit_ca01(page, "72")
        expect(main.get_by_test_id("stAlertContentError")).to_contain_text(
            f"{LABEL} was signed off by the Regional Forum"
        )

        # Reopened with a reason, changed, submitted and signed off again.
        open_page(page, "Quarterly sign-off")
        expect(main.get_by_role("heading", name=f"{LABEL}: ✓ Signed off")).to_be_visible()
        main.get_by_text(f"Reopen {LABEL} to change a figure").click()  # opens, no rerun
        main.get_by_role("textbox", name=re.compile("Why the quarter is reopened")).fill(
            "The CA01 figure left out one team's training"
        )
        act(page, main.get_by_role("button", name=f"Reopen {LABEL}").click)
        expect(success(main)).to_contain_text(f"{LABEL} reopened")
        main = edit_ca01(page, "72")
        expect(success(main)).to_contain_text("Saved 1 value")
        submit(page)
        sign_off(forum, app_server, attendance=False)
        assert review_status(app_server) == ("signed_off", 2)
    finally:
        context.close()
    # (before them: the demo's own submission of the quarter)
    assert audited_steps(app_server)[-5:] == ["submit", "sign off", "reopen", "submit", "sign off"]

    # The annual report says the quarter is signed off, and at which meeting.
    sign_in(page, app_server.url, "national.lead", "demo-national")
    open_page(page, "Annual report")
    main = page.get_by_test_id("stMain")
    year = main.get_by_role("combobox", name="Financial year", exact=True)
    option = "2026/27 (1 April 2026 to 31 March 2027)"
    if year.input_value() != option:
        year.click()
        act(page, lambda: page.get_by_role("option", name=option, exact=True).click())
    table = (
        main.get_by_test_id("stDataFrame")
        .filter(has=page.locator("tr", has_text="North West"))
        .first
    )
    expect(main.get_by_text("Quarters of 2026/27 signed off by the Regional Forum")).to_be_visible()
    expect(table.locator("tr", has_text="London")).to_contain_text(
        f"Signed off at the Regional Forum meeting on {long_date(meeting_day)}"
    )
    assert_no_errors(page, "the annual report")

    # The audit log shows every step.
    open_page(page, "Audit log")
    for words in (
        "Submitted for sign-off",
        "Signed off by the Regional Forum",
        "Reopened",
        "Attendance recorded",
    ):
        expect(main.get_by_text(words).first).to_be_attached()
    assert_no_errors(page, "the audit log")
