"""Every table the app offers for download carries its About (issue 15), proven by
opening each page through the real app and reading every file back with pandas and
openpyxl (``tests.core.test_export_files.read_back``): numbers as numbers, dates as
dates, no formulas, an "About" sheet and an About text file saying what the table is,
when it was extracted, the disclosure rule applied and who may see it."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pandas as pd
import pytest
from openpyxl import load_workbook

import components.audit_downloads
import components.downloads
from app import PAGES
from core.export_about import about_rows, about_text
from services import audit
from tests.core.test_export_files import ABOUT_FIELDS, read_back

ADMIN = ("admin", "demo-admin")
LONDON_LEAD = ("london.lead", "demo-london")
FORUM = ("london.forum", "demo-forum")
NATIONAL = ("national.lead", "demo-national")
#: Pages that offer no table to download (a report's or a chart's files are not tables).
NO_TABLES = {"pages/account.py", "pages/search.py", "pages/audit_log.py"}
#: The folded tables (made only while open) of the pages, by their keys.
FOLDED = (
    "feedback-table-open",
    "forum-changes-open",
    "forum-projects-open",
    "forum-waiting-open",
)
HEADINGS = "region,metric_code,period,value,numerator,denominator,characteristic,group,note\n"
GOOD = HEADINGS + "London,CA01,2026/27 Q3,61.5,123,200,,,\n"
BAD = HEADINGS + "London,PW01,2026/27 Q3,lots,,,,,\n"


def opened(signed_in, page: str, account: tuple[str, str]):
    at = signed_in(*account)
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    return at


def unfolded(at, *keys: str):
    """``at`` with the folded tables ``keys`` open (a folded table is made only while
    open, its downloads with it)."""
    for key in keys:
        at.session_state[key] = True
    at.run()
    assert not at.exception, at.exception
    return at


def checked(offered, page: str) -> list[dict]:
    """Every file offered, read back: the About sheet of each."""
    made = list(offered)  # reading them back makes the files again, through the recorder
    return [read_back(table, about, f"{page}-{n}") for n, (table, about) in enumerate(made)]


@pytest.mark.parametrize("page", [p.path for p in PAGES if p.path not in NO_TABLES])
def test_every_page_download_reads_back_with_its_about(signed_in, offered, page):
    """The administrator sees every page: each table a page offers reads back with its
    About (a page with nothing to download yet is allowed, but then says nothing)."""
    unfolded(opened(signed_in, page, ADMIN), *FOLDED)
    for about in checked(offered, page):
        assert about["Who may see it"].endswith("signed in as Administrator."), about


def titles(abouts: list[dict]) -> list[str]:
    return [a["Table"] for a in abouts]


def test_administration_lists_say_who_may_see_them(signed_in, offered):
    opened(signed_in, "pages/admin.py", ADMIN)
    abouts = checked(offered, "admin")
    found = titles(abouts)
    assert any(t.startswith("Accounts") for t in found), found
    assert any(t.startswith("Areas") for t in found), found
    assert any(t.startswith("Groups of") for t in found), found
    for about in abouts:
        assert about["Who may see it"].startswith("Only people signed in as Administrator may")
        assert about["Period"].startswith("As it stands when extracted")
    accounts = next(a for a in abouts if a["Table"].startswith("Accounts"))
    assert "personal data" in accounts["Disclosure rule applied"]


def test_import_template_problems_and_rows_carry_their_about(signed_in, offered):
    at = opened(signed_in, "pages/import_values.py", LONDON_LEAD)
    at.file_uploader[0].set_value(("bad.csv", BAD.encode(), "text/csv")).run()
    assert not at.exception, at.exception
    at.file_uploader[0].set_value(("good.csv", GOOD.encode(), "text/csv")).run()
    assert not at.exception, at.exception
    abouts = checked(offered, "import")
    found = titles(abouts)
    for start in (
        "Template for importing metric values for London",
        "Metric codes and groups for London",
        "Problems found in bad.csv",
        "Rows of good.csv",
    ):
        assert any(t.startswith(start) for t in found), (start, found)
    for about in abouts:
        assert "Regional lead for London" in about["Who may see it"], about
        assert "National lead" not in about["Who may see it"], about
    template = next(a for a in abouts if a["Table"].startswith("Template"))
    assert "first sheet" in template["Definition"]  # the About sheet is never imported


def test_a_template_with_its_about_still_imports(signed_in, offered):
    """The template downloaded with its About sheet, filled in and uploaded as it is,
    is read (only the first sheet counts)."""
    at = opened(signed_in, "pages/import_values.py", LONDON_LEAD)
    template, about = next((t, a) for t, a in offered if a.title.startswith("Template"))
    filled = template.head(1).assign(value="12")
    workbook = components.downloads.export_files(filled, "template", about)["template.xlsx"]
    mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    at.file_uploader[0].set_value(("template.xlsx", workbook, mime)).run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert any(b.label.startswith("Save ") for b in at.button)


def test_region_pages_name_the_region_and_its_roles(signed_in, offered):
    for page in ("pages/local_plan.py", "pages/feedback.py", "pages/projects.py"):
        unfolded(opened(signed_in, page, LONDON_LEAD), *FOLDED)
    abouts = checked(offered, "region")
    found = titles(abouts)
    for start in ("Local plan of London", "Feedback for London", "Community projects of London"):
        assert any(t.startswith(start) for t in found), (start, found)
    for about in abouts:
        if about["Table"].split(":")[0] in ("Local plan of London", "Feedback for London"):
            assert "Regional lead or Regional Forum member for London" in about["Who may see it"]
            assert about["Disclosure rule applied"].startswith("None needed")
            assert about["Note"].startswith(("No filters", "Filters"))


def test_national_tables_are_for_national_roles(signed_in, offered):
    for page in ("pages/feedback.py", "pages/projects.py"):
        unfolded(opened(signed_in, page, NATIONAL), *FOLDED)
    abouts = checked(offered, "national")
    national = [
        a for a in abouts if a["Table"].startswith(("Feedback in every", "Community projects by"))
    ]
    assert len({a["Table"] for a in national}) == 2, titles(abouts)
    for about in national:
        assert about["Who may see it"].startswith(
            "Only people signed in as Administrator or National lead may see it"
        )


def test_meeting_tables_follow_the_viewer(signed_in, offered):
    """A forum member's files of the meeting say the disclosure rule was applied to the
    people reached; a regional lead's say they are exact."""
    unfolded(opened(signed_in, "pages/forum_meeting.py", FORUM), *FOLDED)
    forum = checked(offered, "forum")
    offered.clear()
    unfolded(opened(signed_in, "pages/forum_meeting.py", LONDON_LEAD), *FOLDED)
    lead = checked(offered, "lead")
    for abouts, suppressed in ((forum, True), (lead, False)):
        meeting = [a for a in abouts if "London Regional Forum, meeting of" in a["Table"]]
        assert any(a["Table"].startswith("The themes at a glance") for a in meeting), meeting
        projects = [a for a in meeting if a["Table"].startswith("Community projects")]
        assert projects, titles(abouts)
        rule = projects[0]["Disclosure rule applied"]
        assert ("left blank" in rule) is suppressed, rule


def test_annual_report_tables_are_as_published(signed_in, offered):
    opened(signed_in, "pages/annual_report.py", NATIONAL)
    abouts = checked(offered, "report")
    assert abouts
    for about in abouts:
        assert "annual report" in about["Table"], about
        assert about["Period"].startswith("1 April"), about
        assert "left blank" in about["Disclosure rule applied"], about


def test_the_audit_log_files_carry_their_about(signed_in, monkeypatch):
    """The audit log's own buttons (every matching change, read from the database when
    clicked) give the Excel file its About sheet and offer the About text file."""
    made: dict[str, bytes] = {}
    original = components.audit_downloads.audit_downloads

    def record(ctx, query, *, key, about):
        when = datetime(2026, 12, 6, 14, 3, tzinfo=UTC)
        made["xlsx"] = audit.export_xlsx(ctx, query, about=about_rows(about, when))
        made["csv"] = audit.export_csv(ctx, query)
        made["about"] = about_text(about, when).encode()
        original(ctx, query, key=key, about=about)

    monkeypatch.setattr(components.audit_downloads, "audit_downloads", record)
    at = opened(signed_in, "pages/audit_log.py", NATIONAL)
    labels = [d.proto.label for d in at.get("download_button")]
    assert "About these files" in labels, labels
    book = load_workbook(io.BytesIO(made["xlsx"]))
    assert book.sheetnames == ["Audit log", "About"]
    for sheet in book.worksheets:
        for cells in sheet.iter_rows():
            assert all(cell.data_type != "f" for cell in cells)
    assert all(c.is_date for c in book["Audit log"]["A"][1:] if c.value is not None)
    about = {r[0].value: r[1].value for r in book["About"].iter_rows(min_row=2)}
    for field in (*ABOUT_FIELDS, "Period", "Note"):
        assert about.get(field), (field, about)
    assert about["Who may see it"].startswith(
        "Only people signed in as Administrator or National lead may see it"
    )
    assert about["Note"] == "No filters: every row."
    assert "Audit log" in made["about"].decode()
    frame = pd.read_excel(io.BytesIO(made["xlsx"]), sheet_name=0)
    assert pd.api.types.is_datetime64_any_dtype(frame.iloc[:, 0])
    assert len(pd.read_csv(io.BytesIO(made["csv"]), encoding="utf-8-sig")) == len(frame)
