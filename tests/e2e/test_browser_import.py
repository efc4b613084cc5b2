"""A London lead imports values in a real browser: template, a bad file, a fixed file, save."""

from __future__ import annotations

import csv
import io
from datetime import date

from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.engine import build_engine
from db.models import AuditEvent, Metric, MetricValue, Region
from tests.e2e.conftest import AppServer
from tests.e2e.helpers import (
    act,
    assert_accessible,
    assert_no_errors,
    open_page,
    screenshot,
    sign_in,
)
from tests.e2e.helpers import (
    download as download_file,
)

HEADINGS = ["region", "metric_code", "period", "value", "numerator", "denominator",
            "characteristic", "group", "note"]  # fmt: skip


def upload(page: Page, name: str, rows: list[dict[str, str]]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=HEADINGS)
    writer.writeheader()
    writer.writerows(rows)
    file_input = page.get_by_test_id("stFileUploaderDropzoneInput")
    act(
        page,
        lambda: file_input.set_input_files(
            files=[{"name": name, "mimeType": "text/csv", "buffer": buffer.getvalue().encode()}]
        ),
    )


def grid_text(page: Page, waiting_for: str) -> str:
    """The text of every table on the page, once one of them shows `waiting_for`
    (Streamlit keeps an accessible copy of each data grid's cells in the page, beside
    the canvas it draws; a message above a table can arrive before the table does)."""
    grids = page.get_by_test_id("stDataFrame")
    expect(grids.filter(has_text=waiting_for).first).to_be_visible()
    return "\n".join(grids.all_text_contents())


def stored(database_url: str, code: str, period: date) -> tuple[float | None, int]:
    engine = build_engine(database_url)
    try:
        with Session(engine) as session:
            value = session.execute(
                select(MetricValue.value, MetricValue.id)
                .join(Metric, Metric.id == MetricValue.metric_id)
                .join(Region, Region.id == MetricValue.region_id)
                .where(
                    Region.name == "London", Metric.code == code, MetricValue.period_start == period
                )
            ).one()
            events = session.scalar(
                select(AuditEvent.id).where(
                    AuditEvent.entity_type == "metric_value",
                    AuditEvent.entity_id == value.id,
                    AuditEvent.reason == "Imported from values-fixed.csv",
                )
            )
        return value.value, events
    finally:
        engine.dispose()


def test_a_london_lead_imports_a_file_after_fixing_its_problem(
    page: Page, app_server: AppServer, screenshot_dir
) -> None:
    sign_in(page, app_server.url, "london.lead", "demo-london")
    open_page(page, "Import values")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name="Import values")).to_be_visible()
    assert_no_errors(page, "Import values")
    assert_accessible(page, "Import values, on opening")

    # 1. The template: London's metrics for the last complete quarter, values blank.
    download = download_file(page, main.get_by_role("button", name="Download CSV").first)
    assert download.suggested_filename == "metric-values-london.csv"
    with open(download.path(), encoding="utf-8-sig", newline="") as handle:
        template = list(csv.DictReader(handle))
    assert list(template[0]) == HEADINGS
    assert {row["region"] for row in template} == {"London"}
    by_code = {row["metric_code"]: row for row in template}
    assert {"CA01", "PW01", "LONDON-L01"} <= set(by_code)
    period = by_code["CA01"]["period"]

    # 2. A file with a bad value on its third row: the problem is listed, nothing saved.
    rows = [
        {**by_code["PW01"], "value": "9"},
        {**by_code["CA01"], "value": "sixty", "numerator": "", "denominator": ""},
    ]
    upload(page, "values.csv", rows)
    expect(main.get_by_text("We found 1 problem in values.csv")).to_be_visible()
    problems = grid_text(page, waiting_for="'sixty' is not a number.")
    assert "value" in problems and "3" in problems
    expect(main.get_by_role("button", name="Save 2 values")).to_have_count(0)
    assert_no_errors(page, "Import values, bad file")
    assert_accessible(page, "Import values, problems listed")
    screenshot(page, screenshot_dir, "import-values-problems")

    # 3. The fixed file: a summary and a preview, then the save.
    rows[1] = {**by_code["CA01"], "value": "60.5", "numerator": "121", "denominator": "200"}
    upload(page, "values-fixed.csv", rows)
    expect(main.get_by_text("The file is ready:")).to_be_visible()
    assert "60.5%" in grid_text(page, waiting_for="60.5%")
    save = main.get_by_role("button", name="Save 2 values")
    expect(save).to_be_visible()
    assert_accessible(page, "Import values, ready to save")
    screenshot(page, screenshot_dir, "import-values-preview")

    act(page, save.click, settle_ms=800)
    expect(main.get_by_text("Saved: ")).to_be_visible()
    expect(main.get_by_role("button", name="Save 2 values")).to_have_count(0)
    assert_no_errors(page, "Import values, saved")
    assert_accessible(page, "Import values, saved")
    screenshot(page, screenshot_dir, "import-values-saved")

    quarter = {"Q1": 4, "Q2": 7, "Q3": 10, "Q4": 1}[period.split()[0]]
    start_year = int(period.split()[1][:4])
    start = date(start_year + (quarter == 1), quarter, 1)
    value, event = stored(app_server.database_url, "CA01", start)
    assert value == 60.5
    assert event is not None, "the import left an audit event for the value"
