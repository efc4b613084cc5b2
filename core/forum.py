"""The Regional Forum's voice: comments on a region's actions, metrics and projects, items
proposed for the next forum meeting, and the record that a metric was agreed at a meeting.

Pure rules and wording (no database), shared by the writes in ``db.forum``, the pages
and the demo data. Nobody edits another person's words: a comment or an agenda item is
kept as it was written; the regional lead may answer it, or hide a comment with a
reason (kept, and shown instead of the comment).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from core.entities import Entity
from core.metric_words import is_coproduced, none_if_blank
from core.quarterly import long_date

COMMENT_MIN = 2
COMMENT_MAX = 2000
ANSWER_MIN = 2
ANSWER_MAX = 2000
AGENDA_TITLE_MIN = 3
AGENDA_TITLE_MAX = 200
AGENDA_DETAIL_MAX = 2000
HIDE_REASON_MIN = 5
HIDE_REASON_MAX = 500

#: The kinds of item a comment can be about, as people read them.
COMMENTABLE: dict[str, str] = {
    Entity.PLAN_ACTION: "action",
    Entity.METRIC: "metric",
    Entity.COMMUNITY_PROJECT: "project",
}

#: What people read where a hidden comment was (the reason follows).
HIDDEN_PREFIX = "A comment was hidden by the regional lead: "


def _length_problems(text: str, what: str, low: int, high: int) -> list[str]:
    size = len(text.strip())
    if size < low:
        if low <= 1 or size == 0:
            return [f"Write {what}."]
        return [f"Write {what} of at least {low} characters."]
    if size > high:
        return [f"Keep {what} to {high:,} characters or fewer (it has {size:,})."]
    return []


def comment_problems(text: str) -> list[str]:
    """What is wrong with a comment, in words; empty when it may be saved."""
    return _length_problems(text or "", "your comment", COMMENT_MIN, COMMENT_MAX)


def answer_problems(text: str) -> list[str]:
    """What is wrong with a regional lead's answer (to a comment or an agenda item)."""
    return _length_problems(text or "", "the answer", ANSWER_MIN, ANSWER_MAX)


def hide_reason_problems(reason: str) -> list[str]:
    """A comment is hidden only with a reason everyone in the region can read."""
    return _length_problems(
        reason or "", "the reason for hiding it", HIDE_REASON_MIN, HIDE_REASON_MAX
    )


def agenda_problems(title: str, detail: str = "") -> list[str]:
    """What is wrong with an item proposed for the next meeting."""
    problems = _length_problems(title or "", "a title", AGENDA_TITLE_MIN, AGENDA_TITLE_MAX)
    if len((detail or "").strip()) > AGENDA_DETAIL_MAX:
        problems.append(f"Keep the detail to {AGENDA_DETAIL_MAX:,} characters or fewer.")
    return problems


def entity_problem(entity_type: str) -> str:
    """Empty when comments may be made on this kind of item."""
    if entity_type in COMMENTABLE:
        return ""
    return "Comments can be made only on an action, a metric or a community project."


def hidden_notice(reason: str) -> str:
    """What everyone reads in place of a hidden comment (never the comment itself)."""
    reason = (reason or "").strip()
    return HIDDEN_PREFIX + (reason if reason else "no reason was recorded.")


def comments_label(count: int) -> str:
    """``Comments (3)`` (an item's expander)."""
    return f"Comments ({count})"


def written_on(when: date | datetime | None) -> str:
    """``12 March 2026`` (or ``date not recorded``)."""
    return long_date(when) if when is not None else "date not recorded"


def agreed_at_forum(meeting_date: date) -> str:
    """``Agreed at the Regional Forum on 12 March 2026``."""
    return f"Agreed at the Regional Forum on {long_date(meeting_date)}"


def decision_choice(meeting_date: date, text: str, width: int = 80) -> str:
    """A decision as a picker shows it: ``12 March 2026: the start of its text…``."""
    words = " ".join((text or "").split())
    if len(words) > width:
        words = words[: width - 1].rstrip() + "…"
    return f"{long_date(meeting_date)}: {words}"


def has_coproduction_record(row: Mapping[str, Any]) -> bool:
    """A metric agreed at a Regional Forum meeting (linked to the decision), or one whose
    free-text record says who agreed it and when."""
    return none_if_blank(row.get("agreed_decision_id")) is not None or is_coproduced(row)


def agenda_answer_words(answer: str, answered_by: str, when: date | datetime | None) -> str:
    """``Answer from Leon Mensah, 12 March 2026: ...`` (plain text, to be escaped)."""
    who = answered_by or "the regional lead"
    return f"Answer from {who}, {written_on(when)}: {answer}"


@dataclass(frozen=True)
class CommentView:
    """A comment as everyone in the region sees it. A hidden comment carries only the
    notice with the lead's reason: its words never leave the data layer."""

    id: int
    entity_type: str
    entity_id: int
    author: str
    written_at: datetime | None
    text: str
    hidden: bool
    answer: str
    answered_by: str
    answered_at: datetime | None
    version: int

    @property
    def answered(self) -> bool:
        return bool(self.answer)

    @property
    def choice(self) -> str:
        """How the lead's pickers name it: ``Femi Adeyemi, 12 March 2026: the start…``."""
        words = " ".join(self.text.split())
        words = words if len(words) <= 60 else words[:59].rstrip() + "…"
        return f"{self.author}, {written_on(self.written_at)}: {words}"


def comment_view(
    *,
    comment_id: int,
    entity_type: str,
    entity_id: int,
    author: str,
    written_at: datetime | None,
    text: str,
    hidden_at: datetime | None,
    hidden_reason: str,
    answer: str,
    answered_by: str,
    answered_at: datetime | None,
    version: int,
) -> CommentView:
    """A stored comment as it may be shown: a hidden one's text (and the answer to it,
    which may quote it) replaced by the notice with the reason."""
    hidden = hidden_at is not None
    return CommentView(
        id=int(comment_id),
        entity_type=str(entity_type),
        entity_id=int(entity_id),
        author=author or "someone",
        written_at=written_at,
        text=hidden_notice(hidden_reason) if hidden else text,
        hidden=hidden,
        answer="" if hidden else (answer or ""),
        answered_by="" if hidden else (answered_by or ""),
        answered_at=None if hidden else answered_at,
        version=int(version),
    )


@dataclass(frozen=True)
class AgendaItemView:
    """An item proposed for a forum meeting, and what became of it."""

    id: int
    title: str
    detail: str
    proposed_by: str
    proposed_at: datetime | None
    meeting_id: int | None
    meeting_date: date | None
    answer: str
    answered_by: str
    answered_at: datetime | None
    version: int

    @property
    def waiting(self) -> bool:
        """Not yet answered nor taken at a meeting."""
        return self.meeting_id is None and not self.answer

    def outcome(self) -> str:
        """What became of it, in words (plain text)."""
        if self.waiting:
            return "Waiting for the next meeting."
        taken = (
            f"Taken at the Regional Forum on {long_date(self.meeting_date)}. "
            if self.meeting_date is not None
            else ""
        )
        answer = (
            agenda_answer_words(self.answer, self.answered_by, self.answered_at)
            if self.answer
            else ""
        )
        return (taken + answer).strip()


@dataclass(frozen=True)
class DecisionChoice:
    """A decision of one of a region's forum meetings, for the metric form's picker and
    the metric card."""

    id: int
    meeting_id: int
    meeting_date: date
    text: str

    @property
    def label(self) -> str:
        return decision_choice(self.meeting_date, self.text)
