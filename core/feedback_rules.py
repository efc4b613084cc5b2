"""The rules of the feedback loop ("You said, we did"): what may be written, and the
figures that show how well feedback is answered.

Pure functions, no Streamlit and no database, so the Feedback page, the meeting pack
and the annual report all count in the same way.

No personal details of service users are kept. Nothing can spot a name, but
:func:`personal_details_problem` refuses the easy mistakes: an email address, a phone
number (or another long number, such as an NHS number) and a full postcode.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pandas as pd

from core.statuses import FEEDBACK_SOURCES, FEEDBACK_STATUSES

#: The most characters a summary of feedback may have (the database column holds 500).
SUMMARY_MAX_CHARS = 500
#: The most characters a response, or the action taken, may have.
RESPONSE_MAX_CHARS = 1000

#: Statuses that count as answered: the person has had a response.
ANSWERED_STATUSES = frozenset({"responded", "closed"})
#: Statuses that count as still waiting for a response.
WAITING_STATUSES = frozenset({"received", "in_progress"})

NO_PERSONAL_DETAILS = (
    "Do not include names, contact details or anything that could identify a person."
)

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# A run of digits with the spaces, dots, dashes, brackets and plus signs people put in
# phone numbers. Ten or more digits in one run looks like a phone number (or an NHS
# number, which has ten).
_NUMBER_RUN = re.compile(r"\+?\(?\d[\d\s().-]*\d")
_PHONE_DIGITS = 10
# A full UK postcode, such as "SW1A 1AA" or "m1 1ae" (the outward code alone is an area).
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[ABD-HJLNP-UW-Z]{2}\b", re.IGNORECASE)


def personal_details_problem(text: str, what: str = "The summary") -> str | None:
    """A message saying what looks like a personal detail in ``text``, or None.

    ``what`` names the field in the message ("The summary", "The response").
    """
    if _EMAIL.search(text):
        found = "an email address"
    elif any(
        sum(ch.isdigit() for ch in run.group()) >= _PHONE_DIGITS
        for run in _NUMBER_RUN.finditer(text)
    ):
        found = "a phone number or another identifying number"
    elif _POSTCODE.search(text):
        found = "a full postcode"
    else:
        return None
    return (
        f"{what} seems to contain {found}. Please take it out: we do not keep "
        "personal details here. " + NO_PERSONAL_DETAILS
    )


def summary_problems(summary: str) -> list[str]:
    """What is wrong with a summary of feedback (empty when it may be saved)."""
    text = summary.strip()
    if not text:
        return ["Please write a short summary of the feedback."]
    problems = []
    if len(text) > SUMMARY_MAX_CHARS:
        problems.append(
            f"The summary is {len(text)} characters long. Please keep it to "
            f"{SUMMARY_MAX_CHARS} characters or fewer."
        )
    if problem := personal_details_problem(text, "The summary"):
        problems.append(problem)
    return problems


def response_problems(response: str, action_taken: str, status: str) -> list[str]:
    """What is wrong with a response (empty when it may be saved)."""
    problems = []
    if status not in FEEDBACK_STATUSES:
        problems.append(
            f"'{status}' is not a feedback status. Use one of: "
            + ", ".join(s.label for s in FEEDBACK_STATUSES.values())
            + "."
        )
    if status in ANSWERED_STATUSES and not response.strip():
        problems.append(
            f"Please write the response (what we did) before marking the feedback "
            f"'{FEEDBACK_STATUSES[status].label}'."
        )
    for text, what in ((response, "The response"), (action_taken, "The action taken")):
        text = text.strip()
        if len(text) > RESPONSE_MAX_CHARS:
            problems.append(
                f"{what} is {len(text)} characters long. Please keep it to "
                f"{RESPONSE_MAX_CHARS} characters or fewer."
            )
        if problem := personal_details_problem(text, what):
            problems.append(problem)
    return problems


def source_problem(source: str) -> str | None:
    if source in FEEDBACK_SOURCES:
        return None
    return f"'{source}' is not a feedback source. Use one of: " + ", ".join(FEEDBACK_SOURCES) + "."


# --- figures ----------------------------------------------------------------------


def is_answered(status: str) -> bool:
    return status in ANSWERED_STATUSES


def days_to_respond(received_on: date, responded_on: date) -> int:
    """Whole days from receiving feedback to responding (0 when on the same day)."""
    return max((responded_on - received_on).days, 0)


def _get(item: Any, name: str) -> Any:
    return item[name] if isinstance(item, Mapping) else getattr(item, name)


def _day(value: Any) -> date | None:
    """A date from a date, a datetime or a pandas Timestamp; None for missing values."""
    if value is None or value != value:  # NaN / NaT
        return None
    if hasattr(value, "date") and callable(value.date):
        return value.date()
    return value


def share_answered(statuses: Iterable[str]) -> float | None:
    """The share (0 to 1) of feedback answered (responded or closed); None with none."""
    statuses = list(statuses)
    if not statuses:
        return None
    return sum(is_answered(s) for s in statuses) / len(statuses)


def median_days_to_respond(pairs: Iterable[tuple[date, date | None]]) -> float | None:
    """The median days from received to responded over the pairs that have both dates;
    None when there are none."""
    days = [days_to_respond(r, d) for r, d in pairs if r is not None and d is not None]
    return float(statistics.median(days)) if days else None


def waiting_ages(received: Iterable[date], today: date) -> list[int]:
    """How many days each waiting item has waited (not below 0), oldest first."""
    return sorted((max((today - r).days, 0) for r in received), reverse=True)


@dataclass(frozen=True)
class FeedbackFigures:
    """The headline figures for a set of feedback items."""

    total: int
    answered: int
    share_answered: float | None  # 0 to 1
    median_days_to_respond: float | None
    waiting: int
    oldest_waiting_days: int | None

    def as_row(self) -> dict[str, object]:
        """The figures as a table row in words (for the page and for downloads)."""
        return {
            "Feedback items": self.total,
            "Answered": self.answered,
            "Share answered": format_share(self.share_answered),
            "Median days to respond": format_days(self.median_days_to_respond),
            "Still waiting": self.waiting,
            "Oldest waiting (days)": (
                self.oldest_waiting_days if self.oldest_waiting_days is not None else ""
            ),
        }


def feedback_figures(items: Iterable[Any], today: date) -> FeedbackFigures:
    """The figures for items with ``status``, ``received_on`` and ``responded_on``
    (mappings such as a frame's records, or objects with those attributes).

    The median time to respond uses answered items that have a response date; the
    waiting count and the oldest waiting age use items received or in progress.
    """
    rows = [
        (_get(i, "status"), _day(_get(i, "received_on")), _day(_get(i, "responded_on")))
        for i in items
    ]
    answered = [(r, d) for s, r, d in rows if is_answered(s)]
    waiting = waiting_ages([r for s, r, _ in rows if s in WAITING_STATUSES and r], today)
    return FeedbackFigures(
        total=len(rows),
        answered=len(answered),
        share_answered=share_answered(s for s, _, _ in rows),
        median_days_to_respond=median_days_to_respond(answered),
        waiting=len(waiting),
        oldest_waiting_days=waiting[0] if waiting else None,
    )


def format_share(share: float | None) -> str:
    return "No feedback yet" if share is None else f"{share:.0%}"


def format_days(days: float | None) -> str:
    if days is None:
        return "No responses yet"
    shown = f"{days:.1f}".removesuffix(".0")
    return f"{shown} day" if shown == "1" else f"{shown} days"


# ------------------------------------------------------------------ the page, in words

#: How an item about no one theme is labelled.
NO_THEME = "Not about one theme"
#: The status offered first when changing only the status (closed: reopen it).
NEXT_STATUS = {
    "received": "in_progress",
    "in_progress": "responded",
    "responded": "closed",
    "closed": "in_progress",
}


def day_words(value: date | None) -> str:
    """'5 Dec 2026' (empty when there is no date)."""
    return value.strftime("%-d %b %Y") if isinstance(value, date) else ""


def waiting_sentence(row: Mapping[str, Any], today: date) -> str:
    """When an item was answered, or how long it has waited for a response."""
    if row["status"] in ANSWERED_STATUSES and isinstance(row["responded_on"], date):
        days = days_to_respond(row["received_on"], row["responded_on"])
        return f"Answered on {day_words(row['responded_on'])}, after {format_days(days)}."
    if row["status"] in ANSWERED_STATUSES:
        return "Answered."
    return f"Waiting for a response for {format_days(max((today - row['received_on']).days, 0))}."


def item_label(row: Mapping[str, Any], today: date | None = None) -> str:
    """An item as the picker lists it: date, source and the start of the summary; with
    ``today``, first whether it waits and for how long ("Waiting 34 days ·") or how it
    was answered ("Responded ·")."""
    summary = row["summary"] if len(row["summary"]) <= 60 else row["summary"][:57] + "..."
    label = f"{day_words(row['received_on'])}, {row['source']}: {summary}"
    if today is None:
        return label
    if row["status"] in WAITING_STATUSES:
        days = max((today - row["received_on"]).days, 0)
        return f"Waiting {format_days(days)} · {label}"
    return f"{FEEDBACK_STATUSES[row['status']].label} · {label}"


#: What each status means, in plain words (shown on the Feedback page).
STATUS_MEANINGS = {
    "received": "Received: the feedback is recorded and nobody has answered it yet.",
    "in_progress": "In progress: someone is looking into it; it still waits for an answer.",
    "responded": (
        'Responded: the regional lead has written what we did about it ("We did"), '
        "and the person or group who gave it can be told. It can still be followed up."
    ),
    "closed": (
        "Closed: answered and finished, with nothing more to do. Closing also records "
        "the response date, if it was not answered before."
    ),
}


def we_did(response: object, action_taken: object) -> str:
    """The one "We did" text: the response, and the action taken recorded separately
    before the two became one field (kept, after a blank line, when it says more)."""
    parts: list[str] = []
    for text in (response, action_taken):
        text = text.strip() if isinstance(text, str) else ""
        if text and text not in parts:
            parts.append(text)
    return "\n\n".join(parts)


def feedback_table(items: pd.DataFrame) -> pd.DataFrame:
    """Feedback items (``db.feedback.feedback_items``) in words, for showing and
    downloading."""
    return pd.DataFrame(
        {
            "Received": items["received_on"],
            "Source": items["source"],
            "Theme": items["theme_name"].fillna(""),
            "You said": items["summary"],
            "Status": [FEEDBACK_STATUSES[s].label for s in items["status"]],
            "We did": [
                we_did(r, a) for r, a in zip(items["response"], items["action_taken"], strict=True)
            ],
            "Linked plan action": [
                f"{code} {title}".strip() if isinstance(title, str) else ""
                for code, title in zip(items["action_code"], items["action_title"], strict=True)
            ],
            "Responded": items["responded_on"],
        }
    )


def _day(value: Any) -> date | None:
    if value is None or (not isinstance(value, (date, str)) and pd.isna(value)):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def as_at(items: pd.DataFrame, end: date, start: date | None = None) -> list[dict[str, Any]]:
    """The feedback ``items`` (``received_on``, ``responded_on``) received from ``start``
    (when given) until ``end``, as they stood at ``end``: answered when the response is
    dated before it, else still waiting (records for :func:`feedback_figures`)."""
    records = []
    for received_on, responded_on in zip(items["received_on"], items["responded_on"], strict=True):
        received = _day(received_on)
        if received is None or (start is not None and not start <= received < end):
            continue
        responded = _day(responded_on)
        answered = responded is not None and responded < end
        records.append(
            {
                "status": "responded" if answered else "in_progress",
                "received_on": received,
                "responded_on": responded if answered else None,
            }
        )
    return records
