"""A London Regional Forum member downloads the meeting pack as an accessible HTML file
from the Forum meeting page, opens it in the browser, and axe finds no violations in it;
the page's community projects section (the pack's rows) is accessible too."""

from __future__ import annotations

import shutil

from playwright.sync_api import Page, expect

from tests.e2e.conftest import AppServer
from tests.e2e.helpers import act, assert_accessible, open_page, screenshot, sign_in


def test_forum_member_opens_the_html_pack(
    page: Page, app_server: AppServer, screenshot_dir, tmp_path
):
    sign_in(page, app_server.url, "london.forum", "demo-forum")
    open_page(page, "Forum meeting")
    main = page.get_by_test_id("stMain")

    projects = main.get_by_test_id("stExpander").filter(has_text="Community projects (")
    act(page, projects.locator("summary").click)  # its table is made when it opens
    expect(projects.get_by_test_id("stDataFrame")).to_be_visible()
    assert_accessible(page, "the Forum meeting page, projects open (london.forum)")

    with page.expect_download(timeout=60_000) as download:
        main.get_by_role("button", name="Download the meeting pack (accessible HTML)").click()
    name = download.value.suggested_filename
    assert name.startswith("meeting-pack-london-") and name.endswith(".html")
    saved = tmp_path / name
    shutil.copyfile(download.value.path(), saved)

    page.goto(saved.as_uri())
    expect(page).to_have_title("London: Regional Forum meeting pack")
    expect(page.get_by_role("heading", level=1)).to_have_text("London: Regional Forum meeting pack")
    expect(page.get_by_role("heading", name="Community projects", level=2)).to_be_visible()
    expect(page.get_by_role("table", name="The region's community projects")).to_be_visible()
    expect(page.get_by_role("img").first).to_be_attached()
    assert_accessible(page, "the meeting pack as HTML (london.forum)")
    screenshot(page, screenshot_dir, "meeting-pack-html")
