"""The same figures on every surface.

For every metric in every region, and for each role that can see the region (the
national lead; the region's regional lead; its forum member, where one exists), the
(quarter, value) pairs on the Metrics page (each card's chart, table and downloads, and
the summary), the Themes page (each metric's latest value), the Forum meeting page's
presentation mode (each chart, table and download), the meeting pack (chart points, the
chart's description, the printed table, and the PDF's text) and the annual report (HTML
and PDF text) agree with the database, oldest to newest, after the viewer's disclosure
rule: ``core.disclosure.disclose_metric_figure`` with ``controlled`` when the viewer is
a forum member. The meeting pack and the annual report are published outputs (to
circulate, to publish), so they are under control whoever builds them.

It runs on the demo data and on a small synthetic database, on both engines. A failure
lists every disagreement, each naming the surface, the metric, the region and the quarter.
Pages are read through Streamlit's AppTest: one signed-in session per role, moving
between regions, card pages and presentation sections as a person would.
"""

from __future__ import annotations

import html
import io
import json
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
import pytest
from pypdf import PdfReader
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

import components.downloads
import components.metric_chart
import core.metric_series
from core.disclosure import MetricFigure, disclose_metric_figure
from core.formatting import format_value
from core.periods import financial_year_of, format_period, parse_period
from core.spreadsheet import to_csv_bytes, to_xlsx_bytes
from db import meetings as db_meetings
from db.engine import dispose_engine, upgrade_schema
from db.models import ForumMeeting, Metric, MetricValue, Region, User
from reports.annual_report import build_report, render_html, render_pdf
from reports.meeting_pack import build_meeting_pack, metric_page
from seed import synthetic
from tests.app.apptest_adapter import convert_arrow_bytes_to_pandas_df, navigation_only
from tests.app.conftest import new_app, sign_in

THRESHOLD = 5
RECORDED = core.metric_series.RECORDED
#: Every surface (and part of one) the module reads: each must be compared in a run.
SURFACES = (
    "Metrics page, summary table",
    "Metrics page, summary CSV download",
    "Metrics page, summary Excel download",
    "Metrics page, chart",
    "Metrics page, chart description",
    "Metrics page, table",
    "Metrics page, CSV download",
    "Metrics page, Excel download",
    "Themes page",
    "Forum meeting, presentation mode, chart",
    "Forum meeting, presentation mode, chart description",
    "Forum meeting, presentation mode, table",
    "Meeting pack, chart points",
    "Meeting pack, chart description",
    "Meeting pack, printed table",
    "Meeting pack PDF",
    "Annual report HTML",
    "Annual report PDF",
)
DEMO_PASSWORDS = {
    "national.lead": "demo-national",
    "london.lead": "demo-london",
    "northwest.lead": "demo-northwest",
    "london.forum": "demo-forum",
}
SYNTHETIC_LEAD_PASSWORD = "synthetic-lead-password"
COOKIE_KEY = "cross-surface-test-cookie-key-0123456789-abcdefghijkl"


# --------------------------------------------------------------------------- the truth


@dataclass(frozen=True)
class Recorded:
    period_start: date
    value: float | None
    numerator: float | None
    denominator: float | None


@dataclass
class MetricTruth:
    metric_id: int
    code: str
    name: str
    unit: str
    counts_people: bool
    values: list[Recorded] = field(default_factory=list)

    def figures(self, controlled: bool) -> list[tuple[date, MetricFigure]]:
        """Each recorded quarter, oldest first, as the rule shows it."""
        return [
            (
                v.period_start,
                disclose_metric_figure(
                    v.value,
                    v.numerator,
                    v.denominator,
                    unit=self.unit,
                    counts_people=self.counts_people,
                    controlled=controlled,
                    threshold=THRESHOLD,
                ),
            )
            for v in self.values
        ]


@dataclass
class RegionTruth:
    region_id: int
    code: str
    name: str
    metrics: dict[str, MetricTruth]


def read_truth(engine: Engine) -> dict[int, RegionTruth]:
    """Every region's active metrics (national core and its own) and their overall values,
    straight from the tables."""
    with Session(engine) as session:
        regions = session.execute(select(Region.id, Region.code, Region.name)).all()
        metrics = session.scalars(select(Metric).where(Metric.active.is_(True))).all()
        rows = session.execute(
            select(
                MetricValue.region_id,
                MetricValue.metric_id,
                MetricValue.period_start,
                MetricValue.value,
                MetricValue.numerator,
                MetricValue.denominator,
            )
            .where(MetricValue.characteristic == "")
            .order_by(MetricValue.period_start)
        ).all()
        out = {}
        for region_id, code, name in regions:
            mine = {
                m.code: MetricTruth(m.id, m.code, m.name, m.unit, bool(m.counts_people))
                for m in metrics
                if m.scope == "national" or m.region_id == region_id
            }
            out[region_id] = RegionTruth(region_id, code, name, mine)
    by_id = {(r, m.metric_id): m for r, t in out.items() for m in t.metrics.values()}
    for region_id, metric_id, day, value, num, den in rows:
        metric = by_id.get((region_id, metric_id))
        if metric is not None:
            metric.values.append(Recorded(day, _num(value), _num(num), _num(den)))
    return out


def _num(value: object) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- comparing


class Disagreements:
    """Every disagreement found, each naming the surface, metric, region and quarter."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.checked: dict[str, int] = {}

    def count(self, surface: str) -> None:
        """One comparison made on ``surface`` (its name up to the role or the part)."""
        kind = re.sub(r" \([^)]*\)", "", surface)
        self.checked[kind] = self.checked.get(kind, 0) + 1

    def add(self, surface: str, region: RegionTruth, code: str, quarter: str, what: str) -> None:
        self.lines.append(f"{surface} | {code} | {region.name} | {quarter}: {what}")

    def check(self) -> None:
        missing = sorted(set(SURFACES) - set(self.checked))
        assert not missing, f"surfaces never compared: {missing} (compared: {self.checked})"
        if not self.lines:
            return
        by_surface: dict[str, list[str]] = {}
        for line in self.lines:
            by_surface.setdefault(line.split(" | ", 1)[0], []).append(line)
        parts = [f"{len(self.lines)} disagreements on {len(by_surface)} surfaces:"]
        for surface, lines in by_surface.items():
            parts.append(f"{surface}: {len(lines)}")
            parts.extend(f"  {line}" for line in lines[:4])
        pytest.fail("\n".join(parts), pytrace=False)


def expected_text(figure: MetricFigure, unit: str) -> str:
    """The value as a table in words writes it (to compare at that precision)."""
    if figure.value is None:
        return "*"
    if figure.value_places is not None and unit == "percentage":
        return f"{figure.value:,.{figure.value_places}f}%"
    return format_value(figure.value, unit)


def parse_shown(cell: object) -> float | None:
    """A value cell as a number: None for a hidden or empty cell ("*", "", NaN)."""
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return None
    if isinstance(cell, int | float):
        return float(cell)
    text = str(cell).strip().lstrip("'").replace(",", "").removesuffix("%")
    if text in ("", "*", "no value", "nan", "None"):
        return None
    try:
        return float(text)
    except ValueError:
        return math.nan  # words where a number should be: never equal to anything


def same(shown: object, figure: MetricFigure, unit: str) -> bool:
    """Whether a shown cell is the rule's figure: equal as numbers (a cell in words at the
    precision it is written with), or both hidden."""
    number = parse_shown(shown)
    if figure.value is None:
        return number is None
    if number is None or math.isnan(number):
        return False
    if isinstance(shown, int | float):
        return math.isclose(number, figure.value, rel_tol=1e-9, abs_tol=1e-9)
    wanted = parse_shown(expected_text(figure, unit))
    return wanted is not None and math.isclose(number, wanted, rel_tol=1e-9, abs_tol=1e-9)


def quarter_key(label: str) -> date:
    return parse_period(label).start


def compare_series(
    found: Disagreements,
    surface: str,
    region: RegionTruth,
    metric: MetricTruth,
    shown: list[tuple[str, object]],
    *,
    controlled: bool,
    hidden_left_out: bool,
    newest_first: bool = False,
) -> None:
    """``shown``: the surface's (quarter label, value) pairs in the order it gives them.
    ``hidden_left_out``: a chart leaves hidden values out; a table shows them as *."""
    found.count(surface)
    expected = {format_period(day): fig for day, fig in metric.figures(controlled)}
    labels = [q for q, _ in shown]
    order = sorted(labels, key=quarter_key, reverse=newest_first)
    if labels != order:
        found.add(
            surface,
            region,
            metric.code,
            labels[0] if labels else "-",
            f"quarters out of order ({'newest' if newest_first else 'oldest'} first "
            f"expected): {labels}",
        )
    seen = dict(shown)
    if len(seen) != len(shown):
        found.add(surface, region, metric.code, "-", f"a quarter appears twice: {labels}")
    for quarter, figure in expected.items():
        if quarter not in seen:
            if not (hidden_left_out and figure.value is None):
                found.add(surface, region, metric.code, quarter, "missing")
            continue
        if not same(seen[quarter], figure, metric.unit):
            found.add(
                surface,
                region,
                metric.code,
                quarter,
                f"shows {seen[quarter]!r}, the rule gives {expected_text(figure, metric.unit)!r}",
            )
    for quarter in seen:
        if quarter not in expected:
            found.add(surface, region, metric.code, quarter, "no such value in the database")


DESCRIPTION = re.compile(
    r"from (?P<q1>Q\d \d{4}/\d{2}) \((?P<v1>[^)]*)\) to (?P<q2>Q\d \d{4}/\d{2}) \((?P<v2>[^)]*)\)"
)


def compare_description(
    found: Disagreements,
    surface: str,
    region: RegionTruth,
    metric: MetricTruth,
    description: str,
    *,
    controlled: bool,
) -> None:
    """A chart's description names its first and last points: they must be the rule's."""
    found.count(surface)
    points = [(format_period(d), f) for d, f in metric.figures(controlled) if f.value is not None]
    match = DESCRIPTION.search(description)
    if not points:
        if match:
            found.add(surface, region, metric.code, "-", f"describes values: {description!r}")
        return
    if not match:
        found.add(surface, region, metric.code, "-", f"description unread: {description!r}")
        return
    for (quarter, figure), (q, v) in zip(
        (points[0], points[-1]),
        ((match["q1"], match["v1"]), (match["q2"], match["v2"])),
        strict=True,
    ):
        if q != quarter or not same(v, figure, metric.unit):
            found.add(
                surface,
                region,
                metric.code,
                quarter,
                f"description says {q} ({v}), the rule gives "
                f"{quarter} ({expected_text(figure, metric.unit)})",
            )


def compare_latest(
    found: Disagreements,
    surface: str,
    region: RegionTruth,
    metric: MetricTruth,
    quarter: str,
    value: object,
    *,
    controlled: bool,
    days: Callable[[date], bool] = lambda day: True,
    skip_hidden: bool = False,
) -> None:
    """A surface's one "latest" (quarter, value): the newest recorded quarter (among
    ``days``; the newest shown one with ``skip_hidden``) as the rule shows it."""
    found.count(surface)
    points = [(d, f) for d, f in metric.figures(controlled) if days(d)]
    if skip_hidden:
        points = [(d, f) for d, f in points if f.value is not None]
    if not points:
        found.add(surface, region, metric.code, quarter or "-", f"shows {value!r}, expected none")
        return
    day, figure = points[-1]
    if quarter != format_period(day) or not same(value, figure, metric.unit):
        found.add(
            surface,
            region,
            metric.code,
            format_period(day),
            f"latest shown as {quarter} {value!r}, the rule gives "
            f"{format_period(day)} {expected_text(figure, metric.unit)!r}",
        )


# --------------------------------------------------------------------------- reading pages


@dataclass
class Download:
    stem: str
    key: str
    table: pd.DataFrame


class DownloadRecorder:
    """Records every table a page hands to ``components.downloads.download_buttons`` (the
    download buttons' files are made from it by ``core.spreadsheet``)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.seen: list[Download] = []
        original = components.downloads.download_buttons

        def recording(table: pd.DataFrame, file_stem: str, *, key: str, about=None) -> None:
            self.seen.append(Download(file_stem, key, table.copy()))
            original(table, file_stem, key=key, about=about)

        monkeypatch.setattr(components.downloads, "download_buttons", recording)
        monkeypatch.setattr(components.metric_chart, "download_buttons", recording)

    def take(self) -> list[Download]:
        seen, self.seen = self.seen, []
        return seen


_DOWNLOADED: dict[object, list[tuple[str, pd.DataFrame]]] = {}


def downloaded(table: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """The table as each download gives it back: the CSV and the Excel file, read as text
    (made once for each distinct table: several viewers see the same ones)."""
    key = (tuple(table.columns), tuple(map(tuple, table.astype(str).to_numpy())))
    if key not in _DOWNLOADED:
        csv = pd.read_csv(
            io.BytesIO(to_csv_bytes(table)),
            dtype=str,
            keep_default_na=False,
            encoding="utf-8-sig",
        )
        xlsx = pd.read_excel(io.BytesIO(to_xlsx_bytes(table)), dtype=str, keep_default_na=False)
        _DOWNLOADED[key] = [("CSV download", csv), ("Excel download", xlsx)]
    return _DOWNLOADED[key]


def table_pairs(table: pd.DataFrame) -> list[tuple[str, object]]:
    return list(zip(table["Quarter"].astype(str), table["Value"], strict=True))


def charts(at) -> list[tuple[str, str, pd.DataFrame]]:
    """(title, description, data) of every chart, as sent to the browser."""
    out = []
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        title = spec.get("title", "")
        if isinstance(title, dict):
            title = title.get("text", "")
        if isinstance(title, list):
            title = " ".join(title)
        frames = [convert_arrow_bytes_to_pandas_df(d.data.data) for d in chart.proto.datasets]
        data = pd.concat(frames) if frames else pd.DataFrame()
        out.append((str(title), str(spec.get("description", "")), data))
    return out


def recorded_points(data: pd.DataFrame) -> list[tuple[str, object]]:
    if data.empty or "series" not in data:
        return []
    mine = data[data["series"] == RECORDED]
    return list(zip(mine["quarter"].astype(str), mine["value"].astype(float), strict=True))


def run(at):
    at.run()
    assert not at.exception, at.exception
    return at


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


@dataclass(frozen=True)
class Viewer:
    username: str
    password: str
    controlled: bool
    national: bool


def open_page(at, viewer, region, path: str, picker: str, downloads) -> list[Download]:
    """Open a page at a region, and return the tables its run handed to the download
    buttons. A national viewer's region is remembered across pages (as the region picker
    does), so one run is usually enough."""
    if viewer.national:
        at.session_state["chosen_region_id"] = region.region_id
    at.switch_page(path)
    downloads.take()
    run(at)
    if viewer.national:
        chosen = next(s for s in at.selectbox if s.key == picker)
        if chosen.value != region.region_id:
            chosen.set_value(region.region_id)
            downloads.take()
            run(at)
    return downloads.take()


def compare_tables(found, surface, region, metric, table, controlled) -> None:
    """A metric's table (newest first) as shown and as each download gives it."""
    for name, shown in [("table", table), *downloaded(table)]:
        compare_series(
            found,
            f"{surface}, {name}",
            region,
            metric,
            table_pairs(shown),
            controlled=controlled,
            hidden_left_out=False,
            newest_first=True,
        )


def read_metrics_page(found, at, viewer, region, downloads) -> None:
    surface = f"Metrics page ({viewer.username})"
    first_run = open_page(at, viewer, region, "pages/metrics.py", "metrics-region", downloads)
    summaries = [d for d in first_run if d.key == "metrics-summary-dl"]
    assert summaries, "the Metrics page's summary has its downloads"
    summary = summaries[0].table
    for name, table in [("summary table", summary), *downloaded(summary)]:
        for row in table.to_dict("records"):
            metric = region.metrics.get(str(row["Code"]))
            if metric is None:
                found.add(surface, region, str(row["Code"]), "-", "listed but not in the database")
            elif metric.values:
                compare_latest(
                    found,
                    f"{surface}, {name if name == 'summary table' else 'summary ' + name}",
                    region,
                    metric,
                    str(row["Latest quarter"]),
                    row["Latest value"],
                    controlled=viewer.controlled,
                    skip_hidden=True,
                )
    pager = [s for s in at.selectbox if s.key == "metrics-card-page"]
    starts = list(range(0, len(summary), 4)) if pager else [0]
    seen_cards: set[str] = set()
    for start in starts:
        if start:
            downloads.take()
            at.selectbox(key="metrics-card-page").set_value(start)
            run(at)
        items = first_run if not start else downloads.take()
        for title, description, data in charts(at):
            code = title.split(":", 1)[0]
            metric = region.metrics.get(code)
            if metric is None:
                continue
            seen_cards.add(code)
            args = dict(controlled=viewer.controlled)
            compare_series(
                found,
                f"{surface}, chart",
                region,
                metric,
                recorded_points(data),
                hidden_left_out=True,
                **args,
            )
            compare_description(
                found, f"{surface}, chart description", region, metric, description, **args
            )
        for item in items:
            if item.stem.startswith("metric-") and item.key.endswith("-dl"):
                metric = region.metrics[item.stem.removeprefix("metric-")]
                compare_tables(found, surface, region, metric, item.table, viewer.controlled)
    with_values = {c for c, m in region.metrics.items() if m.values}
    for code in sorted(with_values - seen_cards):
        found.add(surface, region, code, "-", "no card with its values")


LATEST = re.compile(
    r"\((?P<code>[^,()]+), (?:national|local); latest (?P<value>.+?) \((?P<q>Q\d \d{4}/\d{2})\)"
)


def read_themes_page(found, at, viewer, region, downloads) -> None:
    surface = f"Themes page ({viewer.username})"
    open_page(at, viewer, region, "pages/themes.py", "region", downloads)
    seen: set[str] = set()
    for block in at.markdown:
        for match in LATEST.finditer(unescape(block.value)):
            metric = region.metrics.get(match["code"])
            if metric is None:
                continue
            seen.add(metric.code)
            compare_latest(
                found,
                surface,
                region,
                metric,
                match["q"],
                match["value"],
                controlled=viewer.controlled,
            )
    for code in sorted(c for c, m in region.metrics.items() if m.values and c not in seen):
        found.add(surface, region, code, "-", "no latest value shown")


def read_presentation(found, at, viewer, region, downloads) -> None:
    """Screen by screen (one metric with its chart and its newest quarters' table on a
    screen) until every metric with values has been seen or the last screen."""
    surface = f"Forum meeting, presentation mode ({viewer.username})"
    open_page(at, viewer, region, "pages/forum_meeting.py", "region", downloads)
    toggles = [t for t in at.toggle if t.key == "forum-present"]
    if not toggles:  # no meeting recorded for the region
        return
    if not toggles[0].value:
        toggles[0].set_value(True)
        run(at)
    seen: set[str] = set()
    wanted = {c for c, m in region.metrics.items() if m.values}
    while True:
        for title, description, data in charts(at):
            code = title.removesuffix(" values by quarter")
            metric = region.metrics.get(code)
            if metric is None or code == title:
                continue
            seen.add(code)
            args = dict(controlled=viewer.controlled)
            compare_series(
                found,
                f"{surface}, chart",
                region,
                metric,
                recorded_points(data),
                hidden_left_out=True,
                **args,
            )
            compare_description(
                found, f"{surface}, chart description", region, metric, description, **args
            )
            # The table beside the chart: the newest quarters, in markdown (escaped).
            table = at.table[0].value.map(lambda v: unescape(v) if isinstance(v, str) else v)
            newest = metric.values[-len(table) :] if len(table) else []
            trimmed = MetricTruth(
                metric.metric_id,
                metric.code,
                metric.name,
                metric.unit,
                metric.counts_people,
                newest,
            )
            compare_series(
                found,
                f"{surface}, table",
                region,
                trimmed,
                table_pairs(table),
                hidden_left_out=False,
                newest_first=True,
                **args,
            )
        downloads.take()
        following = at.button(key="forum-next")
        if seen >= wanted or following.disabled:
            break
        following.click()
        run(at)
    for code in sorted(wanted - seen):
        found.add(surface, region, code, "-", "no chart of its values")


# --------------------------------------------------------------------------- reports


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def read_meeting_pack(found, engine, region) -> None:
    """The pack is for circulation: under control, whoever builds it."""
    surface = "Meeting pack"
    with Session(engine) as session:
        metrics, values = db_meetings.theme_metrics(session, region.region_id)
        meeting = session.scalar(
            select(ForumMeeting.id)
            .where(ForumMeeting.region_id == region.region_id)
            .order_by(ForumMeeting.meeting_date.desc())
            .limit(1)
        )
    descriptions = []
    for row in metrics.to_dict("records"):
        metric = region.metrics[row["code"]]
        page, printed = metric_page(row, values[values["metric_id"] == row["metric_id"]], THRESHOLD)
        points = [(page.chart.quarters[q], v) for q, v in page.chart.series(RECORDED)]
        compare_series(
            found,
            f"{surface}, chart points",
            region,
            metric,
            points,
            controlled=True,
            hidden_left_out=True,
        )
        compare_description(
            found,
            f"{surface}, chart description",
            region,
            metric,
            page.description,
            controlled=True,
        )
        table = printed.table
        newest = metric.values[-len(table) :] if len(table) else []
        trimmed = MetricTruth(
            metric.metric_id, metric.code, metric.name, metric.unit, metric.counts_people, newest
        )
        compare_series(
            found,
            f"{surface}, printed table",
            region,
            trimmed,
            table_pairs(table),
            controlled=True,
            hidden_left_out=False,
            newest_first=True,
        )
        descriptions.append((metric, page.description))
    if meeting is None:
        return
    text = pdf_text(build_meeting_pack(engine, region.region_id, meeting))
    for metric, description in descriptions:
        found.count(f"{surface} PDF")
        if " ".join(description.split()) not in text:
            found.add(
                f"{surface} PDF",
                region,
                metric.code,
                "-",
                "the chart description is not in the PDF",
            )


def read_annual_report(found, engine, truth: dict[int, RegionTruth], year: int) -> None:
    """The annual report is published: under control, whoever builds it. Each region's
    metrics table gives each metric's latest quarter in the year and its value then. One
    national report with every region's section (its other sections left out) is read
    as HTML and as PDF text."""
    with Session(engine) as session:
        report = build_report(
            session,
            year,
            None,
            sections=set(),
            threshold=THRESHOLD,
            regions_in_detail=list(truth),
        )
    first, end = date(year, 4, 1), date(year + 1, 4, 1)

    def in_year(day: date) -> bool:
        return first <= day < end

    page = html.unescape(render_html(report))
    text = pdf_text(render_pdf(report))
    captions = {r.region_id: f"{r.name}: metrics in " for r in truth.values()}
    starts = sorted(text.find(c) for c in captions.values() if c in text)
    for region_id, caption in captions.items():
        region = truth[region_id]
        due = [m for m in region.metrics.values() if any(in_year(v.period_start) for v in m.values)]
        due_codes = {m.code for m in due}
        by_name = {m.name: m for m in region.metrics.values()}
        start = page.find(caption)
        body = page[start : page.find("</table>", start)] if start >= 0 else ""
        seen = set()
        for row in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S):
            cells = [
                re.sub(r"<[^>]+>", "", cell).strip()
                for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
            ]
            metric = by_name.get(cells[0]) if len(cells) >= 5 else None
            if metric is None or metric.code not in due_codes:
                continue
            seen.add(metric.code)
            compare_latest(
                found,
                "Annual report HTML",
                region,
                metric,
                cells[3],
                cells[4],
                controlled=True,
                days=in_year,
            )
        for metric in due:
            if metric.code not in seen:
                found.add("Annual report HTML", region, metric.code, "-", "no row for the metric")
        at = text.find(caption)
        later = [s for s in starts if s > at]
        section = text[at : later[0] if later else len(text)] if at >= 0 else ""
        for metric in due:
            where = section.find(metric.name)
            after = section[where + len(metric.name) :] if where >= 0 else ""
            found_row = re.search(r"(Q\d \d{4}/\d{2}) (\S+)", after)
            if found_row is None:
                found.add("Annual report PDF", region, metric.code, "-", "no row for the metric")
                continue
            compare_latest(
                found,
                "Annual report PDF",
                region,
                metric,
                found_row[1],
                found_row[2],
                controlled=True,
                days=in_year,
            )


# --------------------------------------------------------------------------- the tests


def viewers_of(engine: Engine, region: RegionTruth, synthetic_data: bool) -> list[Viewer]:
    with Session(engine) as session:
        users = session.execute(select(User.username, User.role, User.region_id)).all()
    out = []
    for username, role, region_id in sorted(users):
        if role == "national_lead" and username == "national.lead":
            out.append(Viewer(username, DEMO_PASSWORDS[username], False, True))
        elif region_id == region.region_id and role == "regional_lead":
            password = DEMO_PASSWORDS.get(username, SYNTHETIC_LEAD_PASSWORD)
            if synthetic_data and username in DEMO_PASSWORDS:
                continue  # the synthetic lead stands for the region's lead
            out.append(Viewer(username, password, False, False))
        elif region_id == region.region_id and role == "forum_member":
            out.append(Viewer(username, DEMO_PASSWORDS[username], True, False))
    return out


#: On PostgreSQL only the regions with a regional lead and a forum member among the demo
#: accounts are read (every role and every surface, at a third of the cost): the pages
#: and reports are the same code on both engines, and the reads are the same queries for
#: every region. SQLite reads every region.
POSTGRESQL_REGIONS = ("london", "north_west")


def check_every_surface(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, synthetic_data: bool
) -> None:
    truth = read_truth(engine)
    if engine.dialect.name == "postgresql":
        truth = {k: r for k, r in truth.items() if r.code in POSTGRESQL_REGIONS}
    found = Disagreements()
    downloads = DownloadRecorder(monkeypatch)
    sessions: dict[str, object] = {}
    for region in truth.values():
        for viewer in viewers_of(engine, region, synthetic_data):
            at = sessions.get(viewer.username)
            if at is None:
                at = sessions[viewer.username] = sign_in(
                    new_app(), viewer.username, viewer.password
                )
                assert not at.exception, at.exception
            read_metrics_page(found, at, viewer, region, downloads)
            read_themes_page(found, at, viewer, region, downloads)
            read_presentation(found, at, viewer, region, downloads)
        read_meeting_pack(found, engine, region)
    latest = max(
        v.period_start for r in truth.values() for m in r.metrics.values() for v in m.values
    )
    read_annual_report(found, engine, truth, financial_year_of(latest))
    found.check()


def app_settings(monkeypatch: pytest.MonkeyPatch, url: str, *, demo: bool) -> None:
    # As tests/app/conftest.py does for every page test: run app.py's navigation.
    navigation_only(monkeypatch)
    monkeypatch.setenv("AMHE_DATABASE_URL", url)
    monkeypatch.setenv("AMHE_LOGIN_SLEEP_TIME", "0")
    # Any database but the local demo file needs a real cookie key, demo mode or not.
    monkeypatch.setenv("AMHE_COOKIE_KEY", COOKIE_KEY)
    if demo:
        monkeypatch.setenv("AMHE_DEMO", "1")
    else:
        monkeypatch.delenv("AMHE_DEMO", raising=False)


def test_every_surface_agrees_on_the_demo_data(demo_url, monkeypatch):
    from db.engine import build_engine

    app_settings(monkeypatch, demo_url, demo=True)
    engine = build_engine(demo_url)
    try:
        check_every_surface(engine, monkeypatch, synthetic_data=False)
    finally:
        engine.dispose()


@pytest.fixture
def small_synthetic(database_kind, monkeypatch) -> Iterator[tuple[str, Engine]]:
    """A small synthetic database: every region, two national and two local metrics over
    six quarters, one meeting each, and little else."""
    if database_kind.unavailable:
        pytest.skip(database_kind.unavailable)
    monkeypatch.setattr(synthetic, "QUARTERS", synthetic.QUARTERS[-6:])
    monkeypatch.setattr(synthetic, "NATIONAL_METRICS", 2)
    monkeypatch.setattr(synthetic, "LOCAL_METRICS_PER_REGION", 2)
    monkeypatch.setattr(synthetic, "ACTIONS_PER_REGION", 3)
    monkeypatch.setattr(synthetic, "PROJECTS_PER_REGION", 1)
    monkeypatch.setattr(synthetic, "FEEDBACK_PER_REGION", 3)
    monkeypatch.setattr(synthetic, "MEETINGS_PER_REGION", 1)
    url, engine = database_kind.new()
    upgrade_schema(engine)
    synthetic.build_synthetic(engine, scale=1, seed=11)
    yield url, engine
    database_kind.made.remove((url, engine))
    database_kind.drop(url, engine)
    dispose_engine(url)


def test_every_surface_agrees_on_synthetic_data(small_synthetic, monkeypatch):
    url, engine = small_synthetic
    app_settings(monkeypatch, url, demo=False)
    check_every_surface(engine, monkeypatch, synthetic_data=True)


def test_the_checks_catch_a_reversed_series():
    """The comparison itself: a series drawn newest-first against oldest-first quarters,
    a hidden figure shown, or a rounded figure shown exactly, is reported with its
    surface, metric, region and quarter."""
    metric = MetricTruth(
        1,
        "CA01",
        "Staff trained",
        "percentage",
        True,
        [
            Recorded(date(2025, 4, 1), 45.2, 80, 177),
            Recorded(date(2025, 7, 1), 60.0, 3, 5),
            Recorded(date(2025, 10, 1), 83.5, 76, 91),
        ],
    )
    region = RegionTruth(1, "london", "London", {"CA01": metric})
    right = [("Q1 2025/26", 46.0), ("Q3 2025/26", 83.0)]
    found = Disagreements()
    compare_series(found, "S", region, metric, right, controlled=True, hidden_left_out=True)
    assert found.lines == []
    reversed_ = [("Q1 2025/26", 83.0), ("Q3 2025/26", 46.0)]
    compare_series(found, "S", region, metric, reversed_, controlled=True, hidden_left_out=True)
    assert found.lines == [
        "S | CA01 | London | Q1 2025/26: shows 83.0, the rule gives '46%'",
        "S | CA01 | London | Q3 2025/26: shows 46.0, the rule gives '83%'",
    ]
    found = Disagreements()
    table = [("Q3 2025/26", "83.5%"), ("Q2 2025/26", "60%"), ("Q1 2025/26", "46%")]
    compare_series(
        found, "T", region, metric, table, controlled=True, hidden_left_out=False, newest_first=True
    )
    assert found.lines == [
        "T | CA01 | London | Q2 2025/26: shows '60%', the rule gives '*'",
        "T | CA01 | London | Q3 2025/26: shows '83.5%', the rule gives '83%'",
    ]
    found = Disagreements()
    compare_description(
        found, "D", region, metric, "from Q1 2025/26 (83%) to Q3 2025/26 (46%).", controlled=True
    )
    assert [line.split(":")[0] for line in found.lines] == [
        "D | CA01 | London | Q1 2025/26",
        "D | CA01 | London | Q3 2025/26",
    ]
