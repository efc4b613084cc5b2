"""Putting mistakes right: the rules and the wording of corrections.

A regional lead (in their own region), a national lead (for national items) or an
administrator may withdraw a metric value, retire a metric, or delete a community
project, a feedback item, a progress update or a meeting decision entered by mistake,
always with a reason. The row is removed (a metric is retired instead, keeping its
history); a correction record and the audit event keep who did it, when and why.

Everyone who can see the region reads THAT something was corrected. Only those who may
see the region's exact figures (its regional lead, national leads, administrators) read
what it was and why: a value, a title or a reason can carry small counts of people or
personal details, so everyone else reads, for example, "A value for Q2 2026/27 was
withdrawn by the regional lead on 3 December 2026."
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from core.periods import format_period
from core.permissions import Role
from core.quarterly import long_date

#: The kind of record a progress update is, in a correction (there is no Entity for it:
#: its changes are audited on its action).
ACTION_UPDATE = "action_update"

REASON_MIN = 5
REASON_MAX = 500


class Kind(StrEnum):
    VALUE_WITHDRAWN = "value_withdrawn"
    METRIC_RETIRED = "metric_retired"
    PROJECT_DELETED = "project_deleted"
    FEEDBACK_DELETED = "feedback_deleted"
    UPDATE_DELETED = "update_deleted"
    DECISION_DELETED = "decision_deleted"


#: What was corrected, as everyone may read it (a value's quarter follows).
_SOMETHING: dict[str, str] = {
    Kind.VALUE_WITHDRAWN: "A value",
    Kind.METRIC_RETIRED: "This metric",
    Kind.PROJECT_DELETED: "A community project",
    Kind.FEEDBACK_DELETED: "A piece of feedback",
    Kind.UPDATE_DELETED: "A progress update",
    Kind.DECISION_DELETED: "A decision",
}

#: What happened to it.
_DONE: dict[str, str] = {
    Kind.VALUE_WITHDRAWN: "withdrawn",
    Kind.METRIC_RETIRED: "retired",
}

#: Who made a correction, as everyone may read it.
ROLE_WORDS: dict[str, str] = {
    Role.REGIONAL_LEAD: "the regional lead",
    Role.NATIONAL_LEAD: "a national lead",
    Role.ADMIN: "an administrator",
}

#: The confirmation every correction asks for, beside its button.
CONFIRM = {
    Kind.VALUE_WITHDRAWN: "Yes, withdraw this value: it leaves every figure, chart and report",
    Kind.METRIC_RETIRED: "Yes, retire this metric: it is no longer asked for; its history stays",
    Kind.PROJECT_DELETED: "Yes, delete this project everywhere",
    Kind.FEEDBACK_DELETED: "Yes, delete this feedback everywhere",
    Kind.UPDATE_DELETED: "Yes, delete this progress update everywhere",
    Kind.DECISION_DELETED: "Yes, delete this decision everywhere",
}

NOT_CONFIRMED = "Tick the box to confirm, then try again. Nothing was changed."


@dataclass(frozen=True)
class CorrectionView:
    """One correction as read from its record (the words depend on who reads it)."""

    kind: str
    entity_id: int
    parent_id: int | None
    region_id: int | None
    period_start: date | None
    summary: str
    made_by: str
    made_by_role: str
    made_at: datetime
    reason: str


def reason_problems(reason: str | None) -> list[str]:
    """A correction needs a reason (kept in the audit log); empty when it may be saved."""
    size = len((reason or "").strip())
    if size == 0:
        return ["Write the reason for the correction (for example, typed into the wrong quarter)."]
    if size < REASON_MIN:
        return [f"Write a reason of at least {REASON_MIN} characters."]
    if size > REASON_MAX:
        return [f"Keep the reason to {REASON_MAX:,} characters or fewer (it has {size:,})."]
    return []


def done_word(kind: str) -> str:
    """``withdrawn``, ``retired`` or ``deleted``."""
    return _DONE.get(kind, "deleted")


def role_words(role: str) -> str:
    return ROLE_WORDS.get(role, "someone who keeps the region's records")


def value_summary(code: str, period_start: date, shown_value: str, group: str = "") -> str:
    """What a withdrawn value was: ``CA01, Q2 2026/27: 12`` (``, Indian`` for a group)."""
    where = format_period(period_start) + (f", {group}" if group else "")
    return f"{code}, {where}: {shown_value}"


def correction_line(view: CorrectionView, *, full: bool) -> str:
    """The sentence in the item's history. ``full``: for those who may see the region's
    exact figures (what it was, who, when and why); otherwise only that it happened.

    ``The value CA01, Q2 2026/27: 12 was withdrawn by Sam Lee on 3 December 2026
    because: typed into the wrong quarter`` / ``A value for Q2 2026/27 was withdrawn by
    the regional lead on 3 December 2026.``"""
    done = done_word(view.kind)
    when = long_date(view.made_at)
    if full:
        what = view.summary.strip() or _SOMETHING.get(view.kind, "A record")
        subject = f"{_full_subject(view.kind)}{what}"
        return f"{subject} was {done} by {view.made_by} on {when} because: {view.reason.strip()}"
    subject = _SOMETHING.get(view.kind, "A record")
    if view.kind == Kind.VALUE_WITHDRAWN and view.period_start is not None:
        subject += f" for {format_period(view.period_start)}"
    return f"{subject} was {done} by {role_words(view.made_by_role)} on {when}."


def _full_subject(kind: str) -> str:
    return {
        Kind.VALUE_WITHDRAWN: "The value ",
        Kind.METRIC_RETIRED: "The metric ",
        Kind.PROJECT_DELETED: "The project ",
        Kind.FEEDBACK_DELETED: "The feedback ",
        Kind.UPDATE_DELETED: "The progress update ",
        Kind.DECISION_DELETED: "The decision ",
    }.get(kind, "")


def retired_label(retired_at: datetime | date | None) -> str:
    """``Retired on 3 December 2026`` (a metric retired before dates were kept: no date)."""
    if retired_at is None:
        return "Retired (date not recorded)"
    return f"Retired on {long_date(retired_at)}"


def short(text: str, width: int = 80) -> str:
    """Text cut to ``width`` characters for a summary or a picker."""
    words = " ".join((text or "").split())
    return words if len(words) <= width else words[: width - 1].rstrip() + "…"


def corrections_label(count: int) -> str:
    """``Corrections (2)``: the expander listing what was put right."""
    return f"Corrections ({count})"
