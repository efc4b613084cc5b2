"""Put the reference content (seed/reference.py) into a database once.

Run on every start: it loads into an empty database only, so admins' later edits to
the reference data are kept.

It loads only what the AMHE plan itself says, and the reference lists: the six themes
(and leadership and governance) with their definitions, the action areas, the plan's
23 actions as national templates, the regions with their areas and the
characteristics with their groups. It loads no metric: the illustrative national
metrics in seed/reference.py are demo data (seed/demo.py loads them), so a new
production install starts with an empty metric catalogue, which national leads fill
(components/first_run.py guides them).
"""

from __future__ import annotations

from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from db import models as m
from db.engine import writer
from seed import reference as ref

#: PostgreSQL advisory lock held while the reference data is checked and loaded, so
#: that app processes starting at once on one database load it once ("AMHF").
SEED_LOCK = 0x414D4846


def ensure_reference_data(engine: Engine) -> bool:
    """Load the reference data into an empty database; True when it loaded anything."""
    # BEGIN IMMEDIATE on SQLite, an advisory lock on PostgreSQL: two processes starting
    # at once seed it only once (the second finds the themes the first loaded).
    with Session(writer(engine)) as session, session.begin():
        if engine.dialect.name == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SEED_LOCK})
        if session.scalar(select(m.Theme.id).limit(1)) is not None:
            return False
        load_reference(session)
        return True


def load_reference(session: Session) -> None:
    for theme in ref.ALL_THEMES:
        session.add(
            m.Theme(
                code=theme.code,
                name=theme.name,
                definition=theme.definition,
                monitoring=theme.monitoring,
                sort_order=theme.sort_order,
            )
        )
    for area in ref.ACTION_AREAS:
        session.add(m.ActionArea(code=area.code, name=area.name, sort_order=area.sort_order))
    for region in ref.REGIONS:
        row = m.Region(code=region.code, name=region.name)
        row.areas = [m.Area(name=a.name, kind="ICB") for a in region.areas]
        session.add(row)
    for characteristic in ref.CHARACTERISTICS:
        row = m.Characteristic(code=characteristic.code, name=characteristic.name)
        row.groups = [
            m.CharacteristicGroup(
                code=g.code,
                name=g.name,
                parent_code=g.parent,
                nhs_code=g.nhs_code,
                is_missing=g.is_missing,
                sort_order=g.sort_order,
            )
            for g in characteristic.groups
        ]
        session.add(row)
    session.flush()
    themes = {t.code: t for t in session.scalars(select(m.Theme))}
    areas = {a.code: a.id for a in session.scalars(select(m.ActionArea))}
    for action in ref.PLAN_ACTIONS:
        session.add(
            m.PlanAction(
                code=action.code,
                region_id=None,
                action_area_id=areas[action.action_area],
                title=action.title,
                description=action.description,
                owner="National team",
                organisation_wide=action.organisation_wide,
                themes=[themes[c] for c in action.themes],
            )
        )
