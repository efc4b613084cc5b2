"""The board report on the demo data: every section in a proper HTML document, hostile
text escaped, draft and issued marked, small counts hidden, a readable PDF, and the same
national figures and SPC icons as the annual report."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.board_report import DRAFT, NO_ACTION, ReportPeriod, latest_ended_quarter
from core.config import load_settings
from core.periods import financial_year_of
from db.models import CommunityProject, GovernanceBody, Metric, Region
from db.plan import region_actions
from db.users import actor_for
from reports.annual_report import Spc, build_report
from reports.board_report import SECTIONS, Issued, board_html, board_pdf
from services.board_report import board_figures, board_figures_for
from services.context import RequestContext
from tests.reports.test_meeting_pack_html import parse, pdf_text

TODAY = date.today()
PERIOD = latest_ended_quarter(TODAY)


def body_id(engine) -> int:
    with Session(engine) as session:
        return session.scalar(
            select(GovernanceBody.id).where(GovernanceBody.code == "equity_inclusion_board")
        )


def figures(engine, period: ReportPeriod = PERIOD):
    return board_figures_for(engine, body_id(engine), period, TODAY, 5)


def test_the_html_has_every_section_in_a_proper_document(demo_engine):
    document = parse(board_html(figures(demo_engine), {}))
    assert document.lang == "en-GB"
    assert document.title == f"Equity and Inclusion Board: board report, {PERIOD.label}"
    assert [t for level, t in document.headings if level == 2][1:] == [t for _, t in SECTIONS]
    assert all(t["caption"] and t["th"] for t in document.tables)
    assert {c["scope"] for t in document.tables for c in t["th"]} <= {"col", "row"}


def test_hostile_metric_names_and_action_texts_are_escaped(demo_engine):
    first = figures(demo_engine).exceptions[0]
    metric_id = int(first.key.removeprefix("metric-"))
    with Session(demo_engine) as session, session.begin():
        session.execute(update(Metric).where(Metric.id == metric_id).values(name="<b>x</b>"))
    action = "=cmd|' /C calc'!A0 [link](http://x) <script>"
    html = board_html(figures(demo_engine), {first.key: action})
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html
    assert "<script>" not in html and "=cmd|&#x27; /C calc&#x27;!A0 [link](http://x)" in html
    assert 'href="http://x"' not in html


def test_an_exception_without_an_action_says_so(demo_engine):
    assert NO_ACTION in board_html(figures(demo_engine), {})


def test_a_draft_says_so_at_the_top_and_an_issued_report_who_issued_it(demo_engine):
    shown = figures(demo_engine)
    draft = board_html(shown, {})
    assert -1 < draft.index(DRAFT) < draft.index("<h1>")
    issued = board_html(shown, {}, Issued("Nadia National", datetime(2026, 1, 20, 14, 5)))
    assert DRAFT not in issued
    assert "Issued to Equity and Inclusion Board by Nadia National on 20 January 2026" in issued


def test_people_reached_by_a_region_are_hidden_when_few(demo_engine):
    with Session(demo_engine) as session, session.begin():
        london = session.scalar(select(Region.id).where(Region.code == "london"))
        session.execute(
            update(CommunityProject)
            .where(CommunityProject.region_id == london)
            .values(people_reached=None)
        )
        first = session.scalar(
            select(CommunityProject.id).where(CommunityProject.region_id == london).limit(1)
        )
        session.execute(
            update(CommunityProject).where(CommunityProject.id == first).values(people_reached=3)
        )
    projects = figures(demo_engine).projects.set_index("Region")
    assert projects.loc["London", "People reached"] == "*"


def test_the_pdf_names_the_body_and_the_period(demo_engine):
    data = board_pdf(figures(demo_engine), {})
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert "Equity and Inclusion Board" in text and PERIOD.label in text and DRAFT in text


def test_the_board_report_and_the_annual_report_agree(demo_engine):
    year = financial_year_of(TODAY) - 1
    half = figures(demo_engine, ReportPeriod("half", date(year, 10, 1)))
    with Session(demo_engine) as session:
        annual = build_report(session, year, None, sections={"metrics"}, regions_in_detail=[])
    blocks = next(s for s in annual.sections if s.key == "metrics").blocks
    charts = {b.section.title: b.section for b in blocks if isinstance(b, Spc)}
    table = next(t for t in blocks if getattr(t, "key", "") == "national-metrics").frame
    national = dict(zip(table["Metric"], table["National figure"], strict=True))
    assert half.summary
    for row in half.summary:
        assert row.latest_value == national[row.metric]
        spc = charts[row.metric].view
        if spc is None or spc.result is None:
            assert row.view.result is None
        else:
            assert (row.view.variation_words, row.view.assurance_words) == (
                spc.variation_words,
                spc.assurance_words,
            )


def test_an_unknown_body_is_refused(demo_engine):
    with pytest.raises(LookupError):
        board_figures_for(demo_engine, 999_999, PERIOD, TODAY, 5)


def test_overdue_actions_follow_the_plans_own_rule(demo_engine):
    on = PERIOD.last_day
    with Session(demo_engine) as session:
        london = session.scalar(select(Region.id).where(Region.code == "london"))
        mine = region_actions(session, london, overdue_only=True, on=on)
        wide = region_actions(session, None, organisation_wide=True, overdue_only=True, on=on)
    counts = figures(demo_engine).overdue_counts.set_index("Region")["Overdue actions"]
    assert (counts["London"], counts["Organisation-wide"]) == (len(mine), len(wide))


def test_the_signed_in_service_reads_the_same_figures(demo_engine):
    with Session(demo_engine) as session:
        actor = actor_for(session, "national.lead")
    ctx = RequestContext(load_settings(require_cookie_key=False), demo_engine, actor)
    shown = board_figures(ctx, body_id(demo_engine), PERIOD)
    assert shown.summary_table.equals(figures(demo_engine).summary_table)
