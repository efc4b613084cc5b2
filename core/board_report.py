"""The board report's rules (issue 14): the period it covers and how that period is
named, each national core metric's row of the Making Data Count summary matrix, which
metrics are exceptions, and the words and symbols the report uses.

A report covers an ended quarter or an ended half-year of the financial year (H1 is
April to September, H2 October to March). Every figure is as it stood at the end of the
period: only values of periods starting before :attr:`ReportPeriod.end` count.

An exception is a national core metric whose latest point is special cause of concern,
or whose assurance is "fail" (the process limits lie on the wrong side of the target,
so at this rate it will not be met). A metric with fewer than ``core.spc.MIN_POINTS``
values has no SPC chart and so is never an exception.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pandas as pd

from core import quarterly
from core.compare import STATUS_SYMBOLS
from core.disclosure import suppress_count
from core.feedback_rules import as_at as feedback_as_at
from core.feedback_rules import feedback_figures, format_days
from core.formatting import format_value
from core.periods import Period, format_period, last_ended_quarter, quarter_start, year_label
from core.projects import COUNTS_TOWARD, Commitment, RegionProjects
from core.spc import (
    ASSURANCE_WORDS,
    CONCERN,
    MIN_POINTS,
    POINT_STYLES,
    VARIATION_WORDS,
    SpcView,
    XmrResult,
    break_indexes,
    spc_view,
)

KINDS: tuple[str, ...] = ("quarter", "half")

_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
)  # fmt: skip


@dataclass(frozen=True, order=True)
class ReportPeriod:
    """A quarter or half-year of the financial year, by its first day."""

    kind: str
    start: date

    def __post_init__(self) -> None:
        months = (4, 7, 10, 1) if self.kind == "quarter" else (4, 10)
        if self.kind not in KINDS:
            raise ValueError(f"A report covers a quarter or a half-year, not '{self.kind}'.")
        if self.start.day != 1 or self.start.month not in months:
            raise ValueError(f"{self.start:%d %B %Y} does not start a {self.kind}.")

    @property
    def end(self) -> date:
        """The first day after the period."""
        months = 3 if self.kind == "quarter" else 6
        index = self.start.month - 1 + months
        return date(self.start.year + index // 12, index % 12 + 1, 1)

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def label(self) -> str:
        """'Q3 2025/26', or 'H1 2025/26 (April to September 2025)'."""
        if self.kind == "quarter":
            return format_period(self.start)
        last = self.last_day
        if self.start.month == 4:
            span = f"April to September {self.start.year}"
            half = 1
        else:
            span = f"October {self.start.year} to March {last.year}"
            half = 2
        return f"H{half} {year_label(self.start.year)} ({span})"

    @property
    def short_label(self) -> str:
        """'Q3 2025/26' or 'H1 2025/26' (for file names and footers)."""
        return self.label.split(" (")[0]

    @property
    def key(self) -> str:
        """Stable text for the period: 'quarter:2025-10-01'."""
        return f"{self.kind}:{self.start.isoformat()}"

    @classmethod
    def from_key(cls, key: str) -> ReportPeriod:
        """The period :attr:`key` names; ``ValueError`` for anything else."""
        kind, _, day = str(key).partition(":")
        try:
            start = date.fromisoformat(day)
        except ValueError as exc:
            raise ValueError(f"'{key}' does not name a report period.") from exc
        return cls(kind, start)

    @property
    def quarters(self) -> tuple[date, ...]:
        """The starts of the quarters in the period, oldest first."""
        out = [self.start]
        while Period(out[-1]).end < self.end:
            out.append(Period(out[-1]).end)
        return tuple(out)

    def holds(self, day: date) -> bool:
        return self.start <= day < self.end


def report_periods(today: date, count: int = 8) -> list[ReportPeriod]:
    """The periods a report may cover, newest first: the ``count`` quarters that have
    ended by ``today`` and every half-year that ended among them (a half-year after the
    quarter that ends it). The current, unfinished quarter is not offered."""
    quarters = [last_ended_quarter(today)]
    while len(quarters) < count:
        quarters.append(last_ended_quarter(quarters[-1]))
    out: list[ReportPeriod] = []
    for start in quarters:
        quarter = ReportPeriod("quarter", start)
        out.append(quarter)
        if quarter.end.month == 10:
            out.append(ReportPeriod("half", date(start.year, 4, 1)))
        elif quarter.end.month == 4:
            out.append(ReportPeriod("half", date(start.year - 1, 10, 1)))
    return out


def latest_ended_quarter(today: date) -> ReportPeriod:
    return ReportPeriod("quarter", quarter_start(last_ended_quarter(today)))


# ------------------------------------------------------------------ symbols and words

#: A symbol for each kind of SPC point, the shape its chart draws it with
#: (``core.spc.POINT_STYLES``); always shown beside the words, never alone.
VARIATION_SYMBOLS = {
    "common_cause": "●",
    "improvement": "▲",
    "concern": "■",
    "neutral_high": "◆",
    "neutral_low": "◆",
}
#: Making Data Count's letters for assurance: P (pass), F (fail), ? (hit and miss).
ASSURANCE_SYMBOLS = {"pass": "P", "fail": "F", "inconsistent": "?", None: "–"}

NO_ACTION = "No action recorded"
DRAFT = "Draft – not issued"
CONCERN_REASON = "Special cause of concern"
FAIL_REASON = "Failing assurance: at this rate the target will not be met"


def not_enough_words(count: int) -> str:
    """'Not enough data for SPC (7 of 12 quarters)'."""
    return f"Not enough data for SPC ({count} of {MIN_POINTS} quarters)"


def variation_text(view: SpcView) -> str:
    """The variation icon as a symbol and words: '■ Special cause of concern'."""
    result = view.result
    if result is None:
        return not_enough_words(len(view.quarters))
    symbol = VARIATION_SYMBOLS.get(result.variation, POINT_STYLES[result.variation][0])
    side = "H" if result.values[-1] > result.mean else "L"
    letter = f" {side}" if result.variation != "common_cause" else ""
    return f"{symbol}{letter} {VARIATION_WORDS[result.variation]}"


def assurance_text(view: SpcView) -> str:
    """The assurance icon as a symbol and words: 'F The target is consistently missed'."""
    if view.result is None:
        return "No assurance without an SPC chart"
    return f"{ASSURANCE_SYMBOLS[view.result.assurance]} {ASSURANCE_WORDS[view.result.assurance]}"


# ------------------------------------------------------------------ the summary matrix


#: The summary matrix's columns.
SUMMARY_HEADERS = (
    "Metric",
    "Theme",
    "Latest value",
    "Latest period",
    "Target",
    "Variation",
    "Assurance",
)


@dataclass(frozen=True)
class SummaryRow:
    """One national core metric in the summary matrix, as at the end of the period."""

    key: str
    metric_id: int
    metric: str
    theme: str
    latest_period: str
    latest_value: str
    target: str
    unit: str
    view: SpcView
    #: The periods and values (time order) the SPC view was worked out from.
    days: tuple[date, ...]
    values: tuple[float, ...]

    @property
    def points(self) -> int:
        return len(self.values)

    @property
    def variation(self) -> str:
        return variation_text(self.view)

    @property
    def assurance(self) -> str:
        return assurance_text(self.view)

    def as_row(self) -> dict[str, str]:
        cells = (
            self.metric,
            self.theme,
            self.latest_value,
            self.latest_period,
            self.target,
            self.variation,
            self.assurance,
        )
        return dict(zip(SUMMARY_HEADERS, cells, strict=True))


def metric_key(metric_id: int) -> str:
    return f"metric-{int(metric_id)}"


def summary_row(
    metric_id: int,
    name: str,
    theme: str,
    *,
    unit: str,
    direction: str | None,
    target: float | None,
    points: Sequence[tuple[date, float | None]],
    period: ReportPeriod,
    recalculations: Iterable[date] = (),
    yearly: bool = False,
) -> SummaryRow:
    """A metric's row from its national figures (``points``: period start and value,
    oldest first; None where there is none), as at the end of ``period``: the latest
    value in the period, and the SPC view of every value before its end, its limits
    worked out afresh from each of ``recalculations`` (quarter starts)."""
    until = sorted((d, float(v)) for d, v in points if v is not None and d < period.end)
    in_period = [(d, v) for d, v in until if period.holds(d)]
    if in_period:
        day, value = in_period[-1]
        latest_period = format_period(day, "year" if yearly else "quarter")
        latest_value = format_value(value, unit)
    else:
        latest_period, latest_value = "", "No value in the period"
    aim = None if target is None or target != target else float(target)  # NaN: no target
    days = [d for d, _ in until]
    values = tuple(v for _, v in until)
    view = spc_view(
        [format_period(d) for d in days],
        values,
        direction=direction,
        target=aim,
        breaks=break_indexes(days, sorted(recalculations)),
    )
    return SummaryRow(
        key=metric_key(metric_id),
        metric_id=int(metric_id),
        metric=name,
        theme=theme,
        latest_period=latest_period,
        latest_value=latest_value,
        target="No target" if aim is None else format_value(aim, unit),
        unit=unit,
        view=view,
        days=tuple(days),
        values=values,
    )


# ------------------------------------------------------------------------ exceptions


@dataclass(frozen=True)
class ExceptionItem:
    """A metric the board should look at, and why, in plain words."""

    key: str
    metric: str
    reason: str


def exception_reason(view: SpcView, unit: str | None = None) -> str | None:
    """Why a metric is an exception ("Special cause of concern: ..." and/or "Failing
    assurance: ..." with the target and the limit it lies beyond, in ``unit``), or None
    when it is not one (no SPC chart: never)."""
    result = view.result
    if result is None:
        return None
    reasons = []
    if result.variation == CONCERN:
        sentence = view.sentence.rstrip(".")
        reasons.append(sentence if sentence.startswith(CONCERN_REASON) else CONCERN_REASON)
    if result.assurance == "fail":
        reasons.append(_fail_reason(result, unit))
    return ". ".join(reasons) + "." if reasons else None


def _fail_reason(result: XmrResult, unit: str | None) -> str:
    """The failing assurance in words, with the figures that make it."""
    if result.target is None:
        return FAIL_REASON
    above = result.target > result.upper
    side, limit = ("above the upper", result.upper) if above else ("below the lower", result.lower)
    return (
        f"{FAIL_REASON}: the target of {format_value(result.target, unit)} lies {side} "
        f"process limit ({format_value(limit, unit)}), beyond what everyday variation reaches"
    )


def pick_exceptions(rows: Iterable[SummaryRow]) -> tuple[ExceptionItem, ...]:
    """The exceptions among the summary rows, in the matrix's order."""
    out = []
    for row in rows:
        reason = exception_reason(row.view, row.unit)
        if reason is not None:
            out.append(ExceptionItem(row.key, row.metric, reason))
    return tuple(out)


def action_text(actions: Mapping[str, str], key: str) -> str:
    """The lead's words on what is being done about an exception (spaces tidied), or
    :data:`NO_ACTION` when there are none."""
    return " ".join(str(actions.get(key) or "").split()) or NO_ACTION


def overdue_words(days: int) -> str:
    """'3 days overdue', '1 day overdue', '5 weeks overdue' (from 8 weeks: months)."""
    if days < 14:
        return f"{days} day{'s' if days != 1 else ''} overdue"
    if days < 56:
        return f"{days // 7} weeks overdue"
    months = days // 30
    return f"{months} month{'s' if months != 1 else ''} overdue"


def long_date(day: date) -> str:
    """'6 December 2026'."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


# ------------------------------------------------------------------ the other tables

#: How many of each region's overdue actions the report lists (the oldest), and of the
#: organisation-wide ones: the counts cover them all.
OVERDUE_LISTED = 3
#: The name of the row for actions kept once for the whole organisation.
ORGANISATION_WIDE = "Organisation-wide"
#: The name of the row for every region together.
ALL_REGIONS = "All regions"


def _missing(value: object) -> bool:
    try:
        return value is None or bool(pd.isna(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def as_date(value: object) -> date:
    """A date read from a frame (a datetime or a date) as a date."""
    return value.date() if isinstance(value, datetime) else value  # type: ignore[return-value]


def theme_grid(statuses: pd.DataFrame, names: Mapping[int, str]) -> pd.DataFrame:
    """Region by theme (``statuses``: ``db.theme_progress.theme_statuses``): each cell
    the status's symbol and words, never colour alone."""
    order = list(dict.fromkeys(statuses["theme"]))
    rows = []
    for region_id, mine in statuses.groupby("region_id", sort=False):
        row = {"Region": names[int(region_id)]}
        for theme, status, label in zip(
            mine["theme"], mine["status"], mine["status_label"], strict=True
        ):
            row[theme] = f"{STATUS_SYMBOLS.get(status, '?')} {label}"
        rows.append(row)
    return pd.DataFrame(rows, columns=["Region", *order])


def cycle_table(
    names: Mapping[int, str],
    periods: Sequence[date],
    statuses: Mapping[tuple[int, date], str | None],
    today: date,
    weeks: int,
) -> pd.DataFrame:
    """Region by quarter: where each region's quarter is in the cycle on ``today``
    (``statuses``: the recorded status of a region's quarter; the rules of
    ``core.quarterly``, as the national grid applies them)."""
    rows = []
    for region_id, name in names.items():
        row = {"Region": name}
        for period in periods:
            status = statuses.get((region_id, period))
            row[format_period(period)] = quarterly.stage_text(
                quarterly.stage(period, today, status or None, weeks)
            )
        rows.append(row)
    return pd.DataFrame(rows, columns=["Region", *(format_period(p) for p in periods)])


def overdue_tables(
    actions: pd.DataFrame, names: Mapping[int, str], listed: int = OVERDUE_LISTED
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """How many actions were overdue per region (and organisation-wide: ``region_id``
    missing), and the oldest ``listed`` of each with how long overdue. ``actions``:
    ``db.plan.region_actions(..., overdue_only=True)`` rows with ``region_id``."""
    groups: dict[str, pd.DataFrame] = {}
    for region_id, name in names.items():
        groups[name] = actions[actions["region_id"] == region_id]
    groups[ORGANISATION_WIDE] = actions[actions["region_id"].isna()]
    counts, listing = [], []
    for name, mine in groups.items():
        oldest = mine.sort_values(["days_overdue", "id"], ascending=[False, True])
        counts.append(
            {
                "Region": name,
                "Overdue actions": len(mine),
                "Longest overdue": overdue_words(int(oldest["days_overdue"].iloc[0]))
                if len(oldest)
                else "None overdue",
            }
        )
        for row in oldest.head(listed).itertuples(index=False):
            listing.append(
                {
                    "Region": name,
                    "Action": f"{row.code}: {row.title}" if row.code else str(row.title),
                    "Status": str(row.status_label),
                    "Due": long_date(as_date(row.due_date)),
                    "Overdue by": overdue_words(int(row.days_overdue)),
                }
            )
    counts.append(
        {
            "Region": "Total",
            "Overdue actions": len(actions),
            "Longest overdue": overdue_words(int(actions["days_overdue"].max()))
            if len(actions)
            else "None overdue",
        }
    )
    return (
        pd.DataFrame(counts, columns=["Region", "Overdue actions", "Longest overdue"]),
        pd.DataFrame(listing, columns=["Region", "Action", "Status", "Due", "Overdue by"]),
    )


def feedback_table(
    items: pd.DataFrame, names: Mapping[int, str], period: ReportPeriod
) -> pd.DataFrame:
    """ "You said, we did" per region and for all regions: feedback received in the
    period, answered by its end, still waiting at its end, and the median days to
    respond. ``items``: ``db.feedback.feedback_timings`` of the period. Pieces of
    feedback are not counts of people, so they are exact."""
    by_region = dict(tuple(items.groupby("region_id"))) if len(items) else {}
    rows = []
    for region_id, name in [*names.items(), (None, ALL_REGIONS)]:
        mine = items if region_id is None else by_region.get(region_id, items.iloc[0:0])
        figures = feedback_figures(feedback_as_at(mine, period.end), period.last_day)
        rows.append(
            {
                "Region": name,
                "Received": figures.total,
                "Responded": figures.answered,
                "Still waiting": figures.waiting,
                "Median days to respond": format_days(figures.median_days_to_respond),
            }
        )
    return pd.DataFrame(rows)


def _started_by(start: object, period: ReportPeriod) -> bool:
    return _missing(start) or as_date(start) < period.end


def projects_table(
    projects: pd.DataFrame,
    names: Mapping[int, str],
    aims: Mapping[int, int | None],
    period: ReportPeriod,
    threshold: int,
) -> tuple[pd.DataFrame, Commitment]:
    """Each region's community projects started by the end of the period (or without a
    start date) against its own aim, then all regions against the plan's commitment (a
    completed project still counts toward it); people reached under disclosure control
    below national level, exact for all regions. Statuses are as they stand now."""
    keep = [_started_by(start, period) for start in projects["start_date"]]
    running = projects[keep] if len(projects) else projects
    rows = []
    for region_id, name in names.items():
        mine = running[running["region_id"] == region_id]
        counted = int(mine["status"].isin(COUNTS_TOWARD).sum())
        region = RegionProjects(name, counted, aims.get(region_id))
        people = [int(v) for v in mine["people_reached"] if not _missing(v)]
        rows.append(
            {
                "Region": name,
                "Projects started": len(mine),
                "Active or completed": counted,
                "Own aim": region.aim_words,
                "Against its aim": region.marker,
                "People reached": suppress_count(sum(people), threshold=threshold)
                if people
                else "Not recorded",
            }
        )
    counted = int(running["status"].isin(COUNTS_TOWARD).sum()) if len(running) else 0
    commitment = Commitment(ALL_REGIONS, counted)
    people = [int(v) for v in running["people_reached"] if not _missing(v)] if len(running) else []
    rows.append(
        {
            "Region": ALL_REGIONS,
            "Projects started": len(running),
            "Active or completed": counted,
            "Own aim": f"The plan's {commitment.target}",
            "Against its aim": commitment.marker,
            "People reached": f"{sum(people):,}" if people else "Not recorded",
        }
    )
    return pd.DataFrame(rows), commitment
