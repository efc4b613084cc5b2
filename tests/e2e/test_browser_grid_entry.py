"""Data entry that cannot quietly go wrong, in a real browser: text typed into a number
cell is refused with a table naming its row and column; a number is saved ("Saved 1
value") with its row still in view; and Undo puts the value back. axe on each state."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import Page, expect

from core.periods import format_period, quarter_start
from tests.e2e.conftest import AppServer
from tests.e2e.helpers import act, assert_accessible, assert_no_errors, screenshot
from tests.e2e.test_browser_metrics import open_grid, saved_values, type_into_cell

LAST_ROW = 5  # four quarters that have ended, then the current one
L02 = 1  # the grid's column of LONDON-L02 (after the quarter)


def current_quarter() -> str:
    return format_period(quarter_start(date.today()))


def test_text_in_a_number_cell_is_refused_naming_its_row_and_column(
    page: Page, app_server: AppServer, screenshot_dir
) -> None:
    grid = open_grid(page, app_server, "Cultural awareness")
    main = page.get_by_test_id("stMain")
    quarter = current_quarter()
    type_into_cell(page, grid, LAST_ROW, L02, "12,5")
    problems = main.get_by_test_id("stTable")
    expect(problems.locator("th")).to_have_text(["Row", "Column", "Problem"])
    expect(problems).to_contain_text(f"LONDON-L02 · {quarter}")
    expect(problems).to_contain_text("'12,5' is ambiguous")
    type_into_cell(page, grid, LAST_ROW, L02, "lots")
    expect(problems).to_contain_text("'lots' is not a number.")
    expect(main.get_by_text("Nothing is saved while a problem remains")).to_be_visible()
    expect(main.get_by_role("button", name="Save changes")).to_be_disabled()
    assert saved_values(app_server, quarter)["values"] == {}, "nothing saved"
    assert_no_errors(page, "the grid with text in a number cell")
    assert_accessible(page, "the grid with text in a number cell")
    screenshot(page, screenshot_dir, "grid-entry-text-refused")


def test_a_saved_value_is_counted_stays_in_view_and_can_be_undone(
    page: Page, app_server: AppServer, screenshot_dir
) -> None:
    grid = open_grid(page, app_server, "Cultural awareness")
    main = page.get_by_test_id("stMain")
    quarter = current_quarter()
    type_into_cell(page, grid, LAST_ROW, L02, "62")
    act(page, main.get_by_role("button", name="Save changes").click)
    assert_no_errors(page, "after saving")
    expect(main.get_by_test_id("stAlertContentSuccess")).to_contain_text("Saved 1 value:")
    grid = main.get_by_test_id("stDataFrame").first
    expect(grid.locator("tr", has_text=quarter)).to_contain_text("62")
    assert saved_values(app_server, quarter)["values"]["LONDON-L02"][0] == 62.0
    assert_accessible(page, "the grid after a save, with Undo")
    screenshot(page, screenshot_dir, "grid-entry-saved")

    act(page, main.get_by_role("button", name="Undo the last save (1 value)").click)
    assert_no_errors(page, "after undoing")
    expect(main.get_by_test_id("stAlertContentSuccess")).to_contain_text("Undone: 1 value")
    assert saved_values(app_server, quarter)["values"] == {}, "the new value is removed"
    expect(main.get_by_role("button", name="Undo the last save (1 value)")).to_have_count(0)
    assert_accessible(page, "the grid after undoing")
