"""A new production install: no made-up metrics, a guided first run for national leads,
and every page working with an empty metric catalogue, for every role."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import pages_for
from core.permissions import SYSTEM_ACTOR, Actor
from db import metrics as dbm
from db.engine import build_engine, dispose_engine, upgrade_schema
from db.meetings import create_meeting
from db.models import ForumMeeting, Metric, PlanAction, Region, Theme, User
from db.users import create_user
from reports.annual_report import build_report, render_html, render_pdf
from reports.meeting_pack import build_meeting_pack
from seed.demo import ILLUSTRATIVE_AGREED_WITH
from seed.load import ensure_reference_data
from seed.reference import NATIONAL_METRICS, PLAN_ACTIONS
from tests.app.apptest_adapter import convert_arrow_bytes_to_pandas_df
from tests.app.conftest import new_app, sign_in
from tests.app.test_app_roles import texts

PASSWORD = "first-run-password-1"
#: username, role, region code
PEOPLE = (
    ("jo.national", "national_lead", None),
    ("ash.admin", "admin", None),
    ("sam.london", "regional_lead", "london"),
    ("kim.forum", "forum_member", "london"),
)
GUIDE = "Getting started: the first national core metric"
NO_METRICS = "No national core metrics have been defined yet"


@pytest.fixture(scope="module")
def production_template(database_kind) -> str | None:
    """A production database as a new install has it once its accounts are made: the
    schema, the reference data (no demo), four accounts and one London Forum meeting."""
    if database_kind.unavailable:
        return None
    url, engine = database_kind.new()
    upgrade_schema(engine)
    ensure_reference_data(engine)
    for username, role, region in PEOPLE:
        create_user(engine, SYSTEM_ACTOR, username, username.title(), PASSWORD, role, region)
    with Session(engine) as session:
        london = session.scalar(select(Region.id).where(Region.code == "london"))
        lead = session.scalar(select(User.id).where(User.username == "sam.london"))
    create_meeting(
        engine, Actor(lead, "sam.london", "regional_lead", london), london, date(2026, 5, 14), 12
    )
    engine.dispose()
    return url


@pytest.fixture
def production_url(database_kind, production_template):
    if database_kind.unavailable:
        pytest.skip(database_kind.unavailable)
    url, engine = database_kind.new(template=production_template)
    yield url
    database_kind.made.remove((url, engine))
    database_kind.drop(url, engine)


def production_mode(monkeypatch, url: str) -> None:
    """The app's settings outside demo mode: a database URL and a cookie key."""
    monkeypatch.setenv("AMHE_DATABASE_URL", url)
    monkeypatch.delenv("AMHE_DEMO", raising=False)
    monkeypatch.setenv("AMHE_COOKIE_KEY", "k" * 40)
    monkeypatch.setenv("AMHE_LOGIN_SLEEP_TIME", "0")


@pytest.fixture
def production(monkeypatch, production_url):
    production_mode(monkeypatch, production_url)

    def signed_in(username: str):
        at = sign_in(new_app(), username, PASSWORD)
        assert not at.exception, at.exception
        assert any(b.label == "Sign out" for b in at.sidebar.button), "signed in"
        return at

    signed_in.url = production_url
    return signed_in


def open_page(at, path: str, **query: str):
    at.switch_page(path)
    at.query_params.clear()
    at.query_params.update(query)
    at.run()
    assert not at.exception, (path, at.exception)
    return at


def page_links(at) -> list[Any]:
    """The first-run guide's links (each opens a page with a query string; the links of
    the "Needs your attention" panel have none)."""
    return [link.proto for link in at.get("page_link") if link.proto.query_string]


def chart_rows(chart) -> int:
    """How many data rows a drawn chart carries: Streamlit moves a spec's data to the
    element as Arrow tables (its data and named datasets); any left inline count too."""

    def arrow(raw: bytes) -> int:
        return len(convert_arrow_bytes_to_pandas_df(raw)) if raw else 0

    def inline(node: Any) -> int:
        if isinstance(node, dict):
            own = node.get("values") if isinstance(node.get("values"), list) else []
            return len(own) + sum(inline(v) for v in node.values())
        if isinstance(node, list):
            return sum(inline(v) for v in node)
        return 0

    proto = chart.proto
    return (
        arrow(proto.data.data)
        + sum(arrow(d.data.data) for d in proto.datasets)
        + inline(json.loads(proto.spec))
    )


def no_empty_chart(at, where: str) -> None:
    for chart in at.get("vega_lite_chart"):
        title = json.loads(chart.proto.spec).get("title")
        assert chart_rows(chart) > 0, (where, "an empty chart", title)


def count(url_engine, model, *where) -> int:
    with Session(url_engine) as session:
        return session.scalar(select(func.count(model.id)).where(*where))


# --- starting the app ----------------------------------------------------------------


@pytest.mark.both_engines  # a new database: the migrations and the reference data
def test_a_production_start_loads_the_plan_and_no_metric(monkeypatch, database_kind):
    if database_kind.unavailable:
        pytest.skip(database_kind.unavailable)
    url, engine = database_kind.new()
    production_mode(monkeypatch, url)
    at = new_app()
    at.run()
    assert not at.exception, at.exception
    assert any(t.label == "Username" for t in at.text_input), "the sign-in form"
    assert count(engine, Theme, Theme.monitoring.is_(True)) == 6
    assert count(engine, PlanAction, PlanAction.region_id.is_(None)) == len(PLAN_ACTIONS)
    assert count(engine, Region) == 7
    assert count(engine, Metric) == 0, "no illustrative metric outside demo mode"
    assert count(engine, User) == 0, "no demo account either"


def test_a_demo_start_loads_the_illustrative_metrics(monkeypatch, tmp_path):
    # On SQLite only: the demo seed is the same code on both engines, and the demo
    # database every other test copies is seeded on both (tests/conftest.py).
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    engine = build_engine(url)
    production_mode(monkeypatch, url)
    monkeypatch.setenv("AMHE_DEMO", "1")
    new_app().run()
    with Session(engine) as session:
        national = session.scalars(select(Metric).where(Metric.scope == "national")).all()
    assert sorted(m.code for m in national) == sorted(m.code for m in NATIONAL_METRICS)
    assert {m.coproduced_with for m in national} == {ILLUSTRATIVE_AGREED_WITH}
    assert all(m.target_value is not None for m in national)
    engine.dispose()
    dispose_engine(url)


def test_the_demo_has_no_first_run_guide(signed_in):
    at = signed_in("national.lead", "demo-national")
    assert GUIDE not in texts(at) and NO_METRICS not in texts(at)


# --- the guide -------------------------------------------------------------------------


def guide_steps(at) -> list[str]:
    return [
        line for line in texts(at).splitlines() if line.startswith(":material/") and "Step" in line
    ]


def national_lead(engine) -> Actor:
    with Session(engine) as session:
        user = session.scalar(select(User).where(User.username == "jo.national"))
        return Actor(user.id, user.username, user.role)


@pytest.mark.parametrize("username", ["jo.national", "ash.admin"])
def test_national_roles_see_the_guide_until_the_first_metric_is_set_up(production, username):
    at = production(username)
    for path in ("pages/overview.py", "pages/metrics.py"):
        open_page(at, path)
        assert GUIDE in texts(at), path
        steps = guide_steps(at)
        assert len(steps) == 3 and all("(to do)" in s for s in steps), steps
        assert "record its coproduction" in steps[1] and "where and when" in steps[1]
        assert "set its target" in steps[2]
        links = page_links(at)
        assert len(links) == 3
        assert {link.page for link in links} == {"metrics"}, "the Metrics page"
        assert {link.query_string for link in links} == {"view=define&metric=new-national"}
        assert NO_METRICS not in texts(at)
        assert "The dashboard starts with no metrics" in texts(at)


def test_the_guide_ticks_each_step_as_it_is_done(production):
    engine = build_engine(production.url)
    actor = national_lead(engine)
    with Session(engine) as session:
        theme = session.scalar(select(Theme.id).where(Theme.code == "coproduction"))
    draft = dbm.MetricDraft(
        code="NCM01",
        name="People who helped shape the service",
        theme_id=theme,
        unit="percentage",
        direction="increase",
    )
    metric_id = dbm.create_metric(engine, actor, draft)
    at = open_page(production("jo.national"), "pages/overview.py")
    steps = guide_steps(at)
    assert ["(done)" in s for s in steps] == [True, False, False], steps
    assert "starts with no metrics" not in texts(at)
    assert "set up once it has its coproduction record and its target" in texts(at)
    assert [link.query_string for link in page_links(at)][1:] == [
        f"view=define&metric={metric_id}"
    ] * 2, "steps 2 and 3 open the metric just defined"

    # Who and where without the date is not yet a coproduction record.
    draft = replace(draft, coproduced_with="Regional Forum", coproduced_at="National forum")
    dbm.update_metric(engine, actor, metric_id, 1, draft)
    steps = guide_steps(open_page(at, "pages/metrics.py"))
    assert ["(done)" in s for s in steps] == [True, False, False], steps
    draft = replace(draft, coproduced_on=date(2026, 3, 5))
    dbm.update_metric(engine, actor, metric_id, 2, draft)
    steps = guide_steps(open_page(at, "pages/metrics.py"))
    assert ["(done)" in s for s in steps] == [True, True, False], steps

    draft = replace(
        draft,
        baseline_period=date(2026, 4, 1),
        baseline_value=40.0,
        target_value=60.0,
        target_date=date(2028, 4, 1),
    )
    dbm.update_metric(engine, actor, metric_id, 3, draft)
    for path in ("pages/overview.py", "pages/metrics.py"):
        open_page(at, path)
        assert GUIDE not in texts(at) and not page_links(at), "done: the guide has gone"
    engine.dispose()


def test_a_steps_link_opens_the_definition_it_names(production):
    at = production("jo.national")
    open_page(at, "pages/metrics.py", view="define", metric="new-national")
    assert at.radio(key="metrics-view").value == "Define or change a metric"
    assert at.selectbox(key="define-metric").value == "new-national"
    assert not at.query_params.get("view"), "the link is followed once"
    # Then the page is the person's again: another view stays chosen.
    at.radio(key="metrics-view").set_value("Metrics and progress").run()
    assert at.radio(key="metrics-view").value == "Metrics and progress"
    assert not at.exception


@pytest.mark.parametrize("username", ["sam.london", "kim.forum"])
def test_regional_roles_are_told_plainly_that_there_are_no_national_metrics(production, username):
    at = production(username)
    for path in ("pages/overview.py", "pages/metrics.py"):
        open_page(at, path)
        shown = texts(at)
        assert NO_METRICS in shown, path
        assert GUIDE not in shown and not page_links(at)
        assert ("define its own local metrics" in shown) == (username == "sam.london")
        assert not at.dataframe or path != "pages/metrics.py", "no empty metric table"
        assert not at.get("vega_lite_chart"), "no empty chart"


# --- every page with an empty catalogue --------------------------------------------------


@pytest.mark.both_engines  # every page, every role, with no metric, on PostgreSQL too
@pytest.mark.parametrize(("username", "role", "region"), PEOPLE)
def test_every_page_works_with_an_empty_metric_catalogue(production, username, role, region):
    at = production(username)
    if region is None:  # national roles look at London, which has had a Forum meeting
        with Session(build_engine(production.url)) as session:
            london = session.scalar(select(Region.id).where(Region.code == "london"))
        at.session_state["chosen_region_id"] = london
    pages = [p.path for p in pages_for(role)]
    for path in (
        "pages/overview.py",
        "pages/themes.py",
        "pages/metrics.py",
        "pages/forum_meeting.py",
        "pages/equity.py",
    ):
        assert path in pages, (role, path)
    for path in pages:
        open_page(at, path)
        assert not at.error, (path, [e.value for e in at.error])
        no_empty_chart(at, path)
        if path == "pages/forum_meeting.py":
            at.toggle(key="forum-present").set_value(True).run()
            assert not at.exception, (path, "presentation mode", at.exception)
            for _ in range(12):
                nexts = [b for b in at.button if b.key == "forum-next"]
                if not nexts or nexts[0].disabled:
                    break
                nexts[0].click().run()
                assert not at.exception, (path, "presentation mode", at.exception)
                no_empty_chart(at, "presentation mode")
            at.toggle(key="forum-present").set_value(False).run()


def test_the_meeting_pack_and_annual_report_with_an_empty_catalogue(production):
    engine = build_engine(production.url)
    with Session(engine) as session:
        meeting = session.scalars(select(ForumMeeting)).one()
        pack = build_meeting_pack(engine, meeting.region_id, meeting.id)
        assert pack.startswith(b"%PDF")
        for region_id in (None, meeting.region_id):
            report = build_report(session, 2025, region_id, today=date(2026, 5, 20))
            assert "<html" in render_html(report).lower()
            assert render_pdf(report).startswith(b"%PDF")
    engine.dispose()
