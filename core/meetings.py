"""Regional Forum meetings, in words: what changed since the last meeting, the agenda of
the presentation mode and the meeting pack's figures under disclosure control.

Pure functions (no Streamlit, no database). ``db.meetings`` reads the audit log and the
current state and hands the facts to the functions here, which group them by kind, count
them and word each change once, in short plain-English lines such as
"Q2 2026/27 values entered for 14 metrics" or
"‘Cultural awareness sessions’ moved from On track to Complete".
"""

from __future__ import annotations

import calendar
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import pandas as pd

from core.disclosure import (
    DEFAULT_THRESHOLD,
    LARGE_DENOMINATOR,
    SUPPRESSED,
    MetricFigure,
    disclose_metric_figure,
    disclose_sentence,
    suppress_count,
)
from core.feedback_rules import ANSWERED_STATUSES
from core.formatting import format_value
from core.periods import format_period
from core.statuses import (
    ACTION_STATUSES,
    FEEDBACK_STATUSES,
    PROGRESS_STATUSES,
    PROJECT_STATUSES,
)

#: How far back "Since the last meeting" looks for a region's first meeting.
FIRST_MEETING_MONTHS = 3

#: The longest a meeting's chair, notes and a decision may be, and the most attending.
CHAIR_MAX = 120
NOTES_MAX = 5000
DECISION_MAX = 1000
ATTENDEES_MAX = 1000

# The kinds of change, in the order the page and the pack list them.
VALUES = "Values entered"
QUARTERS = "Quarterly sign-off"
STATUSES = "Statuses changed"
COMPLETED = "Actions completed"
OVERDUE = "Actions overdue"
NEW_ACTIONS = "New actions"
ACTIONS_UPDATED = "Actions updated"
METRICS = "Metrics added or changed"
PROJECTS = "Projects added or updated"
ANSWERED = "Feedback answered"
NEW_FEEDBACK = "New feedback"
DECISIONS = "Decisions recorded"
REMOVED = "Removed as entered by mistake"
KINDS: tuple[str, ...] = (
    VALUES,
    QUARTERS,
    STATUSES,
    COMPLETED,
    OVERDUE,
    NEW_ACTIONS,
    ACTIONS_UPDATED,
    METRICS,
    PROJECTS,
    ANSWERED,
    NEW_FEEDBACK,
    DECISIONS,
    REMOVED,
)
#: An icon (Material Symbols name) for each kind, shown beside its words.
KIND_ICONS = {
    VALUES: "edit_note",
    QUARTERS: "fact_check",
    STATUSES: "swap_horiz",
    COMPLETED: "task_alt",
    OVERDUE: "schedule",
    NEW_ACTIONS: "add_task",
    ACTIONS_UPDATED: "update",
    METRICS: "monitoring",
    PROJECTS: "groups",
    ANSWERED: "mark_chat_read",
    NEW_FEEDBACK: "inbox",
    DECISIONS: "gavel",
    REMOVED: "delete",
}

CHANGE_COLUMNS = ["kind", "when", "summary", "items"]
COUNT_COLUMNS = ["kind", "changes", "items"]

#: Longest quoted text (a title or a feedback summary) in a line.
QUOTE_MAX = 90


# --------------------------------------------------------------------------- window


def months_before(day: date, months: int) -> date:
    """The same day ``months`` earlier (the last day of the month when it is shorter)."""
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def window_start(meeting_date: date, previous_meeting_date: date | None) -> date:
    """Where "Since the last meeting" starts: the previous meeting's date, or
    :data:`FIRST_MEETING_MONTHS` months before a region's first meeting."""
    if previous_meeting_date is not None:
        return previous_meeting_date
    return months_before(meeting_date, FIRST_MEETING_MONTHS)


def window_words(start: date, end: date, previous_meeting_date: date | None) -> str:
    """The period the list covers, in a sentence."""
    if previous_meeting_date is None:
        return (
            f"This is the region's first meeting on record, so this lists the changes in "
            f"the {FIRST_MEETING_MONTHS} months before it: from {start:%d %B %Y} to "
            f"{end:%d %B %Y}, the day of the meeting included."
        )
    return (
        f"Changes made after the day of the last meeting ({start:%d %B %Y}) up to the end "
        f"of this one's day ({end:%d %B %Y}), from the dashboard's record of every change."
    )


# --------------------------------------------------------------------------- lines


@dataclass(frozen=True)
class Change:
    """One line of "Since the last meeting". ``items`` is how many things it counts
    (the metrics of a quarter's values; 1 otherwise)."""

    kind: str
    when: datetime | date | None
    summary: str
    items: int = 1


def quote(text: str | None, limit: int = QUOTE_MAX) -> str:
    """Text in curly single quotes, shortened with an ellipsis when long."""
    clean = " ".join(str(text or "").split())
    if len(clean) > limit:
        clean = clean[: limit - 1].rstrip() + "…"
    return f"‘{clean}’"


def _plural(count: int, noun: str, plural: str | None = None) -> str:
    return f"{count} {noun if count == 1 else (plural or noun + 's')}"


def _status_words(code: str | None, vocabulary: Mapping[str, Any]) -> str:
    if code is None:
        return "no status"
    style = vocabulary.get(code)
    if style is not None:
        return style.label
    return str(code).replace("_", " ").capitalize()


def _latest(times: Iterable[Any]) -> Any:
    known = [t for t in times if t is not None]
    return max(known) if known else None


@dataclass(frozen=True)
class ValueEntry:
    """A metric value entered (``created``) or changed, from one audit event."""

    period_start: date
    metric_key: Any  # the metric's id (or code when the value row is gone)
    created: bool
    when: datetime | None = None
    #: The value was withdrawn as entered by mistake (the row is gone).
    withdrawn: bool = False


def value_changes(entries: Iterable[ValueEntry]) -> list[Change]:
    """One line per quarter: how many metrics had values entered for it, and (other
    lines) how many had values changed and withdrawn. A metric counts once per quarter,
    as entered when its value was both entered and changed in the period; group values
    count with the metric's overall value. No value itself is quoted."""
    entered: dict[date, set[Any]] = defaultdict(set)
    changed: dict[date, set[Any]] = defaultdict(set)
    withdrawn: dict[date, set[Any]] = defaultdict(set)
    latest: dict[tuple[date, str], list[Any]] = defaultdict(list)
    for entry in entries:
        how = "withdrawn" if entry.withdrawn else "entered" if entry.created else "changed"
        found = {"withdrawn": withdrawn, "entered": entered, "changed": changed}[how]
        found[entry.period_start].add(entry.metric_key)
        latest[(entry.period_start, how)].append(entry.when)
    lines = []
    for quarter in sorted(set(entered) | set(changed) | set(withdrawn), reverse=True):
        new = entered.get(quarter, set())
        fixed = changed.get(quarter, set()) - new
        label = format_period(quarter)
        if new:
            lines.append(
                Change(
                    VALUES,
                    _latest(latest[(quarter, "entered")]),
                    f"{label} values entered for {_plural(len(new), 'metric')}",
                    len(new),
                )
            )
        if fixed:
            lines.append(
                Change(
                    VALUES,
                    _latest(latest[(quarter, "changed")]),
                    f"{label} values changed for {_plural(len(fixed), 'metric')}",
                    len(fixed),
                )
            )
        gone = withdrawn.get(quarter, set())
        if gone:
            lines.append(
                Change(
                    REMOVED,
                    _latest(latest[(quarter, "withdrawn")]),
                    f"{label} {'value' if len(gone) == 1 else 'values'} withdrawn as entered "
                    f"by mistake for {_plural(len(gone), 'metric')}",
                    len(gone),
                )
            )
    return lines


@dataclass(frozen=True)
class StatusStep:
    """One recorded status of an action: from ``before`` (None when not recorded) to
    ``after``, at ``when``. ``created`` marks the action being added to the plan."""

    entity_id: int
    title: str
    before: str | None
    after: str | None
    when: datetime | None = None
    created: bool = False


def action_changes(
    steps: Iterable[StatusStep], earlier: Mapping[int, str] | None = None
) -> list[Change]:
    """Each action's status over the period, once: ``moved from <first> to <last>``.

    ``steps`` are in time order. The starting status is the first step's ``before``, else
    the status the action had before the period (``earlier``), else Not started. An
    action that ends where it started is not listed; one that ends Complete is listed as
    completed; one added to the plan in the period is listed as new (with its status).
    """
    earlier = dict(earlier or {})
    by_action: dict[int, list[StatusStep]] = defaultdict(list)
    for step in steps:
        by_action[step.entity_id].append(step)
    lines = []
    for entity_id, mine in by_action.items():
        title = quote(mine[-1].title)
        when = _latest(s.when for s in mine)
        final = next((s.after for s in reversed(mine) if s.after is not None), None)
        if any(s.created for s in mine):
            status = _status_words(final or "not_started", ACTION_STATUSES)
            lines.append(Change(NEW_ACTIONS, when, f"{title} added to the plan ({status})"))
            continue
        if final is None:
            continue
        first = mine[0].before or earlier.get(entity_id) or "not_started"
        if first == final:
            continue
        words = (
            f"{title} moved from {_status_words(first, ACTION_STATUSES)} to "
            f"{_status_words(final, ACTION_STATUSES)}"
        )
        lines.append(Change(COMPLETED if final == "complete" else STATUSES, when, words))
    return lines


def overdue_changes(
    actions: Iterable[tuple[str, date, int]], on: date | None = None
) -> list[Change]:
    """Actions past their due date and not complete (title, due date, days overdue),
    the most overdue first."""
    rows = sorted(actions, key=lambda a: (-a[2], a[0]))
    return [
        Change(
            OVERDUE,
            on,
            f"{quote(title)} is overdue by {_plural(int(days), 'day')}"
            + ("" if due is None or pd.isna(due) else f" (due {due:%d %b %Y})"),
        )
        for title, due, days in rows
    ]


@dataclass(frozen=True)
class RecordEvent:
    """An audit event about a record (a project, a local metric or a feedback item)."""

    entity_id: int
    title: str
    action: str
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None
    when: datetime | None = None


def _field_words(name: str) -> str:
    return name.replace("_", " ")


def project_changes(events: Iterable[RecordEvent]) -> list[Change]:
    """One line per project: added, or which of its details changed (with the status
    change in words, when its status changed)."""
    by_project: dict[int, list[RecordEvent]] = defaultdict(list)
    for event in events:
        by_project[event.entity_id].append(event)
    lines = []
    for mine in by_project.values():
        title = quote(mine[-1].title)
        when = _latest(e.when for e in mine)
        if any(e.action == "delete" for e in mine):
            # Forum members see that something was removed, not what (core.corrections).
            lines.append(Change(REMOVED, when, "A community project was deleted"))
            continue
        if any(e.action == "create" for e in mine):
            status = next(
                (
                    (e.after or {}).get("status")
                    for e in reversed(mine)
                    if (e.after or {}).get("status")
                ),
                None,
            )
            status_text = f" ({_project_status(status)})" if status else ""
            lines.append(Change(PROJECTS, when, f"Project {title} added{status_text}"))
            continue
        first_status = next(
            ((e.before or {}).get("status") for e in mine if "status" in (e.before or {})), None
        )
        last_status = next(
            ((e.after or {}).get("status") for e in reversed(mine) if "status" in (e.after or {})),
            None,
        )
        fields = _fields(mine)
        parts = []
        if last_status is not None and first_status != last_status:
            if first_status is None:
                parts.append(f"now {_project_status(last_status)}")
            else:
                parts.append(
                    f"moved from {_project_status(first_status)} to {_project_status(last_status)}"
                )
        if fields:
            parts.append(f"updated {_fields_words(fields)}")
        if not parts:
            parts.append("updated")
        lines.append(Change(PROJECTS, when, f"Project {title} " + "; ".join(parts)))
    return lines


def _project_status(value: str) -> str:
    # Project audit events keep the status in words already; codes are turned into words.
    return _status_words(value, PROJECT_STATUSES) if value in PROJECT_STATUSES else str(value)


def metric_status_changes(events: Iterable[RecordEvent]) -> list[Change]:
    """A local metric's status set (or cleared) by hand, once per metric."""
    by_metric: dict[int, list[RecordEvent]] = defaultdict(list)
    for event in events:
        if "manual_status" in (event.after or {}):
            by_metric[event.entity_id].append(event)
    lines = []
    for mine in by_metric.values():
        first = (mine[0].before or {}).get("manual_status")
        last = (mine[-1].after or {}).get("manual_status")
        if first == last:
            continue
        title = quote(mine[-1].title)
        when = _latest(e.when for e in mine)
        if last:
            text = f"Metric {title} status set by hand to {_status_words(last, PROGRESS_STATUSES)}"
        else:
            text = f"Metric {title} status set by hand was removed (it is worked out again)"
        lines.append(Change(STATUSES, when, text))
    return lines


#: Plain words for the fields of an action, a metric or a project a change names.
FIELD_WORDS = {
    "due_date": "due date",
    "action_area": "action area",
    "organisation_wide": "organisation-wide",
    "counts_people": "whether it counts people",
    "coproduced_with": "who it was agreed with",
    "coproduced_at": "where it was agreed",
    "coproduced_on": "when it was agreed",
    "agreed_decision_id": "the forum decision that agreed it",
    "baseline_period": "baseline quarter",
    "start_period": "first quarter",
    "end_period": "last quarter",
    "limit_value": "limit",
    "disaggregated_by": "groups",
    "data_source": "data source",
    "people_reached": "people reached",
    "communities_engaged": "communities engaged",
    "next_steps": "next steps",
    "start_date": "start date",
    "end_date": "end date",
    "template_id": "national template",
}
#: Fields an audit event keeps that are not worth a line of their own.
_QUIET_FIELDS = {"status", "manual_status", "manual_status_reason", "version", "updated_at"}


def _fields(events: Iterable[RecordEvent], skip: set[str] = _QUIET_FIELDS) -> list[str]:
    """The fields the events changed, in the order first changed, in words."""
    found: list[str] = []
    for event in events:
        for key in [*(event.after or {}), *(event.before or {})]:
            words = FIELD_WORDS.get(key, _field_words(key))
            if key not in skip and words not in found:
                found.append(words)
    return found


def _fields_words(fields: Sequence[str], most: int = 4) -> str:
    shown = ", ".join(fields[:most])
    more = f" and {_plural(len(fields) - most, 'more')}" if len(fields) > most else ""
    return shown + more


def action_updates(events: Iterable[RecordEvent]) -> list[Change]:
    """Each action's progress updates and changed details over the period, once (an
    action added in the period is listed as new instead, and its status changes are
    :func:`action_changes`'). A progress update's words are not quoted: the Local plan
    page shows them."""
    by_action: dict[int, list[RecordEvent]] = defaultdict(list)
    for event in events:
        by_action[event.entity_id].append(event)
    lines = []
    for mine in by_action.values():
        if any(e.action in ("create", "adopt") for e in mine):
            continue
        title = quote(mine[-1].title)
        updates = sum(e.action == "progress_update" for e in mine)
        removed = sum(e.action == "delete_progress_update" for e in mine)
        fields = _fields(e for e in mine if e.action == "update")
        parts = []
        if updates:
            parts.append(_plural(updates, "progress update") + " added")
        if fields:
            parts.append(f"updated {_fields_words(fields)}")
        if parts:
            when = _latest(e.when for e in mine if e.action != "delete_progress_update")
            lines.append(Change(ACTIONS_UPDATED, when, f"{title}: " + "; ".join(parts)))
        if removed:
            when = _latest(e.when for e in mine if e.action == "delete_progress_update")
            lines.append(
                Change(REMOVED, when, f"{_plural(removed, 'progress update')} on {title} deleted")
            )
    return lines


def metric_changes(events: Iterable[RecordEvent]) -> list[Change]:
    """Metrics defined, changed or retired in the period, once per metric (a status set
    by hand is :func:`metric_status_changes`'). ``title`` is the metric's code and name;
    ``after["scope"]`` of its creation says whether it is a local or a national core
    metric. No target or baseline figure is quoted."""
    by_metric: dict[int, list[RecordEvent]] = defaultdict(list)
    for event in events:
        by_metric[event.entity_id].append(event)
    lines = []
    for mine in by_metric.values():
        title = quote(mine[-1].title)
        when = _latest(e.when for e in mine)
        created = next((e for e in mine if e.action == "create"), None)
        if created is not None:
            scope = (created.after or {}).get("scope")
            noun = "National core metric" if scope == "national" else "Local metric"
            lines.append(Change(METRICS, when, f"{noun} {title} added"))
            continue
        if any(e.action == "retire" for e in mine):
            lines.append(Change(METRICS, when, f"Metric {title} retired (no longer asked for)"))
            continue
        fields = _fields(e for e in mine if e.action == "update")
        if fields:
            lines.append(Change(METRICS, when, f"Metric {title} changed: {_fields_words(fields)}"))
    return lines


def decision_changes(events: Iterable[RecordEvent]) -> list[Change]:
    """Decisions recorded at the region's meetings in the period (their words quoted,
    shortened), and decisions deleted as entered by mistake (not quoted)."""
    lines = []
    for event in events:
        after = event.after or {}
        if event.action == "delete":
            lines.append(Change(REMOVED, event.when, "A meeting decision was deleted"))
            continue
        if event.action != "create":
            continue
        day = _as_date(after.get("meeting_date"))
        at = f" at the meeting on {day:%d %B %Y}" if day else ""
        extra = " with a new plan action" if after.get("action_id") else ""
        text = quote(after.get("text") or event.title)
        lines.append(Change(DECISIONS, event.when, f"Decision recorded{at}{extra}: {text}"))
    return lines


#: How each step of the quarterly cycle is worded ({quarter} is "Q1 2026/27").
QUARTER_STEP_WORDS = {
    "submit": "{quarter} figures submitted for the Regional Forum's sign-off",
    "sign off": "{quarter} figures signed off by the Regional Forum",
    "questions": "The Regional Forum asked questions about the {quarter} figures",
    "reopen": "{quarter} figures reopened by the regional lead",
    "answer": "The regional lead answered the forum's questions on the {quarter} figures",
}


def quarter_changes(events: Iterable[RecordEvent]) -> list[Change]:
    """Steps of the quarterly cycle in the period, in words (``title`` is the quarter,
    "Q1 2026/27"); the reasons and questions are on the Quarterly sign-off page."""
    lines = []
    for event in events:
        words = QUARTER_STEP_WORDS.get(event.action)
        if words:
            lines.append(Change(QUARTERS, event.when, words.format(quarter=event.title)))
    return lines


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class FeedbackEvent:
    """An audit event about a feedback item: added (``created``) or its status changed."""

    entity_id: int
    source: str
    summary: str
    created: bool
    before_status: str | None
    after_status: str | None
    when: datetime | None = None
    #: The audit event's action ("create", "respond", "status_change", "delete", ...).
    action: str = ""


def feedback_changes(events: Iterable[FeedbackEvent]) -> list[Change]:
    """Feedback received in the period, feedback answered (moved to Responded or Closed
    from an unanswered status), responses changed, other status changes (such as to In
    progress) and items deleted as entered by mistake, each item once per kind."""
    received: dict[int, FeedbackEvent] = {}
    answered: dict[int, FeedbackEvent] = {}
    reworded: dict[int, FeedbackEvent] = {}
    moved: dict[int, list[FeedbackEvent]] = defaultdict(list)
    deleted: dict[int, FeedbackEvent] = {}
    for event in events:
        if event.action == "delete":
            deleted[event.entity_id] = event
            continue
        if event.created:
            received.setdefault(event.entity_id, event)
            continue
        was = event.before_status in ANSWERED_STATUSES
        now = event.after_status in ANSWERED_STATUSES
        if now and not was:
            answered[event.entity_id] = event
        elif now and event.action == "respond":
            reworded[event.entity_id] = event
        elif event.after_status and event.before_status != event.after_status:
            moved[event.entity_id].append(event)
    lines = []
    for entity_id, mine in moved.items():
        if entity_id in answered or entity_id in deleted:
            continue
        first, last = mine[0].before_status, mine[-1].after_status
        if first == last:
            continue
        lines.append(
            Change(
                STATUSES,
                mine[-1].when,
                f"Feedback from {_source_words(mine[-1].source)} moved from "
                f"{_status_words(first, FEEDBACK_STATUSES)} to "
                f"{_status_words(last, FEEDBACK_STATUSES)}: {quote(mine[-1].summary)}",
            )
        )
    for entity_id, event in reworded.items():
        if entity_id in answered or entity_id in deleted:
            continue
        lines.append(
            Change(
                ANSWERED,
                event.when,
                f"Response to feedback from {_source_words(event.source)} updated: "
                f"{quote(event.summary)}",
            )
        )
    for event in deleted.values():
        lines.append(Change(REMOVED, event.when, "A feedback item was deleted"))
        received.pop(event.entity_id, None)
        answered.pop(event.entity_id, None)
    for event in answered.values():
        status = _status_words(event.after_status, FEEDBACK_STATUSES).lower()
        lines.append(
            Change(
                ANSWERED,
                event.when,
                f"Feedback from {_source_words(event.source)} {status}: {quote(event.summary)}",
            )
        )
    for event in received.values():
        lines.append(
            Change(
                NEW_FEEDBACK,
                event.when,
                f"Feedback from {_source_words(event.source)}: {quote(event.summary)}",
            )
        )
    return lines


SOURCE_WORDS = {
    "Service user": "a service user",
    "Carer": "a carer",
    "Expert by Experience": "an Expert by Experience",
    "Lived Experience Advisory Board": "the Lived Experience Advisory Board",
    "Carers Advisory Board": "the Carers Advisory Board",
    "Regional Forum": "the Regional Forum",
    "Partner organisation": "a partner organisation",
}


def _source_words(source: str | None) -> str:
    """Who the feedback came from, inside a sentence: 'a carer', 'the Regional Forum'."""
    text = (source or "").strip()
    if not text:
        return "someone"
    return SOURCE_WORDS.get(text, text)


# --------------------------------------------------------------------------- frames


def changes_frame(changes: Iterable[Change]) -> pd.DataFrame:
    """The changes as a table (kind, when, summary, items): by kind in the order of
    :data:`KINDS`, newest first within a kind (overdue actions most overdue first)."""
    order = {kind: n for n, kind in enumerate(KINDS)}
    rows = list(changes)
    keyed = sorted(
        enumerate(rows),
        key=lambda pair: (
            order.get(pair[1].kind, len(order)),
            0 if pair[1].kind == OVERDUE else -_timestamp(pair[1].when),
            pair[0],
        ),
    )
    return pd.DataFrame(
        [(c.kind, c.when, c.summary, c.items) for _, c in keyed], columns=CHANGE_COLUMNS
    )


def _timestamp(value: Any) -> float:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return float("-inf")
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day).timestamp()
    try:
        return pd.Timestamp(value).timestamp()
    except (TypeError, ValueError):
        return float("-inf")


def change_counts(changes: pd.DataFrame) -> pd.DataFrame:
    """How many changes of each kind (lines) and how many things they count (items,
    such as metrics with values entered), in the order of :data:`KINDS`; kinds with no
    change are left out."""
    if changes.empty:
        return pd.DataFrame(columns=COUNT_COLUMNS)
    grouped = changes.groupby("kind", sort=False).agg(
        changes=("summary", "size"), items=("items", "sum")
    )
    order = [k for k in KINDS if k in grouped.index] + [k for k in grouped.index if k not in KINDS]
    out = grouped.loc[order].reset_index()
    out["changes"] = out["changes"].astype(int)
    out["items"] = out["items"].astype(int)
    return out[COUNT_COLUMNS]


def count_words(kind: str, changes: int, items: int) -> str:
    """A kind's count in words: '16 metrics', '3 actions', '2 items of feedback'."""
    if kind == VALUES:
        return _plural(items, "metric value", "metric values") + " by quarter"
    if kind in (STATUSES,):
        return _plural(changes, "change")
    if kind in (COMPLETED, OVERDUE, NEW_ACTIONS, ACTIONS_UPDATED):
        return _plural(changes, "action")
    if kind == PROJECTS:
        return _plural(changes, "project")
    if kind == METRICS:
        return _plural(changes, "metric")
    if kind in (ANSWERED, NEW_FEEDBACK):
        return _plural(changes, "item") + " of feedback"
    if kind == DECISIONS:
        return _plural(changes, "decision")
    if kind == QUARTERS:
        return _plural(changes, "step")
    return _plural(changes, "change")


def changes_table(changes: pd.DataFrame) -> pd.DataFrame:
    """The changes in words for showing and downloading: What, When, Change."""
    return pd.DataFrame(
        {
            "What": changes["kind"],
            "When": [_when_words(w) for w in changes["when"]],
            "Change": changes["summary"],
        }
    )


def _when_words(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return ""
    if isinstance(value, datetime | pd.Timestamp):
        return f"{value:%d %b %Y}"
    if isinstance(value, date):
        return f"{value:%d %b %Y}"
    return str(value)


# --------------------------------------------------------------------------- agenda


@dataclass(frozen=True)
class Section:
    """One agenda section of the presentation: a theme, the projects or the feedback."""

    kind: str  # "theme", "projects" or "feedback"
    title: str
    theme_id: int | None = None


def agenda(themes: Sequence[tuple[int, str]]) -> list[Section]:
    """The presentation's sections: each monitoring theme (id, name) in order, then the
    community projects, then feedback."""
    sections = [Section("theme", name, int(theme_id)) for theme_id, name in themes]
    sections.append(Section("projects", "Community projects"))
    sections.append(Section("feedback", "Feedback: you said, we did"))
    return sections


def clamp_section(index: int, total: int) -> int:
    """A section number kept inside 0 .. total - 1 (0 when there are none)."""
    if total <= 0:
        return 0
    return max(0, min(int(index), total - 1))


def section_words(index: int, total: int) -> str:
    """'Section 3 of 8'."""
    return f"Section {clamp_section(index, total) + 1} of {total}"


# --------------------------------------------------------------- disclosure control

#: The columns of a metric's table in words (newest first), for showing and downloading.
TABLE_COLUMNS = ["Quarter", "Value", "Numerator", "Denominator", "Note"]


@dataclass(frozen=True)
class DisclosedRow:
    """One quarter of a metric as a viewer sees it: the recorded figures and what the
    rule (``core.disclosure.disclose_metric_figure``) shows of them."""

    period_start: date
    recorded: float | None
    figure: MetricFigure
    note: str = ""
    #: Whether the quarter is signed off by the Regional Forum (None: not known here).
    signed_off: bool | None = None


@dataclass(frozen=True)
class DisclosedValues:
    """A metric's values as one viewer sees them, oldest first (``rows``).

    Every view of them is derived from the same rows, so a quarter and its value cannot
    come apart: ``chart`` (``period_start``, ``value``; oldest first, a value hidden by the
    rule left out), ``table`` (the table in words, newest first: numbers as text, ``*``
    where hidden), ``starred`` (figures shown as ``*``) and ``rounded`` (counts rounded to
    the nearest 5).
    """

    rows: tuple[DisclosedRow, ...]
    unit: str | None = None

    @property
    def chart(self) -> pd.DataFrame:
        points = [(r.period_start, r.figure.value) for r in self.rows if r.figure.value is not None]
        return pd.DataFrame(points, columns=["period_start", "value"])

    @property
    def points(self) -> list[tuple[date, float | None]]:
        """(quarter start, value shown or None when hidden), oldest first."""
        return [(r.period_start, r.figure.value) for r in self.rows]

    @property
    def table(self) -> pd.DataFrame:
        """The table in words, newest first; with a "Figures" column (signed off or
        provisional) when the rows know their quarter's sign-off."""
        known = any(r.signed_off is not None for r in self.rows)
        rows = [
            {
                "Quarter": format_period(r.period_start),
                "Value": figure_text(
                    r.figure.value, r.figure.value_hidden, self.unit, places=r.figure.value_places
                ),
                "Numerator": count_text(r.figure.numerator, r.figure.numerator_hidden),
                "Denominator": count_text(r.figure.denominator, r.figure.denominator_hidden),
                "Note": r.note,
                "Figures": sign_off_words(r.signed_off),
            }
            for r in reversed(self.rows)
        ]
        return pd.DataFrame(rows, columns=[*TABLE_COLUMNS, *(["Figures"] if known else [])])

    @property
    def provisional(self) -> int:
        """How many of the quarters shown are not yet signed off."""
        return sum(r.signed_off is False for r in self.rows)

    @property
    def starred(self) -> int:
        return sum(r.figure.starred for r in self.rows)

    @property
    def rounded(self) -> int:
        return sum(r.figure.rounded for r in self.rows)

    def newest(self, quarters: int) -> DisclosedValues:
        """The same values for the newest ``quarters`` quarters only."""
        return DisclosedValues(self.rows[-quarters:] if quarters > 0 else (), self.unit)


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def figure_text(
    value: float | None, hidden: bool, unit: str | None, *, places: int | None = None
) -> str:
    """A metric value in words: ``*`` when the rule hides it, empty when not recorded; a
    percentage worked out from rounded counts with its ``places`` decimal places."""
    if hidden:
        return SUPPRESSED
    if value is None:
        return ""
    if places is not None and unit == "percentage":
        return f"{value:,.{places}f}%"
    return format_value(value, unit)


def count_text(value: float | None, hidden: bool) -> str:
    """A numerator or denominator in words: ``*`` when hidden, whole counts with commas."""
    if hidden:
        return SUPPRESSED
    if value is None:
        return ""
    return f"{round(value):,}" if float(value).is_integer() else format_value(value)


def disclose_metric_values(
    values: pd.DataFrame,
    unit: str | None,
    threshold: int = DEFAULT_THRESHOLD,
    *,
    counts_people: bool = True,
    controlled: bool = True,
) -> DisclosedValues:
    """One region's values of one metric as a viewer sees them.

    ``values`` are the metric's recorded rows (``period_start``, ``value`` and, where
    recorded, ``numerator``, ``denominator`` and ``note``; rows with a ``characteristic``
    other than "" are group values and left out), in any order: they are put oldest first
    here, once, and every view of the result comes from those rows. Each row goes through
    ``core.disclosure.disclose_metric_figure``: under control (``controlled``) the counts
    of a metric that counts people (``counts_people``) are shown as ``*`` below the
    threshold and otherwise rounded to the nearest 5, and a percentage or rate is worked
    out from the rounded counts; not under control, everything is shown as recorded.
    """
    frame = values
    if frame is None or frame.empty:
        return DisclosedValues((), unit)
    if "characteristic" in frame.columns:
        frame = frame[frame["characteristic"].fillna("") == ""]
    frame = frame.sort_values("period_start", kind="stable")

    def column(name: str) -> list[Any]:
        return frame[name].tolist() if name in frame.columns else [None] * len(frame)

    rows = []
    for period, value, numerator, denominator, note, signed in zip(
        column("period_start"),
        column("value"),
        column("numerator"),
        column("denominator"),
        column("note"),
        column("signed_off"),
        strict=True,
    ):
        figure = disclose_metric_figure(
            value,
            numerator,
            denominator,
            unit=unit,
            counts_people=counts_people,
            controlled=controlled,
            threshold=threshold,
        )
        recorded = None if _missing(value) else float(value)
        text = "" if _missing(note) else str(note)
        known = None if _missing(signed) else bool(signed)
        rows.append(DisclosedRow(_as_day(period), recorded, figure, text, known))
    return DisclosedValues(tuple(rows), unit)


def sign_off_words(signed_off: bool | None) -> str:
    """ "Signed off", "Provisional", or "" when not known."""
    if signed_off is None:
        return ""
    return "Signed off" if signed_off else "Provisional"


def _as_day(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value


def disclosure_statement(starred: int, rounded: int, threshold: int = DEFAULT_THRESHOLD) -> str:
    """What the pack says about the figures it suppressed (and those it did not)."""
    if starred and rounded:
        done = (
            f"In this pack {_plural(starred, 'figure')} {'is' if starred == 1 else 'are'} "
            f"shown as * and {_plural(rounded, 'count')} {'is' if rounded == 1 else 'are'} "
            "rounded to the nearest 5."
        )
    elif starred:
        done = (
            f"In this pack {_plural(starred, 'figure')} {'is' if starred == 1 else 'are'} "
            "shown as *."
        )
    elif rounded:
        done = (
            f"In this pack no figure is suppressed; {_plural(rounded, 'count')} "
            f"{'is' if rounded == 1 else 'are'} rounded to the nearest 5."
        )
    else:
        done = "In this pack no figure needed to be suppressed or rounded."
    return (
        "Disclosure control applies to the metrics' numerators and denominators and to "
        "values recorded as counts of people: counts below "
        f"{max(threshold, 3)} are shown as *, other counts are rounded to the nearest 5, "
        f"a percentage or rate based on fewer than {threshold} people is not shown, and "
        "the others are worked out from the rounded counts (percentages as whole numbers "
        f"unless the rounded total is at least {LARGE_DENOMINATOR:,}), so they give away "
        "nothing the rounded counts do not. Metrics that count events, agreements or "
        "organisations are shown as recorded. "
        f"{done} Counts of actions, feedback items, projects and metrics are counts of "
        "items, not people, and are shown as they are."
    )


LEFT_OUT_EXPLANATION = (
    "The sentence explaining this status is left out: it would show a figure that "
    "disclosure control suppresses."
)


def disclose_explanation(
    text: str,
    unit: str | None,
    threshold: int = DEFAULT_THRESHOLD,
    *,
    suppressed: bool = False,
    counts_people: bool = True,
    shown: DisclosedValues | None = None,
) -> str:
    """A metric's status explanation fit to show under disclosure control.

    When any of the metric's figures is shown as ``*`` (``suppressed``) the sentence
    could give it away, so :data:`LEFT_OUT_EXPLANATION` replaces it. Otherwise the
    observed values it quotes ("went from 7 to 12", "the latest value is 58.3%") are
    shown as the rule shows them (``core.disclosure.disclose_sentence``): a count rounded
    as counts are, any other value as the figure ``shown`` (the metric's values under the
    rule) gives it, a percentage being the rounded counts' own; a sentence that cannot be
    shown that way is left out. Targets and limits are aims, not counts, and stay. A
    metric that does not count people (``counts_people`` False) keeps its sentence.
    """
    if suppressed:
        return LEFT_OUT_EXPLANATION
    figures = [(r.recorded, r.figure.value) for r in shown.rows] if shown is not None else []
    out = disclose_sentence(text, unit, figures, counts_people=counts_people, threshold=threshold)
    return LEFT_OUT_EXPLANATION if out is None else out


# ------------------------------------------------------------------ the meeting itself


@dataclass(frozen=True)
class MeetingWindow:
    """The period "Since the last meeting" covers: ``start`` (the previous meeting's
    date, or three months before a first meeting) up to ``end`` (this meeting's date),
    as dates.

    Meetings have a date but no time, so a meeting's list runs to the end of its day:
    a change made at 10:00 on the meeting day, before the meeting, is listed (and when
    the meeting is today, that is everything up to now). The next meeting's list starts
    where this one's ends, the day after the previous meeting, so no change is listed
    twice; a first meeting's list starts at the beginning of ``start``. Audit times are
    UTC and dates are taken as they are (a change in the first hour of a summer day,
    UK time, is counted on the day before)."""

    start: date
    end: date
    previous: date | None

    @property
    def since(self) -> datetime:
        """The first moment counted (inclusive)."""
        first = self.start if self.previous is None else self.start + timedelta(days=1)
        return datetime.combine(first, time.min)

    @property
    def until(self) -> datetime:
        """The first moment not counted: midnight at the end of the meeting's day."""
        return datetime.combine(self.end + timedelta(days=1), time.min)

    def covers(self, moment: datetime) -> bool:
        """Whether a change at ``moment`` is in the window."""
        return self.since <= moment < self.until

    @property
    def sentence(self) -> str:
        return window_words(self.start, self.end, self.previous)


def meeting_words(meeting_date: date, attendees: Any = None, chair: str = "") -> str:
    """How a meeting is named in a list: '15 Aug 2026 (14 attending, chaired by Sam)'."""
    extra = []
    if attendees is not None and not pd.isna(attendees):
        extra.append(f"{int(attendees)} attending")
    if chair:
        extra.append(f"chaired by {chair}")
    return f"{meeting_date:%d %b %Y}" + (f" ({', '.join(extra)})" if extra else "")


def decisions_table(decisions: pd.DataFrame) -> pd.DataFrame:
    """A meeting's decisions in words, for showing and downloading."""

    def action_words(code: Any, title: Any, status: Any) -> str:
        if not isinstance(title, str):
            return "No new action"
        style = ACTION_STATUSES.get(status)
        return f"{code} {title} ({style.label if style else status})".strip()

    return pd.DataFrame(
        {
            "Theme": decisions["theme"].fillna(""),
            "Decision": decisions["text"],
            "New plan action": [
                action_words(c, t, s)
                for c, t, s in zip(
                    decisions["action_code"],
                    decisions["action_title"],
                    decisions["action_status"],
                    strict=True,
                )
            ],
        }
    )


def slug(text: str) -> str:
    """'North West' -> 'north-west' (for file names)."""
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def tidy(table: pd.DataFrame) -> pd.DataFrame:
    """The table without columns that are empty throughout (such as Note)."""
    keep = [c for c in table.columns if c == "Quarter" or table[c].astype(str).str.strip().any()]
    return table[keep]


def _fewest_shown(threshold: int) -> int:
    """The smallest count of people shown under disclosure control (1 and 2 round to 0,
    so they are hidden whatever the threshold)."""
    return max(threshold, 3)


def people_reached(value: object, threshold: int, *, controlled: bool) -> str:
    """A project's people reached in words; under disclosure control, rounded or hidden
    (:func:`people_reached_rule` says how)."""
    if value is None or pd.isna(value):
        return "not recorded"
    if controlled:
        shown = suppress_count(int(value), threshold=threshold)
        if shown == SUPPRESSED:
            return f"fewer than {_fewest_shown(threshold)}"
        return f"about {shown:,}"
    return f"{int(value):,}"


def people_reached_rule(threshold: int) -> str:
    """How :func:`people_reached` words a project's people reached under disclosure
    control, for the notes and files that show them so."""
    return (
        "People reached are counts of people, so they follow disclosure control: fewer "
        f"than {_fewest_shown(threshold)} is not given and other numbers are rounded to the "
        'nearest 5 ("about 25").'
    )


def projects_table(projects: pd.DataFrame, threshold: int, *, controlled: bool) -> pd.DataFrame:
    """The region's community projects in words, for showing and downloading."""
    return pd.DataFrame(
        {
            "Project": projects["title"],
            "Status": [PROJECT_STATUSES[s].label for s in projects["status"]],
            "Place": projects["place"],
            "Communities engaged": projects["communities_engaged"],
            "People reached": [
                people_reached(v, threshold, controlled=controlled)
                for v in projects["people_reached"]
            ],
            "Partners": projects["partners"],
        }
    )


def waiting_table(waiting: pd.DataFrame) -> pd.DataFrame:
    """The feedback still waiting for a response, oldest first, in words."""
    ordered = waiting.sort_values("received_on")
    return pd.DataFrame(
        {
            "Received": ordered["received_on"],
            "From": ordered["source"],
            "Theme": ordered["theme_name"].fillna(""),
            "You said": ordered["summary"],
            "Status": [FEEDBACK_STATUSES[s].label for s in ordered["status"]],
        }
    )


def themes_summary(themes: pd.DataFrame) -> pd.DataFrame:
    """The themes at a glance: status, why and actions complete."""
    return pd.DataFrame(
        {
            "Theme": themes["theme"],
            "Status": themes["status_label"],
            "Why": themes["explanation"],
            "Actions complete": [
                f"{c} of {t}" if t else "No actions"
                for c, t in zip(themes["actions_complete"], themes["actions_total"], strict=True)
            ],
        }
    )


def details_line(attendees: Any, chair: str | None) -> str:
    """'18 attending, chaired by Ama Boateng.' (empty when neither is recorded); ``chair``
    is used as given (escape it first for Markdown)."""
    details = []
    if attendees is not None and pd.notna(attendees):
        details.append(f"{int(attendees)} attending")
    if chair:
        details.append(f"chaired by {chair}")
    if not details:
        return ""
    line = ", ".join(details)
    return line[:1].upper() + line[1:] + "."
