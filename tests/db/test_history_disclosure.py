"""A record's history (services.audit.entity_history) follows the disclosure rule: people
who may not see a region's exact figures (forum members, leads of another region) read
that a figure about people changed, never the figure; the region's lead, national leads
and national figures are exact. Other changes are shown to everyone."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.audit_format import FIGURE_NOT_SHOWN
from core.config import load_settings
from core.entities import Entity
from db.models import AuditEvent, Region
from db.users import actor_for
from services.audit import entity_history
from services.context import RequestContext

ENTITY_ID = 987_654


def context(engine, username: str) -> RequestContext:
    with Session(engine) as session:
        found = actor_for(session, username)
    assert found is not None
    return RequestContext(load_settings(require_cookie_key=False), engine, found)


def record(engine, entity: Entity, region_code: str | None, before: dict, after: dict) -> None:
    with Session(engine) as session, session.begin():
        region_id = (
            session.scalar(select(Region.id).where(Region.code == region_code))
            if region_code
            else None
        )
        session.add(
            AuditEvent(
                username="london.lead",
                entity_type=entity.value,
                entity_id=ENTITY_ID,
                region_id=region_id,
                action="update",
                before=before,
                after=after,
                reason="",
            )
        )


@pytest.mark.parametrize(
    ("username", "exact"),
    [
        ("london.forum", False),
        ("northwest.lead", False),
        ("london.lead", True),
        ("national.lead", True),
    ],
)
def test_a_value_history_hides_the_figures_from_whoever_may_not_see_them(
    demo_engine, username: str, exact: bool
) -> None:
    record(
        demo_engine,
        Entity.METRIC_VALUE,
        "london",
        {"value": 3.0, "numerator": 3, "denominator": 7, "note": "old"},
        {"value": 4.0, "numerator": 4, "denominator": 7, "note": "new"},
    )
    changes = entity_history(context(demo_engine, username), Entity.METRIC_VALUE, [ENTITY_ID])[
        "Changes"
    ].iloc[-1]
    assert "note: old → new" in changes  # not a figure: shown to everyone
    if exact:
        assert "numerator: 3 → 4" in changes
        assert FIGURE_NOT_SHOWN not in changes
    else:
        assert f"numerator: {FIGURE_NOT_SHOWN}" in changes
        assert "3 → 4" not in changes and "4" not in changes.replace(FIGURE_NOT_SHOWN, "")


def test_people_reached_by_a_project_is_hidden_but_its_status_is_not(demo_engine) -> None:
    record(
        demo_engine,
        Entity.COMMUNITY_PROJECT,
        "london",
        {"status": "planned", "people_reached": 2},
        {"status": "active", "people_reached": 6},
    )
    changes = entity_history(
        context(demo_engine, "london.forum"), Entity.COMMUNITY_PROJECT, [ENTITY_ID]
    )["Changes"].iloc[-1]
    assert f"people reached: {FIGURE_NOT_SHOWN}" in changes
    assert "2 →" not in changes and "→ 6" not in changes
    assert "status:" in changes and "→" in changes.split(";")[0]


def test_national_figures_are_exact_for_everyone(demo_engine) -> None:
    record(demo_engine, Entity.METRIC_VALUE, None, {"value": 3.0}, {"value": 4.0})
    changes = entity_history(
        context(demo_engine, "london.forum"), Entity.METRIC_VALUE, [ENTITY_ID]
    )["Changes"].iloc[-1]
    assert FIGURE_NOT_SHOWN not in changes
