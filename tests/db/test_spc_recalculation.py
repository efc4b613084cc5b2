"""SPC recalculation points in the database, on both engines (issue 14): recorded with
a reason and audited, read back, refused when they should be, and removed."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

import db.spc as dbs
from core.errors import WriteRefused
from core.permissions import Actor, PermissionDenied
from db import models as m


def _setting(engine) -> tuple[dict[str, Actor], int, int]:
    """The demo's people, a London local metric and a national core metric."""
    with Session(engine) as session:
        london = session.scalar(select(m.Region.id).where(m.Region.code == "london"))
        users = {
            u.username: Actor(u.id, u.username, u.role, u.region_id)
            for u in session.scalars(select(m.User))
        }
        local = session.scalar(select(m.Metric.id).where(m.Metric.region_id == london))
        national = session.scalar(select(m.Metric.id).where(m.Metric.region_id.is_(None)))
    return users, local, national


def _events(engine, point_id: int) -> list[tuple[str, str, str]]:
    with Session(engine) as session:
        return [
            (e.action, e.username, e.reason)
            for e in session.scalars(
                select(m.AuditEvent)
                .where(
                    m.AuditEvent.entity_type == "spc_recalculation",
                    m.AuditEvent.entity_id == point_id,
                )
                .order_by(m.AuditEvent.id)
            )
        ]


def test_the_lead_records_and_removes_a_point_of_a_local_metric(demo_engine):
    users, local, _ = _setting(demo_engine)
    point = dbs.record_recalculation(
        demo_engine, users["london.lead"], local, date(2025, 5, 20), "  New   referral form "
    )
    with Session(demo_engine) as session:
        rows = dbs.recalculations(session, [local])
    assert list(rows["period_start"]) == [date(2025, 4, 1)]  # any day names its quarter
    assert list(rows["reason"]) == ["New referral form"]
    assert list(rows["recorded_by"]) == ["london.lead"]
    dbs.remove_recalculation(demo_engine, users["london.lead"], point)
    with Session(demo_engine) as session:
        assert dbs.recalculations(session, [local]).empty
    assert _events(demo_engine, point) == [
        ("create", "london.lead", "New referral form"),
        ("delete", "london.lead", "New referral form"),
    ]


def test_a_national_metric_is_kept_by_national_leads(demo_engine):
    users, _, national = _setting(demo_engine)
    with pytest.raises(PermissionDenied):
        dbs.record_recalculation(
            demo_engine, users["london.lead"], national, date(2025, 4, 1), "Reason"
        )
    point = dbs.record_recalculation(
        demo_engine, users["national.lead"], national, date(2025, 4, 1), "New national form"
    )
    with Session(demo_engine) as session:
        assert list(dbs.recalculations(session, [national])["id"]) == [point]


def test_a_reason_is_required_and_a_quarter_recorded_once(demo_engine):
    users, local, _ = _setting(demo_engine)
    lead = users["london.lead"]
    with pytest.raises(WriteRefused, match="Say why"):
        dbs.record_recalculation(demo_engine, lead, local, date(2025, 4, 1), "   ")
    with pytest.raises(WriteRefused, match="under"):
        dbs.record_recalculation(demo_engine, lead, local, date(2025, 4, 1), "x" * 1001)
    dbs.record_recalculation(demo_engine, lead, local, date(2025, 4, 1), "First")
    with pytest.raises(WriteRefused, match="already worked out afresh from Q1 2025/26"):
        dbs.record_recalculation(demo_engine, lead, local, date(2025, 6, 30), "Again")
    with pytest.raises(PermissionDenied):
        dbs.record_recalculation(
            demo_engine, users["london.forum"], local, date(2025, 7, 1), "Forum"
        )


def test_removing_a_point_twice_is_refused(demo_engine):
    users, local, _ = _setting(demo_engine)
    lead = users["london.lead"]
    point = dbs.record_recalculation(demo_engine, lead, local, date(2025, 4, 1), "Reason")
    with pytest.raises(PermissionDenied):
        dbs.remove_recalculation(demo_engine, users["london.forum"], point)
    dbs.remove_recalculation(demo_engine, lead, point)
    with pytest.raises(WriteRefused, match="removed meanwhile"):
        dbs.remove_recalculation(demo_engine, lead, point)
