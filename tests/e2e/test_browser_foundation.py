"""The app in a real browser: every role signs in, sees exactly its pages, each page
renders without an error and passes axe; signing in and out behave."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Browser, Page, expect

from components.auth import DEMO_ACCOUNTS
from tests.e2e.conftest import AppServer
from tests.e2e.helpers import (
    AXE_ALLOWED,
    COOKIE_NAME,
    WRONG_DETAILS_START,
    assert_accessible,
    axe_violations,
    cookie_names,
    error_messages,
    expect_signed_out,
    expected_titles,
    format_violations,
    nav_titles,
    open_app,
    open_page,
    page_problems,
    reload_app,
    remember_cookie,
    run_axe,
    screenshot,
    sign_in,
    sign_out,
    sign_out_button,
    submit_sign_in,
)

ACCOUNTS = [
    pytest.param(username, password, id=username) for username, password, _ in DEMO_ACCOUNTS
]


@pytest.mark.parametrize(("username", "password"), ACCOUNTS)
def test_each_role_sees_its_pages_and_each_renders_accessibly(
    page: Page,
    app_server: AppServer,
    screenshot_dir,
    username: str,
    password: str,
) -> None:
    expected = expected_titles(app_server.role_of(username))
    assert expected, f"app.PAGES gives {username} no page at all"
    sign_in(page, app_server.url, username, password)

    titles = nav_titles(page)
    if len(expected) == 1:
        # Streamlit hides the navigation when there is a single page.
        assert titles == [], (
            f"{username} should have only {expected}, the navigation shows {titles}"
        )
    else:
        assert titles == expected, (
            f"{username}'s navigation shows {titles}, app.PAGES gives {expected}"
        )

    failures = []
    for title in expected:
        if titles:
            open_page(page, title)
        where = f"{title!r} as {username}"
        failures += [f"{where}: {problem}" for problem in page_problems(page)]
        violations = axe_violations(page)
        if violations:
            failures.append(f"{where}: axe violations:\n{format_violations(violations)}")
        shot = screenshot(page, screenshot_dir, f"{username}-{title}")
        print(f"screenshot of {where}: {shot}")
    assert not failures, "\n".join(failures)

    sign_out(page)


def test_sign_in_page_is_accessible(page: Page, base_url: str) -> None:
    open_app(page, base_url)
    expect_signed_out(page)
    assert not page_problems(page)
    assert_accessible(page, "the sign-in page")


def test_wrong_password_and_unknown_username_get_the_same_message(
    page: Page, base_url: str
) -> None:
    open_app(page, base_url)
    submit_sign_in(page, "london.forum", "not-the-password")
    wrong_password = error_messages(page)
    expect_signed_out(page)

    submit_sign_in(page, "nobody.at.all", "not-the-password")
    unknown_user = error_messages(page)
    expect_signed_out(page)

    assert len(wrong_password) == 1 and wrong_password[0].startswith(WRONG_DETAILS_START), (
        wrong_password
    )
    assert unknown_user == wrong_password


def test_reloading_after_sign_out_stays_signed_out(page: Page, base_url: str) -> None:
    sign_in(page, base_url, "northwest.lead", "demo-northwest")
    sign_out(page)
    assert COOKIE_NAME not in cookie_names(page)
    reload_app(page)
    expect_signed_out(page)


def test_sign_in_stores_the_remember_cookie(page: Page, base_url: str) -> None:
    sign_in(page, base_url, "london.lead", "demo-london")
    deadline = time.monotonic() + 3
    while COOKIE_NAME not in cookie_names(page) and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert COOKIE_NAME in cookie_names(page), "no re-authentication cookie after signing in"
    reload_app(page)
    expect(sign_out_button(page)).to_be_visible()


def test_remember_cookie_signs_you_in(page: Page, base_url: str) -> None:
    page.context.add_cookies([remember_cookie("london.lead", base_url)])
    open_app(page, base_url)
    expect(sign_out_button(page)).to_be_visible()


def test_sign_out_deletes_the_remember_cookie(page: Page, base_url: str) -> None:
    page.context.add_cookies([remember_cookie("london.lead", base_url)])
    open_app(page, base_url)
    expect(sign_out_button(page)).to_be_visible()
    sign_out(page)
    reload_app(page)
    expect_signed_out(page)
    assert COOKIE_NAME not in cookie_names(page)


ALLOW_LIST_PAGE = """<!doctype html><html lang="en"><head><title>Allow-list check</title></head>
<body><main><h1>Allow-list check</h1>
<div data-testid="stFileUploaderDropzone">
  <section role="presentation" tabindex="-1" aria-label="Drop a file">Drop</section>
  <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" id="no-alt-in-dropzone">
</div>
<section role="presentation" tabindex="-1" aria-label="Not Streamlit">Ours</section>
<canvas data-testid="data-grid-canvas" width="300" height="60"><table role="grid">
  <thead><tr><th></th><th>Name</th></tr></thead><tbody><tr><td>1</td><td>a</td></tr></tbody>
</table></canvas>
<table id="ours"><thead><tr><th></th><th>Name</th></tr></thead>
  <tbody><tr><td>1</td><td>a</td></tr></tbody></table>
</main></body></html>"""


def test_axe_allow_list_covers_only_streamlit_widget_markup(browser: Browser) -> None:
    """The allowed rules are dropped only inside Streamlit's widgets: the same rule on
    the app's own markup, or another rule inside the widget, still counts."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_content(ALLOW_LIST_PAGE)
        raw = {v["id"]: len(v["nodes"]) for v in run_axe(page)["violations"]}
        kept = {v["id"]: [n["target"] for n in v["nodes"]] for v in axe_violations(page)}
    finally:
        context.close()
    assert {a.rule for a in AXE_ALLOWED} == {"presentation-role-conflict", "empty-table-header"}
    assert raw["presentation-role-conflict"] == 2 and raw["empty-table-header"] == 2
    assert kept == {
        "presentation-role-conflict": [['section[aria-label="Not Streamlit"]']],
        "empty-table-header": [["#ours > thead > tr > th:nth-child(1)"]],
        "image-alt": [["#no-alt-in-dropzone"]],
    }
