"""Governance bodies in a real browser: the national lead opens the Equity and Inclusion
Board, sees its demo meeting, writes what is being done about each exception, issues the
board report and downloads the PDF and the HTML exactly as kept; axe on both parts of the
page, and on the issued HTML report itself."""

from __future__ import annotations

import shutil

from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.engine import build_engine
from db.models import BoardReport
from tests.e2e.conftest import AppServer
from tests.e2e.helpers import (
    act,
    assert_accessible,
    assert_no_errors,
    choose,
    download,
    open_page,
    screenshot,
    sign_in,
    sign_out,
)

PAGE = "Governance bodies"
BOARD = "Equity and Inclusion Board"
ACTION = "Regional leads are reviewing the last two quarters with their forums."
#: How long one click may take to give its file (the PDF is made when clicked).
EACH_MS = 60_000


def newest_report(app_server: AppServer) -> BoardReport:
    engine = build_engine(app_server.database_url)
    try:
        with Session(engine) as session:
            report = session.scalars(select(BoardReport).order_by(BoardReport.id.desc())).first()
            session.expunge_all()
            return report
    finally:
        engine.dispose()


def test_national_lead_issues_a_board_report_and_downloads_it_as_issued(
    page: Page, app_server: AppServer, screenshot_dir, tmp_path
) -> None:
    sign_in(page, app_server.url, "national.lead", "demo-national")
    open_page(page, PAGE)
    main = page.get_by_test_id("stMain")
    choose(page, main, "Governance body", BOARD)
    expect(main.get_by_role("heading", name=f"{BOARD}, 12 November 2026")).to_be_visible()
    assert_no_errors(page, "the Governance bodies page, meetings")
    assert_accessible(page, "the Governance bodies page, meetings (national.lead)")

    act(page, main.get_by_text("Board report", exact=True).click)
    expect(main.get_by_role("button", name="Issue the report")).to_be_visible()
    for box in main.get_by_role("textbox").all():
        box.fill(ACTION)
    assert_accessible(page, "the Governance bodies page, board report (national.lead)")
    act(page, main.get_by_role("button", name="Issue the report").click)
    expect(main.get_by_text(f"was issued to the {BOARD}")).to_be_visible()
    assert_no_errors(page, "after issuing the board report")
    screenshot(page, screenshot_dir, "board-report-issued")

    kept = newest_report(app_server)
    # A click that lands while a run is finishing can be dropped: download() clicks again.
    pdf = download(page, main.get_by_role("button", name="PDF as issued").first, each_ms=EACH_MS)
    assert pdf.path().read_bytes() == kept.pdf
    html = download(page, main.get_by_role("button", name="HTML as issued").first, each_ms=EACH_MS)
    saved = tmp_path / "board-report.html"
    shutil.copyfile(html.path(), saved)
    assert saved.read_text(encoding="utf-8") == kept.html
    sign_out(page)

    page.goto(saved.as_uri())
    expect(page.get_by_role("heading", level=1)).to_contain_text(BOARD)
    assert_accessible(page, "the issued board report (HTML)")
