"""Clearly synthetic data at national scale, for benchmarks and load tests.

    python -m seed.synthetic --scale 1 [--database-url URL] [--seed 7]

Scale 1 is a realistic national organisation: 7 regions, 42 areas, 20 national core
metrics and 30 local metrics per region, 20 quarters, each metric broken down by the
19 census ethnic groups (about 140,000 metric values: a metric has one breakdown, as the
app allows), about 100,000 equity counts by ethnicity, age band and sex, 300 actions,
60 projects, 2,000 feedback items, 100 meetings and an audit log to match. Scale N is
N times that (more regions, as if every PCREF provider shared one deployment).
Deterministic for a seed. The database must be empty (the schema is created if it is
missing).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, insert, select, text
from sqlalchemy.orm import Session

from core.entities import Entity
from core.passwords import hash_password
from core.periods import Period, quarters_between
from db import models as m
from db.engine import get_engine, refresh_statistics, upgrade_schema
from seed.demo import DEMO_USERS
from seed.load import ensure_reference_data

FIRST_QUARTER = date(2021, 10, 1)
QUARTERS = quarters_between(FIRST_QUARTER, date(2026, 7, 1))  # 20 quarters
NATIONAL_METRICS = 20
LOCAL_METRICS_PER_REGION = 30
AREAS_PER_REGION = 6
ACTIONS_PER_REGION = 43
PROJECTS_PER_REGION = 9
FEEDBACK_PER_REGION = 286
MEETINGS_PER_REGION = 14
EQUITY_MEASURES = (
    "People supported",
    "Right level of support",
    "Survey respondents",
    "Mental Health Act detentions",
)
CHUNK = 5_000
#: A metric is broken down by one characteristic (the app's rule: Metric.disaggregated_by),
#: here the 19 census ethnic groups; the equity counts carry the other characteristics.
BREAKDOWN = "ethnicity"


def chunks(rows: Iterable[dict[str, Any]], size: int = CHUNK) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


class SyntheticBuilder:
    def __init__(self, engine: Engine, scale: int, seed: int) -> None:
        self.engine = engine
        self.scale = scale
        self.rng = random.Random(seed)
        self.counts: dict[str, int] = {}

    # -- helpers ---------------------------------------------------------------------
    def _insert(self, session: Session, model: type[m.Base], rows: Iterable[dict]) -> None:
        for batch in chunks(rows):
            session.execute(insert(model), batch)
            self.counts[model.__tablename__] = self.counts.get(model.__tablename__, 0) + len(batch)

    def _ids(self, session: Session, model: type[m.Base], **where: Any) -> list[int]:
        query = select(model.id)
        for key, value in where.items():
            query = query.where(getattr(model, key) == value)
        return list(session.scalars(query.order_by(model.id)))

    # -- build -----------------------------------------------------------------------
    def build(self) -> dict[str, int]:
        upgrade_schema(self.engine)
        ensure_reference_data(self.engine)
        with Session(self.engine) as session, session.begin():
            if session.scalar(select(m.User.id).limit(1)) is not None:
                raise SystemExit("The database already has data; use an empty database.")
            self._regions(session)
            self.regions = self._ids(session, m.Region)
            self.themes = self._ids(session, m.Theme, monitoring=True)
            self.groups = {
                c.code: [
                    g.name for g in c.groups if g.parent_code is not None or c.code != "ethnicity"
                ]
                for c in session.scalars(select(m.Characteristic))
            }
            self.users = self._users(session)
            self._actions(session)
            self._metrics(session)
            self._values(session)
            self._equity(session)
            self._projects(session)
            self._feedback(session)
            self._meetings(session)
        return self.counts

    def _regions(self, session: Session) -> None:
        """Extra synthetic regions beyond NHS England's seven (scale > 1), and enough
        synthetic areas for six per region."""
        for n in range(7 * (self.scale - 1)):
            session.add(m.Region(code=f"provider_{n + 1:03d}", name=f"Synthetic provider {n + 1}"))
        session.flush()
        for region in session.scalars(select(m.Region)):
            for n in range(len(region.areas), AREAS_PER_REGION):
                session.add(m.Area(region_id=region.id, name=f"Synthetic area {n + 1}"))
        session.flush()

    def _users(self, session: Session) -> dict[int, int]:
        """The demo accounts (same passwords) plus a lead for every region."""
        codes = dict(session.execute(select(m.Region.code, m.Region.id)).all())
        leads: dict[int, int] = {}
        fast_hash = hash_password("synthetic-lead-password")
        for username, password, name, role, region in DEMO_USERS:
            user = m.User(
                username=username,
                display_name=name,
                password_hash=hash_password(password),
                role=role,
                region_id=codes[region] if region else None,
            )
            session.add(user)
        session.flush()
        for region_id in self.regions:
            user = m.User(
                username=f"lead.{region_id}",
                display_name=f"Synthetic lead {region_id}",
                password_hash=fast_hash,
                role="regional_lead",
                region_id=region_id,
            )
            session.add(user)
            session.flush()
            leads[region_id] = user.id
        return leads

    def _actions(self, session: Session) -> None:
        templates = session.scalars(
            select(m.PlanAction).where(m.PlanAction.region_id.is_(None))
        ).all()
        statuses = ("not_started", "on_track", "on_track", "at_risk", "off_track", "complete")
        theme_links = []
        updates = []
        for region_id in self.regions:
            for n in range(ACTIONS_PER_REGION):
                template = templates[n % len(templates)]
                action = m.PlanAction(
                    code=f"{template.code}-{n}",
                    region_id=region_id,
                    template_id=template.id,
                    action_area_id=template.action_area_id,
                    title=f"Synthetic: {template.title}",
                    description=template.description,
                    owner="Synthetic owner",
                    due_date=date(2026, 3, 31) + timedelta(days=self.rng.randint(-300, 400)),
                    status=self.rng.choice(statuses),
                )
                session.add(action)
                session.flush()
                theme_links += [{"action_id": action.id, "theme_id": t.id} for t in template.themes]
                for k in range(self.rng.randint(0, 3)):
                    day = date(2024, 1, 1) + timedelta(days=100 * k + self.rng.randint(0, 90))
                    updates.append(
                        {
                            "action_id": action.id,
                            "update_date": day,
                            "note": "Synthetic update.",
                            "status_from": "not_started",
                            "status_to": action.status,
                            "author_id": self.users[region_id],
                            "created_at": datetime.combine(day, datetime.min.time()),
                        }
                    )
        session.execute(insert(m.plan_action_theme), theme_links)
        self._insert(session, m.ActionUpdate, updates)
        self.counts["plan_action"] = len(self.regions) * ACTIONS_PER_REGION

    def _metric_row(self, code: str, n: int, region_id: int | None) -> dict[str, Any]:
        unit = ("percentage", "count", "rate", "score")[n % 4]
        base = {"percentage": 50.0, "count": 40.0, "rate": 120.0, "score": 6.0}[unit]
        return {
            "code": code,
            "name": f"Synthetic metric {code}",
            "definition": "Synthetic metric for load testing.",
            "theme_id": self.themes[n % len(self.themes)],
            "unit": unit,
            "direction": "decrease" if n % 5 == 0 else "increase",
            "scope": "local" if region_id else "national",
            "region_id": region_id,
            "frequency": "quarterly",
            "baseline_period": FIRST_QUARTER,
            "baseline_value": base,
            "target_value": base * (0.8 if n % 5 == 0 else 1.3),
            "target_date": date(2027, 4, 1),
            "limit_value": 100.0 if unit == "percentage" else None,
            "start_period": FIRST_QUARTER,
            "data_source": "Synthetic",
            "disaggregated_by": "ethnicity",
            "coproduced_with": "Regional Forum" if n % 3 else "",
        }

    def _metrics(self, session: Session) -> None:
        rows = [self._metric_row(f"SYN-N{n:02d}", n, None) for n in range(NATIONAL_METRICS)]
        for region_id in self.regions:
            rows += [
                self._metric_row(f"SYN-R{region_id}-L{n:02d}", n, region_id)
                for n in range(LOCAL_METRICS_PER_REGION)
            ]
        self._insert(session, m.Metric, rows)
        self.metrics = session.execute(
            select(m.Metric.id, m.Metric.region_id, m.Metric.unit).where(
                m.Metric.code.like("SYN-%")
            )
        ).all()

    def _value_rows(self) -> Iterator[dict[str, Any]]:
        for metric_id, metric_region, unit in self.metrics:
            whole = unit == "count"  # counts are whole numbers, as the app requires
            for region_id in [metric_region] if metric_region else self.regions:
                lead = self.users[region_id]
                level = self.rng.uniform(30, 70)
                for q, quarter in enumerate(QUARTERS):
                    value = round(
                        min(100.0, level + q * self.rng.uniform(-0.5, 1.5)), 0 if whole else 1
                    )
                    entered = datetime.combine(
                        Period(quarter).end + timedelta(days=20), datetime.min.time()
                    )
                    yield self._value(metric_id, region_id, quarter, value, "", "", lead, entered)
                    for group in self.groups[BREAKDOWN]:
                        group_value = round(
                            min(100.0, max(0.0, value + self.rng.gauss(0, 5))), 0 if whole else 1
                        )
                        yield self._value(
                            metric_id,
                            region_id,
                            quarter,
                            group_value,
                            BREAKDOWN,
                            group,
                            lead,
                            entered,
                        )

    @staticmethod
    def _value(metric_id, region_id, quarter, value, characteristic, group, lead, entered):
        return {
            "metric_id": metric_id,
            "region_id": region_id,
            "period_start": quarter,
            "value": value,
            "characteristic": characteristic,
            "group_name": group,
            "note": "",
            "entered_by_id": lead,
            "entered_at": entered,
            "version": 1,
        }

    def _values(self, session: Session) -> None:
        """The values, each with its audit event (ids given here, so that the events can
        name the values they record, as the app's own events do)."""
        audit = []
        next_id = (session.scalar(select(func.max(m.MetricValue.id))) or 0) + 1
        for batch in chunks(self._value_rows()):
            for row in batch:
                row["id"] = next_id
                next_id += 1
            session.execute(insert(m.MetricValue), batch)
            self.counts["metric_value"] = self.counts.get("metric_value", 0) + len(batch)
            audit += [
                {
                    "occurred_at": row["entered_at"],
                    "user_id": row["entered_by_id"],
                    "username": f"lead.{row['region_id']}",
                    "entity_type": Entity.METRIC_VALUE,
                    "entity_id": row["id"],
                    "region_id": row["region_id"],
                    "action": "create",
                    "after": {"value": row["value"], "group": row["group_name"]},
                    "reason": "Synthetic data",
                }
                for row in batch
            ]
            if len(audit) >= CHUNK:
                self._insert(session, m.AuditEvent, audit)
                audit = []
        self._insert(session, m.AuditEvent, audit)
        if session.get_bind().dialect.name == "postgresql":  # ids given: move the sequence on
            session.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence('metric_value', 'id'), "
                    "(SELECT max(id) FROM metric_value))"
                )
            )

    def _equity(self, session: Session) -> None:
        areas = dict(session.execute(select(m.Area.id, m.Area.region_id)).all())
        by_region: dict[int, list[int]] = {}
        for area_id, region_id in areas.items():
            by_region.setdefault(region_id, []).append(area_id)

        def rows() -> Iterator[dict[str, Any]]:
            for region_id in self.regions:
                for area_id in by_region.get(region_id, [])[:AREAS_PER_REGION]:
                    for quarter in QUARTERS:
                        for measure in EQUITY_MEASURES:
                            for characteristic in ("ethnicity", "age_band", "sex"):
                                for group in self.groups[characteristic]:
                                    denominator = self.rng.randint(0, 400)
                                    yield {
                                        "region_id": region_id,
                                        "area_id": area_id,
                                        "area_id_key": area_id,
                                        "period_start": quarter,
                                        "measure": measure,
                                        "characteristic": characteristic,
                                        "group_name": group,
                                        "numerator": self.rng.randint(0, denominator),
                                        "denominator": denominator,
                                        "entered_by_id": self.users[region_id],
                                        "version": 1,
                                    }

        self._insert(session, m.EquityCount, rows())

    def _projects(self, session: Session) -> None:
        for region_id in self.regions:
            for n in range(PROJECTS_PER_REGION):
                session.add(
                    m.CommunityProject(
                        region_id=region_id,
                        title=f"Synthetic project {n + 1}",
                        place="Synthetic place",
                        status=self.rng.choice(("planned", "active", "completed")),
                        start_date=date(2024, 4, 1),
                        people_reached=self.rng.randint(10, 500),
                    )
                )
        self.counts["community_project"] = len(self.regions) * PROJECTS_PER_REGION

    def _feedback(self, session: Session) -> None:
        rows = []
        for region_id in self.regions:
            for _ in range(FEEDBACK_PER_REGION):
                received = date(2022, 4, 1) + timedelta(days=self.rng.randint(0, 1500))
                answered = self.rng.random() < 0.7
                rows.append(
                    {
                        "region_id": region_id,
                        "source": "Service user",
                        "received_on": received,
                        "theme_id": self.rng.choice(self.themes),
                        "summary": "Synthetic feedback.",
                        "status": "responded" if answered else "received",
                        "responded_on": received + timedelta(days=self.rng.randint(3, 90))
                        if answered
                        else None,
                        "response": "Synthetic response." if answered else "",
                        "action_taken": "",
                        "version": 1,
                        "created_at": datetime.combine(received, datetime.min.time()),
                    }
                )
        self._insert(session, m.FeedbackItem, rows)

    def _meetings(self, session: Session) -> None:
        rows = [
            {
                "region_id": region_id,
                "meeting_date": QUARTERS[-1] + timedelta(days=40 - 91 * n),
                "attendees_count": 12,
                "chair": "Synthetic chair",
                "notes": "",
                "created_at": datetime(2026, 1, 1),
            }
            for region_id in self.regions
            for n in range(MEETINGS_PER_REGION)
        ]
        self._insert(session, m.ForumMeeting, rows)


def build_synthetic(engine: Engine, scale: int = 1, seed: int = 7) -> dict[str, int]:
    """Fill an empty database; returns the number of rows added per table."""
    if scale < 1:
        raise ValueError("The scale must be 1 or more.")
    counts = SyntheticBuilder(engine, scale, seed).build()
    refresh_statistics(engine)
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m seed.synthetic",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--database-url",
        required=False,
        help="defaults to AMHE_DATABASE_URL or the demo SQLite file",
    )
    args = parser.parse_args(argv)
    from core.config import load_settings

    url = args.database_url or load_settings(require_cookie_key=False).database_url
    started = time.perf_counter()
    counts = build_synthetic(get_engine(url), args.scale, args.seed)
    for table, count in sorted(counts.items()):
        print(f"{table:20} {count:>10,}")
    print(f"Done in {time.perf_counter() - started:.1f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
