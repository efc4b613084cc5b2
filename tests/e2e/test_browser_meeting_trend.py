"""The meeting room shows each trend the right way round (issue 10, part 1).

``london.forum`` switches on presentation mode on the Forum meeting page and moves on to
CA01's screen. The figures beside its chart list the newest quarters newest first, each
with the value the database holds for that quarter after disclosure control
(``core.disclosure.disclose_metric_figure``, controlled); its chart's description (the
chart's accessible name) runs from the oldest quarter's value to the newest's; and each
point of the chart sits at its own quarter. CA01 rose from Q3 2023/24 to Q2 2026/27 in the
demo data, so a reversed series fails every one of these.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from components.present_screens import TABLE_QUARTERS
from core.disclosure import disclose_metric_figure
from core.formatting import format_value
from core.meetings import count_text, figure_text
from core.periods import format_period
from db.engine import build_engine
from db.models import Metric, MetricValue, Region
from tests.e2e.conftest import AppServer
from tests.e2e.helpers import (
    act,
    assert_accessible,
    assert_no_errors,
    open_page,
    screenshot,
    signed_in,
)


@dataclass(frozen=True)
class Quarter:
    """One quarter of CA01 in London as a forum member may see it."""

    quarter: str
    value: float | None  # the value shown (None: hidden)
    value_text: str
    numerator_text: str
    denominator_text: str


@pytest.fixture(scope="module")
def ca01(app_server: AppServer) -> tuple[str, list[Quarter]]:
    """CA01's name and London's quarters, oldest first, after disclosure control."""
    engine = build_engine(app_server.database_url)
    try:
        with Session(engine) as session:
            london = session.scalar(select(Region.id).where(Region.code == "london"))
            metric = session.scalar(select(Metric).where(Metric.code == "CA01"))
            rows = session.scalars(
                select(MetricValue)
                .where(
                    MetricValue.metric_id == metric.id,
                    MetricValue.region_id == london,
                    MetricValue.characteristic == "",
                )
                .order_by(MetricValue.period_start)
            ).all()
            quarters = []
            for row in rows:
                figure = disclose_metric_figure(
                    row.value,
                    row.numerator,
                    row.denominator,
                    unit=metric.unit,
                    counts_people=metric.counts_people,
                    controlled=True,
                )
                quarters.append(
                    Quarter(
                        format_period(row.period_start),
                        figure.value,
                        figure_text(
                            figure.value,
                            figure.value_hidden,
                            metric.unit,
                            places=figure.value_places,
                        ),
                        count_text(figure.numerator, figure.numerator_hidden),
                        count_text(figure.denominator, figure.denominator_hidden),
                    )
                )
            name = metric.name
    finally:
        engine.dispose()
    assert len(quarters) >= 4, "the demo data has several quarters of CA01 for London"
    assert quarters[0].value < quarters[-1].value, "CA01 rises in the demo data"
    return name, quarters


@pytest.fixture(scope="module")
def presenting(browser: Browser, app_server: AppServer, ca01) -> Iterator[Page]:
    """london.forum on the Forum meeting page in presentation mode, moved on (right
    arrow) to CA01's screen."""
    name, _ = ca01
    with signed_in(browser, app_server.url, "london.forum", "demo-forum") as page:
        open_page(page, "Forum meeting")
        main = page.get_by_test_id("stMain")
        act(page, lambda: main.get_by_text("Present on a shared screen", exact=True).click())
        counter = page.locator(".st-key-present-bar").get_by_text(re.compile(r"^\d+ of \d+$"))
        expect(counter).to_have_text(re.compile(r"^1 of \d+$"))
        page.evaluate("document.activeElement && document.activeElement.blur()")
        heading = main.get_by_role("heading", name=f"CA01: {name}")
        total = int(counter.inner_text().split(" of ")[1])
        for _ in range(total):
            if heading.count():
                break
            act(page, lambda: page.keyboard.press("ArrowRight"))
        assert_no_errors(page, "presentation mode (london.forum)")
        yield page


def ca01_heading(page: Page, name: str) -> Locator:
    heading = page.get_by_test_id("stMain").get_by_role("heading", name=f"CA01: {name}")
    expect(heading).to_be_visible()
    return heading


def following(heading: Locator, test_id: str) -> Locator:
    """The first element with ``test_id`` after the metric's heading (its own)."""
    return heading.locator(f"xpath=following::*[@data-testid='{test_id}'][1]")


def test_figures_table_lists_quarters_newest_first_with_their_own_values(
    presenting: Page, ca01, screenshot_dir
) -> None:
    name, quarters = ca01
    table = following(ca01_heading(presenting, name), "stTable")
    expect(table).to_be_visible()
    expect(table.locator("tr").first).to_contain_text("Quarter")
    body = table.locator("tr").filter(has=presenting.locator("td"))
    newest = list(reversed(quarters))[:TABLE_QUARTERS]  # the screen lists the newest six
    expect(body).to_have_count(len(newest))
    shown = [tuple(row.locator("td").all_inner_texts()[:4]) for row in body.all()]
    expected = [(q.quarter, q.value_text, q.numerator_text, q.denominator_text) for q in newest]
    assert shown == expected, (
        "CA01's figures in presentation mode, newest first, do not match the database "
        f"after disclosure control:\n shown    {shown}\n expected {expected}"
    )
    assert_accessible(presenting, "presentation mode with CA01's figures (london.forum)")
    screenshot(presenting, screenshot_dir, "meeting-trend-ca01-figures")


def test_chart_description_runs_from_the_oldest_quarter_to_the_newest(
    presenting: Page, ca01
) -> None:
    name, quarters = ca01
    chart = following(ca01_heading(presenting, name), "stVegaLiteChart")
    oldest, newest = quarters[0], quarters[-1]
    words = (
        f"from {oldest.quarter} ({format_value(oldest.value, 'percentage')}) "
        f"to {newest.quarter} ({format_value(newest.value, 'percentage')})"
    )
    expect(chart).to_have_attribute("aria-label", re.compile(re.escape(words)))


def test_chart_points_sit_at_their_own_quarters(presenting: Page, ca01) -> None:
    name, quarters = ca01
    chart = following(ca01_heading(presenting, name), "stVegaLiteChart")
    # Each point is labelled with its quarter, its value and its series, then its tooltip
    # (the line itself is one path labelled like its first point, without a tooltip).
    points = chart.locator('path[aria-label*="; series: Recorded value; "]')
    expect(points).to_have_count(len([q for q in quarters if q.value is not None]))
    for q in quarters:
        if q.value is None:
            continue
        label = f"quarter: {q.quarter}; Percentage (%): {q.value:g}; series: Recorded value; "
        expect(chart.locator(f'path[aria-label^="{label}"]')).to_have_count(1)
