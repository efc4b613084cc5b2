"""Opening the database: the schema brought up to date and the reference data loaded."""

from __future__ import annotations

from sqlalchemy import Engine

from db.engine import get_engine, has_schema, upgrade_schema
from seed.load import ensure_reference_data


def prepare_engine(database_url: str, demo_mode: bool) -> Engine:
    """The engine, with the schema upgraded, the plan's reference data loaded into an
    empty database (no metric: seed/load.py) and, in demo mode only, the demo data with
    its illustrative national metrics (seed/demo.py)."""
    engine = get_engine(database_url)
    upgrade_schema(engine)
    ensure_reference_data(engine)
    if demo_mode:
        from seed.demo import seed_demo_if_empty

        seed_demo_if_empty(engine)
    assert has_schema(engine)
    return engine
