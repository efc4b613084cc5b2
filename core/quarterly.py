"""The quarterly cycle: a region's figures for a quarter are due, submitted by the
regional lead, reviewed and signed off by the Regional Forum at a meeting, locked, and
reopened with a reason when one must change.

Pure rules and wording, shared by every surface: the sign-off page, the forum meeting,
the Overview panel, the reminders, the exports and the reports.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from core.periods import Period, format_period, quarter_start

#: The default number of weeks after a quarter ends that its figures are due.
DEFAULT_DUE_WEEKS = 6

#: The shortest reason accepted for a missing value or for reopening a quarter.
MIN_REASON_LENGTH = 5


class Stage(StrEnum):
    """Where a region's quarter is in the cycle."""

    NOT_DUE = "not_due"
    DUE = "due"
    OVERDUE = "overdue"
    SUBMITTED = "submitted"
    QUESTIONS = "questions"
    SIGNED_OFF = "signed_off"
    REOPENED = "reopened"


#: The stages stored on a review (the others follow from the date alone).
RECORDED = frozenset({Stage.SUBMITTED, Stage.QUESTIONS, Stage.SIGNED_OFF, Stage.REOPENED})

#: Stages in which the regional lead may submit the quarter.
SUBMITTABLE = frozenset({Stage.DUE, Stage.OVERDUE, Stage.REOPENED, Stage.QUESTIONS})

#: Stages in which the Regional Forum may review it (agree, or ask questions).
REVIEWABLE = frozenset({Stage.SUBMITTED})


@dataclass(frozen=True)
class StageStyle:
    label: str
    icon: str
    #: Shown beside the label wherever a stage is named, so it is never colour alone.
    symbol: str
    meaning: str


STAGES: dict[Stage, StageStyle] = {
    Stage.NOT_DUE: StageStyle(
        "Not due yet", ":material/schedule:", "·", "The quarter has not ended yet."
    ),
    Stage.DUE: StageStyle(
        "Due",
        ":material/edit_calendar:",
        "○",
        "The quarter has ended; the regional lead submits its figures by the due date.",
    ),
    Stage.OVERDUE: StageStyle(
        "Overdue",
        ":material/warning:",
        "!",
        "The due date has passed and the figures have not been submitted.",
    ),
    Stage.SUBMITTED: StageStyle(
        "Submitted",
        ":material/outbox:",
        "→",
        "Submitted by the regional lead; waiting for the Regional Forum to review it.",
    ),
    Stage.QUESTIONS: StageStyle(
        "Questions asked",
        ":material/help:",
        "?",
        "The Regional Forum asked questions; the region answers them and submits again.",
    ),
    Stage.SIGNED_OFF: StageStyle(
        "Signed off",
        ":material/verified:",
        "✓",
        "Agreed by the Regional Forum at a meeting; its figures are final and locked.",
    ),
    Stage.REOPENED: StageStyle(
        "Reopened",
        ":material/lock_open:",
        "↺",
        "Reopened by the regional lead to change a figure; it will be submitted and "
        "signed off again.",
    ),
}

#: What every surface says about figures that are not yet signed off.
PROVISIONAL = "provisional"
PROVISIONAL_NOTE = (
    "Figures marked provisional have not yet been signed off by the Regional Forum, so "
    "they may still change."
)


def due_date(period_start: date, weeks: int = DEFAULT_DUE_WEEKS) -> date:
    """The day a quarter's figures are due: ``weeks`` after the quarter's last day."""
    last_day = Period(quarter_start(period_start)).end - timedelta(days=1)
    return last_day + timedelta(weeks=weeks)


def has_ended(period_start: date, today: date) -> bool:
    """True once the quarter's last day has passed."""
    return today >= Period(quarter_start(period_start)).end


def has_begun(period_start: date, today: date) -> bool:
    return quarter_start(period_start) <= today


def stage(
    period_start: date, today: date, status: str | None, weeks: int = DEFAULT_DUE_WEEKS
) -> Stage:
    """Where the quarter is: its recorded status, or (none recorded) what the date says."""
    if status:
        return Stage(status)
    if not has_ended(period_start, today):
        return Stage.NOT_DUE
    return Stage.OVERDUE if today > due_date(period_start, weeks) else Stage.DUE


def stage_text(value: Stage | str) -> str:
    """A stage as shown in a table: its symbol and label (never colour alone)."""
    style = STAGES[Stage(value)]
    return f"{style.symbol} {style.label}"


def is_locked(status: str | None) -> bool:
    """A signed-off quarter's figures cannot change until the quarter is reopened."""
    return status == Stage.SIGNED_OFF


def is_provisional(status: str | None) -> bool:
    """Figures are provisional until their quarter is signed off (again, if reopened)."""
    return status != Stage.SIGNED_OFF


def recent_quarters(today: date, count: int = 4) -> list[date]:
    """The ``count`` quarters that have ended most recently, newest first."""
    current = quarter_start(today)
    out: list[date] = []
    start = current
    while len(out) < count:
        month = start.month - 3
        start = date(start.year - (month < 1), (month - 1) % 12 + 1, 1)
        out.append(start)
    return out


def grid_quarters(today: date, count: int = 4) -> list[date]:
    """The quarters the national grid shows: the current one and the ``count`` before
    it, oldest first."""
    return sorted([quarter_start(today), *recent_quarters(today, count)])


class CycleRefused(ValueError):
    """A step of the cycle that cannot be taken now; the message says why."""


def early_message(period_start: date) -> str:
    return (
        f"{format_period(period_start)} has not ended yet, so its figures are early: they "
        "can be entered, but the quarter can be submitted and signed off only once it ends."
    )


def is_early(period_start: date, kind: str, today: date) -> bool:
    """True for figures of a period (a quarter, or a whole year) that has not ended."""
    return today < Period(period_start, "year" if kind == "year" else "quarter").end


def early_notices(rows: Iterable[Mapping[str, Any]], today: date) -> list[str]:
    """One sentence for each period of the rows that has not ended yet, oldest first,
    saying which rows it holds: their figures are early (they may still be saved)."""
    early: dict[tuple[date, str], list[int]] = {}
    for row in rows:
        kind = row.get("period_kind", "quarter")
        if is_early(row["period_start"], kind, today):
            early.setdefault((row["period_start"], kind), []).append(int(row["row"]))
    notices = []
    for (start, kind), numbers in sorted(early.items()):
        which = f"Row {numbers[0]}" if len(numbers) == 1 else f"Rows {_row_list(numbers)}"
        if kind == "year":
            why = (
                f"{format_period(start, 'year')} has not ended yet, so its figures are early: "
                "they can be saved, and updated once the year ends."
            )
        else:
            why = early_message(start)
        notices.append(f"{which}: {why}")
    return notices


def _row_list(numbers: Sequence[int], limit: int = 6) -> str:
    shown = ", ".join(str(n) for n in numbers[:limit])
    return shown + (f" and {len(numbers) - limit:,} more" if len(numbers) > limit else "")


def future_message(period_start: date) -> str:
    return (
        f"{format_period(period_start)} has not begun yet: figures can be entered once it starts."
    )


def locked_message(period_start: date, signed_off_on: date | None) -> str:
    when = f" on {long_date(signed_off_on)}" if signed_off_on else ""
    return (
        f"{format_period(period_start)} was signed off by the Regional Forum{when}, so its "
        "figures are locked. To change one, the regional lead reopens the quarter with a "
        "reason on the Quarterly sign-off page."
    )


def long_date(day: date | datetime) -> str:
    """``12 March 2026``."""
    return f"{day.day} {day:%B %Y}"


@dataclass(frozen=True)
class MetricForSubmission:
    metric_id: int
    code: str
    name: str
    has_value: bool


def submission_problems(
    metrics: Iterable[MetricForSubmission], reasons: Mapping[int, str]
) -> list[str]:
    """What stops a submission: each metric without a value for the quarter needs a
    short reason. Empty when the quarter can be submitted."""
    problems = []
    for metric in metrics:
        if metric.has_value:
            continue
        reason = (reasons.get(metric.metric_id) or "").strip()
        if len(reason) < MIN_REASON_LENGTH:
            problems.append(
                f"{metric.code} {metric.name} has no value for the quarter: give a short "
                f"reason (at least {MIN_REASON_LENGTH} characters) or enter its value first."
            )
    return problems


def check_reason(reason: str, what: str) -> str:
    """A reason, stripped; refused when shorter than :data:`MIN_REASON_LENGTH`."""
    text = (reason or "").strip()
    if len(text) < MIN_REASON_LENGTH:
        raise CycleRefused(f"Give a reason for {what} (at least {MIN_REASON_LENGTH} characters).")
    return text


@dataclass(frozen=True)
class Attendance:
    """Who was at a Regional Forum meeting, by who they were there as."""

    service_users: int | None = None
    carers: int | None = None
    partners: int | None = None
    staff: int | None = None
    names: str = ""

    LABELS = (
        ("service_users", "Service users"),
        ("carers", "Carers"),
        ("partners", "Community partners"),
        ("staff", "Staff"),
    )

    @property
    def total(self) -> int | None:
        counts = [getattr(self, key) for key, _ in self.LABELS]
        if all(c is None for c in counts):
            return None
        return sum(c or 0 for c in counts)

    @property
    def recorded(self) -> bool:
        return self.total is not None or bool(self.names.strip())

    def problems(self) -> list[str]:
        out = []
        for key, label in self.LABELS:
            value = getattr(self, key)
            if value is not None and (value < 0 or value > 500):
                out.append(f"{label}: give a number from 0 to 500, not {value}.")
        if not self.recorded or (self.total == 0 and not self.names.strip()):
            out.append(
                "Record who was there: the number of service users, carers, community "
                "partners and staff, or their names."
            )
        return out

    def words(self) -> str:
        """``12 people: 5 service users, 3 carers, 2 community partners, 2 staff``."""
        if self.total is None:
            return "Attendance by names only" if self.names.strip() else "Not recorded"
        parts = [
            f"{getattr(self, key)} {label.lower()}"
            for key, label in self.LABELS
            if getattr(self, key)
        ]
        people = "person" if self.total == 1 else "people"
        return f"{self.total} {people}" + (": " + ", ".join(parts) if parts else "")


def year_quarters(year: int) -> list[date]:
    """The four quarter starts of financial year ``year`` (2025: 2025/26)."""
    return [date(year + (m > 12), (m - 1) % 12 + 1, 1) for m in (4, 7, 10, 13)]


def sign_off_words(review: Mapping[str, object] | None) -> str:
    """Whether a quarter is signed off, and when: for the annual report."""
    status = review.get("status") if review else None
    met = review.get("meeting_date") if review else None
    if status == Stage.SIGNED_OFF and isinstance(met, date):
        return f"Signed off at the Regional Forum meeting on {long_date(met)}"
    if status == Stage.REOPENED:
        return "Reopened: figures provisional"
    return "Not signed off: figures provisional"


def sign_off_table(
    names: Mapping[int, str], reviews: Iterable[Mapping[str, object]], periods: list[date]
) -> list[dict[str, str]]:
    """One row per region (in ``names``' order): each quarter's sign-off in words."""
    by_key = {(int(r["region_id"]), r["period_start"]): r for r in reviews}  # type: ignore[call-overload]
    return [
        {"Region": name}
        | {format_period(p): sign_off_words(by_key.get((region_id, p))) for p in periods}
        for region_id, name in names.items()
    ]
