"""The meeting pack as an accessible HTML file: a proper document (language, title,
headings in order, tables with header cells, each chart as SVG with its description
and data table), hostile user text escaped, and the same figures as the PDF, from the
same content. Also: the pack's community projects section (people reached under
disclosure control) and counts that are not people left unrounded."""

from __future__ import annotations

import io
import itertools
from datetime import date
from html.parser import HTMLParser

import pandas as pd
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.permissions import Actor
from core.projects import ProjectInput
from db import feedback, meetings, projects
from db.models import ForumMeeting, Region, Theme, User
from reports.meeting_pack import metric_page, pack_content, render_pdf
from reports.meeting_pack_html import SECTIONS, file_name, render_html
from services.meetings import pack_figures

HOSTILE_TITLE = "<script>alert('pack')</script> Barbers"
HOSTILE_SUMMARY = "=cmd|' /C calc'!A0 <b>bold</b>"


class Document(HTMLParser):
    """What the checks need from an HTML document: its language, title, headings,
    tables (header cells and rows) and SVG charts."""

    def __init__(self) -> None:
        super().__init__()
        self.lang = ""
        self.title = ""
        self.headings: list[tuple[int, str]] = []
        self.tables: list[dict] = []
        self.svgs: list[dict] = []
        self._stack: list[str] = []
        self._text: list[str] = []
        self._cell: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang", "")
        if tag == "table":
            self.tables.append({"caption": "", "th": [], "rows": []})
        if tag == "tr" and self.tables:
            self.tables[-1]["rows"].append([])
        if tag in ("th", "td") and self.tables:
            self._cell = {"tag": tag, "scope": attrs.get("scope"), "text": ""}
        if tag == "svg":
            self.svgs.append(
                {"role": attrs.get("role"), "labelledby": attrs.get("aria-labelledby")}
            )
        self._stack.append(tag)
        self._text = []

    def handle_endtag(self, tag):
        text = "".join(self._text).strip()
        if tag == "title" and "svg" not in self._stack:
            self.title = text
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.headings.append((int(tag[1]), text))
        if tag == "caption":
            self.tables[-1]["caption"] = text
        if tag in ("th", "td") and self._cell is not None:
            self._cell["text"] = text
            self.tables[-1]["rows"][-1].append(self._cell)
            if tag == "th":
                self.tables[-1]["th"].append(self._cell)
            self._cell = None
        while self._stack and self._stack.pop() != tag:
            pass

    def handle_data(self, data):
        self._text.append(data)


def parse(html: str) -> Document:
    document = Document()
    document.feed(html)
    return document


def actor(engine, username):
    with Session(engine) as session:
        user = session.scalar(select(User).where(User.username == username))
        return Actor(user.id, user.username, user.role, user.region_id)


def london(engine) -> tuple[int, int]:
    with Session(engine) as session:
        region = session.scalar(select(Region.id).where(Region.code == "london"))
        meeting = session.scalar(
            select(ForumMeeting.id)
            .where(ForumMeeting.region_id == region)
            .order_by(ForumMeeting.meeting_date.desc())
            .limit(1)
        )
    return region, meeting


def hostile(engine) -> tuple[int, int]:
    """London's latest meeting after hostile text was entered through the real writes."""
    region, meeting = london(engine)
    lead, member = actor(engine, "london.lead"), actor(engine, "london.forum")
    with Session(engine) as session:
        theme = session.scalar(select(Theme.id).where(Theme.code == "coproduction"))
    projects.create_project(
        engine, lead, region, ProjectInput(title=HOSTILE_TITLE, status="active", people_reached=7)
    )
    feedback.add_feedback(engine, member, region, "Carer", date.today(), HOSTILE_SUMMARY)
    meetings.record_decision(engine, lead, meeting, theme, "<img src=x onerror=alert(1)>")
    return region, meeting


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def rows_of(table: dict) -> list[list[str]]:
    return [[c["text"] for c in row] for row in table["rows"][1:]]


def test_the_html_pack_is_a_proper_document(demo_engine):
    region, meeting = london(demo_engine)
    content = pack_content(pack_figures(demo_engine, region, meeting), demo=True)
    document = parse(render_html(content))
    assert document.lang == "en-GB"
    assert document.title == "London: Regional Forum meeting pack"
    levels = [level for level, _ in document.headings]
    assert levels.count(1) == 1 and levels[0] == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), "a level skipped"
    titles = {text for level, text in document.headings if level == 2}
    assert {title for _, title in SECTIONS} <= titles
    for table in document.tables:
        assert table["caption"]
        header = table["rows"][0]
        assert header and all(c["tag"] == "th" and c["scope"] == "col" for c in header)
    # Each chart: an SVG named and described, beside the table of its figures.
    charts = [p for theme in content.theme_sections for p in theme.metrics]
    spc = [p for p in charts if p.spc is not None and p.spc.has_chart]  # national core
    assert len(document.svgs) == len(charts) + len(spc) > len(charts)
    assert all(s["role"] == "img" and s["labelledby"] for s in document.svgs)
    figures_tables = [t for t in document.tables if t["caption"].startswith("Figures for ")]
    assert len(figures_tables) == len(charts)
    assert file_name("North West", date(2026, 8, 15)) == "meeting-pack-north-west-2026-08-15.html"


def test_hostile_user_text_is_escaped(demo_engine):
    region, meeting = hostile(demo_engine)
    html = render_html(pack_content(pack_figures(demo_engine, region, meeting)))
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&#x27;pack&#x27;)&lt;/script&gt; Barbers" in html
    assert "=cmd|&#x27; /C calc&#x27;!A0 &lt;b&gt;bold&lt;/b&gt;" in html
    document = parse(html)
    cells = [c["text"] for t in document.tables for row in t["rows"] for c in row]
    assert HOSTILE_TITLE in cells  # shown as the words typed, not run


def test_the_html_and_the_pdf_show_the_same_figures(demo_engine):
    region, meeting = hostile(demo_engine)
    content = pack_content(pack_figures(demo_engine, region, meeting))
    document = parse(render_html(content))
    text = pdf_text(render_pdf(content))
    by_caption = {t["caption"]: t for t in document.tables}
    # The projects: the same rows, people reached under disclosure control.
    shown = rows_of(by_caption["The region's community projects"])
    expected = [[str(v) for v in row] for row in content.projects.itertuples(index=False)]
    assert shown == expected
    assert [HOSTILE_TITLE, "Active", "", "", "about 5", ""] in shown
    assert "Community projects" in text and "about 5" in text
    for title in content.projects["Project"]:
        assert " ".join(title.split())[:25] in text
    # Each metric's printed table, cell for cell.
    for theme in content.theme_sections:
        for page in theme.metrics:
            table = by_caption[f"Figures for {page.title}, newest first"]
            assert rows_of(table) == [
                ["" if pd.isna(v) else str(v) for v in row]
                for row in page.table.itertuples(index=False)
            ]
            for value in page.table["Value"]:
                assert str(value) in text


def test_counts_that_are_not_people_are_not_rounded_in_the_pack():
    values = pd.DataFrame(
        {"period_start": [date(2026, 4, 1), date(2026, 7, 1)], "value": [3.0, 13.0]}
    )
    metric = {
        "metric_id": 1,
        "theme_id": 1,
        "code": "CL1",
        "name": "Co-learning events held",
        "unit": "count",
        "status_label": "Not enough data",
        "explanation": "The latest value is 13.",
        "baseline_period": None,
        "baseline_value": None,
        "target_value": None,
        "target_date": None,
    }
    events, _ = metric_page({**metric, "counts_people": False}, values, 5)
    people, _ = metric_page({**metric, "counts_people": True}, values, 5)
    assert list(events.table["Value"]) == ["13", "3"]
    assert list(people.table["Value"]) == ["15", "*"]
    assert "13" in events.explanation


def test_the_projects_section_controls_people_reached(demo_engine):
    region, meeting = london(demo_engine)
    lead = actor(demo_engine, "london.lead")
    projects.create_project(
        demo_engine, lead, region, ProjectInput(title="Small one", people_reached=3)
    )
    projects.create_project(
        demo_engine, lead, region, ProjectInput(title="Bigger one", people_reached=23)
    )
    figures = pack_figures(demo_engine, region, meeting)
    rows = pack_content(figures).projects.set_index("Project")["People reached"]
    assert rows["Small one"] == "fewer than 5" and rows["Bigger one"] == "about 25"
    exact = figures.project_rows(5, controlled=False).set_index("Project")["People reached"]
    assert exact["Bigger one"] == "23"
