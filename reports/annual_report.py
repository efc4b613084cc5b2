"""The annual public report: one financial year, national (with a section per region) or
one region, as plain data first and then as HTML and PDF.

The plan commits Rethink to publishing its findings every year. :func:`build_report`
reads everything the report needs for a financial year (1 April to 31 March) and a scope
(through ``services.report_data.ReportReads``: this module never reaches the database
itself) and returns an :class:`AnnualReport`: sections of headings, paragraphs and tables whose
figures are already in words and already under disclosure control. The same structure
is rendered three ways, so the three always agree: :func:`render_html` (Jinja2, with
autoescaping, so text people typed can never become markup), :func:`render_pdf` (the
shared writer in ``reports.pdf``) and the page's preview (Streamlit elements).

Disclosure control (``core.disclosure``), decided here:

- National figures (England, all regions together) are exact.
- Below national level (a region's section, and any row about one region), every count
  of *people* is shown as ``*`` below the threshold and otherwise rounded to the nearest
  5: people reached by projects, the people in the equity figures (people supported,
  survey answers, detentions, local population), and the counts of metrics that count
  people (``Metric.counts_people``), through ``core.disclosure.disclose_metric_figure``.
  A percentage, rate, share, interval or ratio is worked out from the rounded counts
  (so it gives no exact count away) and not shown when a count it rests on is hidden;
  percentages are whole numbers unless the rounded denominator is at least 4,000. A
  change over the year is worked out from the figures as shown. Every such table says
  so in its note (``core.disclosure.percentage_note``).
- Counts of things rather than people are exact: plan actions and pieces of feedback
  (with the share answered and the days taken to respond), and the values of metrics
  that do not count people (events held, partnership agreements).

Other decisions:

- Statuses are as they stood at the end of the year: only values of periods starting
  before 1 April of the next year count. A status set by hand applies as set now; plan
  actions and project statuses are counted as they stand now (the database keeps no
  earlier state for them outside the audit log).
- A metric's "latest value in the year" is its value in the latest period starting in
  the year; "change over the year" compares it with the last value before the year
  began.
- Feedback: the items received in the year, answered or still waiting on 31 March.
- Projects: those whose dates overlap the year (a project without dates is included).
- Equity, by ethnicity (the five high-level groups when there are figures for them,
  else the detailed groups): people supported in the latest quarter of the year with
  figures (people can be supported in several quarters, so quarters are not added up),
  the survey and ending-support proportions added up over the year's quarters (each
  answer or ending belongs to one quarter), and detentions for the year. Each table is
  ``core.equity.display_table`` with a figure and its 95% interval in one cell, so it
  fits an A4 page.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import jinja2
import pandas as pd
from markupsafe import Markup
from sqlalchemy.orm import Session

from core import equity as eq
from core.disclosure import (
    DEFAULT_THRESHOLD,
    LARGE_DENOMINATOR,
    disclose_metric_figure,
    percentage_note,
    rule_text,
    suppress_count,
)
from core.feedback_rules import as_at as feedback_as_at
from core.feedback_rules import feedback_figures, format_days, format_share
from core.formatting import format_value
from core.metric_progress import MetricSpec, metric_progress
from core.periods import financial_year_of, format_period, year_label
from core.progress import STATUS_LABELS, ProgressResult, combine
from core.projects import (
    COMMITMENT_RULE,
    COMMITMENT_TARGET,
    Commitment,
    RegionProjects,
    counted_toward,
)
from core.quarterly import PROVISIONAL_NOTE, sign_off_table, year_quarters
from core.statuses import PROJECT_STATUSES
from core.theme_words import METHOD_SENTENCES
from db.cache import cached_read
from reports.pdf import Column, ReportPDF
from reports.spc_section import SPC_KEY, SpcSection, spc_html, spc_pdf, spc_section
from services.report_data import ReportReads

__all__ = [
    "AnnualReport",
    "Heading",
    "Paragraph",
    "Section",
    "Spc",
    "SpcSection",
    "Table",
    "build_report",
    "default_year",
    "render_html",
    "render_pdf",
    "report_years",
    "table_cells",
]

TITLE = "Advancing Mental Health Equalities: annual report"
NATIONAL_NAME = "National (all regions)"
DEMO_NOTICE = (
    "Synthetic demo data: every figure, project and piece of feedback in this report is "
    "made up to show how the report works. It is not a real report."
)
#: Measures shown in the equity section, in this order.
EQUITY_MEASURES = ("people_supported", "right_support", "ended_early", "mha_detentions")
#: Characteristics tried for the equity section, first with figures wins.
ETHNICITY_CHARACTERISTICS = ("ethnicity_broad", "ethnicity")


# --------------------------------------------------------------------------- structure


@dataclass(frozen=True)
class Heading:
    """A heading inside a section: level 3 under the section's title, 4 under that."""

    text: str
    level: int = 3
    kind: str = field(default="heading", init=False)


@dataclass(frozen=True)
class Paragraph:
    text: str
    kind: str = field(default="paragraph", init=False)


@dataclass(frozen=True, eq=False)
class Table:
    """A table as published: ``frame`` holds the figures as shown (already suppressed)."""

    key: str  # unique in the report: used for file names and widget keys
    caption: str
    frame: pd.DataFrame
    note: str = ""
    kind: str = field(default="table", init=False)


@dataclass(frozen=True, eq=False)
class Spc:
    """A national core metric's Variation (SPC) section (``reports.spc_section``), from
    the figures the report shows."""

    key: str
    section: SpcSection
    level: int = 4  # the metric's heading level
    kind: str = field(default="spc", init=False)


Block = Heading | Paragraph | Table | Spc


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    blocks: tuple[Block, ...]

    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]


@dataclass(frozen=True)
class AnnualReport:
    year: int
    region_id: int | None  # None: the national report
    scope_name: str
    threshold: int
    demo: bool
    generated_on: date
    sections: tuple[Section, ...]

    @property
    def year_label(self) -> str:
        return year_label(self.year)

    @property
    def national(self) -> bool:
        return self.region_id is None

    @property
    def title(self) -> str:
        return f"{TITLE} {self.year_label}"

    @property
    def subtitle(self) -> str:
        return f"{self.scope_name}. {period_words(self.year)}."

    @property
    def rule(self) -> str:
        return rule_text(self.threshold)

    @property
    def file_stem(self) -> str:
        scope = "national" if self.national else _slug(self.scope_name)
        return f"amhe-annual-report-{self.year}-{(self.year + 1) % 100:02d}-{scope}"

    def tables(self) -> Iterator[Table]:
        for section in self.sections:
            yield from section.tables()


def period_words(year: int) -> str:
    """``2025`` -> ``1 April 2025 to 31 March 2026``."""
    return f"1 April {year} to 31 March {year + 1}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


def _day_words(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


# ------------------------------------------------------------------------------ years


def _as_date(value: Any) -> date:
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def report_years(session: Session, today: date) -> list[int]:
    """Financial years with metric values, newest first, up to the current one; the
    latest completed year is always offered."""
    periods = ReportReads(session).value_periods()
    current = financial_year_of(today)
    years = {financial_year_of(_as_date(p)) for p in periods}
    years = {y for y in years if y <= current}
    years.add(current - 1)
    return sorted(years, reverse=True)


def default_year(years: Sequence[int], today: date) -> int:
    """The latest year that has ended, else the newest offered."""
    ended = [y for y in years if date(y + 1, 4, 1) <= today]
    return max(ended) if ended else max(years)


# ----------------------------------------------------------------------- disclosure


def _people(count: Any, threshold: int, national: bool) -> Any:
    """A count of people as published: exact nationally, else ``*`` or rounded to 5."""
    if count is None or (isinstance(count, float) and math.isnan(count)) or count is pd.NA:
        return "Not recorded"
    return suppress_count(int(count), threshold=threshold, national=national)


def _shown_metric(
    value: float,
    numerator: Any,
    denominator: Any,
    unit: str,
    threshold: int,
    national: bool,
    counts_people: bool = True,
) -> tuple[str, float | None]:
    """A metric value as published, and the number a change is worked out from (None
    when the value is not shown): the one rule, ``core.disclosure.disclose_metric_figure``."""
    if unit == "count" and not national and counts_people and value is not None:
        value = float(round(float(value)))  # a count added up from several values
    figure = disclose_metric_figure(
        value,
        numerator,
        denominator,
        unit=unit,
        counts_people=counts_people,
        controlled=not national,
        threshold=threshold,
    )
    if figure.value is None:
        return "*", None
    return format_value(figure.value, unit), figure.value


def _rows(frame: pd.DataFrame, keep: list[bool]) -> pd.DataFrame:
    """The rows where ``keep`` is true (an empty list keeps no rows, not no columns)."""
    return frame.loc[pd.Series(keep, index=frame.index, dtype=bool)]


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _change_words(latest: float | None, before: float | None, unit: str, *, shown: bool) -> str:
    if not shown:
        return "*"
    if before is None:
        return "No earlier value"
    if latest is None:
        return "*"
    diff = latest - before
    if abs(diff) < 1e-9:
        return "No change"
    sign = "+" if diff > 0 else "-"
    if unit == "percentage":
        return f"{sign}{format_value(abs(diff), unit).removesuffix('%')} points"
    return f"{sign}{format_value(abs(diff))}"


# ----------------------------------------------------------------------------- reads


@dataclass
class _Context:
    reads: ReportReads
    year: int
    threshold: int
    today: date
    region_names: dict[int, str]
    region_codes: dict[int, str]

    @property
    def start(self) -> date:
        return date(self.year, 4, 1)

    @property
    def end(self) -> date:
        """The first day after the year."""
        return date(self.year + 1, 4, 1)

    @property
    def last_day(self) -> date:
        return date(self.year + 1, 3, 31)

    def in_year(self, day: date) -> bool:
        return self.start <= day < self.end


def _frequency_kind(frequency: str) -> str:
    return "year" if frequency in ("annual", "year", "yearly") else "quarter"


# ----------------------------------------------------------------------- theme status


def _theme_table(themes: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Theme": themes["theme"],
            "Status at year end": themes["status_label"],
            "Metrics with a status": [
                f"{c} of {t}"
                for c, t in zip(themes["metrics_counted"], themes["metrics_total"], strict=True)
            ],
            "Plan actions": themes["actions_total"].astype(int),
            "Actions complete": [
                f"{c} ({format_share(s)})" if t else "No actions"
                for c, s, t in zip(
                    themes["actions_complete"],
                    themes["share_complete"],
                    themes["actions_total"],
                    strict=True,
                )
            ],
            "Why": themes["explanation"],
        }
    )


def _result_of(row: Any) -> ProgressResult:
    score = None if _missing(row.score) else float(row.score)
    return ProgressResult(status=row.status, score=score, explanation="")


def _national_theme_table(themes: pd.DataFrame, metrics: pd.DataFrame) -> pd.DataFrame:
    rows = []
    metrics_of = dict(tuple(metrics.groupby("theme_id")))
    regions_of = dict(tuple(themes.groupby("theme_id")))
    for theme in themes.drop_duplicates("theme_id").itertuples(index=False):
        found = metrics_of.get(theme.theme_id, metrics.iloc[0:0])
        combined = combine([_result_of(r) for r in found.itertuples()])
        counts = regions_of[theme.theme_id]["status_label"].value_counts()
        spread = ", ".join(
            f"{counts[label]} {label.lower()}"
            for label in STATUS_LABELS.values()
            if label in counts
        )
        rows.append(
            {
                "Theme": theme.theme,
                "National status at year end": STATUS_LABELS[combined.status],
                "Regions by status": spread,
            }
        )
    return pd.DataFrame(rows, columns=["Theme", "National status at year end", "Regions by status"])


def _theme_grid(themes: pd.DataFrame, names: dict[int, str]) -> pd.DataFrame:
    order = themes.drop_duplicates("theme_id")["theme"].tolist()
    rows = []
    for region_id, mine in themes.groupby("region_id", sort=False):
        row = {"Region": names[int(region_id)]}
        row.update(dict(zip(mine["theme"], mine["status_label"], strict=True)))
        rows.append(row)
    return pd.DataFrame(rows, columns=["Region", *order])


# --------------------------------------------------------------------------- metrics


def _regional_metric_table(
    ctx: _Context,
    statuses: pd.DataFrame,
    totals: pd.DataFrame,
    frequencies: dict[int, str],
    theme_names: dict[int, str],
    counts_people: dict[int, bool] | None = None,
    signed_off: Collection[date] = (),
) -> pd.DataFrame:
    """A region's metrics in the year: the latest value, its change, the status, and
    whether the latest value's quarter is signed off (``signed_off``: the quarters that
    are) or still provisional."""
    people = counts_people or {}
    by_metric: dict[int, list[tuple[date, Any]]] = {}
    for row in totals.itertuples(index=False):
        by_metric.setdefault(int(row.metric_id), []).append((_as_date(row.period_start), row))
    theme_order = {theme_id: n for n, theme_id in enumerate(theme_names)}
    ordered = sorted(
        statuses.itertuples(index=False),
        key=lambda m: (theme_order.get(m.theme_id, 99), m.scope != "national", m.name),
    )
    rows = []
    for metric in ordered:
        points = by_metric.get(int(metric.metric_id), [])
        in_year = [(d, r) for d, r in points if ctx.in_year(d)]
        earlier = [(d, r) for d, r in points if d < ctx.start]
        kind = _frequency_kind(frequencies.get(metric.metric_id, "quarterly"))
        row = {
            "Metric": metric.name,
            "Theme": theme_names.get(metric.theme_id, ""),
            "Scope": "National core" if metric.scope == "national" else "Local",
            "Latest period in the year": "",
            "Latest value": "No value in the year",
            "Change over the year": "",
            "Status at year end": metric.status_label,
            "Figures": "",
        }
        if in_year:
            day, latest = max(in_year, key=lambda pair: pair[0])
            counts = people.get(int(metric.metric_id), True)
            text, number = _metric_figure(ctx, latest, metric.unit, counts)
            row["Latest period in the year"] = format_period(day, kind)
            row["Latest value"] = text
            row["Figures"] = "Signed off" if day in signed_off else "Provisional"
            before_number = None
            if earlier:
                _, before = max(earlier, key=lambda pair: pair[0])
                _, before_number = _metric_figure(ctx, before, metric.unit, counts)
                shown = number is not None and before_number is not None
            else:
                shown = number is not None
            row["Change over the year"] = _change_words(
                number, before_number, metric.unit, shown=shown
            )
        rows.append(row)
    return pd.DataFrame(
        rows,
        columns=[
            "Metric",
            "Theme",
            "Scope",
            "Latest period in the year",
            "Latest value",
            "Change over the year",
            "Status at year end",
            "Figures",
        ],
    )


def _signed_off_in_year(ctx: _Context, region_id: int) -> set[date]:
    """The quarters of the year the region has signed off (now, not reopened)."""
    reviews = ctx.reads.quarter_reviews([region_id], year_quarters(ctx.year))
    return {_as_date(r.period_start) for r in reviews.itertuples() if r.status == "signed_off"}


def _metric_figure(
    ctx: _Context, row: Any, unit: str, counts_people: bool = True
) -> tuple[str, float | None]:
    numerator = row.numerator_sum if int(row.paired or 0) else None
    denominator = row.denominator_sum if int(row.paired or 0) else None
    return _shown_metric(
        float(row.value_sum),
        numerator,
        denominator,
        unit,
        ctx.threshold,
        national=False,
        counts_people=counts_people,
    )


def _national_metric_table(
    ctx: _Context, region_ids: list[int], definitions: pd.DataFrame, theme_names: dict[int, str]
) -> tuple[pd.DataFrame, list[Spc]]:
    """The national core metrics' table, and each one's SPC section (from the same
    national figures, up to the end of the year)."""
    rows = []
    charts = []
    national = definitions[definitions["scope"] == "national"]
    every_series = ctx.reads.national_series_by_metric(
        region_ids, dict(zip(national["id"], national["unit"], strict=True))
    )
    for metric in national.to_dict("records"):
        series = every_series[metric["id"]]
        days = [_as_date(p) for p in series["period_start"]]
        values = [None if _missing(v) else float(v) for v in series["value"]]
        points = list(zip(days, values, strict=True))
        kind = _frequency_kind(metric.get("frequency") or "quarterly")
        row = {
            "Metric": metric["name"],
            "Theme": theme_names.get(metric["theme_id"], ""),
            "Latest period in the year": "",
            "National figure": "No value in the year",
            "Change over the year": "",
            "Regions counted": "",
            "Status at year end": STATUS_LABELS["not_available"],
        }
        until = [(d, v) for d, v in points if d < ctx.end]
        charts.append(
            Spc(
                f"national-spc-{metric['id']}",
                spc_section(
                    metric["name"],
                    [(d, v) for d, v in until if v is not None],
                    direction=metric.get("direction"),
                    target=metric.get("target_value"),
                    unit=metric["unit"],
                ),
            )
        )
        try:
            result = metric_progress(MetricSpec.from_mapping(metric), until)
            row["Status at year end"] = result.label
        except ValueError:
            pass
        in_year = [(i, d) for i, d in enumerate(days) if ctx.in_year(d) and values[i] is not None]
        if in_year:
            index, day = in_year[-1]
            earlier = [v for d, v in points if d < ctx.start and v is not None]
            row["Latest period in the year"] = format_period(day, kind)
            row["National figure"] = format_value(values[index], metric["unit"])
            row["Change over the year"] = _change_words(
                values[index], earlier[-1] if earlier else None, metric["unit"], shown=True
            )
            figure = series.iloc[index]
            row["Regions counted"] = (
                f"{int(figure['regions_counted'])} of {int(figure['regions_total'])}"
            )
        rows.append(row)
    frame = pd.DataFrame(
        rows,
        columns=[
            "Metric",
            "Theme",
            "Latest period in the year",
            "National figure",
            "Change over the year",
            "Regions counted",
            "Status at year end",
        ],
    )
    return frame, charts


# -------------------------------------------------------------------------- projects


def _projects_in_year(ctx: _Context, frame: pd.DataFrame) -> pd.DataFrame:
    def overlaps(start: Any, end: Any) -> bool:
        starts_in_time = _missing(start) or _as_date(start) < ctx.end
        ends_in_time = _missing(end) or _as_date(end) >= ctx.start
        return starts_in_time and ends_in_time

    keep = [overlaps(s, e) for s, e in zip(frame["start_date"], frame["end_date"], strict=True)]
    return _rows(frame, keep).reset_index(drop=True)


def _project_counts(mine: pd.DataFrame) -> dict[str, int]:
    counts = mine["status"].value_counts()
    return {code: int(counts.get(code, 0)) for code in PROJECT_STATUSES}


def _people_total(mine: pd.DataFrame) -> int | None:
    known = [int(v) for v in mine["people_reached"] if not _missing(v)]
    return sum(known) if known else None


def _region_projects_table(ctx: _Context, mine: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Project": mine["title"],
            "Place": mine["place"],
            "Status now": [
                PROJECT_STATUSES[s].label if s in PROJECT_STATUSES else s for s in mine["status"]
            ],
            "Started": ["" if _missing(d) else _day_words(_as_date(d)) for d in mine["start_date"]],
            "People reached": [_people(v, ctx.threshold, False) for v in mine["people_reached"]],
            "Themes": mine["themes"],
        },
        columns=["Project", "Place", "Status now", "Started", "People reached", "Themes"],
    ).reset_index(drop=True)


def _commitment_row(
    name: str, mine: pd.DataFrame, people: Any, aim: int | None = None, *, national: bool = False
) -> dict[str, Any]:
    """A region's projects against the aim it set itself, or (``national``) all regions'
    against the plan's commitment of three across the organisation."""
    counts = _project_counts(mine)
    counted = counted_toward(counts)
    if national:
        commitment = Commitment(name, counted)
        aim_words, against = f"The plan's {commitment.target}", commitment.style.label
    else:
        region = RegionProjects(name, counted, aim)
        aim_words = region.aim_words
        against = region.style.label if region.style else "No aim of its own"
    return {
        "Region": name,
        "Projects in the year": len(mine),
        "Active": counts["active"],
        "Completed": counts["completed"],
        "Active or completed": str(counted),
        "Own aim": aim_words,
        "Against its aim": against,
        "People reached": people,
    }


def _theme_tags_note(ctx: _Context) -> str:
    """' The themes ... are proposed, not yet confirmed ...' while they are."""
    note = ctx.reads.theme_tags_note()
    return f" {note}" if note else ""


# -------------------------------------------------------------------------- feedback


def _feedback_row(ctx: _Context, name: str, items: pd.DataFrame) -> dict[str, Any]:
    figures = feedback_figures(
        feedback_as_at(items, ctx.end, ctx.start), min(ctx.last_day, ctx.today)
    )
    return {
        "Region": name,
        "Received in the year": figures.total,
        "Answered by 31 March": figures.answered,
        "Share answered": format_share(figures.share_answered),
        "Median days to respond": format_days(figures.median_days_to_respond),
        "Still waiting on 31 March": figures.waiting,
    }


# ---------------------------------------------------------------------------- equity


def _equity_blocks(
    ctx: _Context,
    region_ids: list[int],
    national: bool,
    characteristics: dict[str, eq.CharacteristicInfo],
    key: str,
    level: int = 3,
) -> list[Block]:
    view = eq.View(exact=national, threshold=ctx.threshold, national=national)
    blocks: list[Block] = []
    found = False
    for code in EQUITY_MEASURES:
        measure = eq.MEASURES[code]
        chosen = _equity_counts(ctx, region_ids, measure, characteristics)
        if chosen is None:
            continue
        char_code, counts, when = chosen
        found = True
        info = characteristics[char_code]
        blocks.extend(
            _equity_measure(ctx, region_ids, measure, info, counts, when, view, key, level)
        )
    if not found:
        blocks.append(Paragraph("There are no equity figures by ethnicity for this year."))
    return blocks


def _equity_counts(
    ctx: _Context,
    region_ids: list[int],
    measure: eq.Measure,
    characteristics: dict[str, eq.CharacteristicInfo],
) -> tuple[str, pd.DataFrame, str] | None:
    """(characteristic, counts by group, when in words) for the year, or None."""
    for char_code in ETHNICITY_CHARACTERISTICS:
        if char_code not in characteristics:
            continue
        frame = ctx.reads.equity_counts(region_ids, measure.code, char_code)
        if frame.empty:
            continue
        days = [_as_date(p) for p in frame["period_start"]]
        frame = _rows(frame, [ctx.in_year(d) for d in days])
        if frame.empty:
            continue
        if measure.kind == "count" or measure.frequency == "year":
            latest = max(_as_date(p) for p in frame["period_start"])
            frame = _rows(frame, [_as_date(p) == latest for p in frame["period_start"]])
            when = format_period(latest, measure.frequency)
            if measure.kind == "count":
                when += ", the latest quarter of the year with figures"
        else:
            quarters = sorted({_as_date(p) for p in frame["period_start"]})
            when = (
                f"{len(quarters)} quarters of {year_label(ctx.year)} added together"
                if len(quarters) != 1
                else format_period(quarters[0])
            )
        summed = (
            frame.assign(
                numerator=frame["numerator"].astype("float64"),
                denominator=frame["denominator"].astype("float64"),
            )
            .groupby("group", as_index=False)[["numerator", "denominator"]]
            .sum(min_count=1)
        )
        summed["numerator"] = summed["numerator"].astype("int64")
        return char_code, summed, when
    return None


def _with_interval(value: Any, low: Any, high: Any, places: int | None) -> str:
    """``25.0 (9.6 to 49.4)``; ``places`` None: as already rounded (``25 (10 to 49)``)."""
    if _missing(value):
        return ""

    def text_of(number: Any) -> str:
        if places is None:
            return format_value(float(number))
        return f"{float(number):,.{places}f}"

    text = text_of(value)
    if _missing(low) or _missing(high):
        return text
    return f"{text} ({text_of(low)} to {text_of(high)})"


def _compact_equity(
    display: pd.DataFrame, measure: eq.Measure, controlled: bool = False
) -> pd.DataFrame:
    """``core.equity.display_table`` with each figure and its 95% interval in one cell,
    so the published table fits a page. ``controlled``: the figures are shown as the
    disclosure rule rounded them (whole percentages below a rounded 4,000)."""
    value, ratio = eq.value_label(measure), eq.ratio_label(measure)
    counts = [measure.numerator]
    counts.append(measure.denominator if measure.kind == "proportion" else "Local population")
    out = display[["Group", *counts]].copy()
    for column in counts:  # suppressed counts come as text: "*", or digits to show as numbers
        out[column] = [int(v) if isinstance(v, str) and v.isdigit() else v for v in out[column]]
    out[f"{value} (95% CI)"] = [
        _with_interval(v, lo, hi, None if controlled else 1)
        for v, lo, hi in zip(
            display[value], display["Lower 95% limit"], display["Upper 95% limit"], strict=True
        )
    ]
    if measure.kind == "count":
        out["Share of local population (%)"] = display["Share of local population (%)"]
    out[f"{ratio} (95% CI)"] = [
        _with_interval(v, lo, hi, 2)
        for v, lo, hi in zip(
            display[ratio],
            display[f"{ratio}: lower 95% limit"],
            display[f"{ratio}: upper 95% limit"],
            strict=True,
        )
    ]
    out["Significant difference"] = display["Significant difference"]
    out["Note"] = display["Note"]
    return out


def _equity_measure(
    ctx: _Context,
    region_ids: list[int],
    measure: eq.Measure,
    info: eq.CharacteristicInfo,
    counts: pd.DataFrame,
    when: str,
    view: eq.View,
    key: str,
    level: int,
) -> list[Block]:
    names = [g.name for g in eq.analysis_groups(counts["group"], info.groups)]
    heading = Heading(f"{measure.label}, by {eq.characteristic_noun(info.name).lower()}", level)
    if not names:
        return [heading, Paragraph("Every record has the group not stated or not known.")]
    reference = (
        eq.EVERYONE_ELSE if measure.kind == "count" else eq.default_reference(info.code, names)
    )
    population = None
    if measure.kind in ("count", "rate"):
        population = ctx.reads.population_for(region_ids, info.code, ctx.year).frame
    analysis = eq.analyse(
        measure,
        counts,
        population,
        info.groups,
        reference,
        threshold=ctx.threshold,
        disclosed=view.suppressed,
    )
    blocks: list[Block] = [heading, Paragraph(f"{measure.description} Figures: {when}.")]
    sentences = eq.disparity_sentences(analysis, measure, reference)
    if measure.kind in ("count", "rate") and (population is None or population.empty):
        blocks.append(Paragraph("There are no local population figures to compare with."))
    elif sentences:
        blocks.extend(Paragraph(s) for s in sentences)
    else:
        blocks.append(Paragraph(eq.no_disparity_sentence(analysis, measure, reference)))
    missing = eq.missing_data(counts, info.groups, measure)
    blocks.append(
        Paragraph(
            eq.missing_sentence(
                info.name, measure, missing, exact=view.national, threshold=ctx.threshold
            )
        )
    )
    reference_note = (
        ""
        if measure.kind == "count"
        else f"Each group is compared with {eq.group_phrase(reference, measure.people)}. "
    )
    blocks.append(
        Table(
            key=f"{key}-equity-{measure.code}",
            caption=f"{measure.label} by {eq.characteristic_noun(info.name).lower()} ({when})",
            frame=_compact_equity(
                eq.display_table(analysis, measure, view), measure, view.suppressed
            ),
            note=reference_note
            + "CI: the 95% confidence interval, the range the true value is likely to lie "
            "in. A difference is significant when the ratio's interval does not include 1."
            + ("" if view.national else " " + percentage_note(ctx.threshold)),
        )
    )
    return blocks


# --------------------------------------------------------------------------- sections

#: The report's own sections, in order ("about" opens every report; the others are the
#: national report's summary, before a section for each region).
NATIONAL_SECTIONS = {
    "about": "About this report",
    "themes": "Theme statuses",
    "metrics": "National core metrics",
    "projects": "Community projects",
    "feedback": "Feedback: you said, we did",
    "equity": "Equity by ethnicity",
}


class _Inputs:
    """What the sections are made from, each read the first time a section needs it."""

    def __init__(self, ctx: _Context, region_ids: list[int]) -> None:
        self.ctx, self.region_ids = ctx, region_ids

    @functools.cached_property
    def themes(self) -> pd.DataFrame:
        return self.ctx.reads.theme_statuses(self.region_ids, until=self.ctx.end)

    @functools.cached_property
    def metrics(self) -> pd.DataFrame:
        return self.ctx.reads.metric_statuses(self.region_ids, until=self.ctx.end)

    @functools.cached_property
    def theme_names(self) -> dict[int, str]:
        themes = self.ctx.reads.monitoring_themes()
        return dict(zip(themes["id"], themes["name"], strict=True))

    @functools.cached_property
    def projects(self) -> pd.DataFrame:
        return _projects_in_year(self.ctx, self.ctx.reads.projects(self.region_ids))

    @functools.cached_property
    def feedback(self) -> pd.DataFrame:
        # Only the year's feedback counts (see core.feedback_rules.as_at).
        return self.ctx.reads.feedback_timings(
            self.region_ids,
            received_from=self.ctx.start,
            received_before=self.ctx.end,
        )

    @functools.cached_property
    def characteristics(self) -> dict[str, eq.CharacteristicInfo]:
        return self.ctx.reads.characteristics()


def _about(
    ctx: _Context, scope_name: str, region_ids: list[int], national: bool, demo: bool
) -> Section:
    blocks: list[Block] = []
    if demo:
        blocks.append(Paragraph(DEMO_NOTICE))
    blocks.append(
        Paragraph(
            "Rethink Mental Illness delivers NHS England's Patient and Carer Race Equality "
            "Framework through its Advancing Mental Health Equalities plan, and commits to "
            "publishing its findings every year. This report covers "
            f"{period_words(ctx.year)} for "
            + ("all regions together." if national else f"{scope_name}.")
        )
    )
    if ctx.end > ctx.today:
        blocks.append(
            Paragraph(
                f"The year {year_label(ctx.year)} is not over yet: the figures are those "
                f"entered by {_day_words(ctx.today)}."
            )
        )
    blocks.append(
        Paragraph(
            "It covers the six monitoring themes, the metrics, the community engagement "
            'projects, how we answered feedback ("You said, we did") and equity figures '
            "by ethnicity."
            + (" A section for each region follows the national summary." if national else "")
        )
    )
    blocks.append(Heading("Which figures are final"))
    blocks.append(
        Paragraph(
            "Each quarter the regional lead submits the region's figures and the Regional "
            "Forum reviews and signs them off at a meeting. " + PROVISIONAL_NOTE
        )
    )
    periods = year_quarters(ctx.year)
    blocks.append(
        Table(
            key="about-sign-off",
            caption=f"Quarters of {year_label(ctx.year)} signed off by the Regional Forum",
            frame=pd.DataFrame(
                sign_off_table(
                    {r: ctx.region_names[r] for r in region_ids},
                    ctx.reads.quarter_reviews(region_ids, periods).to_dict("records"),
                    periods,
                )
            ),
        )
    )
    blocks.append(Heading("Disclosure control"))
    blocks.append(Paragraph(rule_text(ctx.threshold)))
    blocks.append(
        Paragraph(
            "In this report the rule applies to every count of people below national "
            "level: people reached by community projects; the people in the equity "
            "figures (people supported, survey answers, detentions and local population); "
            "and the counts of metrics that count people. Every percentage, rate, share, "
            "confidence interval and ratio below national level is worked out from the "
            "rounded counts, so it gives away nothing the rounded counts do not: 7 of 21 "
            "people is shown as 5 of 20, 25%, not 33.3%. Such percentages are whole numbers "
            f"unless the rounded total is at least {LARGE_DENOMINATOR:,}. A metric percentage "
            f"or rate is not shown when its numerator or denominator is below {ctx.threshold}, "
            "and a change over the year is worked out from the figures as shown. Counts of "
            "things rather than people (plan actions, pieces of feedback, and metrics that "
            "count events or agreements) are shown exactly, as are the share of feedback "
            "answered and the days taken to respond. Figures for all regions together are "
            "not rounded."
        )
    )
    blocks.append(Heading("How statuses are worked out"))
    blocks.extend(Paragraph(text) for text in METHOD_SENTENCES)
    blocks.append(
        Paragraph(
            f"Statuses are as they stood at the end of the year, from values up to "
            f"{_day_words(ctx.last_day)}. A status set by hand by a regional lead is shown as "
            "set now. Plan actions and project statuses are as they stand on "
            f"{_day_words(ctx.today)}, the day this report was made."
        )
    )
    return Section("about", NATIONAL_SECTIONS["about"], tuple(blocks))


def _region_section(
    ctx: _Context,
    region_id: int,
    inputs: _Inputs,
    *,
    with_spc: bool = True,
) -> Section:
    """A region's section; ``with_spc``: with the SPC chart of each of its national core
    metrics (in the region's own report; the national report carries the national SPC
    charts only, or it would draw one for every metric in every region)."""
    themes, metrics, projects = inputs.themes, inputs.metrics, inputs.projects
    feedback, characteristics, theme_names = (
        inputs.feedback,
        inputs.characteristics,
        inputs.theme_names,
    )
    name = ctx.region_names[region_id]
    key = f"region-{_slug(ctx.region_codes.get(region_id, name))}"
    blocks: list[Block] = [
        Paragraph(
            f"{name}: figures below national level, with NHS disclosure control applied to "
            "counts of people."
        ),
        Heading("Theme statuses"),
    ]
    mine = themes[themes["region_id"] == region_id]
    blocks.append(
        Table(
            key=f"{key}-themes",
            caption=f"{name}: the six monitoring themes at the end of {year_label(ctx.year)}",
            frame=_theme_table(mine),
            note="Actions are counted in every theme they serve." + _theme_tags_note(ctx),
        )
    )

    blocks.append(Heading("Metrics"))
    definitions = ctx.reads.metric_definitions(region_id)
    frequencies = dict(zip(definitions["id"], definitions["frequency"], strict=True))
    people = {
        int(i): bool(c)
        for i, c in zip(definitions["id"], definitions["counts_people"], strict=True)
    }
    totals = ctx.reads.period_totals([region_id], definitions["id"].tolist())
    metric_rows = metrics[metrics["region_id"] == region_id]
    if metric_rows.empty:
        blocks.append(Paragraph("No metrics are set up for this region."))
    else:
        blocks.append(
            Table(
                key=f"{key}-metrics",
                caption=f"{name}: metrics in {year_label(ctx.year)}",
                frame=_regional_metric_table(
                    ctx,
                    metric_rows,
                    totals,
                    frequencies,
                    theme_names,
                    people,
                    signed_off=_signed_off_in_year(ctx, region_id),
                ),
                note="Change over the year: the latest value in the year against the last "
                "value before the year began. " + percentage_note(ctx.threshold),
            )
        )
        if with_spc:
            blocks.extend(_region_spc(ctx, key, metric_rows, totals, definitions, people))

    blocks.append(Heading("Community projects"))
    in_region = projects[projects["region_id"] == region_id]
    counts = _project_counts(in_region)
    aim = ctx.reads.project_aims([region_id]).get(region_id)
    commitment = RegionProjects(name, counted_toward(counts), aim)
    people = _people(_people_total(in_region), ctx.threshold, False)
    blocks.append(
        Paragraph(
            f"{commitment.sentence}. The plan commits Rethink to at least three "
            f"place-based projects across the whole organisation, not in each region. "
            f"People reached: {people}."
        )
    )
    if in_region.empty:
        blocks.append(Paragraph("No community projects ran in this region during the year."))
    else:
        blocks.append(
            Table(
                key=f"{key}-projects",
                caption=f"{name}: community projects running in {year_label(ctx.year)}",
                frame=_region_projects_table(ctx, in_region),
                note=COMMITMENT_RULE,
            )
        )

    blocks.append(Heading("Feedback: you said, we did"))
    row = _feedback_row(ctx, name, feedback[feedback["region_id"] == region_id])
    row.pop("Region")
    blocks.append(
        Table(
            key=f"{key}-feedback",
            caption=f"{name}: feedback received in {year_label(ctx.year)}",
            frame=pd.DataFrame([row]),
            note="Answered: responded to or closed by 31 March. Pieces of feedback are "
            "not counts of people, so they are shown exactly.",
        )
    )

    blocks.append(Heading("Equity by ethnicity"))
    blocks.extend(_equity_blocks(ctx, [region_id], False, characteristics, key, level=4))
    return Section(key, name, tuple(blocks))


def _region_spc(
    ctx: _Context,
    key: str,
    metric_rows: pd.DataFrame,
    totals: pd.DataFrame,
    definitions: pd.DataFrame,
    people: dict[int, bool],
) -> list[Block]:
    """The SPC section of each of the region's national core metrics, from the figures as
    the report publishes them (under disclosure control, up to the end of the year)."""
    national = metric_rows[metric_rows["scope"] == "national"]
    if national.empty:
        return []
    by_id = {int(d["id"]): d for d in definitions.to_dict("records")}
    series: dict[int, list[tuple[date, Any]]] = {}
    for row in totals.itertuples(index=False):
        day = _as_date(row.period_start)
        if day < ctx.end:
            series.setdefault(int(row.metric_id), []).append((day, row))
    blocks: list[Block] = [Heading("Variation (SPC)", 4), Paragraph(SPC_KEY)]
    for metric in national.itertuples(index=False):
        metric_id = int(metric.metric_id)
        definition = by_id.get(metric_id, {})
        counts = people.get(metric_id, True)
        points = [
            (day, _metric_figure(ctx, row, metric.unit, counts)[1])
            for day, row in sorted(series.get(metric_id, []), key=lambda pair: pair[0])
        ]
        section = spc_section(
            metric.name,
            points,
            direction=definition.get("direction"),
            target=definition.get("target_value"),
            unit=metric.unit,
        )
        blocks.append(Spc(f"{key}-spc-{metric_id}", section, level=5))
    return blocks


def _national_sections(
    ctx: _Context, region_ids: list[int], inputs: _Inputs, wanted: Collection[str]
) -> list[Section]:
    """The national report's own sections (after "About"), those in ``wanted`` only:
    each reads only what it shows."""
    builders = {
        "themes": _national_themes,
        "metrics": _national_metrics,
        "projects": _national_projects,
        "feedback": _national_feedback,
        "equity": _national_equity,
    }
    return [builders[key](ctx, region_ids, inputs) for key in builders if key in wanted]


def _national_themes(ctx: _Context, region_ids: list[int], inputs: _Inputs) -> Section:
    label = year_label(ctx.year)
    themes, metrics = inputs.themes, inputs.metrics
    return Section(
        "themes",
        NATIONAL_SECTIONS["themes"],
        (
            Paragraph(
                "The national status of a theme combines every region's metrics of "
                "that theme in the same way as a region's own status."
            ),
            Table(
                key="national-themes",
                caption=f"The six monitoring themes nationally at the end of {label}",
                frame=_national_theme_table(themes, metrics),
            ),
            Table(
                key="national-theme-grid",
                caption=f"Each region's theme statuses at the end of {label}",
                frame=_theme_grid(themes, ctx.region_names),
                note="Statuses are given in words; see each region's section for why.",
            ),
        ),
    )


def _national_metrics(ctx: _Context, region_ids: list[int], inputs: _Inputs) -> Section:
    label = year_label(ctx.year)
    definitions = ctx.reads.metric_definitions(region_ids[0]) if region_ids else pd.DataFrame()
    frame, charts = (
        _national_metric_table(ctx, region_ids, definitions, inputs.theme_names)
        if region_ids
        else (pd.DataFrame(), [])
    )
    spc_blocks: list[Block] = (
        [Heading("Variation (SPC)"), Paragraph(SPC_KEY), *charts] if charts else []
    )
    return Section(
        "metrics",
        NATIONAL_SECTIONS["metrics"],
        (
            Paragraph(
                "The national figure pools every region's numerators and denominators "
                "for a percentage or rate when all regions give them (so a bigger region "
                "counts for more), adds counts together, and otherwise averages the "
                "regions' values."
            ),
            Table(
                key="national-metrics",
                caption=f"National core metrics in {label}",
                frame=frame,
                note="Change over the year: the latest national figure in the year "
                "against the last one before the year began.",
            ),
            *spc_blocks,
        ),
    )


def _national_projects(ctx: _Context, region_ids: list[int], inputs: _Inputs) -> Section:
    label = year_label(ctx.year)
    projects = inputs.projects
    projects_of = dict(tuple(projects.groupby("region_id")))
    aims = ctx.reads.project_aims(region_ids)
    project_rows = [
        _commitment_row(
            ctx.region_names[r],
            mine,
            _people(_people_total(mine), ctx.threshold, False),
            aims.get(r),
        )
        for r in region_ids
        for mine in [projects_of.get(r, projects.iloc[0:0])]
    ]
    total_people = _people_total(projects)
    national_projects = _commitment_row(
        NATIONAL_NAME, projects, _people(total_people, ctx.threshold, True), national=True
    )
    counted = national_projects["Active"] + national_projects["Completed"]
    met = counted >= COMMITMENT_TARGET
    return Section(
        "projects",
        NATIONAL_SECTIONS["projects"],
        (
            Paragraph(
                f"{counted} community engagement projects were active or completed across "
                "all regions, "
                + (
                    f"reaching {total_people:,} people. "
                    if total_people is not None
                    else "with no count of people reached recorded. "
                )
                + (
                    "That meets the plan's commitment of at least three place-based "
                    "projects across the organisation."
                    if met
                    else "That is below the plan's commitment of at least three place-based "
                    "projects across the organisation."
                )
            ),
            Table(
                key="national-projects",
                caption=f"Community projects running in {label}, by region",
                frame=pd.DataFrame([*project_rows, national_projects]),
                note=COMMITMENT_RULE
                + " People reached is rounded for each region and exact for all regions.",
            ),
        ),
    )


def _national_feedback(ctx: _Context, region_ids: list[int], inputs: _Inputs) -> Section:
    label = year_label(ctx.year)
    feedback = inputs.feedback
    by_region = dict(tuple(feedback.groupby("region_id")))
    feedback_rows = [
        _feedback_row(ctx, ctx.region_names[r], by_region.get(r, feedback.iloc[0:0]))
        for r in region_ids
    ]
    feedback_rows.append(_feedback_row(ctx, NATIONAL_NAME, feedback))
    return Section(
        "feedback",
        NATIONAL_SECTIONS["feedback"],
        (
            Paragraph(
                "Feedback from service users, carers, Experts by Experience, the advisory "
                "boards, Regional Forums and partners, received during the year, and "
                "whether it had been answered by 31 March."
            ),
            Table(
                key="national-feedback",
                caption=f"Feedback received in {label}, by region",
                frame=pd.DataFrame(feedback_rows),
                note="Pieces of feedback are not counts of people, so they are shown exactly.",
            ),
        ),
    )


def _national_equity(ctx: _Context, region_ids: list[int], inputs: _Inputs) -> Section:
    blocks = _equity_blocks(ctx, region_ids, True, inputs.characteristics, "national")
    return Section("equity", NATIONAL_SECTIONS["equity"], tuple(blocks))


@cached_read()  # the report reads nearly every kind of record: any change rebuilds it
def cached_report(
    session: Session,
    region_ids: Sequence[int] | None,
    year: int,
    region_id: int | None = None,
    *,
    threshold: int = DEFAULT_THRESHOLD,
    demo: bool = False,
    today: date | None = None,
    regions_in_detail: Sequence[int] | None = None,
    sections: Collection[str] | None = None,
) -> AnnualReport:
    """:func:`build_report`, kept until something in its regions (``region_ids``: the
    region, or None for the national report) changes."""
    return build_report(
        session,
        year,
        region_id,
        threshold=threshold,
        demo=demo,
        today=today,
        regions_in_detail=regions_in_detail,
        sections=sections,
    )


def build_report(
    session: Session,
    year: int,
    region_id: int | None = None,
    *,
    threshold: int = DEFAULT_THRESHOLD,
    demo: bool = False,
    today: date | None = None,
    regions_in_detail: Sequence[int] | None = None,
    sections: Collection[str] | None = None,
) -> AnnualReport:
    """The report for financial year ``year`` (2025: 2025/26): national with a section
    per region when ``region_id`` is None, else that region alone.

    A preview shows one section at a time, so it need not build them all:
    ``regions_in_detail`` limits the regions given a section of their own (None: every
    region), and ``sections`` the report's other sections (keys of
    :data:`NATIONAL_SECTIONS`; None: all of them). A region's section is the same in the
    national report as in its own, but for the SPC charts of its metrics (in its own only)."""
    today = today or date.today()
    reads = ReportReads(session)
    regions = reads.regions()
    names = dict(zip(regions["id"].astype(int), regions["name"], strict=True))
    codes = dict(zip(regions["id"].astype(int), regions["code"], strict=True))
    if region_id is not None and region_id not in names:
        raise ValueError("There is no such region.")
    ctx = _Context(reads, year, threshold, today, names, codes)
    region_ids = list(names) if region_id is None else [region_id]
    inputs = _Inputs(ctx, region_ids)
    wanted = set(NATIONAL_SECTIONS) if sections is None else set(sections)

    scope_name = NATIONAL_NAME if region_id is None else names[region_id]
    built = (
        [_about(ctx, scope_name, region_ids, region_id is None, demo)] if "about" in wanted else []
    )
    if region_id is None:
        built.extend(_national_sections(ctx, region_ids, inputs, wanted))
    detailed = region_ids if regions_in_detail is None else set(regions_in_detail)
    built.extend(
        _region_section(ctx, r, inputs, with_spc=region_id is not None)
        for r in region_ids
        if r in detailed
    )
    return AnnualReport(
        year=year,
        region_id=region_id,
        scope_name=scope_name,
        threshold=threshold,
        demo=demo,
        generated_on=today,
        sections=tuple(built),
    )


# -------------------------------------------------------------------------- rendering


def _cell(value: Any) -> str:
    """One table cell as text: blank for missing, thousands separators for numbers."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int) or (hasattr(value, "dtype") and "int" in str(value.dtype)):
        return f"{int(value):,}"
    if isinstance(value, float):
        return "" if math.isnan(value) else format_value(value)
    if isinstance(value, date):
        return _day_words(value)
    return str(value)


def table_cells(frame: pd.DataFrame) -> tuple[list[str], list[list[str]]]:
    """A table's column names and rows as text, for HTML and PDF."""
    columns = [str(c) for c in frame.columns]
    rows = [[_cell(v) for v in row] for row in frame.itertuples(index=False, name=None)]
    return columns, rows


_HTML = """<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ report.title }}</title>
<style>
body { font-family: Arial, Helvetica, sans-serif; line-height: 1.5; color: #1a1a1a;
       max-width: 70rem; margin: 0 auto; padding: 1rem 1.5rem; }
h1 { font-size: 1.9rem; } h2 { margin-top: 2.5rem; border-bottom: 2px solid #0072B2; }
h3 { margin-top: 1.5rem; }
.demo { border: 3px solid #D55E00; padding: 0.75rem 1rem; font-weight: bold; }
.rule { border-left: 4px solid #0072B2; padding-left: 0.75rem; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 0.25rem; font-size: 0.9rem; }
caption { text-align: left; font-weight: bold; padding: 0.25rem 0; }
th, td { border: 1px solid #999999; padding: 0.3rem 0.5rem; text-align: left;
         vertical-align: top; }
th { background: #f0f0f0; }
.note { font-size: 0.85rem; color: #333333; margin-top: 0; }
@media print { h2 { page-break-before: always; } .contents { page-break-after: always; } }
</style>
</head>
<body>
<header>
{% if report.demo %}<p class="demo" role="note">{{ demo_notice }}</p>{% endif %}
<h1>{{ report.title }}</h1>
<p>{{ report.subtitle }}</p>
<p>Made on {{ made_on }}.</p>
<p class="rule">{{ report.rule }}</p>
</header>
<nav class="contents" aria-label="Contents">
<h2>Contents</h2>
<ol>
{% for section in report.sections %}<li><a href="#{{ section.key }}">{{ section.title }}</a></li>
{% endfor %}</ol>
</nav>
<main>
{% for section in report.sections %}
<section id="{{ section.key }}">
<h2>{{ section.title }}</h2>
{% for block in section.blocks %}
{% if block.kind == "heading" %}<h{{ block.level }}>{{ block.text }}</h{{ block.level }}>
{% elif block.kind == "paragraph" %}<p>{{ block.text }}</p>
{% elif block.kind == "spc" %}{{ spc_html(block) }}
{% else %}{% set cells = table_cells(block.frame) %}
{% if cells[1] %}<table>
<caption>{{ block.caption }}</caption>
<thead><tr>{% for column in cells[0] %}<th scope="col">{{ column }}</th>{% endfor %}</tr></thead>
<tbody>
{% for row in cells[1] %}<tr>{% for cell in row %}<td>{{ cell }}</td>{% endfor %}</tr>
{% endfor %}</tbody>
</table>
{% else %}<p><strong>{{ block.caption }}</strong>: no figures.</p>{% endif %}
{% if block.note %}<p class="note">{{ block.note }}</p>{% endif %}
{% endif %}
{% endfor %}
</section>
{% endfor %}
</main>
<footer>
<p class="rule">{{ report.rule }}</p>
{% if report.demo %}<p class="demo" role="note">{{ demo_notice }}</p>{% endif %}
</footer>
</body>
</html>
"""

_ENVIRONMENT = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
_TEMPLATE = _ENVIRONMENT.from_string(_HTML)


def render_html(report: AnnualReport) -> str:
    """The report as one self-contained HTML page; every piece of text is escaped."""
    return _TEMPLATE.render(
        report=report,
        demo_notice=DEMO_NOTICE,
        made_on=_day_words(report.generated_on),
        table_cells=table_cells,
        spc_html=_spc_markup,
    )


def _spc_markup(block: Spc) -> Markup:
    """An SPC block as HTML (``reports.spc_section.spc_html`` escapes every text)."""
    return Markup(spc_html(block.section, block.key, level=block.level))


_NUMBER = re.compile(r"^(\*|[-+]?[\d,]+(\.\d+)?%?)$")


def _pdf_columns(
    pdf: ReportPDF, columns: list[str], rows: list[list[str]], size: float
) -> dict[str, Column]:
    """Column widths from the text (mm, at the table's font size): every column at least
    as wide as its heading's longest word, so no word is split, and the room left shared
    out by how much text each column holds. Columns of numbers are right-aligned."""
    pad = 3.0
    least, wanted, align = [], [], []
    for index, name in enumerate(columns):
        cells = [row[index] for row in rows if row[index]]
        # Remembered widths (ReportPDF.text_width), each different text measured once:
        # the national report at scale 10 has some 82,000 cells, most of them the same
        # few numbers and words.
        different = set(cells)
        word = max((pdf.text_width(pdf.clean(w), "B", size) for w in name.split()), default=4.0)
        widest = max((pdf.text_width(pdf.clean(c), "", size) for c in different), default=4.0)
        words = {w for c in different for w in c.split()}
        cell_word = max((pdf.text_width(pdf.clean(w), "", size) for w in words), default=4.0)
        least.append(max(word, cell_word) + pad)
        wanted.append(max(least[-1], min(widest + pad, 60.0)))
        numeric = bool(cells) and all(_NUMBER.match(cell) for cell in different)
        align.append("RIGHT" if numeric else "LEFT")
    room = pdf.content_width - sum(least)
    extra = [w - m for w, m in zip(wanted, least, strict=True)]
    if room > 0 and sum(extra) > room:
        widths = [m + e * room / sum(extra) for m, e in zip(least, extra, strict=True)]
    else:
        widths = wanted
    pdf.set_font(pdf.family_name, "", size)
    return {
        name: Column(width, how) for name, width, how in zip(columns, widths, align, strict=True)
    }


def render_pdf(report: AnnualReport) -> bytes:
    """The report as a PDF (A4, bookmarked headings), written with ``reports.pdf``."""
    pdf = ReportPDF(report.title, demo=report.demo)
    lines = [f"Made on {_day_words(report.generated_on)}.", report.rule]
    if report.demo:
        lines.insert(0, DEMO_NOTICE)
    pdf.cover(report.title, report.subtitle, lines)
    for number, section in enumerate(report.sections):
        pdf.heading(section.title, 1, new_page=number > 0)
        for block in section.blocks:
            if isinstance(block, Heading):
                pdf.heading(block.text, block.level - 1)
            elif isinstance(block, Paragraph):
                pdf.paragraph(block.text)
            elif isinstance(block, Spc):
                spc_pdf(pdf, block.section)
            else:
                columns, rows = table_cells(block.frame)
                pdf.ensure_space(20)
                pdf.paragraph(block.caption, style="B", after=1)
                size = 7 if len(columns) > 6 else 8
                pdf.table_from_text(
                    columns,
                    rows,
                    columns=_pdf_columns(pdf, columns, rows, size),
                    font_size=size,
                    empty_text="No figures.",
                )
                if block.note:
                    pdf.paragraph(block.note, size=8, style="I")
    return pdf.output_bytes()
