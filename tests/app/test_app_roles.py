"""Each demo role signs in through the real app and sees its own pages."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

import app
from app import pages_for
from tests.app.apptest_adapter import element_tree
from tests.app.conftest import new_app, sign_in
from tests.markdown_text import shown

ROLES = [
    ("national.lead", "demo-national", "national_lead"),
    ("london.lead", "demo-london", "regional_lead"),
    ("northwest.lead", "demo-northwest", "regional_lead"),
    ("london.forum", "demo-forum", "forum_member"),
    ("admin", "demo-admin", "admin"),
]


def texts(at) -> str:
    """All the text on the page (walking the tree: ``at.info`` misses some alerts)."""
    parts: list[str] = []

    def walk(node) -> None:
        value = getattr(node, "proto", None)
        body = getattr(value, "body", None)
        if isinstance(body, str):
            parts.append(body)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(element_tree(at))
    return "\n".join(parts)


@pytest.mark.both_engines  # every page, every role, on PostgreSQL too
@pytest.mark.parametrize(("username", "password", "role"), ROLES)
def test_each_role_signs_in_and_every_page_renders(signed_in, username, password, role):
    at = signed_in(username, password)
    assert not at.error, [e.value for e in at.error]
    assert "synthetic" in texts(at), "the demo banner"
    pages = pages_for(role)
    assert pages, "every role has at least one page"
    for page in pages:
        at.switch_page(page.path)
        at.run()
        assert not at.exception, (page.path, at.exception)
        assert not at.error, (page.path, [e.value for e in at.error])


def test_regional_lead_sees_their_own_region_only(signed_in):
    at = signed_in("london.lead", "demo-london")
    # The "Needs your attention" panel, then the region's own themes: no other region.
    assert [h.value for h in at.header] == ["Needs your attention", "London"]
    assert not at.selectbox


def test_national_lead_sees_every_region(signed_in):
    at = signed_in("national.lead", "demo-national")
    region_picker = at.selectbox[0]
    assert len(region_picker.options) == 7
    region_picker.select_index(4).run()
    assert not at.exception


def test_wrong_password_and_unknown_user_get_the_same_message(app_env):
    wrong = sign_in(new_app(), "london.lead", "not-the-password")
    unknown = sign_in(new_app(), "no.such.person", "whatever-password")
    assert [e.value for e in wrong.error] == [e.value for e in unknown.error]
    assert "do not match" in wrong.error[0].value
    assert any(t.label == "Password" for t in wrong.text_input)


def test_five_failures_lock_the_username(app_env):
    at = new_app()
    for _ in range(5):
        at = sign_in(at, "london.lead", "wrong-password")
    at = sign_in(at, "london.lead", "demo-london")
    assert "locked" in at.error[0].value
    assert "15 minutes" in at.error[0].value
    assert any(t.label == "Username" for t in at.text_input), "still on the sign-in form"


def test_sign_out_returns_to_the_sign_in_form(signed_in):
    at = signed_in("london.forum", "demo-forum")
    next(b for b in at.sidebar.button if b.label == "Sign out").click()
    at.run()
    assert any(t.label == "Username" for t in at.text_input)
    assert not at.sidebar.button, "no Sign out button once signed out"


def test_demo_accounts_are_listed_in_demo_mode(app_env):
    at = new_app()
    at.run()
    assert at.table, "demo accounts table"
    assert "london.lead" in at.table[0].value.to_string()


def test_outside_demo_mode_a_short_cookie_key_stops_the_app(monkeypatch, demo_url):
    monkeypatch.setenv("AMHE_DATABASE_URL", demo_url)
    monkeypatch.setenv("AMHE_DEMO", "0")
    monkeypatch.setenv("AMHE_COOKIE_KEY", "too-short")
    at = new_app()
    at.run()
    assert "AMHE_COOKIE_KEY" in shown(at.error[0].value)
    assert not at.text_input


def test_outside_demo_mode_no_demo_account_is_offered(monkeypatch, demo_url):
    monkeypatch.setenv("AMHE_DATABASE_URL", demo_url)
    monkeypatch.setenv("AMHE_DEMO", "0")
    monkeypatch.setenv("AMHE_COOKIE_KEY", "k" * 40)
    at = new_app()
    at.run()
    assert not at.exception
    assert not at.table
    assert "synthetic" not in texts(at)


def test_unreachable_database_gives_a_short_explanation(monkeypatch):
    monkeypatch.setenv("AMHE_DATABASE_URL", "postgresql://postgres@127.0.0.1:1/nowhere")
    monkeypatch.setenv("AMHE_DEMO", "0")
    monkeypatch.setenv("AMHE_COOKIE_KEY", "k" * 40)
    at = new_app()
    at.run()
    assert not at.exception
    assert "cannot reach its database" in at.error[0].value


@pytest.mark.parametrize(("username", "password", "role"), ROLES)
def test_the_navigation_lists_every_page_under_its_section(signed_in, username, password, role):
    """The sidebar names each of the role's pages once, under section headings in the
    set order, and marks the page showing in words (not by boldness alone)."""
    at = signed_in(username, password)
    order = [app.YOUR_REGION, app.MEETINGS, app.NATIONAL, app.ADMINISTRATION, app.YOUR_ACCOUNT]
    headings = [h.value for h in at.sidebar.subheader]
    assert headings == [s for s in order if s in headings], headings
    assert headings == list(app.sections_for(role)), headings
    labels = [link.proto.label.replace("\\", "") for link in at.sidebar.get("page_link")]
    titles = [spec.title for spec in pages_for(role)]
    assert [label.removesuffix(app.THIS_PAGE) for label in labels] == titles
    assert [label for label in labels if label.endswith(app.THIS_PAGE)] == [
        titles[0] + app.THIS_PAGE
    ]


def _not_allowed_admin() -> None:
    import app

    app.not_allowed(next(spec for spec in app.PAGES if spec.path == "pages/admin.py"))


def test_a_page_the_role_lacks_says_so_in_words():
    """What app.navigation puts at the address of a page the role lacks (the browser
    test tests/e2e/test_browser_links.py opens one)."""
    at = AppTest.from_function(_not_allowed_admin).run()
    assert not at.exception, at.exception
    words = " ".join(w.value for w in at.warning)
    assert "Your account cannot open the Administration page" in words, words
