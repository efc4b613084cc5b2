"""Corrections in the data layer, on both engines: withdraw a value, retire a metric,
delete a project, a feedback item, a progress update or a decision. Each write works,
is audited and recorded, is refused for the wrong role or region, and a refused write
changes nothing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.corrections import Kind
from core.entities import Entity
from core.permissions import Actor, PermissionDenied
from db import corrections as dbc
from db.meetings import record_decision
from db.models import (
    ActionUpdate,
    AuditEvent,
    Comment,
    CommunityProject,
    Correction,
    FeedbackItem,
    ForumMeeting,
    MeetingDecision,
    Metric,
    MetricValue,
    PlanAction,
    ProjectPartner,
    Region,
)
from db.plan import post_action_update
from db.quarterly import active_metrics
from db.users import actor_for
from db.writes import WriteRefused
from tests.db.test_write_matrix import fingerprint

REASON = "typed into the wrong quarter"
OPEN_QUARTER = date(2026, 7, 1)  # submitted, not signed off, in the demo data
LOCKED_QUARTER = date(2026, 1, 1)  # signed off in the demo data


def actor(engine, username: str) -> Actor:
    with Session(engine) as session:
        found = actor_for(session, username)
    assert found is not None
    return found


def region(engine, code: str) -> int:
    with Session(engine) as session:
        return session.scalar(select(Region.id).where(Region.code == code))


def first(engine, model, *where):
    with Session(engine) as session:
        return session.scalars(select(model).where(*where).order_by(model.id)).first()


def london_value(engine, period: date) -> MetricValue:
    london = region(engine, "london")
    return first(
        engine,
        MetricValue,
        MetricValue.region_id == london,
        MetricValue.period_start == period,
        MetricValue.characteristic == "",
    )


def corrections_of(engine, kind: Kind) -> list[Correction]:
    with Session(engine) as session:
        return list(session.scalars(select(Correction).where(Correction.kind == str(kind))))


def refused_unchanged(engine, write, who: Actor, *args, error=PermissionDenied) -> None:
    before = fingerprint(engine)
    with pytest.raises(error):
        write(engine, who, *args)
    assert fingerprint(engine) == before


# --- withdrawing a value -----------------------------------------------------------------


def test_the_regional_lead_withdraws_a_value_with_a_reason(demo_engine):
    value = london_value(demo_engine, OPEN_QUARTER)
    dbc.withdraw_value(demo_engine, actor(demo_engine, "london.lead"), value.id, REASON)
    with Session(demo_engine) as session:
        assert session.get(MetricValue, value.id) is None
        event = session.scalars(
            select(AuditEvent).where(
                AuditEvent.entity_type == Entity.METRIC_VALUE,
                AuditEvent.entity_id == value.id,
                AuditEvent.action == "withdraw",
            )
        ).one()
    assert event.reason == REASON and event.before["value"] == value.value
    [record] = corrections_of(demo_engine, Kind.VALUE_WITHDRAWN)
    assert record.entity_id == value.id and record.parent_id == value.metric_id
    assert record.period_start == OPEN_QUARTER and record.made_by == "Leon Mensah (demo)"
    assert record.made_by_role == "regional_lead" and record.reason == REASON
    assert "Q2 2026/27" in record.summary


def test_a_value_is_not_withdrawn_by_a_forum_member_or_another_region(demo_engine):
    value = london_value(demo_engine, OPEN_QUARTER)
    for who in ("london.forum", "northwest.lead", "national.lead"):
        refused_unchanged(
            demo_engine, dbc.withdraw_value, actor(demo_engine, who), value.id, REASON
        )


def test_a_value_in_a_signed_off_quarter_cannot_be_withdrawn(demo_engine):
    value = london_value(demo_engine, LOCKED_QUARTER)
    lead = actor(demo_engine, "london.lead")
    before = fingerprint(demo_engine)
    with pytest.raises(WriteRefused, match=r"Q4 2025/26 was signed off .* locked"):
        dbc.withdraw_value(demo_engine, lead, value.id, REASON)
    assert fingerprint(demo_engine) == before


def test_a_withdrawal_needs_a_reason_and_the_version_shown(demo_engine):
    value = london_value(demo_engine, OPEN_QUARTER)
    lead = actor(demo_engine, "london.lead")
    refused_unchanged(demo_engine, dbc.withdraw_value, lead, value.id, "  ", error=WriteRefused)
    refused_unchanged(
        demo_engine, dbc.withdraw_value, lead, value.id, REASON, value.version + 1, error=Exception
    )
    dbc.withdraw_value(demo_engine, lead, value.id, REASON, value.version)
    refused_unchanged(demo_engine, dbc.withdraw_value, lead, value.id, REASON, error=WriteRefused)


# --- retiring a metric -------------------------------------------------------------------


def test_a_retired_metric_is_no_longer_asked_for_but_keeps_its_values(demo_engine):
    london = region(demo_engine, "london")
    metric = first(demo_engine, Metric, Metric.region_id == london)
    lead = actor(demo_engine, "london.lead")
    with Session(demo_engine) as session:
        values = session.scalar(
            select(func.count()).select_from(MetricValue).where(MetricValue.metric_id == metric.id)
        )
    dbc.retire_metric(demo_engine, lead, metric.id, metric.version, "No longer collected")
    with Session(demo_engine) as session:
        retired = session.get(Metric, metric.id)
        assert not retired.active and retired.retired_at is not None
        assert metric.code not in set(active_metrics(session, london)["code"])
        assert (
            session.scalar(
                select(func.count())
                .select_from(MetricValue)
                .where(MetricValue.metric_id == metric.id)
            )
            == values
        )
        assert dbc.retired_metrics(session, london)["code"].tolist() == [metric.code]
    [record] = corrections_of(demo_engine, Kind.METRIC_RETIRED)
    assert record.entity_id == metric.id and record.reason == "No longer collected"
    refused_unchanged(
        demo_engine,
        dbc.retire_metric,
        lead,
        metric.id,
        metric.version + 1,
        REASON,
        error=WriteRefused,
    )


def test_only_national_leads_and_admins_retire_a_national_metric(demo_engine):
    metric = first(demo_engine, Metric, Metric.scope == "national")
    for who in ("london.lead", "london.forum"):
        refused_unchanged(
            demo_engine,
            dbc.retire_metric,
            actor(demo_engine, who),
            metric.id,
            metric.version,
            REASON,
        )
    dbc.retire_metric(
        demo_engine, actor(demo_engine, "national.lead"), metric.id, 1 * metric.version, REASON
    )
    assert corrections_of(demo_engine, Kind.METRIC_RETIRED)[0].region_id is None


def test_another_regions_lead_cannot_retire_a_local_metric(demo_engine):
    metric = first(demo_engine, Metric, Metric.region_id == region(demo_engine, "london"))
    for who in ("northwest.lead", "london.forum", "national.lead"):
        refused_unchanged(
            demo_engine,
            dbc.retire_metric,
            actor(demo_engine, who),
            metric.id,
            metric.version,
            REASON,
        )


# --- deleting a project, feedback, a progress update, a decision ---------------------------


def test_a_project_is_deleted_with_its_partners_themes_and_comments(demo_engine):
    with Session(demo_engine) as session:
        commented = session.scalar(
            select(Comment.entity_id).where(Comment.entity_type == "community_project")
        )
        project = session.get(CommunityProject, commented)
        region_id = project.region_id
    lead = next(
        actor(demo_engine, u)
        for u in ("london.lead", "northwest.lead")
        if actor(demo_engine, u).region_id == region_id
    )
    dbc.delete_project(demo_engine, lead, project.id, "Entered twice by mistake")
    with Session(demo_engine) as session:
        assert session.get(CommunityProject, project.id) is None
        assert not session.scalars(
            select(ProjectPartner).where(ProjectPartner.project_id == project.id)
        ).all()
        assert not session.scalars(
            select(Comment).where(
                Comment.entity_type == "community_project", Comment.entity_id == project.id
            )
        ).all()
        actions = set(
            session.scalars(
                select(AuditEvent.action).where(
                    AuditEvent.reason.contains("Entered twice by mistake")
                )
            )
        )
    assert actions == {"delete"}
    assert corrections_of(demo_engine, Kind.PROJECT_DELETED)[0].summary == project.title


def test_projects_are_not_deleted_by_forum_members_or_other_regions(demo_engine):
    project = first(
        demo_engine, CommunityProject, CommunityProject.region_id == region(demo_engine, "london")
    )
    for who in ("london.forum", "northwest.lead", "national.lead"):
        refused_unchanged(
            demo_engine, dbc.delete_project, actor(demo_engine, who), project.id, REASON
        )


def test_feedback_is_deleted_by_the_lead_not_by_the_forum_member_who_adds_it(demo_engine):
    item = first(demo_engine, FeedbackItem, FeedbackItem.region_id == region(demo_engine, "london"))
    for who in ("london.forum", "northwest.lead", "national.lead"):
        refused_unchanged(
            demo_engine, dbc.delete_feedback, actor(demo_engine, who), item.id, REASON
        )
    dbc.delete_feedback(demo_engine, actor(demo_engine, "admin"), item.id, REASON)
    assert first(demo_engine, FeedbackItem, FeedbackItem.id == item.id) is None
    [record] = corrections_of(demo_engine, Kind.FEEDBACK_DELETED)
    assert record.made_by_role == "admin"


def test_deleting_the_update_that_set_the_status_gives_the_status_back(demo_engine):
    action = first(demo_engine, PlanAction, PlanAction.region_id == region(demo_engine, "london"))
    lead = actor(demo_engine, "london.lead")
    old = action.status
    new = "at_risk" if old != "at_risk" else "on_track"
    update_id = post_action_update(demo_engine, lead, action.id, date.today(), "Done!", new)
    for who in ("london.forum", "northwest.lead", "national.lead"):
        refused_unchanged(
            demo_engine, dbc.delete_progress_update, actor(demo_engine, who), update_id, REASON
        )
    dbc.delete_progress_update(demo_engine, lead, update_id, "Posted on the wrong action")
    with Session(demo_engine) as session:
        assert session.get(ActionUpdate, update_id) is None
        assert session.get(PlanAction, action.id).status == old
    [record] = corrections_of(demo_engine, Kind.UPDATE_DELETED)
    assert record.parent_id == action.id


def test_a_decision_is_deleted_unless_a_metric_was_agreed_at_it(demo_engine):
    lead = actor(demo_engine, "london.lead")
    linked = first(demo_engine, Metric, Metric.agreed_decision_id.is_not(None))
    refused_unchanged(
        demo_engine,
        dbc.delete_decision,
        lead,
        linked.agreed_decision_id,
        REASON,
        error=WriteRefused,
    )
    meeting = first(
        demo_engine, ForumMeeting, ForumMeeting.region_id == region(demo_engine, "london")
    )
    made = record_decision(demo_engine, lead, meeting.id, linked.theme_id, "A decision by mistake")
    for who in ("london.forum", "northwest.lead", "national.lead"):
        refused_unchanged(
            demo_engine, dbc.delete_decision, actor(demo_engine, who), made.decision_id, REASON
        )
    dbc.delete_decision(demo_engine, lead, made.decision_id, REASON)
    assert first(demo_engine, MeetingDecision, MeetingDecision.id == made.decision_id) is None
    [record] = corrections_of(demo_engine, Kind.DECISION_DELETED)
    assert record.parent_id == meeting.id and "A decision by mistake" in record.summary


def test_corrections_are_read_by_region_and_parent(demo_engine):
    value = london_value(demo_engine, OPEN_QUARTER)
    dbc.withdraw_value(demo_engine, actor(demo_engine, "london.lead"), value.id, REASON)
    with Session(demo_engine) as session:
        found = dbc.corrections(
            session,
            [Kind.VALUE_WITHDRAWN],
            region_id=value.region_id,
            parent_ids=[value.metric_id],
        )
        elsewhere = dbc.corrections(
            session, [Kind.VALUE_WITHDRAWN], region_id=region(demo_engine, "north_west")
        )
    assert [v.entity_id for v in found] == [value.id] and elsewhere == []


# --- the service: the confirmation, and the words each person reads -----------------------


def context(engine, username: str):
    from core.config import load_settings
    from services.context import RequestContext

    return RequestContext(load_settings(require_cookie_key=False), engine, actor(engine, username))


def test_nothing_is_withdrawn_without_the_confirmation(demo_engine):
    from services import corrections as service

    value = london_value(demo_engine, OPEN_QUARTER)
    before = fingerprint(demo_engine)
    with pytest.raises(WriteRefused, match="Tick the box"):
        service.withdraw_value(
            context(demo_engine, "london.lead"), value.id, REASON, value.version, confirmed=False
        )
    assert fingerprint(demo_engine) == before


def test_the_lead_reads_what_and_why_the_forum_member_only_that(demo_engine):
    from services import corrections as service

    value = london_value(demo_engine, OPEN_QUARTER)
    lead = context(demo_engine, "london.lead")
    service.withdraw_value(lead, value.id, REASON, value.version, confirmed=True)
    [mine] = service.correction_lines(
        lead, value.region_id, [Kind.VALUE_WITHDRAWN], parent_ids=[value.metric_id]
    )[value.metric_id]
    assert mine.startswith("The value ") and mine.endswith(f"because: {REASON}")
    assert service.withdrawn_value_ids(lead, value.region_id, value.metric_id) == [value.id]
    forum = context(demo_engine, "london.forum")
    [theirs] = service.correction_lines(
        forum, value.region_id, [Kind.VALUE_WITHDRAWN], parent_ids=[value.metric_id]
    )[value.metric_id]
    assert theirs.startswith("A value for Q2 2026/27 was withdrawn by the regional lead on")
    assert REASON not in theirs and "Leon" not in theirs
    assert service.withdrawn_value_ids(forum, value.region_id, value.metric_id) == []
