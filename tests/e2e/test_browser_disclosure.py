"""Disclosure control holds for a forum member on every page (issue 10, part 2).

London's latest value of every count metric is set to 3, and CA01's latest to 7 of 21
(33.3%), through ``db.metrics.save_values`` as london.lead (so the app's read caches,
keyed on audit events, refresh). Then ``london.forum`` sees, on Overview, Themes and
Metrics, no 3 for the metrics that count people (CL02, LONDON-L01, LONDON-L04: shown as
``*``), the 3 partnership agreements (PW01, not people) as recorded, and CA01 as 25%
(from 5 of 20), never 33%. ``london.lead`` sees the exact figures.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.periods import format_period
from core.quarterly import has_ended
from db import metrics as dbm
from db.engine import build_engine
from db.models import Metric, Region
from db.users import actor_for
from tests.e2e.conftest import AppServer
from tests.e2e.helpers import (
    act,
    assert_accessible,
    assert_no_errors,
    open_page,
    screenshot,
    signed_in,
)

#: Count metrics of people in London, and the one that counts things (agreements).
PEOPLE = ("CL02", "LONDON-L01", "LONDON-L04")
THINGS = "PW01"
PERCENTAGE = "CA01"
#: A bare 3 (not part of 2023/24, Q3, 33% or 3.5).
BARE_THREE = re.compile(r"(?<![\w.,/])3(?![\w.,/%])")


@dataclass(frozen=True)
class Latest:
    names: dict[str, str]  # code -> name
    themes: dict[str, str]  # code -> theme name
    quarter: str  # the latest quarter, e.g. "Q2 2026/27"
    stamp: str  # how Overview dates it: "Q2 2026/27", or "Q2 2026/27, provisional"


@pytest.fixture(scope="module")
def latest(app_server: AppServer) -> Latest:
    """Sets London's latest count values to 3 and CA01's to 7 of 21, as london.lead."""
    engine = build_engine(app_server.database_url)
    try:
        with Session(engine) as session:
            london = session.scalar(select(Region.id).where(Region.code == "london"))
            lead = actor_for(session, "london.lead")
            metrics = {m.id: m for m in session.scalars(select(Metric))}
            themes = {m.code: m.theme.name for m in metrics.values()}
            values = dbm.metric_values(session, london, overall_only=True)
        changes, quarters, signed = [], set(), set()
        for metric_id, rows in values.groupby("metric_id"):
            metric = metrics[int(metric_id)]
            row = rows.sort_values("period_start").iloc[-1]
            if metric.unit == "count":
                numbers = (3.0, None, None)
            elif metric.code == PERCENTAGE:
                numbers = (33.3, 7.0, 21.0)
            else:
                continue
            quarters.add(row.period_start)
            signed.add(bool(row.signed_off))
            changes.append(
                dbm.ValueChange(
                    int(metric_id),
                    row.period_start,
                    "",
                    "",
                    *numbers,
                    row.note or "",
                    int(row.version),
                )
            )
        changed = {metrics[c.metric_id].code for c in changes}
        assert {*PEOPLE, THINGS, PERCENTAGE} <= changed, changed
        assert not metrics_by_code(metrics, THINGS).counts_people
        assert all(metrics_by_code(metrics, code).counts_people for code in PEOPLE)
        assert len(quarters) == 1, "the demo's latest quarter is the same for every metric"
        assert len(signed) == 1, "a quarter is signed off for all its metrics or none"
        assert dbm.save_values(engine, lead, london, changes).updated == len(changes)
    finally:
        engine.dispose()
    names = {m.code: m.name for m in metrics.values()}
    period = quarters.pop()
    quarter = format_period(period)
    early = "" if has_ended(period, date.today()) else ", early"  # not ended: early
    stamp = quarter + early + ("" if signed.pop() else ", provisional")
    return Latest(names, themes, quarter, stamp)


def metrics_by_code(metrics: dict[int, Metric], code: str) -> Metric:
    return next(m for m in metrics.values() if m.code == code)


@pytest.fixture(scope="module")
def forum(browser: Browser, app_server: AppServer, latest: Latest) -> Iterator[Page]:
    with signed_in(browser, app_server.url, "london.forum", "demo-forum") as page:
        yield page


@pytest.fixture(scope="module")
def lead(browser: Browser, app_server: AppServer, latest: Latest) -> Iterator[Page]:
    with signed_in(browser, app_server.url, "london.lead", "demo-london") as page:
        yield page


def main(page: Page) -> Locator:
    return page.get_by_test_id("stMain")


def overview_text(text: str) -> re.Pattern[str]:
    """An Overview line: "name: value (quarter)", then " · " and its progress status."""
    return re.compile("^" + re.escape(text) + " · ")


def overview_line(page: Page, latest: Latest, code: str) -> Locator:
    """The Overview's "name: value (quarter) · status" line of a metric."""
    line = main(page).locator("li").filter(has_text=f"{latest.names[code]}: ")
    expect(line).to_have_count(1)
    return line


def themes_lines(page: Page) -> None:
    """Open every theme's list of metrics on the Themes page."""
    open_page(page, "Themes")
    lists = main(page).get_by_test_id("stExpander").filter(has_text="behind this theme")
    expect(lists).to_have_count(6)
    for n in range(6):
        lists.nth(n).locator("summary").click()


def themes_line(page: Page, code: str) -> Locator:
    line = main(page).locator("li").filter(has_text=f"({code}, ")
    expect(line).to_have_count(1)
    return line


def choose_theme(page: Page, theme: str) -> None:
    """Pick a theme with the mouse. The list closes itself when anything around it
    scrolls or re-renders just after the click (Streamlit's close-on-scroll), so the box
    is scrolled into view first and the click is tried again if the list closed."""
    box = main(page).get_by_role("combobox", name="Theme", exact=True)
    option = page.get_by_role("option", name=theme, exact=True)
    for _attempt in range(3):
        box.scroll_into_view_if_needed()
        page.evaluate(
            "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
        )
        box.click()
        try:
            option.wait_for(state="visible", timeout=3000)
            break
        except Exception:
            page.keyboard.press("Escape")
    act(page, option.click)


def metric_card(page: Page, name: str) -> Locator:
    heading = page.get_by_role("heading", name=name, exact=True)
    card = main(page).locator('[data-testid="stVerticalBlock"]').filter(has=heading).last
    expect(card).to_be_visible()
    return card


def no_bare_three(locator: Locator) -> None:
    expect(locator).not_to_have_text(BARE_THREE)


# ------------------------------------------------------------------------ london.forum


def test_forum_overview_hides_small_counts_of_people(forum: Page, latest: Latest) -> None:
    open_page(forum, "Overview")
    assert_no_errors(forum, "Overview (london.forum)")
    for code in PEOPLE:
        line = overview_line(forum, latest, code)
        expect(line).to_have_text(overview_text(f"{latest.names[code]}: * ({latest.stamp})"))
    expect(overview_line(forum, latest, THINGS)).to_have_text(
        overview_text(f"{latest.names[THINGS]}: 3 ({latest.stamp})")
    )
    ca01 = overview_line(forum, latest, PERCENTAGE)
    expect(ca01).to_have_text(overview_text(f"{latest.names[PERCENTAGE]}: 25% ({latest.stamp})"))
    expect(main(forum)).not_to_contain_text("33.3%")
    assert_accessible(forum, "Overview with small counts (london.forum)")


def test_forum_themes_hide_small_counts_of_people(
    forum: Page, latest: Latest, screenshot_dir
) -> None:
    themes_lines(forum)
    assert_no_errors(forum, "Themes (london.forum)")
    for code in PEOPLE:
        line = themes_line(forum, code)
        expect(line).to_contain_text(f"latest * ({latest.quarter})")
        expect(line).to_contain_text("to *")
        no_bare_three(line)
    things = themes_line(forum, THINGS)
    expect(things).to_contain_text(f"latest 3 ({latest.quarter})")
    expect(things).to_contain_text(" to 3 ")
    ca01 = themes_line(forum, PERCENTAGE)
    expect(ca01).to_contain_text(f"latest 25% ({latest.quarter})")
    expect(ca01).to_contain_text(" to 25% ")
    expect(ca01).not_to_contain_text("33")
    assert_accessible(forum, "Themes with every theme's metrics open (london.forum)")
    screenshot(forum, screenshot_dir, "disclosure-themes-london-forum")


def test_forum_metrics_page_hides_small_counts_of_people(forum: Page, latest: Latest) -> None:
    open_page(forum, "Metrics")
    assert_no_errors(forum, "Metrics (london.forum)")
    checked = set()
    for code in (*PEOPLE, THINGS, PERCENTAGE):
        theme = latest.themes[code]
        if theme in checked:
            continue
        checked.add(theme)
        choose_theme(forum, theme)
        for other in (*PEOPLE, THINGS, PERCENTAGE):
            if latest.themes[other] != theme:
                continue
            card = metric_card(forum, latest.names[other])
            newest = (
                card.get_by_test_id("stDataFrame")
                .first.locator("tr")
                .filter(has_text=latest.quarter)
            )
            expect(newest).to_have_count(1)
            if other in PEOPLE:
                expect(card).to_contain_text(re.compile(r"it went from \d+ to \* since"))
                no_bare_three(newest.locator("td").nth(1))
                no_bare_three(card.get_by_text(re.compile("it went from")))
            elif other == THINGS:
                expect(card).to_contain_text(re.compile(r"it went from \d+ to 3 since"))
                expect(newest.locator("td").nth(1)).to_have_text("3")
            else:
                expect(card).to_contain_text(re.compile(r"it went from \d+% to 25% since"))
                cells = newest.locator("td")
                expect(cells.nth(1)).to_have_text(re.compile(r"^25(\.0+)?$"))
                expect(cells.nth(2)).to_have_text("5")
                expect(cells.nth(3)).to_have_text("20")
                expect(card).not_to_contain_text("33")
        assert_accessible(forum, f"the Metrics page, {theme} (london.forum)")
    summary = main(forum).get_by_test_id("stDataFrame").first
    expect(summary.locator("tr").filter(has_text=PERCENTAGE)).to_contain_text("25%")


# ------------------------------------------------------------------------ london.lead


def test_lead_sees_the_exact_figures(lead: Page, latest: Latest) -> None:
    open_page(lead, "Overview")
    for code in (*PEOPLE, THINGS):
        expect(overview_line(lead, latest, code)).to_have_text(
            overview_text(f"{latest.names[code]}: 3 ({latest.stamp})")
        )
    expect(overview_line(lead, latest, PERCENTAGE)).to_have_text(
        overview_text(f"{latest.names[PERCENTAGE]}: 33.3% ({latest.stamp})")
    )
    themes_lines(lead)
    for code in (*PEOPLE, THINGS):
        expect(themes_line(lead, code)).to_contain_text(f"latest 3 ({latest.quarter})")
    expect(themes_line(lead, PERCENTAGE)).to_contain_text(f"latest 33.3% ({latest.quarter})")
    open_page(lead, "Metrics")
    choose_theme(lead, latest.themes[PERCENTAGE])
    card = metric_card(lead, latest.names[PERCENTAGE])
    expect(card).to_contain_text(re.compile(r"it went from [\d.]+% to 33.3% since"))
    newest = card.get_by_test_id("stDataFrame").first.locator("tr").filter(has_text=latest.quarter)
    expect(newest.locator("td").nth(2)).to_have_text("7")
    expect(newest.locator("td").nth(3)).to_have_text("21")
    assert_no_errors(lead, "Metrics (london.lead)")
