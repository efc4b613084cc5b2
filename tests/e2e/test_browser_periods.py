"""One period format in a real browser: the Themes and Compare regions trend charts'
axes read "Q1 2024/25" in time order (as do their figure tables), the import template
and messages use the same form and flag early and not-begun quarters, and the Equity
page's period is a picker. Each state passes axe."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from itertools import pairwise

from playwright.sync_api import Locator, Page, expect

from core.periods import Period, format_period, parse_period, quarter_start
from tests.e2e.conftest import AppServer
from tests.e2e.helpers import (
    act,
    assert_accessible,
    assert_no_errors,
    open_page,
    screenshot,
    sign_in,
    x_axis_labels,
)

QUARTER = re.compile(r"^Q[1-4] \d{4}/\d{2}$")


def _main(page: Page) -> Locator:
    return page.get_by_test_id("stMain")


def assert_quarters_in_time_order(labels: list[str], where: str) -> None:
    assert len(labels) >= 2, f"{where}: too few axis labels {labels}"
    assert all(QUARTER.match(label) for label in labels), f"{where}: {labels}"
    starts = [parse_period(label).start for label in labels]
    steps = [Period(a).end == b for a, b in pairwise(starts)]
    assert all(steps), f"{where}: the quarters are not one after another in time: {labels}"


def test_the_themes_trend_axis_reads_quarters_in_time_order(
    page: Page, app_server: AppServer, screenshot_dir
):
    sign_in(page, app_server.url, "london.lead", "demo-london")
    open_page(page, "Themes")
    chart = _main(page).get_by_test_id("stVegaLiteChart").first
    expect(chart).to_be_visible()
    labels = x_axis_labels(chart)
    assert_quarters_in_time_order(labels, "the Themes trend chart")
    chart.scroll_into_view_if_needed()
    screenshot(page, screenshot_dir, "periods-themes-trend-axis")
    # The figures beside the chart use the same labels.
    expander = _main(page).get_by_test_id("stExpander").filter(has_text="Trend figures").first
    expander.locator("summary").click()
    table = expander.get_by_test_id("stDataFrame")
    for label in (labels[0], labels[-1]):
        expect(table).to_contain_text(label)
    assert_no_errors(page, "Themes")
    assert_accessible(page, "Themes, with a trend's figures open")


def test_the_compare_trend_axis_reads_quarters_in_time_order(
    page: Page, app_server: AppServer, screenshot_dir
):
    sign_in(page, app_server.url, "national.lead", "demo-national")
    open_page(page, "Compare regions")
    main = _main(page)
    expect(main.get_by_role("heading", name="Trend in each region")).to_be_visible()
    # The first metric's trends (the page opens on it).
    chart = main.get_by_test_id("stVegaLiteChart").filter(has_text="trend in each region")
    expect(chart).to_have_count(1)
    chart.scroll_into_view_if_needed()
    labels = x_axis_labels(chart)
    assert_quarters_in_time_order(labels, "the Compare regions trend chart")
    screenshot(page, screenshot_dir, "periods-compare-trend-axis")
    expander = main.get_by_test_id("stExpander").filter(has_text="Trend figures")
    expander.locator("summary").click()
    # (The grid keeps only the columns in view in the page: the oldest quarters.)
    expect(expander.get_by_test_id("stDataFrame")).to_contain_text(f"{labels[0]}{labels[1]}")
    assert_no_errors(page, "Compare regions, trends")
    assert_accessible(page, "Compare regions, with the trend figures open")


HEADINGS = ["region", "metric_code", "period", "value"]


def upload(page: Page, name: str, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADINGS)
    writer.writerows(rows)
    file_input = page.get_by_test_id("stFileUploaderDropzoneInput")
    act(
        page,
        lambda: file_input.set_input_files(
            files=[{"name": name, "mimeType": "text/csv", "buffer": buffer.getvalue().encode()}]
        ),
    )


def test_the_import_uses_the_format_and_flags_early_and_not_begun_quarters(
    page: Page, app_server: AppServer, screenshot_dir
):
    now = quarter_start(date.today())  # the server's clock is this machine's
    current, following = format_period(now), format_period(Period(now).end)
    sign_in(page, app_server.url, "london.lead", "demo-london")
    open_page(page, "Import values")
    main = _main(page)
    expect(main.get_by_test_id("stDataFrame").first).to_contain_text("Q1 2024/25")
    caption = main.get_by_text("the last complete quarter", exact=False)
    expect(caption).to_contain_text(re.compile(r"for Q[1-4] \d{4}/\d{2}, the last complete"))

    upload(page, "old-form.csv", [["London", "CA01", "2024 Q1", "40"]])
    problems = main.get_by_test_id("stDataFrame").filter(has_text="not a period we recognise")
    expect(problems).to_contain_text("Write a quarter as 'Q1 2024/25'")

    upload(
        page,
        "not-begun.csv",
        [["London", "CA01", current, "40"], ["London", "PW01", f"{following}", "3"]],
    )
    problems = main.get_by_test_id("stDataFrame").filter(has_text="has not begun")
    expect(problems).to_contain_text(f"{following} has not begun yet")
    assert "3" in problems.locator("td").first.inner_text()  # the row named
    assert_accessible(page, "Import values, a quarter that has not begun refused")

    year, number = current.split(" ")[1], current[1]
    upload(page, "early.csv", [["London", "CA01", f"{year} q{number}", "40"]])
    expect(main.get_by_text("The file is ready:")).to_be_visible()
    expect(main.get_by_text(f"Row 2: {current} has not ended yet", exact=False)).to_be_visible()
    preview = main.get_by_test_id("stDataFrame").filter(has_text="Early: not ended")
    expect(preview).to_contain_text(current)
    assert_no_errors(page, "Import values, early figures")
    screenshot(page, screenshot_dir, "periods-import-early")
    assert_accessible(page, "Import values, early figures flagged")


def test_the_equity_period_is_a_picker_of_quarters(page: Page, app_server: AppServer):
    newest = format_period(quarter_start(date.today()))  # the quarter we are in
    sign_in(page, app_server.url, "london.lead", "demo-london")
    open_page(page, "Equity")
    main = _main(page)
    picker = main.get_by_test_id("stSelectbox").filter(has=page.get_by_text("Quarter", exact=True))
    expect(picker).to_have_count(1)
    expect(main.get_by_role("textbox", name="Period")).to_have_count(0)
    box = picker.get_by_role("combobox")
    # The list closes when anything around it scrolls: let the scroll settle first.
    box.scroll_into_view_if_needed()
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    box.click()
    options = page.get_by_role("option")
    expect(options.first).to_have_text(newest)
    texts = options.all_inner_texts()
    assert all(QUARTER.match(t) for t in texts), texts
    assert_quarters_in_time_order(texts[::-1], "the Equity quarter picker, oldest first")
    act(page, lambda: options.nth(2).click())
    expect(box).to_have_value(texts[2])
    assert_no_errors(page, "Equity, a quarter picked")
    assert_accessible(page, "Equity, the quarter picker")
