"""The data model: SQLAlchemy 2.x typed ORM classes.

Everything here is aggregate data about services, never records about a person who
uses them. Optional text that takes part in a uniqueness rule (a disaggregation
characteristic and group) is stored as an empty string rather than NULL, so that the
rule holds the same way on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def versioned(column: Any) -> dict[str, Any]:
    """Mapper arguments of a model with a ``version`` column: SQLAlchemy's version
    counter makes every UPDATE and DELETE of a row match only the version it was read
    at (or the version a page showed, see db.writes.UnitOfWork.expect_version), so a
    change made meanwhile is never overwritten. The writes set each new version
    themselves (``version_id_generator`` False), as they always have: a version moves
    on only when a write says the row changed."""
    return {"version_id_col": column, "version_id_generator": False}


# --- reference data ---------------------------------------------------------------


class Region(Base):
    __tablename__ = "region"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: The region's own aim for community engagement projects (None: no aim of its own;
    #: the plan's commitment of at least three is across the whole organisation).
    project_aim: Mapped[int | None] = mapped_column(Integer)
    areas: Mapped[list[Area]] = relationship(back_populates="region", order_by="Area.name")


class Area(Base):
    """An integrated care board or local area inside a region (ICBs merge, so editable)."""

    __tablename__ = "area"
    __table_args__ = (UniqueConstraint("region_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    name: Mapped[str] = mapped_column(String(160))
    kind: Mapped[str] = mapped_column(String(40), default="ICB")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    region: Mapped[Region] = relationship(back_populates="areas")


class Theme(Base):
    """A monitoring theme (the six PCREF organisational competencies) or a tag such as
    Leadership and governance, which the plan's key also uses but does not monitor."""

    __tablename__ = "theme"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    definition: Mapped[str] = mapped_column(Text, default="")
    monitoring: Mapped[bool] = mapped_column(Boolean, default=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class ActionArea(Base):
    __tablename__ = "action_area"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class Characteristic(Base):
    """A characteristic data can be broken down by (ethnicity, age band, ...)."""

    __tablename__ = "characteristic"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    groups: Mapped[list[CharacteristicGroup]] = relationship(
        back_populates="characteristic", order_by="CharacteristicGroup.sort_order"
    )


class CharacteristicGroup(Base):
    __tablename__ = "characteristic_group"
    __table_args__ = (UniqueConstraint("characteristic_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    characteristic_id: Mapped[int] = mapped_column(ForeignKey("characteristic.id"), index=True)
    code: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(160))
    parent_code: Mapped[str | None] = mapped_column(String(60))
    nhs_code: Mapped[str | None] = mapped_column(String(4))
    is_missing: Mapped[bool] = mapped_column(Boolean, default=False)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    characteristic: Mapped[Characteristic] = relationship(back_populates="groups")


# --- people and audit -------------------------------------------------------------


class User(Base):
    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(30))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    #: Whether the person wants the daily reminder email (sent only with an address).
    email_reminders: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    #: Set by an administrator's reset: after signing in, the person must choose a new
    #: password before anything else (cleared when they do).
    must_change_password: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    region: Mapped[Region | None] = relationship()


class LoginAttempt(Base):
    """One sign-in attempt, kept by the username typed (known or not) for lock-out."""

    __tablename__ = "login_attempt"
    __table_args__ = (Index("ix_login_attempt_username_at", "username", "attempted_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(200))
    attempted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    succeeded: Mapped[bool] = mapped_column(Boolean)


class AuditEvent(Base):
    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_entity", "entity_type", "entity_id"),
        Index("ix_audit_event_region_at", "region_id", "occurred_at"),
        # The cache's freshness check: the newest change of some kinds in some regions.
        Index("ix_audit_event_type_region_id", "entity_type", "region_id", "id"),
        # The audit log's filter of who made changes (db.audit.distinct_values).
        Index("ix_audit_event_username", "username"),
        # The audit log, newest first: an import writes thousands of events at one time,
        # so the order needs the id too.
        Index("ix_audit_event_occurred_id", "occurred_at", "id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    username: Mapped[str] = mapped_column(String(80))
    entity_type: Mapped[str] = mapped_column(String(40))  # a core.entities.Entity
    entity_id: Mapped[int | None] = mapped_column(Integer)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"))
    action: Mapped[str] = mapped_column(String(40))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text, default="")


# --- the plan ---------------------------------------------------------------------

plan_action_theme = Table(
    "plan_action_theme",
    Base.metadata,
    Column("action_id", ForeignKey("plan_action.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("theme.id"), primary_key=True),
)


class PlanAction(Base):
    """An action of the plan: a national template (region None) or a region's own."""

    __tablename__ = "plan_action"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), default="")
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    template_id: Mapped[int | None] = mapped_column(ForeignKey("plan_action.id"))
    action_area_id: Mapped[int] = mapped_column(ForeignKey("action_area.id"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    owner: Mapped[str] = mapped_column(String(120), default="")
    due_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="not_started")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = versioned(version)
    #: A national action kept once for the whole organisation by national leads (such as
    #: the Board champion), shown read-only in every region's plan instead of adopted.
    organisation_wide: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: When and by whom a national lead confirmed the themes a national action serves
    #: (None: the themes are still the ones proposed from the action's text).
    themes_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    themes_confirmed_by: Mapped[str | None] = mapped_column(String(80))
    themes: Mapped[list[Theme]] = relationship(secondary=plan_action_theme)
    action_area: Mapped[ActionArea] = relationship()
    region: Mapped[Region | None] = relationship()
    updates: Mapped[list[ActionUpdate]] = relationship(
        back_populates="action", order_by="ActionUpdate.update_date"
    )


class ActionUpdate(Base):
    """A dated progress note on an action, with an optional change of status."""

    __tablename__ = "action_update"
    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(
        ForeignKey("plan_action.id", ondelete="CASCADE"), index=True
    )
    update_date: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text)
    status_from: Mapped[str | None] = mapped_column(String(20))
    status_to: Mapped[str | None] = mapped_column(String(20))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    action: Mapped[PlanAction] = relationship(back_populates="updates")


# --- metrics ----------------------------------------------------------------------


class Metric(Base):
    """A national core metric (region None) or a region's locally coproduced metric."""

    __tablename__ = "metric"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    definition: Mapped[str] = mapped_column(Text, default="")
    theme_id: Mapped[int] = mapped_column(ForeignKey("theme.id"), index=True)
    unit: Mapped[str] = mapped_column(String(20))
    #: Whether its counts (a count value, or a numerator and denominator) are counts of
    #: people, which disclosure control hides or rounds; events, agreements and
    #: organisations are not people and are shown as recorded.
    counts_people: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    direction: Mapped[str] = mapped_column(String(10))
    scope: Mapped[str] = mapped_column(String(10))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    frequency: Mapped[str] = mapped_column(String(10), default="quarterly")
    baseline_period: Mapped[date | None] = mapped_column(Date)
    baseline_value: Mapped[float | None] = mapped_column(Float)
    target_value: Mapped[float | None] = mapped_column(Float)
    target_date: Mapped[date | None] = mapped_column(Date)
    limit_value: Mapped[float | None] = mapped_column(Float)
    start_period: Mapped[date | None] = mapped_column(Date)
    end_period: Mapped[date | None] = mapped_column(Date)
    data_source: Mapped[str] = mapped_column(String(200), default="")
    disaggregated_by: Mapped[str | None] = mapped_column(String(40))
    coproduced_with: Mapped[str] = mapped_column(String(200), default="")
    coproduced_at: Mapped[str] = mapped_column(String(200), default="")
    coproduced_on: Mapped[date | None] = mapped_column(Date)
    manual_status: Mapped[str | None] = mapped_column(String(30))
    manual_status_reason: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: When it was retired (no longer asked for; ``active`` False, its history kept);
    #: None for a metric in use, or one retired before the date was recorded.
    retired_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: The Regional Forum decision that agreed the metric (or its latest change); None
    #: when it was agreed elsewhere (the free-text coproduction fields say where).
    agreed_decision_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_decision.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = versioned(version)
    theme: Mapped[Theme] = relationship()
    region: Mapped[Region | None] = relationship()


class MetricValue(Base):
    __tablename__ = "metric_value"
    __table_args__ = (
        UniqueConstraint(
            "metric_id",
            "region_id",
            "period_start",
            "characteristic",
            "group_name",
            name="uq_metric_value_cell",
        ),
        Index("ix_metric_value_region_metric_period", "region_id", "metric_id", "period_start"),
        # The years with values, found by hopping along it (reports.annual_report).
        Index("ix_metric_value_period", "period_start"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    metric_id: Mapped[int] = mapped_column(ForeignKey("metric.id"))
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"))
    period_start: Mapped[date] = mapped_column(Date)
    value: Mapped[float | None] = mapped_column(Float)
    numerator: Mapped[float | None] = mapped_column(Float)
    denominator: Mapped[float | None] = mapped_column(Float)
    characteristic: Mapped[str] = mapped_column(String(40), default="")
    group_name: Mapped[str] = mapped_column(String(160), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    entered_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = versioned(version)
    metric: Mapped[Metric] = relationship()


# --- community, feedback, meetings -----------------------------------------------

project_theme = Table(
    "project_theme",
    Base.metadata,
    Column("project_id", ForeignKey("community_project.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("theme.id"), primary_key=True),
)


class CommunityProject(Base):
    """A place-based community engagement project (the plan commits to at least three)."""

    __tablename__ = "community_project"
    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"))
    title: Mapped[str] = mapped_column(String(200))
    place: Mapped[str] = mapped_column(String(200), default="")
    communities_engaged: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="planned")
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    people_reached: Mapped[int | None] = mapped_column(Integer)
    outcomes: Mapped[str] = mapped_column(Text, default="")
    next_steps: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = versioned(version)
    themes: Mapped[list[Theme]] = relationship(secondary=project_theme)
    partners: Mapped[list[ProjectPartner]] = relationship(
        back_populates="project", cascade="all, delete-orphan"
    )
    region: Mapped[Region] = relationship()


class ProjectPartner(Base):
    __tablename__ = "project_partner"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("community_project.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    project: Mapped[CommunityProject] = relationship(back_populates="partners")


class FeedbackItem(Base):
    """ "You said, we did": feedback and the response to it. No personal details."""

    __tablename__ = "feedback_item"
    __table_args__ = (Index("ix_feedback_item_region_received", "region_id", "received_on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"))
    source: Mapped[str] = mapped_column(String(60))
    received_on: Mapped[date] = mapped_column(Date)
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("theme.id"))
    summary: Mapped[str] = mapped_column(String(500))
    response: Mapped[str] = mapped_column(Text, default="")
    action_taken: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="received")
    responded_on: Mapped[date | None] = mapped_column(Date)
    action_id: Mapped[int | None] = mapped_column(ForeignKey("plan_action.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = versioned(version)
    theme: Mapped[Theme | None] = relationship()


class GovernanceBody(Base):
    """A national governance body the AMHE plan reports to (LG1): the AMHE Practice
    Forum, the Equity and Inclusion Board, the Board of Trustees and the Race Equality
    Programme Board, kept by national leads. A region's Regional Forum is not a row
    here: its meetings are the ones with a region and no body."""

    __tablename__ = "governance_body"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class ForumMeeting(Base):
    """A meeting of a region's Regional Forum (``region_id`` set, no body) or of a
    national governance body (``body_id`` set, no region)."""

    __tablename__ = "forum_meeting"
    __table_args__ = (
        Index("ix_forum_meeting_region_date", "region_id", "meeting_date"),
        Index("ix_forum_meeting_body_date", "body_id", "meeting_date"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"))
    body_id: Mapped[int | None] = mapped_column(ForeignKey("governance_body.id"))
    meeting_date: Mapped[date] = mapped_column(Date)
    attendees_count: Mapped[int | None] = mapped_column(Integer)
    chair: Mapped[str] = mapped_column(String(120), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    #: Attendance, by who people were there as (None: not recorded); the names are
    #: optional and as the meeting wrote them.
    service_users: Mapped[int | None] = mapped_column(Integer)
    carers: Mapped[int | None] = mapped_column(Integer)
    partners: Mapped[int | None] = mapped_column(Integer)
    staff: Mapped[int | None] = mapped_column(Integer)
    attendee_names: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    decisions: Mapped[list[MeetingDecision]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan"
    )


class MeetingDecision(Base):
    __tablename__ = "meeting_decision"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("forum_meeting.id", ondelete="CASCADE"), index=True
    )
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("theme.id"))
    text: Mapped[str] = mapped_column(Text)
    action_id: Mapped[int | None] = mapped_column(ForeignKey("plan_action.id"))
    meeting: Mapped[ForumMeeting] = relationship(back_populates="decisions")


# --- equity (aggregate counts only) ----------------------------------------------


class EquityCount(Base):
    """An aggregate count for one group: never a record about a person."""

    __tablename__ = "equity_count"
    __table_args__ = (
        UniqueConstraint(
            "region_id",
            "area_id_key",
            "period_start",
            "measure",
            "characteristic",
            "group_name",
            name="uq_equity_count_cell",
        ),
        Index("ix_equity_count_lookup", "region_id", "measure", "characteristic", "period_start"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"))
    area_id_key: Mapped[int] = mapped_column(Integer, default=0)
    period_start: Mapped[date] = mapped_column(Date)
    measure: Mapped[str] = mapped_column(String(80))
    characteristic: Mapped[str] = mapped_column(String(40))
    group_name: Mapped[str] = mapped_column(String(160))
    numerator: Mapped[int] = mapped_column(Integer)
    denominator: Mapped[int | None] = mapped_column(Integer)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    entered_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = versioned(version)


class PopulationCount(Base):
    """Local population by group, the denominator for access (census figures)."""

    __tablename__ = "population_count"
    __table_args__ = (
        UniqueConstraint(
            "region_id",
            "area_id_key",
            "characteristic",
            "group_name",
            "year",
            name="uq_population_count_cell",
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"))
    area_id_key: Mapped[int] = mapped_column(Integer, default=0)
    characteristic: Mapped[str] = mapped_column(String(40))
    group_name: Mapped[str] = mapped_column(String(160))
    year: Mapped[int] = mapped_column(Integer)
    population: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(200), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = versioned(version)


# --- the quarterly cycle and the forum's voice -------------------------------------


class QuarterReview(Base):
    """Where a region's quarter is in the cycle: submitted by the regional lead, signed
    off by the Regional Forum at a meeting, reopened with a reason. No row: not yet
    submitted (due or overdue by the date, see core.quarterly)."""

    __tablename__ = "quarter_review"
    __table_args__ = (UniqueConstraint("region_id", "period_start"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    period_start: Mapped[date] = mapped_column(Date)
    #: ``submitted``, ``questions`` (the forum asked the region questions),
    #: ``signed_off`` or ``reopened`` (a core.quarterly.Stage).
    status: Mapped[str] = mapped_column(String(20))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    submitted_by: Mapped[str] = mapped_column(String(120), default="")
    #: Why a metric has no value for the quarter: {metric id (text): reason}.
    missing_reasons: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    signed_off_at: Mapped[datetime | None] = mapped_column(DateTime)
    signed_off_by: Mapped[str] = mapped_column(String(120), default="")
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("forum_meeting.id"))
    reopened_at: Mapped[datetime | None] = mapped_column(DateTime)
    reopened_by: Mapped[str] = mapped_column(String(120), default="")
    reopen_reason: Mapped[str] = mapped_column(Text, default="")
    #: How many times it has been signed off (a reopened quarter is signed off again).
    sign_offs: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = versioned(version)


class QuarterQuestion(Base):
    """A question the Regional Forum asked the region about a submitted quarter, and
    the region's answer."""

    __tablename__ = "quarter_question"
    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("quarter_review.id"), index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("forum_meeting.id"))
    question: Mapped[str] = mapped_column(Text)
    asked_by: Mapped[str] = mapped_column(String(120))
    asked_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_by: Mapped[str] = mapped_column(String(120), default="")
    answered_at: Mapped[datetime | None] = mapped_column(DateTime)


class Comment(Base):
    """A comment on an action, metric or project of a region, shown with the item to
    everyone in the region. Nobody edits another person's words; the regional lead can
    hide a comment with a reason (the comment is kept, and the log says why)."""

    __tablename__ = "comment"
    __table_args__ = (Index("ix_comment_item", "entity_type", "entity_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    #: ``plan_action``, ``metric`` or ``community_project`` (a core.entities.Entity).
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    author_name: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_by: Mapped[str] = mapped_column(String(120), default="")
    answered_at: Mapped[datetime | None] = mapped_column(DateTime)
    hidden_at: Mapped[datetime | None] = mapped_column(DateTime)
    hidden_by: Mapped[str] = mapped_column(String(120), default="")
    hidden_reason: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = versioned(version)


class AgendaItem(Base):
    """An item proposed for a region's next Regional Forum meeting, and its answer."""

    __tablename__ = "agenda_item"
    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    detail: Mapped[str] = mapped_column(Text, default="")
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    proposed_by: Mapped[str] = mapped_column(String(120))
    proposed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    #: The meeting it was taken at (None: waiting for the next meeting).
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("forum_meeting.id"))
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_by: Mapped[str] = mapped_column(String(120), default="")
    answered_at: Mapped[datetime | None] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = versioned(version)


class Correction(Base):
    """A mistake put right: a metric value withdrawn, a metric retired, or a community
    project, feedback item, progress update or meeting decision deleted. The corrected
    row is gone (or, for a metric, retired); this record (with the audit event) keeps
    who did it, when and why. ``summary`` says what was removed, for those who may see
    it (core.corrections words the notice for everyone else)."""

    __tablename__ = "correction"
    __table_args__ = (
        Index("ix_correction_entity", "entity_type", "entity_id"),
        Index("ix_correction_parent", "parent_type", "parent_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    #: A core.corrections.Kind (``value_withdrawn``, ``metric_retired``, ...).
    kind: Mapped[str] = mapped_column(String(30))
    #: The record corrected (a core.entities.Entity and its id, kept after a delete).
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int] = mapped_column(Integer)
    #: The record it belonged to: a value's metric, an update's action, a decision's
    #: meeting (None for a project, a feedback item or a metric).
    parent_type: Mapped[str | None] = mapped_column(String(40))
    parent_id: Mapped[int | None] = mapped_column(Integer)
    #: The region it was in (None: a national core metric retired).
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    #: A withdrawn value's quarter.
    period_start: Mapped[date | None] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text, default="")
    made_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    made_by: Mapped[str] = mapped_column(String(120))
    #: The role of whoever made it (the notice says "by the regional lead").
    made_by_role: Mapped[str] = mapped_column(String(30))
    made_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    reason: Mapped[str] = mapped_column(Text)


class ReminderSent(Base):
    """One reminder email sent to a person on a day, so a second run that day sends
    nothing twice (and a failed send, never recorded, is sent by the next run)."""

    __tablename__ = "reminder_sent"
    __table_args__ = (UniqueConstraint("user_id", "sent_on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    sent_on: Mapped[date] = mapped_column(Date)
    sent_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    address: Mapped[str] = mapped_column(String(200))
    items: Mapped[int] = mapped_column(Integer)


class BiannualReview(Base):
    """A region's review of a half-year (SD4): what went well, what did not, notes of
    an independent evaluation where there was one. No row: not recorded yet (due or
    overdue by the date, see core.reviews)."""

    __tablename__ = "biannual_review"
    __table_args__ = (UniqueConstraint("region_id", "half_start"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    #: The half-year's first day: 1 April (H1) or 1 October (H2).
    half_start: Mapped[date] = mapped_column(Date)
    went_well: Mapped[str] = mapped_column(Text)
    not_well: Mapped[str] = mapped_column(Text)
    evaluation: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(120))
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(120), default="")
    updated_at: Mapped[datetime | None] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = versioned(version)


class GoodPractice(Base):
    """Good practice a region found in a bi-annual review; when shared, every region
    reads it in the good-practice library."""

    __tablename__ = "good_practice"
    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("biannual_review.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    what_was_done: Mapped[str] = mapped_column(Text)
    shared: Mapped[bool] = mapped_column(Boolean, default=False)
    added_by: Mapped[str] = mapped_column(String(120))
    added_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = versioned(version)


class SpcRecalculation(Base):
    """A recalculation point of a metric's SPC chart: from this quarter the mean and
    process limits are worked out afresh (for example after a change in how the metric
    is collected). A national core metric's point applies to every region's series (the
    way it is collected is decided nationally); a local metric's to its region's."""

    __tablename__ = "spc_recalculation"
    __table_args__ = (UniqueConstraint("metric_id", "period_start"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    metric_id: Mapped[int] = mapped_column(ForeignKey("metric.id"), index=True)
    #: The first day of the quarter the new limits start from.
    period_start: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(120))
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class BoardReport(Base):
    """A board report as issued to a governance body for a period (a quarter or a
    half-year): kept exactly as issued (the HTML and the PDF), with the national
    lead's words on each exception, who issued it and when."""

    __tablename__ = "board_report"
    __table_args__ = (Index("ix_board_report_body_issued", "body_id", "issued_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("governance_body.id"))
    #: The meeting it was issued for, when there is one.
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("forum_meeting.id"))
    #: The period's first day and kind ("quarter" or "half").
    period_start: Mapped[date] = mapped_column(Date)
    period_kind: Mapped[str] = mapped_column(String(10))
    #: The exceptions as issued: [{"metric": ..., "reason": ..., "action": ...}].
    exceptions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    html: Mapped[str] = mapped_column(Text)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    #: SHA-256 of the PDF and of the HTML, so a download can be shown to be the one issued.
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    html_sha256: Mapped[str] = mapped_column(String(64))
    issued_by: Mapped[str] = mapped_column(String(120))
    issued_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
