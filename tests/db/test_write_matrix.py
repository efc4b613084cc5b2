"""Every data-layer write, run as every role in two regions: allowed exactly where the
permission rules allow, refused otherwise, and a refusal leaves the database unchanged.

A write that is not in the registry, or in the registry without a case here, fails.
"""

from __future__ import annotations

import ast
import importlib
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import db.admin
import db.equity
import db.feedback
import db.meetings
import db.metric_import
import db.metrics
import db.plan
import db.projects
import db.users
from core.permissions import Action, Actor, PermissionDenied, can
from db import models as m
from db.writes import WRITE_REGISTRY, UnitOfWork

DB_FOLDER = Path(__file__).resolve().parents[2] / "db"
SYSTEM_WRITES = {"record_login_attempt"}  # before anyone is signed in; no actor to check

# Every module of db/, so every registered write is in the registry the matrix runs.
for _path in sorted(DB_FOLDER.glob("*.py")):
    importlib.import_module(f"db.{_path.stem}")


@dataclass
class World:
    engine: Any
    london: int
    north_west: int
    users: dict[str, m.User]
    theme: int
    area: int
    counter: list[int] = field(default_factory=lambda: [0])

    def n(self) -> int:
        self.counter[0] += 1
        return self.counter[0]

    def get(self, model, **where):
        with Session(self.engine) as session:
            query = select(model)
            for key, value in where.items():
                query = query.where(getattr(model, key) == value)
            return session.scalars(query.order_by(model.id)).first()


@dataclass
class Call:
    args: tuple
    kwargs: dict
    region_id: int | None
    action: Action


def csv(text: str) -> bytes:
    return text.encode("utf-8")


def metric_value_preview(w: World) -> Any:
    """A clean dry run, made as an admin; the commit is what each role then tries."""
    period = "2026/27 Q2" if w.n() % 2 else "2026/27 Q3"
    body = f"region,metric_code,period,value\nLondon,CA01,{period},{w.n() % 90}\n"
    return db.metric_import.preview_metric_values(w.engine, actor(w, "admin"), csv(body), "v.csv")


def equity_preview(w: World) -> Any:
    admin = actor(w, "admin")
    body = (
        "region,period,measure,characteristic,group,numerator,denominator\n"
        f"London,Q1 2019/20,People supported,ethnicity_broad,White,{10 + w.n()},\n"
    )
    return db.equity.preview_equity_counts(w.engine, admin, csv(body), "counts.csv")


def population_preview(w: World) -> Any:
    admin = actor(w, "admin")
    body = (
        "region,characteristic,group,year,population,source\n"
        f"London,ethnicity_broad,White,{2000 + w.n()},5000,Census\n"
    )
    return db.equity.preview_population_counts(w.engine, admin, csv(body), "population.csv")


def new_template(w: World) -> int:
    """A national template no region has adopted yet (test set-up, not a write)."""
    with Session(w.engine) as session, session.begin():
        template = m.PlanAction(region_id=None, action_area_id=1, title=f"Template {w.n()}")
        session.add(template)
        session.flush()
        return template.id


def feedback_status(w: World) -> str:
    return "received" if london_feedback(w).status == "in_progress" else "in_progress"


def london_action(w: World) -> m.PlanAction:
    return w.get(m.PlanAction, region_id=w.london)


def national_action(w: World, code: str) -> m.PlanAction:
    return w.get(m.PlanAction, region_id=None, code=code)


def other_themes(w: World, action_id: int) -> list[int]:
    """Themes different from the action's own, so confirming them always changes it."""
    with Session(w.engine) as session:
        now = {t.id for t in session.get(m.PlanAction, action_id).themes}
        every = list(session.scalars(select(m.Theme.id).order_by(m.Theme.id)))
    return [w.theme] if now != {w.theme} else [w.theme, next(t for t in every if t != w.theme)]


def london_feedback(w: World) -> m.FeedbackItem:
    return w.get(m.FeedbackItem, region_id=w.london)


def metric_draft(w: World, code: str) -> db.metrics.MetricDraft:
    return db.metrics.MetricDraft(
        code=code, name=f"Metric {code}", theme_id=w.theme, unit="count", direction="increase"
    )


def london_metric(w: World) -> m.Metric:
    return w.get(m.Metric, region_id=w.london)


def london_meeting(w: World) -> m.ForumMeeting:
    return w.get(m.ForumMeeting, region_id=w.london)


def equity_row(w: World) -> m.EquityCount:
    return w.get(m.EquityCount, region_id=w.london)


def meeting_expected(meeting: m.ForumMeeting) -> dict:
    return {
        "meeting_date": meeting.meeting_date,
        "attendees_count": meeting.attendees_count,
        "chair": meeting.chair,
        "notes": meeting.notes,
    }


CASES: dict[str, Callable[[World], Call]] = {
    # accounts and reference data
    "create_user": lambda w: Call(
        (f"user{w.n()}", "U", "a-long-password!", "national_lead"), {}, None, Action.MANAGE_USERS
    ),
    "reset_password": lambda w: Call(
        ("london.forum", "a-long-password!"), {}, None, Action.MANAGE_USERS
    ),
    "update_user": lambda w: Call(
        (w.users["london.forum"].id,),
        {
            "display_name": f"Forum {w.n()}",
            "email": "",
            "role": "forum_member",
            "region_id": w.london,
            "active": True,
        },
        None,
        Action.MANAGE_USERS,
    ),
    "set_password": lambda w: Call(
        (w.users["london.forum"].id, "a-long-password!"), {}, None, Action.MANAGE_USERS
    ),
    "add_area": lambda w: Call((w.london, f"Area {w.n()}"), {}, None, Action.MANAGE_REFERENCE),
    "update_area": lambda w: Call(
        (w.area,),
        {"name": f"Area {w.n()}", "kind": "ICB", "active": True},
        None,
        Action.MANAGE_REFERENCE,
    ),
    "add_group": lambda w: Call(("sex", f"Group {w.n()}"), {}, None, Action.MANAGE_REFERENCE),
    "rename_group": lambda w: Call(
        (
            w.get(m.CharacteristicGroup, name="Not known").id
            if w.get(m.CharacteristicGroup, name="Not known")
            else w.get(m.CharacteristicGroup).id,
            f"Renamed {w.n()}",
        ),
        {},
        None,
        Action.MANAGE_REFERENCE,
    ),
    # the plan
    "add_action": lambda w: Call(
        (w.london, f"Action {w.n()}", 1, [w.theme]), {}, w.london, Action.EDIT_PLAN
    ),
    "adopt_template": lambda w: Call(
        (w.london, new_template(w)),
        {"title": f"Adopted {w.n()}"},
        w.london,
        Action.EDIT_PLAN,
    ),
    "update_action": lambda w: Call(
        (london_action(w).id, london_action(w).version),
        {"owner": f"Owner {w.n()}"},
        w.london,
        Action.EDIT_PLAN,
    ),
    "post_action_update": lambda w: Call(
        (london_action(w).id, date(2026, 1, 1), f"Note {w.n()}"), {}, w.london, Action.EDIT_PLAN
    ),
    "update_template": lambda w: Call(
        (w.get(m.PlanAction, region_id=None).id, w.get(m.PlanAction, region_id=None).version),
        {"title": f"Template {w.n()}"},
        None,
        Action.EDIT_NATIONAL_TEMPLATES,
    ),
    "confirm_action_themes": lambda w: Call(
        (
            national_action(w, "WF1").id,
            national_action(w, "WF1").version,
            other_themes(w, national_action(w, "WF1").id),
        ),
        {},
        None,
        Action.EDIT_NATIONAL_TEMPLATES,
    ),
    "set_organisation_wide": lambda w: Call(
        (
            national_action(w, "WF1").id,
            national_action(w, "WF1").version,
            not national_action(w, "WF1").organisation_wide,
        ),
        {},
        None,
        Action.EDIT_NATIONAL_TEMPLATES,
    ),
    # feedback
    "add_feedback": lambda w: Call(
        (w.london, "Carer", date(2026, 1, 5), f"Feedback {w.n()}"),
        {},
        w.london,
        Action.ADD_FEEDBACK,
    ),
    "respond_to_feedback": lambda w: Call(
        (london_feedback(w).id, london_feedback(w).version, f"Response {w.n()}"),
        {},
        w.london,
        Action.RESPOND_FEEDBACK,
    ),
    "update_feedback_status": lambda w: Call(
        (london_feedback(w).id, london_feedback(w).version, feedback_status(w)),
        {},
        w.london,
        Action.RESPOND_FEEDBACK,
    ),
    # projects
    "create_project": lambda w: Call(
        (w.london, db.projects.ProjectInput(title=f"Project {w.n()}", theme_ids=(w.theme,))),
        {},
        w.london,
        Action.EDIT_PROJECTS,
    ),
    "update_project": lambda w: Call(
        (
            w.get(m.CommunityProject, region_id=w.london).id,
            w.get(m.CommunityProject, region_id=w.london).version,
            db.projects.ProjectInput(title=f"Project {w.n()}", theme_ids=(w.theme,)),
        ),
        {},
        w.london,
        Action.EDIT_PROJECTS,
    ),
    "set_project_aim": lambda w: Call(
        (w.london, 1 + w.n() % 9), {}, w.london, Action.EDIT_PROJECTS
    ),
    # metrics
    "create_metric": lambda w: Call(
        (metric_draft(w, f"LON-T{w.n()}"), w.london), {}, w.london, Action.DEFINE_LOCAL_METRIC
    ),
    "update_metric": lambda w: Call(
        (
            london_metric(w).id,
            london_metric(w).version,
            db.metrics.MetricDraft(
                **{**_draft_fields(london_metric(w)), "name": f"Renamed {w.n()}"}
            ),
        ),
        {},
        w.london,
        Action.DEFINE_LOCAL_METRIC,
    ),
    "save_values": lambda w: Call(
        (
            w.london,
            [
                db.metrics.ValueChange(
                    metric_id=w.get(m.Metric, code="CA01").id,
                    period_start=date(2026, 7, 1),
                    value=float(w.n() % 90),
                    expected_version=_version(w, "CA01", date(2026, 7, 1)),
                )
            ],
        ),
        {},
        w.london,
        Action.EDIT_METRIC_VALUES,
    ),
    "import_metric_values": lambda w: Call(
        (metric_value_preview(w),), {}, w.london, Action.EDIT_METRIC_VALUES
    ),
    # equity
    "save_equity_count": lambda w: Call(
        (w.london, date(2031, 4, 1), "people_supported", "ethnicity_broad", "White", 10 + w.n()),
        {},
        w.london,
        Action.EDIT_EQUITY,
    ),
    "delete_equity_count": lambda w: Call(
        (equity_row(w).id, equity_row(w).version), {}, w.london, Action.EDIT_EQUITY
    ),
    "save_population_count": lambda w: Call(
        (w.london, "ethnicity_broad", "White", 2000 + w.n(), 1000), {}, w.london, Action.EDIT_EQUITY
    ),
    "import_equity_counts": lambda w: Call((equity_preview(w),), {}, w.london, Action.EDIT_EQUITY),
    "import_population_counts": lambda w: Call(
        (population_preview(w),), {}, w.london, Action.EDIT_EQUITY
    ),
    # meetings
    "create_meeting": lambda w: Call(
        (w.london, date(2026, 2, 1) + timedelta(days=w.n())),
        {"chair": f"C{w.n()}"},
        w.london,
        Action.MANAGE_MEETINGS,
    ),
    "update_meeting": lambda w: Call(
        (london_meeting(w).id, london_meeting(w).meeting_date),
        {
            "chair": f"Chair {w.n()}",
            "attendees_count": london_meeting(w).attendees_count,
            "notes": london_meeting(w).notes,
            "expected": meeting_expected(london_meeting(w)),
        },
        w.london,
        Action.MANAGE_MEETINGS,
    ),
    "record_decision": lambda w: Call(
        (london_meeting(w).id, w.theme, f"Decision {w.n()}"), {}, w.london, Action.MANAGE_MEETINGS
    ),
}


#: Writes with another path, run as every role too: a progress update on an
#: organisation-wide action, which national leads keep.
MORE_CASES: dict[str, list[Callable[[World], Call]]] = {
    "post_action_update": [
        lambda w: Call(
            (national_action(w, "LG1").id, date(2026, 1, 1), f"Note {w.n()}"),
            {},
            None,
            Action.EDIT_NATIONAL_TEMPLATES,
        )
    ],
}


def _draft_fields(metric: m.Metric) -> dict:
    names = db.metrics.MetricDraft.__dataclass_fields__
    return {name: getattr(metric, name) for name in names}


def _version(w: World, code: str, period: date) -> int | None:
    with Session(w.engine) as session:
        return session.scalar(
            select(m.MetricValue.version)
            .join(m.Metric)
            .where(
                m.Metric.code == code,
                m.MetricValue.region_id == w.london,
                m.MetricValue.period_start == period,
                m.MetricValue.characteristic == "",
            )
        )


def actor(w: World, username: str) -> Actor:
    u = w.users[username]
    return Actor(u.id, u.username, u.role, u.region_id)


def fingerprint(engine) -> tuple:
    """Row counts, the newest audit event, and every version counter and password."""
    with Session(engine) as session:
        parts: list[Any] = []
        for table in m.Base.metadata.sorted_tables:
            parts.append(session.scalar(select(func.count()).select_from(table)))
            if "version" in table.c:
                parts.append(session.scalar(select(func.sum(table.c.version))))
        parts.append(session.scalar(select(func.max(m.AuditEvent.id))))
        parts.append(tuple(session.scalars(select(m.User.password_hash).order_by(m.User.id))))
        parts.append(tuple(session.scalars(select(m.Area.name).order_by(m.Area.id))))
        parts.append(tuple(session.scalars(select(m.Region.project_aim).order_by(m.Region.id))))
        parts.append(
            tuple(
                session.scalars(
                    select(m.CharacteristicGroup.name).order_by(m.CharacteristicGroup.id)
                )
            )
        )
        return tuple(parts)


@pytest.fixture
def world(demo_engine) -> World:
    with Session(demo_engine) as session:
        regions = dict(session.execute(select(m.Region.code, m.Region.id)).all())
        users = {u.username: u for u in session.scalars(select(m.User))}
        theme = session.scalar(select(m.Theme.id).where(m.Theme.monitoring).order_by(m.Theme.id))
        area = session.scalar(select(m.Area.id).where(m.Area.region_id == regions["london"]))
        session.expunge_all()
    return World(demo_engine, regions["london"], regions["north_west"], users, theme, area)


ACTORS = [
    "admin",
    "national.lead",
    "london.lead",
    "northwest.lead",
    "london.forum",
    "northwest.forum",
]


@pytest.mark.parametrize("write", sorted(WRITE_REGISTRY))
def test_every_write_as_every_role(world, write):
    assert write in CASES, f"add a case for the write '{write}' to this test"
    spec = WRITE_REGISTRY[write]
    for username, case in [
        (username, case)
        for case in [CASES[write], *MORE_CASES.get(write, [])]
        for username in ACTORS
    ]:
        if username == "northwest.forum":
            who = Actor(None, "northwest.forum", "forum_member", world.north_west)
        else:
            who = actor(world, username)
        call = case(world)
        assert call.action in spec.actions, f"{write}: the case checks an undeclared action"
        allowed = can(who, call.action, call.region_id)
        before = fingerprint(world.engine)
        if allowed:
            spec.function(world.engine, who, *call.args, **call.kwargs)
            assert fingerprint(world.engine) != before, f"{write} as {username} changed nothing"
        else:
            with pytest.raises(PermissionDenied):
                spec.function(world.engine, who, *call.args, **call.kwargs)
            assert fingerprint(world.engine) == before, f"{write} as {username} left changes"


def _functions_taking_a_unit_of_work() -> dict[str, list[str]]:
    """Functions in db/ whose first argument is a UnitOfWork, with their decorators."""
    found: dict[str, list[str]] = {}
    for path in DB_FOLDER.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.args.args:
                annotation = node.args.args[0].annotation
                if isinstance(annotation, ast.Name) and annotation.id == UnitOfWork.__name__:
                    found[f"{path.stem}.{node.name}"] = [
                        ast.unparse(d) for d in node.decorator_list
                    ]
    return found


def test_every_write_is_registered():
    unregistered = [
        name
        for name, decorators in _functions_taking_a_unit_of_work().items()
        if not name.startswith("_")
        and not name.split(".")[1].startswith("_")
        and not any(d.startswith("registered_write") for d in decorators)
    ]
    assert unregistered == [], f"writes missing from the registry: {unregistered}"


def test_no_other_code_in_db_commits():
    """Only db.writes (and the few system writes named here) open write transactions."""
    allowed = {"writes.py", "engine.py", "backup.py", "users.py", "__init__.py", "cache.py"}
    offenders = []
    for path in DB_FOLDER.glob("*.py"):
        text = path.read_text()
        if path.name not in allowed and (".commit()" in text or "session.begin()" in text):
            offenders.append(path.name)
    assert offenders == []
    assert {"record_login_attempt"} == SYSTEM_WRITES
    assert "record_login_attempt" in io.StringIO((DB_FOLDER / "users.py").read_text()).read()


#: Cases kept beside their feature (tests/db/write_cases_*.py), each module with a
#: ``CASES`` dict built on this module's World and Call.
for _module in sorted(Path(__file__).parent.glob("write_cases_*.py")):
    _cases = importlib.import_module(f"tests.db.{_module.stem}").CASES
    assert not set(_cases) & set(CASES), f"{_module.name} repeats a case"
    CASES.update(_cases)
