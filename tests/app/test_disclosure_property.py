"""Disclosure control holds for forum members everywhere (property tests).

With every count of people in London below the threshold (metric values, numerators,
denominators, equity counts and local population, drawn by hypothesis), nothing
``london.forum`` can see or download for London holds an exact count below 5 or a
percentage that is not the rounded counts' own: the Overview, Themes and Metrics pages
(tables, downloads, the status sentences and the chart data sent to the browser), the
Equity page (each measure, its tables, downloads and chart data) and London's section of
the annual report (HTML and PDF come from the same tables). Under the rule every such
figure is hidden, so anything shown for a metric that counts people is a leak. Metrics
that do not count people (partnership agreements ...) are given values of 6 to 9, shown
as recorded, so they cannot be mistaken for a leak.

A second property gives London's metrics counts of any size and checks that every
percentage a forum member sees is the one worked out from the rounded counts.

Few examples and one signed-in session per engine keep it to about a minute.
"""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
import pytest
import streamlit
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

import components.downloads
import components.metric_chart
from core.disclosure import SUPPRESSED, percent_of, percentage_places
from core.equity import MEASURES
from core.formatting import format_value
from core.periods import format_period
from db import equity as db_equity
from db import metrics as dbm
from db.engine import build_engine
from db.models import EquityCount, Metric, PopulationCount, Region
from db.users import actor_for
from reports.annual_report import build_report, report_years, table_cells
from tests.app.conftest import new_app, sign_in
from tests.db.test_metric_import import unlock_every_quarter

PAGES = ("pages/overview.py", "pages/themes.py", "pages/metrics.py", "pages/equity.py")
SETTINGS = settings(
    max_examples=2,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],  # shrinking re-runs every page: too slow
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
#: Observed values quoted in a status sentence (as ``core.progress`` words them).
OBSERVED = re.compile(
    r"(?:went from |to |still |latest value is |starting value of )"
    r"(?P<number>-?\d[\d,]*(?:\.\d+)?%?)(?![\d/])"
)
SMALL = st.lists(
    st.tuples(st.integers(0, 4), st.integers(1, 4)).map(lambda p: (min(p), p[1])),
    min_size=1,
    max_size=12,
)


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


class Recorder:
    """Everything the pages hand to the browser as data: downloads and chart specs."""

    def __init__(self) -> None:
        self.downloads: list[tuple[str, pd.DataFrame]] = []
        self.charts: list[dict] = []

    def clear(self) -> None:
        self.downloads.clear()
        self.charts.clear()


@pytest.fixture
def world(app_env, monkeypatch):
    recorder = Recorder()
    original = components.downloads.download_buttons
    chart = streamlit.vega_lite_chart

    def record_download(table, file_stem, *, key, about=None):
        recorder.downloads.append((str(file_stem), table.copy()))
        original(table, file_stem, key=key, about=about)

    def record_chart(spec, *args, **kwargs):
        recorder.charts.append(spec)
        return chart(spec, *args, **kwargs)

    monkeypatch.setattr(components.downloads, "download_buttons", record_download)
    monkeypatch.setattr(components.metric_chart, "download_buttons", record_download)
    monkeypatch.setattr(streamlit, "vega_lite_chart", record_chart)
    engine = build_engine(app_env)
    # Every London value is rewritten, so no quarter may be locked by a sign-off.
    unlock_every_quarter(engine)
    with Session(engine) as session:
        london = session.scalar(select(Region.id).where(Region.code == "london"))
        lead = actor_for(session, "london.lead")
        metrics = {
            m.id: m
            for m in session.scalars(
                select(Metric).where((Metric.scope == "national") | (Metric.region_id == london))
            )
        }
        session.expunge_all()
    at = sign_in(new_app(), "london.forum", "demo-forum")
    assert not at.exception, at.exception
    yield {
        "engine": engine,
        "london": london,
        "lead": lead,
        "metrics": metrics,
        "at": at,
        "recorder": recorder,
    }
    engine.dispose()


# ------------------------------------------------------------------------- the data


def set_metric_values(world, pairs: list[tuple[int, int]]) -> None:
    """Every London value of a metric that counts people from ``pairs`` (cycled);
    values of other metrics 6 to 9."""
    engine, london, metrics = world["engine"], world["london"], world["metrics"]
    with Session(engine) as session:
        values = dbm.metric_values(session, london)
    changes = []
    for n, row in enumerate(values.itertuples(index=False)):
        metric = metrics.get(int(row.metric_id))
        if metric is None:
            continue
        k, d = pairs[n % len(pairs)]
        numerator = denominator = None
        if not metric.counts_people:
            value = float(6 + n % 4) if metric.unit == "count" else 42.5 + n % 4
        elif metric.unit == "count":
            value = float(k)
        else:
            numerator, denominator = float(k), float(d)
            value = {
                "percentage": round(100 * k / d, 1),
                "rate": round(1000 * k / d, 1),
            }.get(metric.unit, 3.5)
        changes.append(
            dbm.ValueChange(
                int(row.metric_id),
                row.period_start,
                row.characteristic,
                row.group_name,
                value,
                numerator,
                denominator,
                row.note or "",
                int(row.version),
            )
        )
    dbm.save_values(engine, world["lead"], london, changes)


def set_equity_counts(world, pairs: list[tuple[int, int]]) -> None:
    """Every London equity count and local population figure from ``pairs``: all below 5."""
    engine, london = world["engine"], world["london"]
    with Session(engine) as session:
        counts = session.scalars(select(EquityCount).where(EquityCount.region_id == london)).all()
        pops = session.scalars(
            select(PopulationCount).where(PopulationCount.region_id == london)
        ).all()
        rows = []
        for n, c in enumerate(counts):
            k, d = pairs[n % len(pairs)]
            measure = MEASURES[c.measure]
            proportion = measure.kind == "proportion"
            rows.append(
                {
                    "region": "London",
                    "period": format_period(c.period_start, measure.frequency),
                    "measure": c.measure,
                    "characteristic": c.characteristic,
                    "group": c.group_name,
                    "numerator": k if proportion else d,
                    "denominator": d if proportion else "",
                }
            )
        population = [
            {
                "region": "London",
                "characteristic": p.characteristic,
                "group": p.group_name,
                "year": p.year,
                "population": pairs[n % len(pairs)][1],
                "source": p.source,
            }
            for n, p in enumerate(pops)
        ]
    for frame, preview, commit in (
        (rows, db_equity.preview_equity_counts, db_equity.import_equity_counts),
        (population, db_equity.preview_population_counts, db_equity.import_population_counts),
    ):
        if not frame:
            continue
        data = pd.DataFrame(frame).to_csv(index=False).encode()
        result = preview(engine, world["lead"], data, "counts.csv")
        assert not result.problems, result.problems[:3]
        commit(engine, world["lead"], result)


# ------------------------------------------------------------------------- the pages


def run(world, page: str):
    at = world["at"]
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    return at


def every_option(world, page: str, label: str):
    """The page once for each option of a select box (the first run included)."""
    at = run(world, page)
    yield at
    boxes = [s for s in at.selectbox if s.label == label]
    if not boxes:
        return
    for option in boxes[0].options[1:]:
        next(s for s in at.selectbox if s.label == label).set_value(
            boxes[0].options[boxes[0].options.index(option)]
        )
        at.run()
        assert not at.exception, at.exception
        yield at


def walk(node):
    for child in getattr(node, "children", {}).values():
        yield child
        yield from walk(child)


def texts_by_metric(at, names: dict[str, Metric]) -> list[tuple[Metric | None, str]]:
    """Each markdown text on the page with the metric whose card it is in (by the
    card's subheader), in page order."""
    current: Metric | None = None
    out = []
    for node in walk(at.main):
        kind = getattr(node, "type", "")
        value = getattr(node, "value", None)
        if kind in ("subheader", "header", "title") or (
            hasattr(node, "tag") and str(getattr(node, "tag", "")) in ("h2", "h3")
        ):
            current = names.get(unescape(str(value)))
        elif kind == "markdown" and isinstance(value, str):
            out.append((current, value))
    return out


def assert_sentence_safe(metric: Metric, text: str, recorded: set[str], where: str) -> None:
    for match in OBSERVED.finditer(unescape(text)):
        number = match.group("number")
        if metric.unit == "count":
            count = float(number.replace(",", ""))
            assert count >= 5 and count % 5 == 0, f"{where}: {metric.code} quotes {number}"
        else:
            assert number not in recorded, f"{where}: {metric.code} quotes {number}"


def assert_nothing_shown(world, recorded: dict[int, set[str]]) -> None:
    metrics = world["metrics"]
    people = {m.code: m for m in metrics.values() if m.counts_people}
    names = {m.name: m for m in metrics.values()}
    recorder: Recorder = world["recorder"]

    # Overview: "- name: **value** (quarter)"
    at = run(world, "pages/overview.py")
    for markdown in at.markdown:
        for line in markdown.value.splitlines():
            found = re.match(r"- (.*): \*\*(.*)\*\* \(", line)
            if found and unescape(found.group(1)) in names:
                metric = names[unescape(found.group(1))]
                if metric.counts_people:
                    assert found.group(2) == "\\*", f"Overview: {metric.code} {line}"

    # Themes: "- **name** (code, kind; latest value (quarter)): status sentence"
    at = run(world, "pages/themes.py")
    seen = 0
    for markdown in at.markdown:
        for line in markdown.value.splitlines():
            found = re.match(r"- \*\*(.*?)\*\* \((.*?), (?:national|local); (.*)", line)
            if not found or unescape(found.group(2)) not in people:
                continue
            metric = people[unescape(found.group(2))]
            seen += 1
            latest = re.match(r"latest (.*?) \(", found.group(3))
            assert latest is None or latest.group(1) == "\\*", f"Themes: {line}"
            assert_sentence_safe(metric, found.group(3), recorded[metric.id], "Themes")
    assert seen, "the Themes page lists the metrics behind each theme"

    # Metrics: every page of cards; summary, tables, downloads, charts and sentences
    recorder.clear()
    for at in every_option(world, "pages/metrics.py", "Metric details to show"):
        for metric, text in texts_by_metric(at, names):
            if metric is not None and metric.counts_people:
                assert_sentence_safe(metric, text, recorded[metric.id], "Metrics")
    assert recorder.downloads and recorder.charts
    for stem, frame in recorder.downloads:
        if "Code" in frame.columns:  # the summary
            for code, latest in zip(frame["Code"], frame["Latest value"], strict=True):
                assert code not in people or latest == "", f"Metrics summary: {code} {latest}"
            continue
        code = next((c for c in people if stem in (f"metric-{c}",) or stem.startswith(c)), None)
        if code is None:
            continue
        for column in ("Value", "Numerator", "Denominator"):
            if column in frame.columns:
                shown = [v for v in frame[column] if not pd.isna(v) and v != ""]
                assert shown == [], f"Metrics download {stem}: {column} {shown}"
    for spec in recorder.charts:
        title = str(spec.get("title", ""))
        code = next((c for c in people if f"{c}:" in title), None)
        if code is None:
            continue
        for rows in spec.get("datasets", {}).values():
            recorded_points = [r for r in rows if r.get("series") == "Recorded value"]
            assert recorded_points == [], f"Metrics chart {code}: {recorded_points[:3]}"

    # Equity: each measure; every count hidden, so no figure worked out from one
    recorder.clear()
    for at in every_option(world, "pages/equity.py", "Measure"):
        for frame in at.dataframe:
            assert_equity_hidden(frame.value, "Equity page")
    for stem, frame in recorder.downloads:
        assert_equity_hidden(frame, f"Equity download {stem}")
    for spec in recorder.charts:
        for rows in spec.get("datasets", {}).values():
            values = [r for r in rows if r.get("value") is not None and "group" in r]
            assert values == [], f"Equity chart: {values[:3]}"


EQUITY_FIGURES = re.compile(r"(Percentage|Share|Rate|Ratio|ratio|limit|Value)")
EQUITY_COUNTS = (
    {m.numerator for m in MEASURES.values()}
    | {m.denominator for m in MEASURES.values() if m.denominator}
    | {"Local population"}
    | {m.records.capitalize() for m in MEASURES.values()}
)


def assert_equity_hidden(frame: pd.DataFrame, where: str) -> None:
    for column in frame.columns:
        cells = [v for v in frame[column] if not (v is None or v == "" or pd.isna(v))]
        if column in EQUITY_COUNTS:
            assert all(v == SUPPRESSED for v in cells), f"{where}: {column} {cells[:5]}"
        elif EQUITY_FIGURES.search(str(column)) and column != "Significant difference":
            assert cells == [], f"{where}: {column} {cells[:5]}"


def assert_report_hidden(world, recorded: dict[int, set[str]]) -> None:
    engine, london = world["engine"], world["london"]
    with Session(engine) as session:
        year = report_years(session, date.today())[0]
        report = build_report(session, year, london, today=date.today())
    people = {m.name: m for m in world["metrics"].values() if m.counts_people}
    for table in report.tables():
        frame = table.frame
        if "Metric" in frame.columns:
            for name, latest, change in zip(
                frame["Metric"], frame["Latest value"], frame["Change over the year"], strict=True
            ):
                if name in people:
                    assert latest in ("*", "No value in the year"), f"Report: {name} {latest}"
                    assert change in ("*", ""), f"Report: {name} {change}"
        elif "equity" in table.key:
            assert_report_equity(table.key, frame)
        elif "People reached" in frame.columns:
            for v in frame["People reached"]:  # project counts are left as the demo has them
                assert v in ("*", "Not recorded") or (v >= 5 and v % 5 == 0), f"Report: {v}"


def assert_report_equity(key: str, frame: pd.DataFrame) -> None:
    """Counts added up over a year may reach 5: each is ``*`` or rounded, and a
    percentage is shown only from two shown counts, as their own."""
    columns, rows = table_cells(frame)
    cells = pd.DataFrame(rows, columns=columns)
    counts = [c for c in columns if c in EQUITY_COUNTS]
    figure = next(c for c in columns if c.endswith("(95% CI)") and "atio" not in c)
    for row in cells.to_dict("records"):
        shown = [row[c].replace(",", "") for c in counts]
        for count in shown:
            assert count == SUPPRESSED or (int(count) >= 5 and int(count) % 5 == 0), (key, row)
        if SUPPRESSED in shown or "proportion" not in key_kind(key):
            if SUPPRESSED in shown:
                assert row[figure] == "", (key, row)
            continue
        num, den = (int(c) for c in shown)
        expected = format_value(percent_of(num, den, percentage_places(den)))
        assert row[figure].split(" (")[0] == expected, (key, row, expected)


def key_kind(key: str) -> str:
    return MEASURES[key.rsplit("-equity-", 1)[1]].kind


def recorded_texts(world) -> dict[int, set[str]]:
    with Session(world["engine"]) as session:
        values = dbm.metric_values(session, world["london"])
    out: dict[int, set[str]] = {}
    for metric_id, value in zip(values["metric_id"], values["value"], strict=True):
        metric = world["metrics"].get(int(metric_id))
        if metric is not None and not pd.isna(value):
            out.setdefault(int(metric_id), set()).add(format_value(float(value), metric.unit))
    for metric_id in world["metrics"]:
        out.setdefault(metric_id, set())
    return out


@SETTINGS
@given(metric_pairs=SMALL, equity_pairs=SMALL)
def test_a_forum_member_sees_no_small_count_anywhere(world, metric_pairs, equity_pairs):
    world["recorder"].clear()
    set_metric_values(world, metric_pairs)
    set_equity_counts(world, equity_pairs)
    recorded = recorded_texts(world)
    assert_nothing_shown(world, recorded)
    assert_report_hidden(world, recorded)


# ---------------------------------------------- percentages are the rounded counts' own


ANY = st.lists(
    st.tuples(st.integers(0, 6000), st.integers(0, 6000)).map(lambda p: (p[0], p[0] + p[1])),
    min_size=3,
    max_size=12,
).filter(lambda pairs: any(k >= 5 and d > 0 for k, d in pairs))


@SETTINGS
@given(pairs=ANY)
def test_every_percentage_a_forum_member_sees_is_the_rounded_counts_own(world, pairs):
    """Counts of any size (some hidden, some rounded, some past 4,000): the Metrics
    page's tables and downloads hold only the percentages of the rounded counts."""
    set_metric_values(world, [(k, d) for k, d in pairs if d])
    recorder: Recorder = world["recorder"]
    recorder.clear()
    for _ in every_option(world, "pages/metrics.py", "Metric details to show"):
        pass
    percentages = {m.code for m in world["metrics"].values() if m.counts_people}
    checked = 0
    for stem, frame in recorder.downloads:
        if not {"Value", "Numerator", "Denominator"} <= set(frame.columns):
            continue
        code = next((c for c in percentages if stem.startswith((f"metric-{c}", c))), None)
        metric = next((m for m in world["metrics"].values() if m.code == code), None)
        if metric is None or metric.unit != "percentage":
            continue
        for value, num, den in zip(
            frame["Value"], frame["Numerator"], frame["Denominator"], strict=True
        ):
            if pd.isna(value):
                assert pd.isna(num) or pd.isna(den) or num < 5 or den < 5
                continue
            assert num % 5 == 0 and den % 5 == 0, (stem, num, den)
            assert value == percent_of(num, den, percentage_places(den)), (stem, value, num, den)
            checked += 1
    assert checked, "some percentages were shown"
