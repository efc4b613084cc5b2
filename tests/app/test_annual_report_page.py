"""The Annual report page: national leads and admins choose a year and a scope, preview
the report with Streamlit's own elements and download it; regional roles never see it."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app import pages_for
from core.disclosure import rule_text
from core.permissions import Actor

REPO = Path(__file__).resolve().parents[2]
PAGE = "pages/annual_report.py"


def open_page(signed_in, username: str, password: str) -> AppTest:
    at = signed_in(username, password)
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


def widget(widgets, label: str):
    return next(w for w in widgets if w.label == label)


def download_labels(at: AppTest) -> list[str]:
    return [d.proto.label for d in at.get("download_button")]


@pytest.mark.parametrize(
    ("username", "password"), [("national.lead", "demo-national"), ("admin", "demo-admin")]
)
def test_national_lead_and_admin_make_the_national_report(signed_in, username, password):
    at = open_page(signed_in, username, password)
    assert at.title[0].value == "Annual report"
    assert any("Synthetic demo data" in w.value for w in at.warning)
    year = widget(at.selectbox, "Financial year")
    assert year.value == 2025  # the latest year that has ended (the demo runs to 2026/27)
    assert "2025/26" in year.format_func(year.value)
    assert any(rule_text(5) == i.value for i in at.info)
    labels = download_labels(at)
    assert "Download the report (HTML)" in labels
    assert "Download the report (PDF)" in labels
    section = widget(at.selectbox, "Section to preview")
    assert section.format_func(section.value) == "About this report"
    markdown = " ".join(m.value for m in at.markdown)
    assert "Synthetic demo data" in markdown
    assert "Disclosure control" in markdown


def test_preview_shows_each_table_with_its_downloads(signed_in):
    at = open_page(signed_in, "national.lead", "demo-national")
    section = widget(at.selectbox, "Section to preview")
    titles = list(section.options)  # the section titles, as the list shows them
    assert "Community projects" in titles[:6]
    assert "London" in titles
    section.set_value(titles.index("Community projects")).run()
    assert not at.exception, at.exception
    assert len(at.dataframe) == 1
    table = at.dataframe[0].value
    assert "People reached" in table.columns
    assert table["Region"].iloc[-1] == "National (all regions)"
    labels = download_labels(at)
    assert labels.count("Download CSV") == 1 and labels.count("Download Excel") == 1
    widget(at.selectbox, "Section to preview").set_value(titles.index("London")).run()
    assert not at.exception, at.exception
    subheaders = [s.value for s in at.subheader]
    assert "London" in subheaders
    assert len(at.dataframe) >= 5  # themes, metrics, projects, feedback, equity
    labels = download_labels(at)
    assert labels.count("Download CSV") == len(at.dataframe)
    assert labels.count("Download Excel") == len(at.dataframe)


def test_one_region_report(signed_in):
    at = open_page(signed_in, "national.lead", "demo-national")
    widget(at.radio, "Report for").set_value("One region").run()
    assert not at.exception, at.exception
    region = widget(at.selectbox, "Region")
    name = region.format_func(region.value)
    assert list(widget(at.selectbox, "Section to preview").options) == ["About this report", name]


@pytest.mark.parametrize("role", ["regional_lead", "forum_member"])
def test_regional_roles_do_not_have_the_page(role):
    assert PAGE not in [p.path for p in pages_for(role)]
    assert PAGE in [p.path for p in pages_for("national_lead")]
    assert PAGE in [p.path for p in pages_for("admin")]


def test_the_page_itself_refuses_a_regional_lead(app_env):
    """Even run directly (not through the navigation), the page shows nothing to a
    regional role."""
    at = AppTest.from_file(str(REPO / PAGE), default_timeout=60)
    at.session_state["actor"] = Actor(None, "london.lead", "regional_lead", 1)
    at.run()
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == [
        "Only national leads and administrators can make the annual report."
    ]
    assert not at.get("download_button")
    assert not at.dataframe
