"""The plan's actions in words, and the checks on what people type for them.

Pure rules with no database: the limits of each field, the dates an action may carry,
how a status, a due date or an overdue action reads, and how far the national actions'
themes are confirmed. ``db/plan.py`` (the writes) and the Local plan page both use them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from core.errors import WriteRefused
from core.statuses import ACTION_STATUSES

TITLE_MAX = 200
DESCRIPTION_MAX = 5000
OWNER_MAX = 120
NOTE_MAX = 1000
#: Due dates and update dates before this are refused as mistakes (the plan began later).
EARLIEST_DATE = date(2020, 1, 1)
#: How far ahead a due date may be, in years.
LATEST_DUE_YEARS = 10


def today() -> date:
    """Today's date (a function, so tests can move the clock)."""
    return date.today()


def latest_due(on: date) -> date:
    """The latest due date an action may have, as of ``on``."""
    return date(on.year + LATEST_DUE_YEARS, 12, 31)


# --- words ----------------------------------------------------------------------------


def status_label(code: str | None) -> str:
    """'On track' for 'on_track' (the code itself when it is not a status)."""
    style = ACTION_STATUSES.get(code or "")
    return style.label if style else str(code or "")


def action_label(code: str, title: str) -> str:
    """'LG1 Board-level AMHE champion' (plain text, for pickers)."""
    return " ".join(part for part in (code, title) if part)


def action_labels(ids: Iterable, codes: Iterable, titles: Iterable) -> dict[int, str]:
    """Action id to its label, for pickers."""
    return {
        int(i): action_label(code, title) for i, code, title in zip(ids, codes, titles, strict=True)
    }


def overdue_words(days: int) -> str:
    """'Overdue by 1 day' / 'Overdue by 12 days'."""
    return f"Overdue by {days} day{'s' if days != 1 else ''}"


def due_words(due: date | None, *, on: date | None = None) -> str:
    """How a due date reads on the page: 'Due 28 Mar 2027' or 'No due date'."""
    if due is None or pd.isna(due):
        return "No due date"
    on = on or today()
    if due == on:
        return "Due today"
    if due == on + timedelta(days=1):
        return "Due tomorrow"
    return f"Due {due:%d %b %Y}"


@dataclass(frozen=True)
class ThemeConfirmation:
    """How many national actions have themes a national lead has confirmed."""

    confirmed: int
    total: int

    @property
    def complete(self) -> bool:
        return self.confirmed >= self.total

    @property
    def note(self) -> str | None:
        """The sentence pages that count actions by theme show until every national
        action's themes are confirmed (None once they all are)."""
        if self.complete:
            return None
        return (
            "The themes each plan action serves are proposed, not yet confirmed: they were "
            "read from the action's text when the plan was loaded, and a national lead has "
            f"confirmed them for {self.confirmed} of the plan's {self.total} actions so "
            "far. Counts of actions by theme may change when they are confirmed."
        )


# --- checks (shared by the writes; the messages are shown as they are) -----------------


def check_text(value: str | None, what: str, limit: int, *, required: bool = False) -> str:
    """``value`` stripped, refused when required and blank or longer than ``limit``."""
    text = (value or "").strip()
    if required and not text:
        raise WriteRefused(f"Please enter {what}.")
    if len(text) > limit:
        raise WriteRefused(
            f"{what[0].upper()}{what[1:]} is {len(text)} characters long; "
            f"please keep it to {limit} characters or fewer."
        )
    return text


def check_title(value: str | None) -> str:
    return check_text(value, "a title", TITLE_MAX, required=True)


def check_due_date(value: date | None) -> date | None:
    if value is None:
        return None
    latest = latest_due(today())
    if not EARLIEST_DATE <= value <= latest:
        raise WriteRefused(
            f"The due date {value:%d %B %Y} does not look right: choose a date between "
            f"{EARLIEST_DATE:%d %B %Y} and {latest:%d %B %Y}."
        )
    return value


def check_status(value: str) -> str:
    if value not in ACTION_STATUSES:
        raise WriteRefused(
            f"'{value}' is not a status. Choose one of: "
            + ", ".join(s.label for s in ACTION_STATUSES.values())
            + "."
        )
    return value


# --- status and dates agree -------------------------------------------------------------


def _long_day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def needs_update_words(
    status: str | None,
    due: date | None,
    last_update: date | None,
    *,
    on: date | None = None,
) -> str | None:
    """When an action's status and dates disagree, the sentence saying it needs an
    update; None when they agree.

    An action needs an update when its due date has passed, it is not complete, and
    either it still says "On track" or nobody has updated it since it fell due:
    "Needs an update: on track, but its due date passed 159 days ago and its last
    update was 3 March 2024."
    """
    if status == "complete" or due is None or pd.isna(due):
        return None
    on = on or today()
    if due >= on:
        return None
    if last_update is not None and pd.isna(last_update):
        last_update = None
    if status != "on_track" and last_update is not None and last_update > due:
        return None
    days = (on - due).days
    updated = (
        f"its last update was {_long_day(last_update)}"
        if last_update is not None
        else "it has no progress updates yet"
    )
    return (
        f"Needs an update: {status_label(status).lower()}, but its due date passed "
        f"{days} day{'s' if days != 1 else ''} ago and {updated}."
    )
