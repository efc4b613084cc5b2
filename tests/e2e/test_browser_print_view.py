"""A page's print view in a real browser: "Print view" in the sidebar opens the page with
its picks in a new tab, without the navigation and the controls, and printing any page
leaves them out too."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.conftest import AppServer
from tests.e2e.helpers import (
    LOAD_TIMEOUT_MS,
    assert_accessible,
    assert_no_errors,
    open_page,
    sign_in,
)

HIDDEN_ON_PAPER = ("stSidebar", "stButton", "stDownloadButton", "stPopover", "stHeader")


def _visible(page: Page, test_id: str) -> int:
    return sum(1 for element in page.get_by_test_id(test_id).all() if element.is_visible())


def test_print_view_opens_the_page_with_its_picks_and_no_controls(
    page: Page, app_server: AppServer
) -> None:
    sign_in(page, app_server.url, "national.lead", "demo-national")
    open_page(page, "Metrics")
    link = page.get_by_test_id("stSidebar").get_by_role("link", name="Print view")
    expect(link).to_be_visible()
    with page.context.expect_page() as opened:
        link.click()
    printed = opened.value  # a new tab: a new session, signed in by the cookie
    assert "print=1" in printed.url and "region=" in printed.url, printed.url
    expect(printed.get_by_text("Print view: this page without its navigation")).to_be_visible(
        timeout=LOAD_TIMEOUT_MS
    )
    expect(printed.get_by_role("heading", name="Metrics", exact=True)).to_be_visible(
        timeout=LOAD_TIMEOUT_MS
    )
    expect(printed.get_by_test_id("stApp")).to_have_attribute(
        "data-test-script-state", "notRunning", timeout=LOAD_TIMEOUT_MS
    )
    for test_id in HIDDEN_ON_PAPER:
        for element in printed.get_by_test_id(test_id).all():
            expect(element, f"{test_id} shows in the print view").to_be_hidden(timeout=30_000)
    expect(printed.get_by_test_id("stDataFrame").first).to_be_visible()
    assert_no_errors(printed, "the Metrics print view")
    assert_accessible(printed, "the Metrics print view")
    printed.close()


def test_printing_any_page_leaves_out_the_navigation_and_controls(
    page: Page, app_server: AppServer
) -> None:
    sign_in(page, app_server.url, "london.lead", "demo-london")
    open_page(page, "Themes")
    assert _visible(page, "stSidebar") == 1
    page.emulate_media(media="print")
    for test_id in HIDDEN_ON_PAPER:
        assert _visible(page, test_id) == 0, f"{test_id} would be printed"
    expect(page.get_by_role("heading", name="Themes", exact=True)).to_be_visible()
    page.emulate_media(media="screen")
    assert _visible(page, "stSidebar") == 1
