"""Links, reloads and navigation in a real browser: the page and its picks live in the
address, so a reload or a pasted link opens the same view for anyone allowed to see it,
and anyone else is told why not; the navigation's sections fold nothing away."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import AppServer
from tests.e2e.helpers import (
    TIMEOUT_MS,
    assert_accessible,
    assert_no_errors,
    choose,
    current_page,
    expect_signed_out,
    expected_titles,
    nav_titles,
    open_app,
    open_page,
    reload_app,
    remember_cookie,
    sidebar_nav,
    sign_in,
    sign_out_button,
    submit_sign_in,
    track,
)

SECTIONS = ["Your region", "Meetings and feedback", "National", "Administration", "Your account"]


def params(page: Page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}


def main(page: Page):
    return page.get_by_test_id("stMain")


def region_box(page: Page):
    return main(page).get_by_role("combobox", name="Region", exact=True)


def warnings(page: Page) -> str:
    return " ".join(main(page).get_by_test_id("stAlertContentWarning").all_inner_texts())


@pytest.fixture
def fresh(browser: Browser, base_url: str):
    """Opens a new browser context (``fresh(username)``: remembered as signed in as
    that user by their cookie, as a colleague opening a pasted link would be)."""
    contexts = []

    def open_context(username: str | None) -> Page:
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, base_url=base_url)
        contexts.append(context)
        context.set_default_timeout(TIMEOUT_MS)
        if username:
            context.add_cookies([remember_cookie(username, base_url)])
        page = context.new_page()
        track(page)
        return page

    yield open_context
    for context in contexts:
        context.close()


@pytest.mark.parametrize(
    ("username", "password"),
    [("admin", "demo-admin"), ("london.forum", "demo-forum"), ("national.lead", "demo-national")],
)
def test_sections_show_every_page_and_pass_axe(
    page: Page, app_server: AppServer, username: str, password: str
) -> None:
    sign_in(page, app_server.url, username, password)
    expected = expected_titles(app_server.role_of(username))
    assert nav_titles(page) == expected
    nav = sidebar_nav(page)
    for link in nav.get_by_test_id("stPageLink-NavLink").all():
        expect(link).to_be_visible()
    assert "View" not in nav.inner_text()  # no "View more" fold
    headings = [h.strip() for h in nav.get_by_role("heading").all_inner_texts()]
    assert headings and set(headings) <= set(SECTIONS), headings
    assert headings == [s for s in SECTIONS if s in headings], "sections out of order"
    assert current_page(page) == "Overview"
    assert_accessible(page, f"the navigation of {username}")


def test_reload_keeps_the_page_and_the_region(page: Page, base_url: str) -> None:
    sign_in(page, base_url, "national.lead", "demo-national")
    open_page(page, "Metrics")
    choose(page, main(page), "Region", "North West")
    assert urlparse(page.url).path.endswith("/metrics"), page.url
    region_id = params(page).get("region")
    assert region_id and region_id.isdigit(), page.url
    reload_app(page)
    assert_no_errors(page, "after reloading Metrics")
    assert current_page(page) == "Metrics"
    expect(region_box(page)).to_have_value("North West")
    assert params(page).get("region") == region_id


def test_a_pasted_link_opens_the_same_view_for_another_allowed_user(
    page: Page, fresh, base_url: str
) -> None:
    sign_in(page, base_url, "national.lead", "demo-national")
    open_page(page, "Local plan")
    choose(page, main(page), "Region", "North West")
    link = page.url
    assert params(link_page := page).get("region"), link_page.url

    admin = fresh("admin")
    open_app(admin, link)
    assert_no_errors(admin, "admin opening the link")
    assert current_page(admin) == "Local plan"
    expect(region_box(admin)).to_have_value("North West")

    # Signed out: the sign-in form, and the linked view once signed in.
    stranger = fresh(None)
    open_app(stranger, link)
    expect_signed_out(stranger)
    submit_sign_in(stranger, "national.lead", "demo-national")
    expect(sign_out_button(stranger)).to_be_visible()
    assert current_page(stranger) == "Local plan"
    expect(region_box(stranger)).to_have_value("North West")


def test_a_link_to_another_regions_data_or_a_page_not_allowed_is_explained(
    page: Page, fresh, base_url: str
) -> None:
    sign_in(page, base_url, "national.lead", "demo-national")
    open_page(page, "Metrics")
    choose(page, main(page), "Region", "North West")
    link = page.url

    london = fresh("london.lead")
    open_app(london, link)
    assert_no_errors(london, "a London lead opening a North West link")
    assert current_page(london) == "Metrics"
    words = warnings(london)
    assert "The link you opened is for North West" in words, words
    assert "Your account shows London only" in words, words
    expect(region_box(london)).to_have_count(0)  # no picker: their own region only
    reload_app(london)  # the message stays with the link, through reruns and reloads
    assert "The link you opened is for North West" in warnings(london)

    open_app(london, base_url + "admin")
    assert_no_errors(london, "a London lead opening the Administration page's link")
    assert current_page(london) is None  # not one of their pages
    assert "Your account cannot open the Administration page" in warnings(london)
    assert "Administration" not in nav_titles(london)
    assert_accessible(london, "the not-allowed message")
