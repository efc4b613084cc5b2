"""Narrow screens and zoom (issue 15): every page, for every role, at a laptop's
1366×768, at 800×1000 and at 200% zoom shows nothing past the window's right edge,
passes axe and shows no error; on the narrow screens the sidebar is folded away.

200% zoom is emulated by its CSS-pixel viewport: a browser zoomed to 200% on a 1366×768
screen lays the page out exactly as a 683×384 window at 100% (CSS pixels are twice the
size, so half as many fit), and media queries see 683 px. So the test sets a 683×384
viewport rather than scaling the page.

Each role signs in once (the remember cookie then keeps it signed in); each page is
opened at 1366×768 by its address, which does not depend on how the navigation is
drawn, then checked at the three sizes in turn. The window is resized, as a reader
zooming in does, so the page must also reflow after it has been drawn.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from components.auth import DEMO_ACCOUNTS
from tests.e2e.conftest import AppServer
from tests.e2e.helpers import (
    COOKIE_NAME,
    axe_violations,
    cookie_names,
    format_violations,
    open_app,
    overflowing,
    page_problems,
    router,
    screenshot,
    sidebar_collapsed,
    sign_in,
    sign_out_button,
    wait_for_app,
)

ACCOUNTS = [
    pytest.param(username, password, id=username) for username, password, _ in DEMO_ACCOUNTS
]

LAPTOP = {"width": 1366, "height": 768}
#: (name, viewport, whether the sidebar must be folded away at this size)
VIEWPORTS = (
    ("1366x768", LAPTOP, False),
    ("800x1000", {"width": 800, "height": 1000}, True),
    ("200% zoom (683x384)", {"width": 683, "height": 384}, True),
)
#: Charts and the sidebar redraw when the window changes size (Vega's resize observer,
#: Streamlit's layout); this is how long that is given before the page is measured.
REDRAW_MS = 600


def _page_addresses(role: str) -> list[tuple[str, str]]:
    """(title, address) of each page the role sees; the first page is the app's root."""
    app = router()
    first = Path(app.PAGES[0].path).stem
    return [
        (spec.title, "" if Path(spec.path).stem == first else Path(spec.path).stem)
        for spec in app.pages_for(role)
    ]


def _wait_for_cookie(page: Page) -> None:
    deadline = time.monotonic() + 5
    while COOKIE_NAME not in cookie_names(page) and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert COOKIE_NAME in cookie_names(page), "no remember cookie after signing in"


@pytest.mark.xdist_group("heavy-browser")
@pytest.mark.parametrize(("username", "password"), ACCOUNTS)
def test_every_page_fits_narrow_screens_and_zoom(
    page: Page,
    app_server: AppServer,
    screenshot_dir,
    username: str,
    password: str,
) -> None:
    pages = _page_addresses(app_server.role_of(username))
    assert pages, f"app.PAGES gives {username} no page at all"
    page.set_viewport_size(LAPTOP)
    sign_in(page, app_server.url, username, password)
    _wait_for_cookie(page)

    failures: list[str] = []
    for title, address in pages:
        page.set_viewport_size(LAPTOP)
        open_app(page, app_server.url + address)
        expect(sign_out_button(page)).to_be_visible()
        for size_name, viewport, folded in VIEWPORTS:
            page.set_viewport_size(viewport)
            page.wait_for_timeout(REDRAW_MS)
            wait_for_app(page)
            where = f"{title!r} as {username} at {size_name}"
            found = [f"{where}: {problem}" for problem in page_problems(page)]
            found += [f"{where}: overflows: {what}" for what in overflowing(page)]
            if folded and not sidebar_collapsed(page):
                found.append(f"{where}: the sidebar is open (it should start folded away)")
            violations = axe_violations(page)
            if violations:
                found.append(f"{where}: axe violations:\n{format_violations(violations)}")
            if found:
                shot = screenshot(page, screenshot_dir, f"narrow-{username}-{title}-{size_name}")
                found.append(f"{where}: screenshot {shot}")
            failures += found
    assert not failures, f"{len(failures)} problem(s):\n" + "\n".join(failures)
