"""A national lead in a real browser: Compare regions, reading the status grid, drilling
down to North West · Coproduction, switching the metric and reading the funnel sentence;
then the theme filter, a financial year, two periods compared for a region and the funnel
allowing for extra variation, at 1366×768, 800×1000 and 200% zoom (683×384) with nothing
past the window's right edge. The page passes axe with zero violations."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from core import compare as cc
from db import compare as dbc
from db import queries
from db.engine import build_engine
from db.theme_progress import theme_statuses
from tests.e2e.conftest import AppServer
from tests.e2e.helpers import (
    TIMEOUT_MS,
    act,
    assert_accessible,
    assert_no_errors,
    expected_titles,
    nav_titles,
    open_page,
    overflowing,
    page_problems,
    screenshot,
    sign_in,
    wait_for_app,
)

METRIC = "SK02"


def _expected(app_server: AppServer) -> tuple[dict, str, list[str]]:
    """North West's Coproduction row, the metric's label and its funnel sentences, worked
    out from the app's database with the same core functions."""
    engine = build_engine(app_server.database_url)
    try:
        with Session(engine) as session:
            regions = queries.regions(session)
            ids = regions["id"].tolist()
            names = dict(zip(regions["id"], regions["name"], strict=True))
            north_west = int(regions.loc[regions["name"] == "North West", "id"].iloc[0])
            themes = theme_statuses(session, [north_west])
            row = themes[themes["theme"] == "Coproduction"].iloc[0].to_dict()
            metrics = dbc.national_metrics(session)
            metric = metrics[metrics["code"] == METRIC].iloc[0]
            latest = dbc.latest_values(session, ids, [int(metric["id"])])
            figure = dbc.national_figures(session, ids, [int(metric["id"])]).iloc[0]
    finally:
        engine.dispose()
    placed = cc.classify_funnel(
        [(names[r.region_id], r.numerator, r.denominator) for r in latest.itertuples()],
        figure["proportion"],
    )
    sentences = cc.funnel_sentences(
        placed,
        unit="percentage",
        scale=100,
        national_value=figure["value"],
        direction=metric["direction"],
    )
    return row, f"{metric['code']}: {metric['name']}", sentences


def _main(page: Page):
    return page.get_by_test_id("stMain")


def _cell(page: Page, theme: str, region: str):
    """A cell of the status grid chart (Vega labels each mark for screen readers)."""
    chart = _main(page).get_by_test_id("stVegaLiteChart").first
    return chart.locator(f'path[aria-label^="theme: {theme}; region: {region};"]')


def _pick(page: Page, label: str, option: str) -> None:
    """Choose ``option`` in the select box labelled ``label`` with the keyboard: focus it,
    type the option's words and press Enter."""
    widget = (
        _main(page)
        .locator('[data-testid="stSelectbox"]')
        .filter(has=page.get_by_text(label, exact=True))
    )
    expect(widget).to_have_count(1)
    box = widget.get_by_role("combobox")
    box.scroll_into_view_if_needed()
    box.focus()
    page.keyboard.type(option)
    expect(page.get_by_role("option", name=option, exact=True)).to_be_visible()
    act(page, lambda: page.keyboard.press("Enter"))
    expect(box).to_have_value(option)


def test_national_lead_compares_regions_and_drills_down(
    page: Page, app_server: AppServer, screenshot_dir
) -> None:
    row, metric_label, sentences = _expected(app_server)
    sign_in(page, app_server.url, "national.lead", "demo-national")
    assert "Compare regions" in nav_titles(page)
    assert nav_titles(page) == expected_titles("national_lead")
    open_page(page, "Compare regions")
    main = _main(page)
    expect(main.get_by_role("heading", name="Compare regions", exact=True)).to_be_visible()

    # The grid: a chart with its title, and the same grid as a table in words.
    expect(main.get_by_role("heading", name="Progress by region and theme")).to_be_visible()
    charts = main.get_by_test_id("stVegaLiteChart")
    expect(charts.first).to_be_visible()
    expect(main.get_by_text("Progress by region and theme").first).to_be_visible()
    grid_table = main.get_by_test_id("stDataFrame").first
    expect(grid_table).to_be_visible()
    expect(main.get_by_role("button", name="Download CSV").first).to_be_visible()

    # A click on a cell of the chart (each cell is labelled for screen readers) drills down.
    cell = _cell(page, "Workforce", "London")
    expect(cell).to_have_count(1)
    cell.scroll_into_view_if_needed()
    act(page, lambda: cell.click(position={"x": 5, "y": 5}))
    expect(main.get_by_role("heading", name="London · Workforce")).to_be_visible()
    expect(_cell(page, "Workforce", "London")).to_have_attribute("stroke-width", "4")

    # ... and so do the keyboard-usable selects, which stay free after a click.
    _pick(page, "Region", "North West")
    _pick(page, "Theme", "Coproduction")
    expect(main.get_by_role("heading", name="North West · Coproduction")).to_be_visible()
    # The chart no longer outlines the cell clicked before.
    expect(_cell(page, "Workforce", "London")).to_have_attribute("stroke-width", "0.5")
    expect(main.get_by_text(row["explanation"], exact=True)).to_be_visible()
    expect(main.get_by_text(f"{row['actions_total']} actions", exact=False).first).to_be_visible()
    link = main.get_by_role("link", name="Open the Themes page for North West")
    expect(link).to_be_visible()
    assert_no_errors(page, "Compare regions, drilled down")
    screenshot(page, screenshot_dir, "national-lead-compare-north-west-coproduction")

    # Switch the metric: the funnel sentence names the regions outside the limits.
    _pick(page, "Metric", metric_label)
    expect(main.get_by_role("heading", name="Funnel plot", exact=False)).to_be_visible()
    for sentence in sentences:
        expect(main.get_by_text(sentence, exact=True)).to_be_visible()
    expect(main.get_by_role("heading", name="Trend in each region")).to_be_visible()
    expect(charts).to_have_count(4)  # grid, latest values, funnel, trends
    for chart_title in (
        f"{METRIC}: latest value in each region",
        f"{METRIC}: funnel plot against the national figure",
        f"{METRIC}: trend in each region",
    ):
        expect(main.get_by_text(chart_title, exact=True).first).to_be_attached()
    assert_no_errors(page, "Compare regions, funnel plot")
    screenshot(page, screenshot_dir, f"national-lead-compare-{METRIC}")
    assert_accessible(page, "the Compare regions page")

    # The link opens the Themes page on North West.
    act(page, link.click)
    expect(main.get_by_role("heading", name="Themes", exact=True)).to_be_visible(timeout=TIMEOUT_MS)
    expect(main.get_by_role("heading", name="North West", exact=True)).to_be_visible(
        timeout=TIMEOUT_MS
    )


NARROW = (("800x1000", {"width": 800, "height": 1000}), ("683x384", {"width": 683, "height": 384}))


def _fits(page: Page, where: str, screenshot_dir) -> list[str]:
    found = [f"{where}: {problem}" for problem in page_problems(page)]
    found += [f"{where}: overflows: {what}" for what in overflowing(page)]
    if found:
        found.append(f"{where}: screenshot {screenshot(page, screenshot_dir, where)}")
    return found


def test_periods_themes_change_and_adjusted_funnel_fit_narrow_screens(
    page: Page, app_server: AppServer, screenshot_dir
) -> None:
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, app_server.url, "national.lead", "demo-national")
    open_page(page, "Compare regions")
    main = _main(page)

    # The theme filter lists only that theme's metrics.
    _pick(page, "Theme of the metric", "Workforce")
    metric_box = main.get_by_role("combobox", name="Metric", exact=True)
    expect(metric_box).to_have_value(re.compile(r"^WF0\d: "))
    metric_box.click()
    options = page.get_by_role("option")
    expect(options.first).to_be_visible()
    assert all(text.startswith("WF0") for text in options.all_inner_texts())
    page.keyboard.press("Escape")
    _pick(page, "Theme of the metric", "All themes")
    _pick(page, "Metric", _expected(app_server)[1])

    # A financial year: the national figure and the ranking are for that year.
    period_box = main.get_by_role("combobox", name="Period", exact=True)
    expect(period_box).to_have_value("Latest")
    period_box.click()
    years = [
        t for t in page.get_by_role("option").all_inner_texts() if re.fullmatch(r"\d{4}/\d{2}", t)
    ]
    page.keyboard.press("Escape")
    assert years
    _pick(page, "Period", years[0])
    expect(main.get_by_role("heading", name=f"Value in {years[0]}")).to_be_visible()
    expect(main.get_by_text(f"National figure for {years[0]}:").first).to_be_visible()

    # Two periods for one region: the change in words, with whether it is chance.
    expect(main.get_by_role("heading", name="Compare two periods for a region")).to_be_visible()
    _pick(page, "Region to compare", "London")
    verdict = main.get_by_text(re.compile(r"^London: From .* the value "))
    expect(verdict).to_be_visible()
    expect(verdict).to_contain_text("chance")

    # The funnel allowing for extra variation between regions.
    box = main.get_by_role("checkbox", name="Allow for extra variation between regions")
    box.scroll_into_view_if_needed()
    act(page, lambda: box.check(force=True))
    expect(box).to_be_checked()
    # The title's second line (titles wrap at 50 characters).
    expect(main.get_by_text("(limits widened for extra variation)", exact=True)).to_be_attached()
    expect(main.get_by_text(re.compile("limits are (not )?widened")).first).to_be_visible()
    assert_no_errors(page, "Compare regions, a year and the adjusted funnel")
    assert_accessible(page, "Compare regions with the adjusted funnel at 1366x768")

    failures: list[str] = []
    for name, viewport in NARROW:
        page.set_viewport_size(viewport)
        page.wait_for_timeout(800)
        wait_for_app(page)
        failures += _fits(page, f"compare-{name}", screenshot_dir)
        # Every theme label of the grid is drawn and none is hidden for overlap.
        grid = main.get_by_test_id("stVegaLiteChart").first
        labels = grid.locator('g.role-axis[aria-label^="X-axis"] g.role-axis-label text')
        hidden = [
            t
            for t in labels.all()
            if (t.get_attribute("opacity") or "1") == "0"
            or (t.get_attribute("style") or "").find("opacity: 0") >= 0
        ]
        assert labels.count() >= 6 and not hidden, f"theme labels hidden at {name}"
        assert_accessible(page, f"Compare regions at {name}")
    assert not failures, "\n".join(failures)
