"""The Metrics page in a real browser: the London lead types a quarter's values into the
grid (a wrong one first, which is refused with its reason), saves, and sees the values
in the metric's table and its progress status; and two people editing the same value,
where the second is refused and sees the first's value. axe on each step."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import metric_grid
from core.metric_progress import MetricSpec, metric_progress
from core.periods import format_period
from core.statuses import PROGRESS_STATUSES
from db import metrics as dbm
from db import queries
from db.engine import build_engine
from db.models import AuditEvent, Metric, MetricValue, Region
from tests.e2e.conftest import VIEWPORT, AppServer
from tests.e2e.helpers import (
    act,
    assert_accessible,
    assert_no_errors,
    open_page,
    screenshot,
    sign_in,
    track,
)

# The grid's geometry (pages/metrics.py sets the column widths; Streamlit's rows are 35 px).
COLUMN_PX = 120
ROW_PX = 35


def grid_layout(app_server: AppServer) -> tuple[list[str], int, str]:
    """The codes of London's Cultural awareness metrics in the grid (column order), the
    id of CA01, and the grid's last (empty) quarter."""
    engine = build_engine(app_server.database_url)
    try:
        with Session(engine) as session:
            london = session.scalar(select(Region.id).where(Region.code == "london"))
            definitions = queries.metric_definitions(session, london)
            mine = definitions[
                (definitions["theme_name"] == "Cultural awareness")
                & definitions["disaggregated_by"].isna()
            ]
            values = dbm.metric_values(session, london, mine["id"].tolist(), overall_only=True)
            latest = metric_grid.latest_period(values, mine["id"].tolist())
            ca01 = session.scalar(select(Metric.id).where(Metric.code == "CA01"))
        return list(mine["code"]), ca01, format_period(metric_grid.next_quarter(latest))
    finally:
        engine.dispose()


def saved_values(app_server: AppServer, quarter: str) -> dict[str, tuple]:
    engine = build_engine(app_server.database_url)
    try:
        with Session(engine) as session:
            rows = session.execute(
                select(Metric.code, MetricValue.value, MetricValue.version, MetricValue.id)
                .join(Metric, Metric.id == MetricValue.metric_id)
                .join(Region, Region.id == MetricValue.region_id)
                .where(Region.code == "london", MetricValue.characteristic == "")
            ).all()
            found = {
                r.code: (r.value, r.version, r.id)
                for r in rows
                if format_period(session.get(MetricValue, r.id).period_start) == quarter
            }
            events = session.scalar(
                select(func.count(AuditEvent.id)).where(
                    AuditEvent.entity_type == "metric_value",
                    AuditEvent.entity_id.in_([v[2] for v in found.values()] or [0]),
                )
            )
        return {"values": found, "events": events}
    finally:
        engine.dispose()


def progress_label(app_server: AppServer, metric_id: int) -> tuple[str, str]:
    engine = build_engine(app_server.database_url)
    try:
        with Session(engine) as session:
            london = session.scalar(select(Region.id).where(Region.code == "london"))
            record = dbm.metric_record(session, metric_id)
            values = dbm.metric_values(session, london, [metric_id])
        result = metric_progress(
            MetricSpec.from_mapping(record), metric_grid.overall_series(values, metric_id)
        )
        return PROGRESS_STATUSES[result.status].label, result.explanation
    finally:
        engine.dispose()


def choose(page: Page, main: Locator, label: str, option: str) -> None:
    """Pick ``option`` in the select box ``label`` (outside a form: it reruns)."""
    main.get_by_role("combobox", name=label, exact=True).click()
    act(page, lambda: page.get_by_role("option", name=option, exact=True).click())


def type_into_cell(page: Page, grid: Locator, row: int, column: int, text: str) -> None:
    """Open a cell of the data editor (row 0 is the header) with a double click, type,
    and press Enter to commit, which makes Streamlit rerun."""
    cells = grid.get_by_test_id("stDataFrameResizable")
    cells.scroll_into_view_if_needed()
    page.wait_for_timeout(300)  # the canvas settles after scrolling (as Streamlit's tests do)
    # A double click opens the cell's editor (a click and Enter does too, but not
    # reliably on a cell that is already selected).
    cells.dblclick(
        position={"x": column * COLUMN_PX + COLUMN_PX / 2, "y": row * ROW_PX + ROW_PX / 2}
    )
    overlay = page.get_by_test_id("portal").locator(".gdg-clip-region")
    expect(overlay).to_be_visible()
    overlay.locator("input, textarea").first.press("ControlOrMeta+a")
    page.keyboard.type(text)
    expect(overlay.locator("input, textarea").first).to_have_value(text)
    # The grid's number editor takes a moment to hold the typed value: an Enter pressed
    # straight away can close the editor without committing it.
    page.wait_for_timeout(300)
    act(page, lambda: page.keyboard.press("Enter"))


def test_london_lead_enters_a_quarter_in_the_grid(
    page: Page, app_server: AppServer, screenshot_dir
) -> None:
    codes, ca01_id, quarter = grid_layout(app_server)
    assert codes == ["LONDON-L02", "CA01"], codes
    sign_in(page, app_server.url, "london.lead", "demo-london")
    open_page(page, "Metrics")
    assert_no_errors(page, "the Metrics page as london.lead")
    assert_accessible(page, "the Metrics page (metrics and progress)")
    main = page.get_by_test_id("stMain")

    act(page, lambda: main.get_by_text("Enter values", exact=True).click())
    choose(page, main, "Theme", "Cultural awareness")
    grid = main.get_by_test_id("stDataFrame").first
    expect(grid).to_be_visible()
    last_row = 5  # four quarters that have ended, then the current one
    save = main.get_by_role("button", name="Save changes")
    expect(save).to_be_disabled()

    # A percentage over 100 is refused, with the reason under the grid.
    type_into_cell(page, grid, last_row, 1, "150")
    problems = main.get_by_test_id("stTable")
    expect(problems).to_contain_text(f"LONDON-L02 · {quarter}")
    expect(problems).to_contain_text("a percentage must be between 0 and 100, not 150.")
    expect(main.get_by_text("Nothing is saved while a problem remains")).to_be_visible()
    expect(save).to_be_disabled()
    assert_accessible(page, "the data-entry grid with a problem")
    screenshot(page, screenshot_dir, "metrics-grid-problem")

    # Fixed, and a second value: both ready to save.
    type_into_cell(page, grid, last_row, 1, "62")
    type_into_cell(page, grid, last_row, 2, "88.5")
    expect(main.get_by_test_id("stTable")).to_have_count(0)
    expect(main.get_by_text("2 changed values ready to save.")).to_be_visible()
    assert saved_values(app_server, quarter)["values"] == {}, "nothing saved before Save"

    act(page, save.click)
    assert_no_errors(page, "after saving")
    expect(main.get_by_test_id("stAlertContentSuccess")).to_contain_text(
        f"Saved 2 values: {quarter} · LONDON-L02: 62%; {quarter} · CA01: 88.5%."
    )
    stored = saved_values(app_server, quarter)
    assert {code: v[:2] for code, v in stored["values"].items()} == {
        "LONDON-L02": (62.0, 1),
        "CA01": (88.5, 1),
    }
    assert stored["events"] == 2, "one audit event per value"
    assert_accessible(page, "the data-entry grid after saving")
    screenshot(page, screenshot_dir, "metrics-grid-saved")

    # The value is in the metric's table, with its progress status in words.
    act(page, lambda: main.get_by_text("Metrics and progress", exact=True).click())
    choose(page, main, "Theme", "Cultural awareness")
    # (A filter's inner locator is matched inside the outer one, so it starts at page.)
    heading = page.get_by_role(
        "heading", name="Staff who have completed cultural awareness training"
    )
    card = main.locator('[data-testid="stVerticalBlock"]').filter(has=heading).last
    table = card.get_by_test_id("stDataFrame").first
    expect(table.locator("tr", has_text=quarter)).to_contain_text("88.5")
    label, explanation = progress_label(app_server, ca01_id)
    expect(card).to_contain_text(label)
    expect(card).to_contain_text(explanation)
    summary = main.get_by_test_id("stDataFrame").first
    expect(summary.locator("tr", has_text="CA01")).to_contain_text(quarter)
    expect(summary.locator("tr", has_text="CA01")).to_contain_text("88.5%")
    assert_no_errors(page, "the metrics after saving")
    assert_accessible(page, "the Metrics page after saving")
    screenshot(page, screenshot_dir, "metrics-after-save")


def open_grid(page: Page, app_server: AppServer, theme: str) -> Locator:
    sign_in(page, app_server.url, "london.lead", "demo-london")
    open_page(page, "Metrics")
    main = page.get_by_test_id("stMain")
    act(page, lambda: main.get_by_text("Enter values", exact=True).click())
    choose(page, main, "Theme", theme)
    grid = main.get_by_test_id("stDataFrame").first
    expect(grid).to_be_visible()
    return grid


def test_two_people_edit_the_same_value(page: Page, browser, app_server: AppServer) -> None:
    """Both open the grid; the first saves; the second's save is refused, names the first
    person's value, and the grid then shows it while keeping the second's other change."""
    other = browser.new_context(viewport=VIEWPORT, base_url=app_server.url)
    second = other.new_page()
    track(second)
    try:
        first_grid = open_grid(page, app_server, "Workforce")
        second_grid = open_grid(second, app_server, "Workforce")
        quarter = "Q3 2026/27"  # the demo's next empty quarter: row 5, WF01 column 1

        type_into_cell(page, first_grid, 5, 1, "25")
        first_main = page.get_by_test_id("stMain")
        act(page, first_main.get_by_role("button", name="Save changes").click)
        expect(first_main.get_by_test_id("stAlertContentSuccess")).to_contain_text(
            f"Saved 1 value: {quarter} · WF01: 25%."
        )

        type_into_cell(second, second_grid, 5, 1, "30")
        type_into_cell(second, second_grid, 5, 2, "4")
        main = second.get_by_test_id("stMain")
        act(second, main.get_by_role("button", name="Save changes").click)
        error = main.get_by_test_id("stAlertContentError")
        expect(error).to_contain_text("Nothing was saved")
        expect(error).to_contain_text(f"WF01, {quarter}: Leon Mensah (demo) entered 25%")
        expect(error).to_contain_text("you entered 30%")
        grid = main.get_by_test_id("stDataFrame").first
        expect(grid.locator("tr", has_text=quarter)).to_contain_text("25")
        expect(main.get_by_text("1 changed value ready to save.")).to_be_visible()
        assert_accessible(second, "the grid after a refused save")

        act(second, main.get_by_role("button", name="Save changes").click)
        expect(main.get_by_test_id("stAlertContentSuccess")).to_contain_text(
            f"Saved 1 value: {quarter} · WF02: 4%."
        )
        stored = saved_values(app_server, quarter)["values"]
        assert stored["WF01"][:2] == (25.0, 1), "the first person's value was not overwritten"
        assert stored["WF02"][:2] == (4.0, 1)
    finally:
        other.close()
