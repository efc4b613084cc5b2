"""A national lead in a real browser: the Themes page for North West, then the Audit log
filtered to North West, and its Excel download (made when clicked) read back. Both pages
pass axe with zero violations."""

from __future__ import annotations

import io
from datetime import datetime

import openpyxl
from playwright.sync_api import Page, expect
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.engine import build_engine
from db.models import AuditEvent, Region
from db.theme_progress import theme_statuses
from tests.e2e.conftest import AppServer
from tests.e2e.helpers import (
    act,
    assert_accessible,
    assert_no_errors,
    open_page,
    screenshot,
    sign_in,
)

THEMES = [
    "Cultural awareness",
    "Staff knowledge and awareness",
    "Partnership working",
    "Coproduction",
    "Workforce",
    "Co-learning",
]


def _north_west(app_server: AppServer) -> tuple[dict[str, str], int]:
    """North West's theme statuses in words, and how many audit events it has."""
    engine = build_engine(app_server.database_url)
    try:
        with Session(engine) as session:
            region_id = session.scalar(select(Region.id).where(Region.code == "north_west"))
            frame = theme_statuses(session, [region_id])
            events = session.scalar(
                select(func.count(AuditEvent.id)).where(AuditEvent.region_id == region_id)
            )
    finally:
        engine.dispose()
    return dict(zip(frame["theme"], frame["status_label"], strict=True)), events


def _main(page: Page):
    return page.get_by_test_id("stMain")


def _pick(page: Page, label: str, option: str) -> None:
    """Choose ``option`` in the select box or multiselect labelled ``label``."""
    widget = (
        _main(page)
        .locator('[data-testid="stSelectbox"], [data-testid="stMultiSelect"]')
        .filter(has=page.get_by_text(label, exact=True))
    )
    expect(widget).to_have_count(1)
    widget.get_by_role("combobox").click()
    act(page, lambda: page.get_by_role("option", name=option, exact=True).click())
    page.keyboard.press("Escape")


def test_national_lead_reviews_themes_and_the_audit_log(
    page: Page, app_server: AppServer, screenshot_dir
) -> None:
    statuses, north_west_events = _north_west(app_server)
    assert sorted(statuses) == sorted(THEMES)
    sign_in(page, app_server.url, "national.lead", "demo-national")

    open_page(page, "Themes")
    _pick(page, "Region", "North West")
    main = _main(page)
    expect(main.get_by_role("heading", name="North West", exact=True)).to_be_visible()
    for theme in THEMES:
        heading = page.get_by_role("heading", name=theme, exact=True)
        expect(main.locator(heading)).to_be_visible()
        card = main.get_by_test_id("stColumn").filter(has=heading)
        expect(card).to_have_count(1)
        expect(card).to_contain_text(statuses[theme])  # the status in words
        expect(card.locator('[data-testid="stIconMaterial"]').first).to_be_visible()
    expect(main.get_by_text("How the status is worked out.")).to_be_visible()
    expect(main.get_by_test_id("stVegaLiteChart")).to_have_count(6)  # a trend per theme
    assert_no_errors(page, "Themes")
    screenshot(page, screenshot_dir, "national-lead-themes-north-west")
    assert_accessible(page, "the Themes page")

    open_page(page, "Audit log")
    expect(main.get_by_role("heading", name="Audit log")).to_be_visible()
    expect(main.get_by_text("only the newest 500 are shown")).to_be_visible()
    _pick(page, "Region", "North West")
    assert north_west_events < 500
    expect(main.get_by_text(f"{north_west_events} changes match these filters")).to_be_visible()
    expect(main.get_by_test_id("stDataFrame")).to_have_count(1)
    expect(main.get_by_role("button", name="Download CSV")).to_be_visible()
    with page.expect_download(timeout=60_000) as download:
        main.get_by_role("button", name="Download Excel").click()
    assert download.value.suggested_filename == "audit-log.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    assert sheet.max_row == north_west_events + 1  # every change, under a header row
    assert isinstance(sheet["A2"].value, datetime)
    assert_no_errors(page, "Audit log")
    screenshot(page, screenshot_dir, "national-lead-audit-log-north-west")
    assert_accessible(page, "the Audit log page")
