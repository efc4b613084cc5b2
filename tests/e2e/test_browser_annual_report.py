"""The annual report in a real browser: the national lead picks 2025/26 and the national
scope, previews a region's section, and downloads the report as a PDF and as HTML.
axe on each step."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
from playwright.sync_api import Locator, Page, expect

from core.disclosure import rule_text
from tests.e2e import helpers
from tests.e2e.conftest import AppServer
from tests.e2e.helpers import (
    assert_accessible,
    assert_no_errors,
    choose,
    format_violations,
    open_page,
    run_axe,
    screenshot,
    sign_in,
)

YEAR_OPTION = "2025/26 (1 April 2025 to 31 March 2026)"
NATIONAL = "All regions (national, with a section for each region)"
#: Making the national PDF takes several seconds; allow for a slow machine.
DOWNLOAD_TIMEOUT_MS = 180_000


def download(page: Page, button: Locator) -> tuple[str, bytes]:
    file = helpers.download(page, button, attempts=1, each_ms=DOWNLOAD_TIMEOUT_MS)
    return file.suggested_filename, Path(file.path()).read_bytes()


def test_national_lead_downloads_the_national_pdf_for_2025_26(
    page: Page, app_server: AppServer, screenshot_dir
) -> None:
    sign_in(page, app_server.url, "national.lead", "demo-national")
    open_page(page, "Annual report")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name="Annual report")).to_be_visible()
    expect(main.get_by_text("Synthetic demo data: this report is made")).to_be_visible()
    assert_no_errors(page, "the Annual report page")
    assert_accessible(page, "the Annual report page, on opening")

    choose(page, main, "Financial year", YEAR_OPTION)
    expect(main.get_by_role("radio", name=NATIONAL)).to_be_checked()
    expect(main.get_by_test_id("stAlert").filter(has_text=rule_text(5))).to_be_visible()
    # The preview opens on the first section, which states the rule and the demo notice.
    expect(main.get_by_role("heading", name="About this report")).to_be_visible()
    expect(main.get_by_role("heading", name="Disclosure control")).to_be_visible()

    # A region's section: its tables, each with its own downloads.
    choose(page, main, "Section to preview", "London")
    expect(main.get_by_role("heading", name="London", exact=True)).to_be_visible()
    expect(main.get_by_text("London: community projects running in 2025/26")).to_be_visible()
    assert main.get_by_test_id("stDataFrame").count() >= 5
    assert_no_errors(page, "the London section of the preview")
    assert_accessible(page, "the Annual report page, London's section")
    screenshot(page, screenshot_dir, "annual-report-london-preview")

    name, data = download(page, main.get_by_role("button", name="Download the report (PDF)"))
    assert name == "amhe-annual-report-2025-26-national.pdf"
    assert data.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    for heading in (
        "Advancing Mental Health Equalities: annual report 2025/26",
        "Theme statuses",
        "National core metrics",
        "Community projects",
        "Equity by ethnicity",
        "North West",
        "Synthetic demo data",
        "Figures below national level follow NHS disclosure control",
    ):
        assert heading in text, heading
    assert_no_errors(page, "after downloading the PDF")

    name, data = download(page, main.get_by_role("button", name="Download the report (HTML)"))
    assert name == "amhe-annual-report-2025-26-national.html"
    html = data.decode("utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "<h2>London</h2>" in html
    # The published page itself is accessible too.
    report = page.context.new_page()
    report.set_content(html)
    violations = run_axe(report)["violations"]
    assert not violations, format_violations(violations)
    report.close()
    assert_accessible(page, "the Annual report page after the downloads")
