"""Audit events in words: what changed, from what, to what."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from core.entities import Entity
from core.equity import MEASURES
from core.meetings import quote
from core.periods import format_period
from core.quarterly import long_date
from core.reviews import format_half_year
from core.statuses import (
    ACTION_STATUSES,
    FEEDBACK_STATUSES,
    PROGRESS_STATUSES,
    PROJECT_STATUSES,
)

#: Status codes in words, for any kind of record (the codes do not clash in meaning).
STATUS_WORDS = {
    code: style.label
    for vocabulary in (PROJECT_STATUSES, FEEDBACK_STATUSES, PROGRESS_STATUSES, ACTION_STATUSES)
    for code, style in vocabulary.items()
}
STATUS_FIELDS = frozenset({"status", "status_from", "status_to", "manual_status"})

ACTION_WORDS = {
    "create": "Added",
    "update": "Changed",
    "delete": "Removed",
    "import": "Imported",
    "status_change": "Status changed",
    "progress_update": "Progress update",
    "reset_password": "Password reset",
    "adopt": "Adopted from the national plan",
    "respond": "Responded",
    "submit": "Submitted for sign-off",
    "sign off": "Signed off by the Regional Forum",
    "questions": "Questions from the Regional Forum",
    "reopen": "Reopened",
    "attendance": "Attendance recorded",
    "answer": "Answered",
    "share": "Shared with other regions",
    "unshare": "Kept in the region (no longer shared)",
    "withdraw": "Withdrawn",
    "retire": "Retired",
    "delete_progress_update": "Progress update deleted",
    "issue": "Issued",
    "hide": "Hidden",
    "confirm_themes": "Themes confirmed",
    "sent": "Sent",
}


def action_words(action: str) -> str:
    return ACTION_WORDS.get(action, action.replace("_", " ").capitalize())


def _show(value: Any, key: str = "") -> str:
    if key in STATUS_FIELDS and isinstance(value, str):
        return STATUS_WORDS.get(value, value)
    if value is None or value == "":
        return "(blank)"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "(none)"
    return str(value)


#: The fields of a record's history that hold figures about people, by kind of record:
#: people without exact access to the region's figures (forum members, leads of another
#: region) read that such a figure changed, never the figure.
FIGURE_FIELDS: dict[str, frozenset[str]] = {
    "metric_value": frozenset({"value", "numerator", "denominator"}),
    "equity_count": frozenset({"numerator", "denominator"}),
    "population_count": frozenset({"population"}),
    "community_project": frozenset({"people_reached"}),
}
FIGURE_NOT_SHOWN = "changed (the figure is not shown here: see the chart and table)"


def describe_changes(
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    hidden: frozenset[str] = frozenset(),
) -> str:
    """``status: On track → At risk; owner: (blank) → Sam`` for the fields that differ;
    a ``hidden`` field says only that it changed."""
    before = before or {}
    after = after or {}
    parts = []
    for key in list(dict.fromkeys([*before, *after])):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        label = key.replace("_", " ")
        if key in hidden:
            parts.append(f"{label}: {FIGURE_NOT_SHOWN}")
        elif key not in before:
            parts.append(f"{label}: {_show(new, key)}")
        else:
            parts.append(f"{label}: {_show(old, key)} → {_show(new, key)}")
    return "; ".join(parts)


# --- the audit log in words: which record, who, and searching it -------------------

#: Each kind of record (a core.entities.Entity) as people call it.
KIND_WORDS: dict[str, str] = {
    Entity.AGENDA_ITEM: "Agenda item",
    Entity.AREA: "Area",
    Entity.BIANNUAL_REVIEW: "Bi-annual review",
    Entity.BOARD_REPORT: "Board report",
    Entity.CHARACTERISTIC_GROUP: "Group",
    Entity.COMMENT: "Comment",
    Entity.COMMUNITY_PROJECT: "Community project",
    Entity.EQUITY_COUNT: "Equity count",
    Entity.FEEDBACK_ITEM: "Feedback",
    Entity.FORUM_MEETING: "Meeting",
    Entity.GOOD_PRACTICE: "Good practice",
    Entity.MEETING_DECISION: "Meeting decision",
    Entity.METRIC: "Metric",
    Entity.METRIC_VALUE: "Metric value",
    Entity.PLAN_ACTION: "Plan action",
    Entity.POPULATION_COUNT: "Population",
    Entity.PROJECT_AIM: "Community projects aim",
    Entity.QUARTER_QUESTION: "Forum question",
    Entity.QUARTER_REVIEW: "Quarterly sign-off",
    Entity.REMINDER: "Reminder email",
    Entity.SPC_RECALCULATION: "SPC recalculation",
    Entity.USER: "Account",
}

#: What the Region column says of a record that belongs to no region (a national
#: record, or one of a national governance body).
NATIONAL = "National"
#: How many characters of someone's words (a decision, a comment, feedback) a record quotes.
QUOTED = 60
#: The audit log's columns, as the page shows them and the downloads hold them.
LOG_COLUMNS = ("When", "What", "Who", "Region", "Record", "Changes", "Reason")

Facts = Mapping[str, Any]


def kind_words(entity_type: str) -> str:
    """``metric_value`` -> ``Metric value``; a kind not listed reads as its code."""
    return KIND_WORDS.get(entity_type, entity_type.replace("_", " ").capitalize())


def who_words(username: str, display_name: str | None = None) -> str:
    """``Sam Lee (sam.lee)``: the person's name and the account that acted; the account
    alone when the name is not known (or is the account's name)."""
    name = " ".join(str(display_name or "").split())
    if not name or name == username:
        return username
    return f"{name} ({username})"


def _day(value: Any) -> date | None:
    """A date from a date, a date-time or ISO text (as an event's JSON keeps one)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _joined(*parts: Any, sep: str = ", ") -> str:
    return sep.join(str(p) for p in parts if p not in (None, ""))


def _quoted(value: Any) -> str:
    return quote(value, QUOTED) if value not in (None, "") else ""


def _quarter(facts: Facts, label_key: str = "") -> str:
    """The quarter, from the record's ``period_start`` or the label the event kept."""
    day = _day(facts.get("period_start"))
    if day is not None:
        return format_period(day)
    return _text(facts.get(label_key)) if label_key else ""


def _half_year(facts: Facts) -> str:
    day = _day(facts.get("half_start"))
    return format_half_year(day) if day else _text(facts.get("half_year"))


def _body(facts: Facts, bodies: Mapping[int, str]) -> str:
    """The national body's name: as read now, or as the event named it."""
    if facts.get("body"):
        return _text(facts["body"])
    body_id = facts.get("body_id")
    return bodies.get(body_id, "") if isinstance(body_id, int) else ""


def _meeting(facts: Facts, bodies: Mapping[int, str]) -> str:
    """``Equity and Inclusion Board meeting on 12 November 2026``, or the Regional
    Forum's (a meeting of no national body)."""
    who = _body(facts, bodies) or "Regional Forum"
    day = _day(facts.get("meeting_date"))
    return f"{who} meeting on {long_date(day)}" if day else f"{who} meeting"


def _code_and_name(code: Any, name: Any) -> str:
    return _joined(code, name, sep=" ")


def _metric_value(facts: Facts, _bodies: Mapping[int, str]) -> str:
    metric = _code_and_name(facts.get("metric"), facts.get("metric_name"))
    return _joined(metric, _quarter(facts, "quarter"), facts.get("group"))


def _board_report(facts: Facts, bodies: Mapping[int, str]) -> str:
    day = _day(facts.get("period_start"))
    if day is None:
        period = ""
    elif facts.get("period_kind") == "half":
        period = format_half_year(day)
    else:
        period = format_period(day)
    return _joined(_body(facts, bodies), period)


def _decision(facts: Facts, bodies: Mapping[int, str]) -> str:
    return _joined(_quoted(facts.get("text")), f"({_meeting(facts, bodies)})", sep=" ")


def _comment(facts: Facts, _bodies: Mapping[int, str]) -> str:
    """``‘Could the forum see…’ (Sam Lee, on the action ‘Board champion’)``; a hidden
    comment is not quoted."""
    on = _joined(facts.get("on"), _quoted(facts.get("item")), sep=" ")
    about = _joined(facts.get("author"), f"on the {on}" if on else "")
    said = "hidden" if facts.get("hidden") else _quoted(facts.get("text"))
    return _joined(said, f"({about})" if about else "", sep=" ")


def _counts(facts: Facts, when: str) -> str:
    """An equity or population count: measure, group, period and area (never the count)."""
    measure = MEASURES.get(_text(facts.get("measure")))
    label = measure.label if measure else facts.get("measure")
    group = _joined(facts.get("characteristic"), facts.get("group_name"), sep=": ")
    return _joined(label, group, when, facts.get("area"))


def _spc(facts: Facts, _bodies: Mapping[int, str]) -> str:
    quarter = _quarter(facts, "quarter")
    metric = _code_and_name(facts.get("metric"), facts.get("metric_name"))
    return _joined(metric, f"from {quarter}" if quarter else "")


def _field(key: str) -> Callable[[Facts, Mapping[int, str]], str]:
    return lambda facts, _bodies: _text(facts.get(key))


#: How each kind of record is named, from what is known of it (see :func:`record_words`).
_RECORDS: dict[str, Callable[[Facts, Mapping[int, str]], str]] = {
    Entity.METRIC_VALUE: _metric_value,
    Entity.METRIC: lambda f, _b: _code_and_name(f.get("code"), f.get("name")),
    Entity.PLAN_ACTION: lambda f, _b: _code_and_name(f.get("code"), f.get("title")),
    Entity.COMMUNITY_PROJECT: _field("title"),
    Entity.FEEDBACK_ITEM: lambda f, _b: _quoted(f.get("summary")),
    Entity.FORUM_MEETING: _meeting,
    Entity.MEETING_DECISION: _decision,
    Entity.BOARD_REPORT: _board_report,
    Entity.QUARTER_REVIEW: lambda f, _b: _quarter(f, "period"),
    Entity.QUARTER_QUESTION: lambda f, _b: _joined(
        _quarter(f, "period"), _quoted(f.get("question"))
    ),
    Entity.COMMENT: _comment,
    Entity.AGENDA_ITEM: _field("title"),
    Entity.BIANNUAL_REVIEW: lambda f, _b: _half_year(f),
    Entity.GOOD_PRACTICE: lambda f, _b: _joined(f.get("title"), _half_year(f)),
    Entity.EQUITY_COUNT: lambda f, _b: _counts(f, _quarter(f)),
    Entity.POPULATION_COUNT: lambda f, _b: _counts(f, _text(f.get("year"))),
    Entity.SPC_RECALCULATION: _spc,
    Entity.USER: lambda f, _b: (
        who_words(_text(f["username"]), f.get("display_name")) if f.get("username") else ""
    ),
    Entity.AREA: _field("name"),
    Entity.CHARACTERISTIC_GROUP: lambda f, _b: _joined(
        f.get("characteristic"), f.get("name"), sep=": "
    ),
    Entity.REMINDER: lambda f, _b: (
        who_words(_text(f["user"]), f.get("user_name")) if f.get("user") else ""
    ),
}
#: Kinds of record named by their region alone (the Region column says which).
_BY_REGION = frozenset({Entity.PROJECT_AIM})


def record_words(
    entity_type: str,
    entity_id: int | None,
    live: Facts | None,
    before: Facts | None = None,
    after: Facts | None = None,
    bodies: Mapping[int, str] | None = None,
) -> str:
    """What a change is about, in words: ``Metric value: CA1 Staff trained, Q1 2024/25``.

    ``live`` holds what the database says of the record now (None when it has since been
    deleted); what the event kept (``before`` and ``after``) fills the gaps, so a deleted
    record still reads sensibly. ``bodies`` names the national governance bodies by id.
    Figures about people (``FIGURE_FIELDS``) are never part of these words."""
    kind = kind_words(entity_type)
    if entity_type in _BY_REGION:
        return kind
    facts = {**(before or {}), **(after or {}), **(live or {})}
    describe = _RECORDS.get(entity_type)
    words = describe(facts, bodies or {}) if describe else ""
    if words:
        return f"{kind}: {words}"
    if entity_id is None:
        return kind
    return f"{kind} {entity_id}" if live is not None else f"{kind} {entity_id} (since removed)"


@dataclass(frozen=True)
class RecordedEvent:
    """An audit event as it was recorded, with its region's name (None: national)."""

    occurred_at: datetime
    username: str
    entity_type: str
    entity_id: int | None
    region: str | None
    action: str
    before: Facts | None
    after: Facts | None
    reason: str


@dataclass(frozen=True)
class LogEntry:
    """One change as the audit log shows it (:data:`LOG_COLUMNS`)."""

    when: datetime
    who: str
    region: str
    record: str
    what: str
    changes: str
    reason: str

    def words(self) -> str:
        """Everything a search looks in: all but the time, in one line."""
        return " ".join(
            " ".join(part.split())
            for part in (self.who, self.region, self.record, self.what, self.changes, self.reason)
        )


def log_entry(
    event: RecordedEvent,
    *,
    display_name: str | None = None,
    live: Facts | None = None,
    bodies: Mapping[int, str] | None = None,
    hidden: frozenset[str] = frozenset(),
) -> LogEntry:
    """The event in words: who by name, which record, what was done, the changes
    (``hidden`` fields say only that they changed) and why."""
    return LogEntry(
        when=event.occurred_at,
        who=who_words(event.username, display_name),
        region=event.region or NATIONAL,
        record=record_words(
            event.entity_type, event.entity_id, live, event.before, event.after, bodies
        ),
        what=action_words(event.action),
        changes=describe_changes(event.before, event.after, hidden),
        reason=event.reason or "",
    )


def search_query(text: str | None) -> str:
    """What was typed in the search box, tidied: spaces collapsed, any case."""
    return " ".join(str(text or "").split()).casefold()


def matches(entry: LogEntry, query: str) -> bool:
    """Whether the entry's words hold the (tidied) query; an empty query matches all."""
    return not query or query in entry.words().casefold()


def kinds_matching(query: str, kinds: Iterable[str] = tuple(Entity)) -> list[str]:
    """The kinds of record whose name (or code) holds the query."""
    return sorted({str(k) for k in kinds if query in kind_words(k).casefold() or query in str(k)})


def actions_matching(query: str) -> list[str]:
    """The actions (as recorded) whose words hold the query."""
    return sorted(code for code, words in ACTION_WORDS.items() if query in words.casefold())


def stored_forms(query: str) -> list[str]:
    """How text the log shows may be kept in an event's JSON: as typed, with a field's
    underscores (``people reached`` -> ``people_reached``), escaped as JSON keeps it
    (``é`` -> ``\u00e9``), and the codes of statuses whose words hold it."""
    forms = {query, query.replace(" ", "_"), json.dumps(query)[1:-1]}
    forms.update(code for code, words in STATUS_WORDS.items() if query in words.casefold())
    return sorted(f for f in forms if f)
