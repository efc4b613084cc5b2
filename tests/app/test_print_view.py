"""Each page's print view (components/print_view): the sidebar's "Print view" opens the
page with its picks and ``?print=1``, where the navigation and controls are left out."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from app import PAGES


def print_link(at) -> str:
    """The address of the sidebar's Print view button."""
    buttons = [b for b in at.sidebar.get("link_button") if b.proto.label == "Print view"]
    assert len(buttons) == 1, "one Print view button in the sidebar"
    return buttons[0].proto.url


ACCOUNTS = (
    ("national.lead", "demo-national"),
    ("london.lead", "demo-london"),
    ("admin", "demo-admin"),
)


def test_every_page_has_a_print_view_link(signed_in):
    """Each page, opened by the first account that may see it."""
    unseen = list(PAGES)
    for username, password in ACCOUNTS:
        at = signed_in(username, password)
        actor = at.session_state["actor"]
        for spec in [s for s in unseen if s.visible_to(actor)]:
            at.switch_page(spec.path)
            at.run()
            assert not at.exception, (spec.title, at.exception)
            query = parse_qs(urlsplit(print_link(at)).query)
            assert query["print"] == ["1"], spec.title
            unseen.remove(spec)
    assert not unseen, [s.title for s in unseen]


def test_the_link_keeps_the_pages_picks(signed_in):
    at = signed_in("national.lead", "demo-national")
    at.switch_page("pages/metrics.py")
    at.run()
    box = at.selectbox(key="metrics-region")
    box.set_value(box.value).run()  # the region is in the address
    region = at.query_params["region"]
    query = parse_qs(urlsplit(print_link(at)).query)
    assert query["region"] == (region if isinstance(region, list) else [region])
    assert query["print"] == ["1"]


def test_the_print_view_says_what_it_is(signed_in):
    at = signed_in("london.lead", "demo-london")
    at.query_params["print"] = "1"
    at.switch_page("pages/themes.py")
    at.run()
    assert not at.exception, at.exception
    words = " ".join(i.value for i in at.info)
    assert "Print view: this page without its navigation and controls." in words
    assert "Ctrl+P" in words


def test_no_print_view_notice_on_the_normal_page(signed_in):
    at = signed_in("london.lead", "demo-london")
    at.switch_page("pages/themes.py")
    at.run()
    assert not any("Print view:" in i.value for i in at.info)
