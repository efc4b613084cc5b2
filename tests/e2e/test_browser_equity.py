"""A national lead in a real browser on the Equity page: national figures, Mental Health
Act detention rates with their sentence and chart, then one region. Zero axe violations."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.conftest import AppServer
from tests.e2e.helpers import (
    act,
    assert_accessible,
    assert_no_errors,
    open_page,
    screenshot,
    sign_in,
)


def _main(page: Page):
    return page.get_by_test_id("stMain")


def _pick(page: Page, label: str, option: str) -> None:
    """Choose ``option`` in the select box labelled ``label``."""
    widget = (
        _main(page)
        .locator('[data-testid="stSelectbox"]')
        .filter(has=page.get_by_text(label, exact=True))
    )
    expect(widget).to_have_count(1)
    widget.get_by_role("combobox").click()
    act(page, lambda: page.get_by_role("option", name=option, exact=True).click())
    page.keyboard.press("Escape")


def test_national_lead_reads_equity_figures(
    page: Page, app_server: AppServer, screenshot_dir
) -> None:
    sign_in(page, app_server.url, "national.lead", "demo-national")
    open_page(page, "Equity")
    main = _main(page)
    expect(main.get_by_role("heading", name="Equity", exact=True)).to_be_visible()
    expect(main.get_by_text("You see exact figures for every region.")).to_be_visible()
    expect(
        main.get_by_role("heading", name="Access: who we support against the local population")
    ).to_be_visible()
    assert_no_errors(page, "the Equity page")
    assert_accessible(page, "the Equity page (national, access)")

    _pick(page, "Measure", "Mental Health Act detentions (shared by partners)")
    _pick(page, "Characteristic", "Ethnicity (high-level groups)")
    expect(main.get_by_role("heading", name="Rates per 100,000 people")).to_be_visible()
    expect(
        main.get_by_text(
            "times as likely as White people to be detained under the Mental Health"
        ).first
    ).to_be_visible()
    expect(main.get_by_text("Black people were", exact=False).first).to_be_visible()
    charts = main.get_by_test_id("stVegaLiteChart")
    expect(charts.first).to_be_visible()
    assert charts.count() >= 2, "the chart by group and the trend chart"
    expect(main.get_by_role("heading", name="Trends over time")).to_be_visible()
    expect(main.get_by_role("heading", name="Data quality")).to_be_visible()
    expect(main.get_by_role("button", name="Download CSV").first).to_be_visible()
    assert_no_errors(page, "the Equity page, detention rates")
    assert_accessible(page, "the Equity page (national, detention rates)")
    print(screenshot(page, screenshot_dir, "national.lead-equity-rates"))

    act(page, lambda: main.get_by_text("One region", exact=True).click())
    _pick(page, "Region", "London")
    expect(main.get_by_text("You see exact figures for London.")).to_be_visible()
    expect(main.get_by_role("button", name="Save count")).to_have_count(0)
    assert_no_errors(page, "the Equity page, London")
    assert_accessible(page, "the Equity page (London)")
    print(screenshot(page, screenshot_dir, "national.lead-equity-london"))


def test_a_chart_downloads_as_a_png_and_an_svg_picture(page: Page, app_server: AppServer) -> None:
    """ "Download chart" under a chart opens the choice of a PNG or an SVG picture of it;
    each file is the chart drawn (not the page), named after the chart's title."""
    sign_in(page, app_server.url, "london.lead", "demo-london")
    open_page(page, "Equity")
    main = _main(page)
    expect(main.get_by_test_id("stVegaLiteChart").first).to_be_visible()
    opener = main.get_by_role("button", name="Download chart").first
    opener.click()
    files, names = {}, {}
    for label, suffix in (("As a PNG picture", ".png"), ("As an SVG picture", ".svg")):
        button = page.get_by_role("button", name=label)
        expect(button).to_be_visible()
        with page.expect_download(timeout=60_000) as info:
            button.click()
        download = info.value
        assert download.suggested_filename.endswith("-chart" + suffix), download.suggested_filename
        files[suffix] = Path(download.path()).read_bytes()
        names[suffix] = download.suggested_filename
        if not button.is_visible():
            opener.click()  # the choice closes after a download on some versions
    assert files[".png"][:8] == b"\x89PNG\r\n\x1a\n"
    drawing = files[".svg"].decode("utf-8")
    assert drawing.lstrip().startswith("<svg")
    title_words = names[".svg"].removesuffix("-chart.svg").split("-")
    assert all(word in drawing.lower() for word in title_words), (title_words, drawing[:500])
    assert_accessible(page, "the Equity page with the chart's download choice open")
