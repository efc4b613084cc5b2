"""The kinds of record a change is about: one list for the whole app.

Each member names a kind of record as the audit log keeps it (``AuditEvent.entity_type``),
as a registered write declares it (``db.writes.registered_write(..., entity=...)``) and
as a cached read depends on it (``db.cache.cached_read(...)`` topics). A ``StrEnum``
member equals its string, so rows written before this list existed still match.
"""

from __future__ import annotations

from enum import StrEnum


class Entity(StrEnum):
    AGENDA_ITEM = "agenda_item"
    AREA = "area"
    BIANNUAL_REVIEW = "biannual_review"
    BOARD_REPORT = "board_report"
    CHARACTERISTIC_GROUP = "characteristic_group"
    COMMENT = "comment"
    COMMUNITY_PROJECT = "community_project"
    EQUITY_COUNT = "equity_count"
    FEEDBACK_ITEM = "feedback_item"
    FORUM_MEETING = "forum_meeting"
    GOOD_PRACTICE = "good_practice"
    MEETING_DECISION = "meeting_decision"
    METRIC = "metric"
    METRIC_VALUE = "metric_value"
    PLAN_ACTION = "plan_action"
    POPULATION_COUNT = "population_count"
    PROJECT_AIM = "project_aim"
    QUARTER_QUESTION = "quarter_question"
    QUARTER_REVIEW = "quarter_review"
    REMINDER = "reminder"
    SPC_RECALCULATION = "spc_recalculation"
    USER = "user"
