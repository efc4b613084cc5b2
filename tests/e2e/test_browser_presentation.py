"""Presentation mode on the Forum meeting page in a real browser, at 1280x720 and
1920x1080, as the London regional lead and the London forum member: only the current
screen is shown (no sidebar, header or demo banner), a metric's chart is wholly in view
without scrolling, text is at least 18 px and headings at least 24 px, and the arrow
keys and Page Down/Page Up (what presentation clickers send) move the "n of N" counter;
Esc leaves. axe finds no violations; a screenshot is kept at each size."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import AppServer
from tests.e2e.helpers import (
    act,
    assert_accessible,
    assert_no_errors,
    open_page,
    screenshot,
    sign_in,
)

PASSWORDS = {"london.lead": "demo-london", "london.forum": "demo-forum"}
SIZES = [(1280, 720), (1920, 1080)]
PRESENTATION = ".st-key-amhe-present"
CHART = f"{PRESENTATION} [data-testid='stVegaLiteChart']"

#: Each visible text element's and heading's computed font size, in px.
FONT_SIZES_JS = """(root) => {
  const visible = (el) => el.getClientRects().length > 0 && el.innerText.trim() !== '';
  const size = (el) => parseFloat(getComputedStyle(el).fontSize);
  const all = (sel) => [...root.querySelectorAll(sel)].filter(visible);
  return {
    text: all('p, li, td, th, span, button').map((el) => [el.innerText.slice(0, 40), size(el)]),
    headings: all('h1, h2, h3, h4').map((el) => [el.innerText.slice(0, 40), size(el)]),
  };
}"""


def counter(page: Page) -> Locator:
    return page.locator(".st-key-present-bar").get_by_text(re.compile(r"^\d+ of \d+$"))


def position(page: Page) -> tuple[int, int]:
    number, total = re.fullmatch(r"(\d+) of (\d+)", counter(page).inner_text().strip()).groups()
    return int(number), int(total)


def press(page: Page, key: str) -> tuple[int, int]:
    act(page, lambda: page.keyboard.press(key))
    return position(page)


def enter_presentation(page: Page, url: str, username: str, size: tuple[int, int]) -> None:
    page.set_viewport_size({"width": size[0], "height": size[1]})
    sign_in(page, url, username, PASSWORDS[username])
    open_page(page, "Forum meeting")
    main = page.get_by_test_id("stMain")
    act(page, lambda: main.get_by_text("Present on a shared screen", exact=True).click())
    expect(counter(page)).to_have_text(re.compile(r"^1 of \d+$"))
    # Nothing but the presentation: no sidebar, header, demo banner or page controls.
    for test_id in ("stSidebar", "stHeader"):
        expect(page.get_by_test_id(test_id)).to_be_hidden()
    expect(page.get_by_text("Demo mode:")).to_be_hidden()
    expect(main.get_by_role("switch", name="Present on a shared screen")).to_be_hidden()
    expect(main.get_by_role("heading", name="Forum meeting", exact=True)).to_be_hidden()
    page.evaluate("document.activeElement && document.activeElement.blur()")


def step_to_a_chart(page: Page) -> None:
    """Right arrow until a metric's chart is on screen, counting each step."""
    number, total = position(page)
    while page.locator(CHART).count() == 0:
        assert number < total, "no metric screen with a chart"
        assert press(page, "ArrowRight") == (number + 1, total)
        number += 1
    expect(page.locator(CHART)).to_be_visible()
    page.locator(f"{CHART} canvas, {CHART} svg").first.wait_for()


def assert_fits_the_screen(page: Page, width: int, height: int) -> None:
    box = page.locator(f"{CHART} canvas, {CHART} svg").first.bounding_box()
    assert box is not None
    assert box["x"] >= 0 and box["y"] >= 0, box
    assert box["x"] + box["width"] <= width and box["y"] + box["height"] <= height, (
        f"the chart is not wholly in view at {width}x{height}: {box}"
    )
    scroll = page.get_by_test_id("stMain").evaluate("(el) => el.scrollHeight - el.clientHeight")
    assert scroll <= 1, f"the screen scrolls by {scroll} px at {width}x{height}"


def assert_large_type(page: Page) -> None:
    sizes = page.locator(PRESENTATION).evaluate(FONT_SIZES_JS)
    assert sizes["text"] and sizes["headings"]
    small = [(t, s) for t, s in sizes["text"] if s < 18]
    assert not small, f"text under 18 px: {small}"
    small = [(t, s) for t, s in sizes["headings"] if s < 24]
    assert not small, f"headings under 24 px: {small}"


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
@pytest.mark.parametrize("username", ["london.lead", "london.forum"])
def test_presentation_fills_the_screen_and_moves_by_keys(
    page: Page, app_server: AppServer, screenshot_dir, username: str, size: tuple[int, int]
):
    width, height = size
    enter_presentation(page, app_server.url, username, size)
    step_to_a_chart(page)
    assert_no_errors(page, f"a metric screen ({username}, {width}x{height})")
    assert_fits_the_screen(page, width, height)
    assert_large_type(page)
    assert_accessible(page, f"presentation mode, a metric screen ({username}, {width}x{height})")
    screenshot(page, screenshot_dir, f"presentation-{username}-{width}x{height}")

    number, total = position(page)
    assert press(page, "ArrowRight") == (number + 1, total)
    assert press(page, "ArrowLeft") == (number, total)
    assert press(page, "PageDown") == (number + 1, total)
    assert press(page, "PageUp") == (number, total)

    # Esc leaves: the page and its controls come back.
    act(page, lambda: page.keyboard.press("Escape"))
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("switch", name="Present on a shared screen")).not_to_be_checked()
    expect(main.get_by_role("heading", name="Since the last meeting")).to_be_visible()
    expect(page.get_by_test_id("stSidebar")).to_be_visible()


def test_leave_presentation_button_and_the_last_screen(page: Page, app_server: AppServer):
    enter_presentation(page, app_server.url, "london.lead", (1280, 720))
    main = page.get_by_test_id("stMain")
    previous = main.get_by_role("button", name=re.compile("^Previous"))
    expect(previous.first).to_be_disabled()
    assert_large_type(page)
    leave = main.get_by_role("button", name=re.compile("^Leave presentation"))
    act(page, leave.click)
    expect(main.get_by_role("heading", name="Since the last meeting")).to_be_visible()
