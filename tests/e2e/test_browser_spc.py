"""The Variation (SPC) view of a metric card in a real browser (issue 14): a metric with
12 or more quarters draws the XmR chart with its icons in words, one sentence and its
table, with no axe violations, for the regional lead and the forum member. (Every demo
metric has 12 or more quarters; the run chart of a shorter series is tested through
AppTest in tests/app/test_spc_view.py.)"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.periods import format_period
from core.spc import MIN_POINTS, MIN_SEGMENT
from db.engine import build_engine
from db.models import Metric, MetricValue, Region
from tests.e2e.conftest import AppServer
from tests.e2e.helpers import (
    act,
    assert_accessible,
    assert_no_errors,
    open_page,
    pick_typed,
    signed_in,
)

SCREEN = {"width": 1366, "height": 768}


def london_metrics(app_server: AppServer) -> dict[bool, tuple[int, str]]:
    """A London metric (id, code) with at least MIN_POINTS quarters of overall values
    (True), and one with fewer (False) where the demo data has one."""
    engine = build_engine(app_server.database_url)
    try:
        with Session(engine) as session:
            london = session.scalar(select(Region.id).where(Region.code == "london"))
            rows = session.execute(
                select(Metric.id, Metric.code, func.count(MetricValue.id))
                .join(MetricValue, MetricValue.metric_id == Metric.id)
                .where(
                    MetricValue.region_id == london,
                    MetricValue.characteristic == "",
                    MetricValue.value.is_not(None),
                    Metric.active.is_(True),
                )
                .group_by(Metric.id, Metric.code)
                .order_by(Metric.code)
            ).all()
    finally:
        engine.dispose()
    found: dict[bool, tuple[int, str]] = {}
    for metric_id, code, count in rows:
        found.setdefault(count >= MIN_POINTS, (metric_id, code))
    return found


def show_variation(page: Page, metric_id: int, code: str) -> None:
    open_page(page, "Metrics")
    main = page.get_by_test_id("stMain")
    picker = main.get_by_role("combobox", name="Go to a metric")
    picker.click()
    picker.fill(code)
    act(page, page.get_by_role("option", name=re.compile(re.escape(code))).first.click)
    card = main.locator(f".st-key-metric-card-{metric_id}")
    act(page, card.get_by_role("radio", name="Variation (SPC)").click)
    assert_no_errors(page, f"Variation (SPC) of {code}")


@pytest.fixture(scope="module", params=["london.lead", "london.forum"])
def person(request, browser: Browser, app_server: AppServer) -> Iterator[Page]:
    password = {"london.lead": "demo-london", "london.forum": "demo-forum"}[request.param]
    with signed_in(browser, app_server.url, request.param, password, viewport=SCREEN) as page:
        yield page


def test_twelve_quarters_draw_the_spc_chart(person: Page, app_server: AppServer) -> None:
    found = london_metrics(app_server)
    assert True in found, "the demo data has a London metric with 12 or more quarters"
    metric_id, code = found[True]
    show_variation(person, metric_id, code)
    card = person.get_by_test_id("stMain").locator(f".st-key-metric-card-{metric_id}")
    chart = card.get_by_test_id("stVegaLiteChart")
    expect(chart).to_have_attribute("aria-label", re.compile("process limits"))
    sentence = card.locator("p").filter(has_text=re.compile(r"^(Common cause|Special cause)"))
    expect(sentence).to_have_count(1)
    expect(sentence).to_contain_text(".")
    table = card.get_by_test_id("stDataFrame")
    expect(table).to_be_visible()
    assert_accessible(person, f"Variation (SPC) of {code}")


def london_local_series(app_server: AppServer) -> tuple[int, str, list[str]]:
    """A London local metric (id, code) with at least MIN_POINTS quarters, and the
    labels of its quarters with a value, oldest first."""
    engine = build_engine(app_server.database_url)
    try:
        with Session(engine) as session:
            london = session.scalar(select(Region.id).where(Region.code == "london"))
            for metric_id, code in session.execute(
                select(Metric.id, Metric.code)
                .where(Metric.region_id == london, Metric.active.is_(True))
                .order_by(Metric.code)
            ).all():
                periods = session.scalars(
                    select(MetricValue.period_start)
                    .where(
                        MetricValue.metric_id == metric_id,
                        MetricValue.region_id == london,
                        MetricValue.characteristic == "",
                        MetricValue.value.is_not(None),
                    )
                    .order_by(MetricValue.period_start)
                ).all()
                if len(periods) >= MIN_POINTS:
                    return metric_id, code, [format_period(p) for p in periods]
    finally:
        engine.dispose()
    pytest.fail("the demo data has a London local metric with 12 or more quarters")


def test_a_recalculation_point_starts_the_limits_afresh(browser: Browser, app_server: AppServer):
    metric_id, code, quarters = london_local_series(app_server)
    start = quarters[len(quarters) - MIN_SEGMENT]  # 6 quarters from it: used at once
    note = f"Limits worked out afresh from {start}: New referral form"
    with signed_in(browser, app_server.url, "london.lead", "demo-london", viewport=SCREEN) as lead:
        show_variation(lead, metric_id, code)
        card = lead.get_by_test_id("stMain").locator(f".st-key-metric-card-{metric_id}")
        card.get_by_text("Work the limits out afresh from a quarter").click()  # no rerun
        # In a form: no rerun. The list can close while a run settles: pick_typed retries.
        pick_typed(lead, card.get_by_role("combobox", name="From quarter"), start)
        card.get_by_label("Why the limits are worked out afresh").fill("New referral form")
        act(lead, card.get_by_role("button", name="Record the recalculation point").click)
        expect(card.get_by_text(note)).to_be_visible()
        chart = card.get_by_test_id("stVegaLiteChart")
        expect(chart).to_have_attribute("aria-label", re.compile(f"afresh from {start}"))
        assert_accessible(lead, f"recalculation point recorded on {code}")
    with signed_in(
        browser, app_server.url, "london.forum", "demo-forum", viewport=SCREEN
    ) as member:
        show_variation(member, metric_id, code)
        card = member.get_by_test_id("stMain").locator(f".st-key-metric-card-{metric_id}")
        expect(card.get_by_text(note)).to_be_visible()
        expect(card.get_by_text("Work the limits out afresh from a quarter")).to_have_count(0)
        assert_accessible(member, f"recalculation point seen by the forum on {code}")
