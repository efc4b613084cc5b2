"""The bi-annual review (SD4 of the AMHE plan): every six months each region records
what went well, what did not, any independent evaluation, and good practice to share.

Half-years follow the UK financial year: H1 is April to September, H2 is October to
March. A half-year is stored by its first day (1 April or 1 October) and shown as
``H1 2026/27`` or, in full, ``April to September 2026 (H1 2026/27)``.

A review is due once its half-year has ended and overdue a number of weeks later: the
same number of weeks as a quarter's figures (``AMHE_FIGURES_DUE_WEEKS``, default 6),
so a region has one deadline rule to remember.

Pure rules and wording, shared by the page, the national table and the demo data.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from core.periods import financial_year_of, year_label
from core.quarterly import DEFAULT_DUE_WEEKS, StageStyle, long_date

#: The shortest text accepted for "what went well" and "what did not".
MIN_TEXT_LENGTH = 5
#: The longest text accepted in any field of a review (characters).
MAX_TEXT_LENGTH = 5000
#: The longest title of a good-practice item.
MAX_TITLE_LENGTH = 200


class ReviewRefused(ValueError):
    """A review or good-practice item that cannot be saved; the message says why."""


@dataclass(frozen=True, order=True)
class HalfYear:
    """A half of the financial year, by its first day (1 April or 1 October)."""

    start: date

    @property
    def number(self) -> int:
        """1 for April to September, 2 for October to March."""
        return 1 if self.start.month == 4 else 2

    @property
    def end(self) -> date:
        """The first day after the half-year."""
        if self.number == 1:
            return date(self.start.year, 10, 1)
        return date(self.start.year + 1, 4, 1)

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def label(self) -> str:
        """``H1 2026/27``."""
        return f"H{self.number} {year_label(financial_year_of(self.start))}"

    @property
    def months(self) -> str:
        """``April to September 2026`` or ``October 2026 to March 2027``."""
        if self.number == 1:
            return f"April to September {self.start.year}"
        return f"October {self.start.year} to March {self.start.year + 1}"

    @property
    def long_label(self) -> str:
        """``April to September 2026 (H1 2026/27)``."""
        return f"{self.months} ({self.label})"

    @property
    def previous(self) -> HalfYear:
        if self.number == 1:
            return HalfYear(date(self.start.year - 1, 10, 1))
        return HalfYear(date(self.start.year, 4, 1))


def half_year_of(day: date) -> HalfYear:
    """The half-year holding ``day``."""
    if 4 <= day.month <= 9:
        return HalfYear(date(day.year, 4, 1))
    return HalfYear(date(day.year if day.month >= 10 else day.year - 1, 10, 1))


def half_year_start(day: date) -> date:
    """The first day of the half-year holding ``day``."""
    return half_year_of(day).start


def format_half_year(start: date) -> str:
    """``date(2026, 4, 1)`` -> ``H1 2026/27``."""
    return half_year_of(start).label


def long_half_year(start: date) -> str:
    """``date(2026, 4, 1)`` -> ``April to September 2026 (H1 2026/27)``."""
    return half_year_of(start).long_label


class Stage(StrEnum):
    """Where a region's review of a half-year is."""

    NOT_DUE = "not_due"
    DUE = "due"
    OVERDUE = "overdue"
    RECORDED = "recorded"


STAGES: dict[Stage, StageStyle] = {
    Stage.NOT_DUE: StageStyle(
        "Not due yet", ":material/schedule:", "·", "The half-year has not ended yet."
    ),
    Stage.DUE: StageStyle(
        "Due",
        ":material/edit_calendar:",
        "○",
        "The half-year has ended; the regional lead records the review by the due date.",
    ),
    Stage.OVERDUE: StageStyle(
        "Overdue",
        ":material/warning:",
        "!",
        "The due date has passed and the review has not been recorded.",
    ),
    Stage.RECORDED: StageStyle(
        "Recorded", ":material/task_alt:", "✓", "The region has recorded its review."
    ),
}


def due_date(start: date, weeks: int = DEFAULT_DUE_WEEKS) -> date:
    """The day a half-year's review is due: ``weeks`` after the half-year's last day."""
    return half_year_of(start).last_day + timedelta(weeks=weeks)


def has_ended(start: date, today: date) -> bool:
    """True once the half-year's last day has passed."""
    return today >= half_year_of(start).end


def stage(start: date, today: date, recorded: bool, weeks: int = DEFAULT_DUE_WEEKS) -> Stage:
    """Where the review is: recorded, or (not recorded) what the date says."""
    if recorded:
        return Stage.RECORDED
    if not has_ended(start, today):
        return Stage.NOT_DUE
    return Stage.OVERDUE if today > due_date(start, weeks) else Stage.DUE


def stage_text(value: Stage | str) -> str:
    """A stage as a table shows it: its symbol and label (never colour alone)."""
    style = STAGES[Stage(value)]
    return f"{style.symbol} {style.label}"


def stage_sentence(start: date, today: date, recorded: bool, weeks: int = DEFAULT_DUE_WEEKS) -> str:
    """What the stage means for this half-year, in one sentence."""
    half = half_year_of(start)
    current = stage(start, today, recorded, weeks)
    due = long_date(due_date(start, weeks))
    if current == Stage.NOT_DUE:
        return f"{half.label} ends on {long_date(half.last_day)}; its review is due by {due}."
    if current == Stage.DUE:
        return f"{half.label} has ended: its review is due by {due}."
    if current == Stage.OVERDUE:
        return f"{half.label}'s review was due by {due} and has not been recorded."
    return f"{half.label}'s review is recorded."


def recent_half_years(today: date, count: int = 2) -> list[date]:
    """The ``count`` half-years that have ended most recently, newest first."""
    out: list[date] = []
    half = half_year_of(today)
    while len(out) < count:
        half = half.previous
        out.append(half.start)
    return out


def table_half_years(today: date, count: int = 2) -> list[date]:
    """The half-years the national table shows: the ``count`` most recently ended and
    the current one, oldest first."""
    return sorted([half_year_start(today), *recent_half_years(today, count)])


def check_review(went_well: str, not_well: str, evaluation: str = "") -> tuple[str, str, str]:
    """A review's three texts, stripped; refused when one is missing or too long."""
    texts = (went_well or "").strip(), (not_well or "").strip(), (evaluation or "").strip()
    for text, what in zip(texts[:2], ("what went well", "what did not go well"), strict=True):
        if len(text) < MIN_TEXT_LENGTH:
            raise ReviewRefused(f"Write {what} (at least {MIN_TEXT_LENGTH} characters).")
    for text in texts:
        if len(text) > MAX_TEXT_LENGTH:
            raise ReviewRefused(
                f"Keep each part of the review under {MAX_TEXT_LENGTH:,} characters."
            )
    return texts


def check_good_practice(title: str, what_was_done: str) -> tuple[str, str]:
    """A good-practice item's title and what was done, stripped; refused when missing."""
    name, done = (title or "").strip(), (what_was_done or "").strip()
    if len(name) < 3:
        raise ReviewRefused("Give the good practice a title (at least 3 characters).")
    if len(name) > MAX_TITLE_LENGTH:
        raise ReviewRefused(f"Keep the title under {MAX_TITLE_LENGTH} characters.")
    if len(done) < MIN_TEXT_LENGTH:
        raise ReviewRefused(
            f"Say what was done, so other regions can learn from it (at least "
            f"{MIN_TEXT_LENGTH} characters)."
        )
    if len(done) > MAX_TEXT_LENGTH:
        raise ReviewRefused(f"Keep what was done under {MAX_TEXT_LENGTH:,} characters.")
    return name, done


def share_words(shared: bool) -> str:
    """Whether a good-practice item is in the library, in words."""
    return "Shared with other regions" if shared else "Kept in the region"


def matches(query: str, texts: Iterable[object]) -> bool:
    """True when every word of ``query`` is in one of ``texts`` (any case); an empty
    query matches everything. The library's simple text filter."""
    words = (query or "").casefold().split()
    if not words:
        return True
    haystack = " ".join("" if t is None else str(t) for t in texts).casefold()
    return all(word in haystack for word in words)


@dataclass(frozen=True)
class GoodPracticeDraft:
    """A good-practice item as a form gives it, before it is saved."""

    title: str
    what_was_done: str
    shared: bool = False

    @property
    def is_blank(self) -> bool:
        return not (self.title or "").strip() and not (self.what_was_done or "").strip()
