"""Plan actions: reads, and every write as every role (allowed, refused, unchanged)."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from core import plan_words
from core.permissions import Actor, PermissionDenied
from db import plan
from db.models import (
    ActionArea,
    ActionUpdate,
    AuditEvent,
    PlanAction,
    Region,
    Theme,
    User,
    plan_action_theme,
)
from db.writes import WRITE_REGISTRY, StaleWrite, WriteRefused

USERNAMES = ("admin", "national.lead", "london.lead", "northwest.lead", "london.forum")


# --- helpers --------------------------------------------------------------------------


def actor(engine, username: str) -> Actor:
    with Session(engine) as session:
        user = session.scalar(select(User).where(User.username == username))
        return Actor(user.id, user.username, user.role, user.region_id)


def region_id(engine, code: str) -> int:
    with Session(engine) as session:
        return session.scalar(select(Region.id).where(Region.code == code))


def theme_ids(engine, *codes: str) -> list[int]:
    with Session(engine) as session:
        found = dict(session.execute(select(Theme.code, Theme.id)).all())
    return [found[c] for c in codes]


def area_id(engine, code: str = "workforce") -> int:
    with Session(engine) as session:
        return session.scalar(select(ActionArea.id).where(ActionArea.code == code))


def london_action(engine) -> PlanAction:
    """A London action (adopted, with at least one update), detached."""
    with Session(engine, expire_on_commit=False) as session:
        action = session.scalar(
            select(PlanAction)
            .where(PlanAction.region_id == region_id(engine, "london"))
            .order_by(PlanAction.id)
        )
        session.expunge(action)
        return action


def template(engine, code: str = "WF1") -> PlanAction:
    with Session(engine, expire_on_commit=False) as session:
        found = session.scalar(
            select(PlanAction).where(PlanAction.region_id.is_(None), PlanAction.code == code)
        )
        session.expunge(found)
        return found


def new_template(engine) -> int:
    """A national template action no region has adopted yet (test arrangement)."""
    with Session(engine) as session, session.begin():
        action = PlanAction(
            code="T99",
            region_id=None,
            action_area_id=area_id(engine),
            title="A new national action",
            description="Written by the national team.",
            themes=[session.scalar(select(Theme).where(Theme.code == "workforce"))],
        )
        session.add(action)
        session.flush()
        return action.id


def fingerprint(engine) -> tuple:
    """Everything a plan write could change."""
    with Session(engine) as session:
        actions = session.execute(
            select(
                PlanAction.id,
                PlanAction.title,
                PlanAction.description,
                PlanAction.owner,
                PlanAction.due_date,
                PlanAction.status,
                PlanAction.version,
                PlanAction.action_area_id,
                PlanAction.organisation_wide,
                PlanAction.themes_confirmed_at,
                PlanAction.themes_confirmed_by,
            ).order_by(PlanAction.id)
        ).all()
        tags = session.execute(select(plan_action_theme).order_by("action_id", "theme_id")).all()
        return (
            tuple(actions),
            tuple(tags),
            session.scalar(select(func.count(ActionUpdate.id))),
            session.scalar(select(func.count(AuditEvent.id))),
        )


def last_event(engine) -> AuditEvent:
    with Session(engine) as session:
        return session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))


# --- each write as each role ----------------------------------------------------------


def do_add(engine, who: Actor) -> int:
    return plan.add_action(
        engine,
        who,
        region_id(engine, "london"),
        "Run a listening event with the Somali community",
        area_id(engine),
        theme_ids(engine, "coproduction", "cultural_awareness"),
        description="With two community partners.",
        owner="Involvement lead",
        due_date=date.today() + timedelta(days=90),
    )


def do_adopt(engine, who: Actor) -> int:
    return plan.adopt_template(
        engine, who, region_id(engine, "london"), new_template(engine), owner="Team leader"
    )


def do_update(engine, who: Actor) -> int:
    action = london_action(engine)
    return plan.update_action(
        engine, who, action.id, action.version, owner="Someone new", reason="Staff change"
    )


def do_post(engine, who: Actor) -> int:
    action = london_action(engine)
    new = "at_risk" if action.status != "at_risk" else "on_track"
    return plan.post_action_update(engine, who, action.id, date.today(), "Progress note", new)


def do_template(engine, who: Actor) -> int:
    found = template(engine)
    return plan.update_template(engine, who, found.id, found.version, title="A clearer title")


def do_post_national(engine, who: Actor) -> int:
    """A progress update on an organisation-wide action, which national leads keep."""
    found = template(engine, "LG1")
    return plan.post_action_update(
        engine, who, found.id, date.today(), "Reported to the Board", "on_track"
    )


def do_confirm(engine, who: Actor) -> int:
    found = template(engine)
    return plan.confirm_action_themes(
        engine, who, found.id, found.version, [t.id for t in themes_of(engine, found.id)]
    )


def do_mark(engine, who: Actor) -> int:
    found = template(engine)
    return plan.set_organisation_wide(engine, who, found.id, found.version, True)


def themes_of(engine, action_id: int) -> list[Theme]:
    with Session(engine) as session:
        found = list(session.get(PlanAction, action_id).themes)
        session.expunge_all()
        return found


WRITES = {
    "add_action": do_add,
    "adopt_template": do_adopt,
    "update_action": do_update,
    "post_action_update": do_post,
    "update_template": do_template,
    "post_action_update (organisation-wide)": do_post_national,
    "confirm_action_themes": do_confirm,
    "set_organisation_wide": do_mark,
}
#: The writes on national actions (audited with no region).
NATIONAL_WRITES = {
    "update_template",
    "post_action_update (organisation-wide)",
    "confirm_action_themes",
    "set_organisation_wide",
}

#: Who may do each write (on a London action, or on a national template).
ALLOWED = {
    "add_action": {"admin", "london.lead"},
    "adopt_template": {"admin", "london.lead"},
    "update_action": {"admin", "london.lead"},
    "post_action_update": {"admin", "london.lead"},
    "update_template": {"admin", "national.lead"},
    "post_action_update (organisation-wide)": {"admin", "national.lead"},
    "confirm_action_themes": {"admin", "national.lead"},
    "set_organisation_wide": {"admin", "national.lead"},
}

CASES = [
    pytest.param(write, username, id=f"{write}-{username}")
    for write in WRITES
    for username in USERNAMES
]


def test_every_plan_write_is_registered():
    names = {name.split(" ")[0] for name in WRITES}
    assert names <= set(WRITE_REGISTRY)
    for name in names:
        assert WRITE_REGISTRY[name].entity == "plan_action"


@pytest.mark.parametrize(("write", "username"), CASES)
def test_each_write_as_each_role(demo_engine, write, username):
    who = actor(demo_engine, username)
    if username in ALLOWED[write]:
        events = fingerprint(demo_engine)[3]
        WRITES[write](demo_engine, who)
        event_ = last_event(demo_engine)
        assert fingerprint(demo_engine)[3] == events + 1, "exactly one audit event"
        assert event_.entity_type == "plan_action"
        assert event_.username == username
        expected_region = None if write in NATIONAL_WRITES else region_id(demo_engine, "london")
        assert event_.region_id == expected_region
    else:
        if write == "adopt_template":
            new_template(demo_engine)  # arrange first, so only the write is compared
        before = fingerprint(demo_engine)
        with pytest.raises(PermissionDenied):
            if write == "adopt_template":
                plan.adopt_template(
                    demo_engine,
                    who,
                    region_id(demo_engine, "london"),
                    template(demo_engine, "T99").id,
                )
            else:
                WRITES[write](demo_engine, who)
        assert fingerprint(demo_engine) == before


def test_north_west_lead_may_edit_north_west_but_not_london(demo_engine):
    who = actor(demo_engine, "northwest.lead")
    with pytest.raises(PermissionDenied):
        do_add(demo_engine, who)
    new_id = plan.add_action(
        demo_engine,
        who,
        region_id(demo_engine, "north_west"),
        "North West's own action",
        area_id(demo_engine),
        theme_ids(demo_engine, "workforce"),
    )
    with Session(demo_engine) as session:
        assert session.get(PlanAction, new_id).region_id == region_id(demo_engine, "north_west")


# --- what the writes do ---------------------------------------------------------------


def test_add_action_saves_everything_and_audits_it(demo_engine):
    london = region_id(demo_engine, "london")
    new_id = do_add(demo_engine, actor(demo_engine, "london.lead"))
    with Session(demo_engine) as session:
        action = session.get(PlanAction, new_id)
        assert action.region_id == london and action.template_id is None
        assert action.code.startswith("L")
        assert action.status == "not_started" and action.version == 1
        assert {t.code for t in action.themes} == {"coproduction", "cultural_awareness"}
        assert action.owner == "Involvement lead"
    event_ = last_event(demo_engine)
    assert event_.action == "create" and event_.entity_id == new_id
    assert event_.after["title"] == "Run a listening event with the Somali community"
    assert event_.after["themes"] == ["Cultural awareness", "Coproduction"]
    assert event_.after["action_area"] == "Workforce"


def test_local_codes_count_up(demo_engine):
    who = actor(demo_engine, "london.lead")
    first, second = do_add(demo_engine, who), do_add(demo_engine, who)
    with Session(demo_engine) as session:
        codes = [session.get(PlanAction, i).code for i in (first, second)]
    assert codes == ["L1", "L2"]


def test_adopt_copies_the_template_and_may_adapt_it(demo_engine):
    who = actor(demo_engine, "london.lead")
    london = region_id(demo_engine, "london")
    template_id = new_template(demo_engine)
    with Session(demo_engine) as session:
        not_adopted = plan.templates_not_adopted(session, london)
        # the same from the national actions the page has read already
        national = plan.national_templates(session)
        assert plan.templates_not_adopted(session, london, national).equals(not_adopted)
    assert not_adopted["id"].tolist() == [template_id]

    adopted = plan.adopt_template(
        demo_engine,
        who,
        london,
        template_id,
        title="A new national action, for London",
        theme_ids=theme_ids(demo_engine, "workforce", "co_learning"),
        owner="Team leader",
        due_date=date(2027, 3, 31),
    )
    with Session(demo_engine) as session:
        action = session.get(PlanAction, adopted)
        assert action.template_id == template_id and action.region_id == london
        assert action.code == "T99"
        assert action.title == "A new national action, for London"
        assert action.description == "Written by the national team."
        assert {t.code for t in action.themes} == {"workforce", "co_learning"}
        assert action.due_date == date(2027, 3, 31)
        assert plan.templates_not_adopted(session, london).empty
        template_row = session.get(PlanAction, template_id)
        assert template_row.title == "A new national action"  # the template is untouched
    assert last_event(demo_engine).action == "adopt"

    before = fingerprint(demo_engine)
    with pytest.raises(WriteRefused, match="already adopted"):
        plan.adopt_template(demo_engine, who, london, template_id)
    assert fingerprint(demo_engine) == before


def test_adopt_refuses_what_is_not_a_template(demo_engine):
    who = actor(demo_engine, "london.lead")
    action = london_action(demo_engine)
    with pytest.raises(WriteRefused, match="not one of the national plan"):
        plan.adopt_template(demo_engine, who, region_id(demo_engine, "london"), action.id)


def test_update_action_changes_details_bumps_version_and_audits_the_difference(demo_engine):
    action = london_action(demo_engine)
    new_version = plan.update_action(
        demo_engine,
        actor(demo_engine, "london.lead"),
        action.id,
        action.version,
        title="  A sharper title  ",
        due_date=None,
        theme_ids=theme_ids(demo_engine, "co_learning"),
        reason="Agreed at the forum",
    )
    assert new_version == action.version + 1
    with Session(demo_engine) as session:
        saved = session.get(PlanAction, action.id)
        assert saved.title == "A sharper title"
        assert saved.due_date is None
        assert [t.code for t in saved.themes] == ["co_learning"]
        assert saved.owner == action.owner  # left as it was
        assert saved.status == action.status
    event_ = last_event(demo_engine)
    assert event_.action == "update" and event_.reason == "Agreed at the forum"
    assert set(event_.after) == {"title", "due_date", "themes"}
    assert event_.before["title"] == action.title
    assert event_.after["themes"] == ["Co-learning"]


def test_update_with_no_change_is_refused(demo_engine):
    action = london_action(demo_engine)
    before = fingerprint(demo_engine)
    with pytest.raises(WriteRefused, match="not changed anything"):
        plan.update_action(
            demo_engine,
            actor(demo_engine, "london.lead"),
            action.id,
            action.version,
            title=action.title,
            owner=action.owner,
        )
    assert fingerprint(demo_engine) == before


def test_update_action_refuses_a_template(demo_engine):
    found = template(demo_engine)
    with pytest.raises(WriteRefused, match="national template"):
        plan.update_action(demo_engine, actor(demo_engine, "admin"), found.id, found.version)


def test_progress_update_with_a_status_change_changes_the_status(demo_engine):
    who = actor(demo_engine, "london.lead")
    action = london_action(demo_engine)
    new = "off_track" if action.status != "off_track" else "on_track"
    update_id = plan.post_action_update(
        demo_engine, who, action.id, date.today(), "  Two partners pulled out.  ", new
    )
    with Session(demo_engine) as session:
        saved = session.get(PlanAction, action.id)
        update = session.get(ActionUpdate, update_id)
        assert saved.status == new and saved.version == action.version + 1
        assert update.note == "Two partners pulled out."
        assert (update.status_from, update.status_to) == (action.status, new)
        assert update.author_id == who.user_id
        updates = plan.action_updates(session, [action.id])
    assert updates.iloc[-1]["note"] == "Two partners pulled out."
    assert updates.iloc[-1]["author"]  # who posted it, by name
    event_ = last_event(demo_engine)
    assert event_.action == "progress_update"
    assert event_.before == {"status": action.status} and event_.after["status"] == new


def test_progress_update_without_a_status_change_keeps_status_and_version(demo_engine):
    action = london_action(demo_engine)
    plan.post_action_update(
        demo_engine, actor(demo_engine, "admin"), action.id, date(2025, 1, 10), "A note"
    )
    plan.post_action_update(
        demo_engine,
        actor(demo_engine, "admin"),
        action.id,
        date(2025, 1, 11),
        "Same status again",
        action.status,
    )
    with Session(demo_engine) as session:
        saved = session.get(PlanAction, action.id)
        assert (saved.status, saved.version) == (action.status, action.version)
        latest = plan.action_updates(session, [action.id]).iloc[-1]
    assert latest["status_to"] is None and latest["note"] == "Same status again"


def test_update_template_edits_only_the_template(demo_engine):
    found = template(demo_engine)
    themes_before = {t.code for t in themes_of(demo_engine, found.id)}
    with Session(demo_engine) as session:
        copies_before = session.scalars(
            select(PlanAction.title).where(PlanAction.template_id == found.id)
        ).all()
    plan.update_template(
        demo_engine,
        actor(demo_engine, "national.lead"),
        found.id,
        found.version,
        title="Reworded",
        description="New words",
        reason="Board decision",
    )
    with Session(demo_engine) as session:
        saved = session.get(PlanAction, found.id)
        assert (saved.title, saved.description, saved.version) == (
            "Reworded",
            "New words",
            found.version + 1,
        )
        assert {t.code for t in saved.themes} == themes_before  # themes: confirm_action_themes
        copies_after = session.scalars(
            select(PlanAction.title).where(PlanAction.template_id == found.id)
        ).all()
    assert copies_after == copies_before
    assert last_event(demo_engine).region_id is None


def test_update_template_refuses_a_region_action(demo_engine):
    action = london_action(demo_engine)
    with pytest.raises(WriteRefused, match="not a national template"):
        plan.update_template(
            demo_engine, actor(demo_engine, "admin"), action.id, action.version, title="X"
        )


# --- optimistic concurrency -----------------------------------------------------------


def test_two_people_editing_the_same_action(demo_engine):
    lead, admin = actor(demo_engine, "london.lead"), actor(demo_engine, "admin")
    action = london_action(demo_engine)
    opened = action.version  # both open the action at this version
    plan.update_action(demo_engine, admin, action.id, opened, owner="Admin's owner")
    before = fingerprint(demo_engine)
    with pytest.raises(StaleWrite, match="Someone else changed this action since you opened it"):
        plan.update_action(demo_engine, lead, action.id, opened, owner="Lead's owner")
    assert fingerprint(demo_engine) == before
    with Session(demo_engine) as session:
        assert session.get(PlanAction, action.id).owner == "Admin's owner"


def test_stale_status_change_is_refused_but_a_note_is_not(demo_engine):
    lead = actor(demo_engine, "london.lead")
    action = london_action(demo_engine)
    plan.update_action(demo_engine, lead, action.id, action.version, owner="Changed meanwhile")
    before = fingerprint(demo_engine)
    new = "complete" if action.status != "complete" else "on_track"
    with pytest.raises(StaleWrite):
        plan.post_action_update(
            demo_engine, lead, action.id, date.today(), "Done", new, version=action.version
        )
    assert fingerprint(demo_engine) == before
    plan.post_action_update(
        demo_engine, lead, action.id, date.today(), "Just a note", version=action.version
    )
    assert fingerprint(demo_engine)[2] == before[2] + 1


def test_stale_template_edit_is_refused(demo_engine):
    found = template(demo_engine)
    plan.update_template(
        demo_engine, actor(demo_engine, "admin"), found.id, found.version, title="First"
    )
    with pytest.raises(StaleWrite, match="national template action since you opened it"):
        plan.update_template(
            demo_engine, actor(demo_engine, "national.lead"), found.id, found.version, title="2"
        )


# --- validation -----------------------------------------------------------------------


def add_with(engine, **changes):
    args = {
        "region_id": region_id(engine, "london"),
        "title": "A title",
        "action_area_id": area_id(engine),
        "theme_ids": theme_ids(engine, "workforce"),
    }
    args.update(changes)
    return plan.add_action(engine, actor(engine, "london.lead"), **args)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": "   "}, "Please enter a title"),
        ({"title": "x" * 201}, "201 characters long; please keep it to 200"),
        ({"theme_ids": []}, "at least one theme"),
        ({"theme_ids": [99999]}, "themes does not exist"),
        ({"action_area_id": 99999}, "six action areas"),
        ({"due_date": date(1999, 12, 31)}, "due date 31 December 1999 does not look right"),
        ({"due_date": date(date.today().year + 11, 1, 1)}, "does not look right"),
        ({"status": "done"}, "'done' is not a status"),
        ({"owner": "o" * 121}, "120 characters"),
    ],
)
def test_add_action_validation(demo_engine, changes, message):
    before = fingerprint(demo_engine)
    with pytest.raises(WriteRefused, match=message):
        add_with(demo_engine, **changes)
    assert fingerprint(demo_engine) == before


def test_a_title_of_200_characters_is_fine(demo_engine):
    assert add_with(demo_engine, title="x" * 200)


@pytest.mark.parametrize(
    ("when", "note", "status", "message"),
    [
        (date.today(), "", None, "Please enter a note"),
        (date.today(), "   ", None, "Please enter a note"),
        (date.today(), "n" * 1001, None, "1001 characters long; please keep it to 1000"),
        (date.today() + timedelta(days=1), "A note", None, "is in the future"),
        (date(2019, 5, 1), "A note", None, "does not look right"),
        (date.today(), "A note", "finished", "'finished' is not a status"),
    ],
)
def test_progress_update_validation(demo_engine, when, note, status, message):
    action = london_action(demo_engine)
    before = fingerprint(demo_engine)
    with pytest.raises(WriteRefused, match=message):
        plan.post_action_update(
            demo_engine, actor(demo_engine, "london.lead"), action.id, when, note, status
        )
    assert fingerprint(demo_engine) == before


def test_update_validation(demo_engine):
    action = london_action(demo_engine)
    before = fingerprint(demo_engine)
    with pytest.raises(WriteRefused, match="Please enter a title"):
        plan.update_action(
            demo_engine, actor(demo_engine, "london.lead"), action.id, action.version, title=""
        )
    with pytest.raises(WriteRefused, match="at least one theme"):
        plan.confirm_action_themes(
            demo_engine,
            actor(demo_engine, "national.lead"),
            template(demo_engine).id,
            template(demo_engine).version,
            [],
        )
    assert fingerprint(demo_engine) == before


def test_an_action_that_does_not_exist(demo_engine):
    with pytest.raises(WriteRefused, match="no longer exists"):
        plan.post_action_update(
            demo_engine, actor(demo_engine, "admin"), 987654, date.today(), "Note"
        )


# --- reads ----------------------------------------------------------------------------


def test_region_actions_has_themes_areas_and_updates(demo_engine):
    london = region_id(demo_engine, "london")
    with Session(demo_engine) as session:
        frame = plan.region_actions(session, london)
        areas = plan.action_areas(session)
        stored = session.scalar(
            select(func.count(PlanAction.id)).where(PlanAction.region_id == london)
        )
        update_counts = dict(
            session.execute(
                select(ActionUpdate.action_id, func.count())
                .join(PlanAction, PlanAction.id == ActionUpdate.action_id)
                .where(PlanAction.region_id == london)
                .group_by(ActionUpdate.action_id)
            ).all()
        )
        first = session.get(PlanAction, int(frame.iloc[0]["id"]))
        first_themes = [t.name for t in first.themes]
    assert len(frame) == stored == plan_total(demo_engine, london)
    assert list(frame.columns) == plan.ACTION_COLUMNS
    # grouped by the plan's action areas, in the plan's order
    order = {name: i for i, name in enumerate(areas["name"])}
    positions = [order[a] for a in frame["action_area"]]
    assert positions == sorted(positions)
    assert sorted(frame.iloc[0]["themes"]) == sorted(first_themes)
    for row in frame.itertuples():
        assert row.updates == update_counts.get(row.id, 0)
        assert len(row.theme_ids) == len(row.themes) >= 1
        assert row.status_label in {"Not started", "On track", "At risk", "Off track", "Complete"}


def plan_total(engine, region: int) -> int:
    with Session(engine) as session:
        return plan.action_total(session, region)


def test_region_actions_filters(demo_engine):
    london = region_id(demo_engine, "london")
    on = date(2026, 12, 1)
    with Session(demo_engine) as session:
        everything = plan.region_actions(session, london, on=on)
        coproduction = theme_ids(demo_engine, "coproduction")[0]
        by_theme = plan.region_actions(session, london, theme_ids=[coproduction], on=on)
        by_area = plan.region_actions(session, london, action_area_ids=[area_id(demo_engine)])
        by_status = plan.region_actions(session, london, statuses=["on_track", "at_risk"])
        owner = everything["owner"].iloc[0]
        by_owner = plan.region_actions(session, london, owners=[owner])
        overdue = plan.region_actions(session, london, overdue_only=True, on=on)
        combined = plan.region_actions(
            session, london, statuses=["on_track"], overdue_only=True, on=on
        )
        owners = plan.region_owners(session, london)
    assert set(by_theme["id"]) == {
        r.id for r in everything.itertuples() if coproduction in r.theme_ids
    }
    assert 0 < len(by_theme) < len(everything)
    assert set(by_area["action_area_id"]) == {area_id(demo_engine)}
    assert set(by_status["status"]) <= {"on_track", "at_risk"} and len(by_status)
    assert set(by_owner["owner"]) == {owner}
    expected_late = everything[
        everything["due_date"].notna()
        & (everything["due_date"] < on)
        & (everything["status"] != "complete")
    ]
    assert set(overdue["id"]) == set(expected_late["id"]) and len(overdue)
    assert overdue["overdue"].all()
    assert (overdue["days_overdue"] == [(on - d).days for d in overdue["due_date"]]).all()
    assert not everything[~everything["id"].isin(overdue["id"])]["overdue"].any()
    assert set(combined["id"]) == set(overdue[overdue["status"] == "on_track"]["id"])
    assert owners == sorted(set(everything["owner"]))


def test_complete_actions_are_never_overdue(demo_engine):
    action = london_action(demo_engine)
    plan.update_action(
        demo_engine,
        actor(demo_engine, "london.lead"),
        action.id,
        action.version,
        due_date=date(2021, 1, 1),
    )
    with Session(demo_engine) as session:
        row = plan.region_actions(session, action.region_id, action_ids=[action.id]).iloc[0]
        assert row["overdue"] and row["days_overdue"] == (date.today() - date(2021, 1, 1)).days
    plan.post_action_update(
        demo_engine,
        actor(demo_engine, "london.lead"),
        action.id,
        date.today(),
        "Finished",
        "complete" if action.status != "complete" else None,
    )
    with Session(demo_engine) as session:
        row = plan.region_actions(session, action.region_id, action_ids=[action.id]).iloc[0]
    assert row["status"] == "complete"
    assert not row["overdue"] and row["days_overdue"] == 0


def test_region_actions_is_one_query_however_many_actions(demo_engine):
    london = region_id(demo_engine, "london")
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(demo_engine, "before_cursor_execute", count)
    try:
        with Session(demo_engine) as session:
            frame = plan.region_actions(session, london)
    finally:
        event.remove(demo_engine, "before_cursor_execute", count)
    assert len(frame) > 10
    # the actions with their themes and updates, and the (small) list of theme names
    assert len(statements) == 2, statements


def test_national_templates_and_empty_region(engine):
    with Session(engine) as session:
        templates = plan.national_templates(session)
        london = session.scalar(select(Region.id).where(Region.code == "london"))
        empty = plan.region_actions(session, london)
        not_adopted = plan.templates_not_adopted(session, london)
        updates = plan.action_updates(session, [])
    assert len(templates) == 23 and templates["region_id"].isna().all()
    assert empty.empty and list(empty.columns) == plan.ACTION_COLUMNS
    # LG1, WF2 and WF3 are kept once for the organisation, not adopted.
    assert len(not_adopted) == 20
    assert set(templates.loc[templates["organisation_wide"], "code"]) == {"LG1", "WF2", "WF3"}
    assert updates.empty


def test_adopting_into_an_empty_region_with_made_up_actors(engine):
    """The empty reference database has no users: actors without an account still work
    (audit events keep the username), and permissions still apply."""
    with Session(engine) as session:
        london = session.scalar(select(Region.id).where(Region.code == "london"))
        template_id = session.scalar(
            select(PlanAction.id)
            .where(PlanAction.region_id.is_(None), PlanAction.organisation_wide.is_(False))
            .limit(1)
        )
    lead = Actor(None, "a.lead", "regional_lead", london)
    forum = Actor(None, "a.member", "forum_member", london)
    with pytest.raises(PermissionDenied):
        plan.adopt_template(engine, forum, london, template_id)
    new_id = plan.adopt_template(engine, lead, london, template_id)
    with Session(engine) as session:
        frame = plan.region_actions(session, london)
    assert frame["id"].tolist() == [new_id]
    assert isinstance(frame, pd.DataFrame) and frame.iloc[0]["template_id"] == template_id


def test_overdue_words():
    assert plan_words.overdue_words(1) == "Overdue by 1 day"
    assert plan_words.overdue_words(12) == "Overdue by 12 days"
    on = date(2026, 5, 1)
    assert plan_words.due_words(None, on=on) == "No due date"
    assert plan_words.due_words(on, on=on) == "Due today"
    assert plan_words.due_words(date(2026, 5, 2), on=on) == "Due tomorrow"
    assert plan_words.due_words(date(2026, 6, 30), on=on) == "Due 30 Jun 2026"


# --- organisation-wide actions ----------------------------------------------------------


def london_copy(engine, code: str) -> PlanAction | None:
    with Session(engine, expire_on_commit=False) as session:
        found = session.scalar(
            select(PlanAction).where(
                PlanAction.region_id == region_id(engine, "london"), PlanAction.code == code
            )
        )
        if found is not None:
            session.expunge(found)
        return found


def test_organisation_wide_actions_are_kept_once_not_adopted(demo_engine):
    london = region_id(demo_engine, "london")
    with Session(demo_engine) as session:
        wide = plan.organisation_wide_actions(session)
        mine = plan.region_actions(session, london)
        offered = plan.templates_not_adopted(session, london)
    assert wide["code"].tolist() == ["LG1", "WF2", "WF3"]
    assert wide["region_id"].isna().all() and wide["organisation_wide"].all()
    # the demo keeps them nationally, with a status and progress updates of their own
    assert (wide["updates"] > 0).any() and set(wide["owner"]) == {"National team"}
    assert not set(mine["code"]) & {"LG1", "WF2", "WF3"}
    assert offered.empty  # London adopted every other action
    before = fingerprint(demo_engine)
    with pytest.raises(WriteRefused, match="kept once for the whole organisation"):
        plan.adopt_template(
            demo_engine, actor(demo_engine, "london.lead"), london, template(demo_engine, "LG1").id
        )
    assert fingerprint(demo_engine) == before


def test_national_leads_keep_an_organisation_wide_action(demo_engine):
    national, lead = actor(demo_engine, "national.lead"), actor(demo_engine, "london.lead")
    champion = template(demo_engine, "LG1")
    version = plan.update_template(
        demo_engine,
        national,
        champion.id,
        champion.version,
        owner="Chair of the Board",
        due_date=date(2027, 3, 31),
    )
    plan.post_action_update(
        demo_engine,
        national,
        champion.id,
        date.today(),
        "Champion appointed",
        "complete",
        version=version,
    )
    with Session(demo_engine) as session:
        saved = session.get(PlanAction, champion.id)
        assert (saved.owner, saved.due_date, saved.status) == (
            "Chair of the Board",
            date(2027, 3, 31),
            "complete",
        )
    event_ = last_event(demo_engine)
    assert (event_.action, event_.region_id, event_.username) == (
        "progress_update",
        None,
        "national.lead",
    )
    before = fingerprint(demo_engine)
    with pytest.raises(PermissionDenied):
        plan.post_action_update(demo_engine, lead, champion.id, date.today(), "Mine now")
    with pytest.raises(WriteRefused, match="Only an organisation-wide action"):
        found = template(demo_engine)
        plan.update_template(demo_engine, national, found.id, found.version, owner="Someone")
    with pytest.raises(WriteRefused, match="not to a template regions adopt"):
        plan.post_action_update(demo_engine, national, found.id, date.today(), "A note")
    assert fingerprint(demo_engine) == before


def test_marking_organisation_wide_keeps_regional_copies_out_of_the_plan(demo_engine):
    from db import queries

    national, lead = actor(demo_engine, "national.lead"), actor(demo_engine, "london.lead")
    london = region_id(demo_engine, "london")
    found, copy = template(demo_engine), london_copy(demo_engine, "WF1")
    with Session(demo_engine) as session:
        total = plan.action_total(session, london)
        counted = int(queries.action_status_totals(session, [london])["actions"].sum())
        updates = session.scalar(
            select(func.count(ActionUpdate.id)).where(ActionUpdate.action_id == copy.id)
        )
        assert "London" in plan.regions_with_copies(session, found.id)
    assert counted == total

    version = plan.set_organisation_wide(
        demo_engine, national, found.id, found.version, True, reason="Kept by HR nationally"
    )
    event_ = last_event(demo_engine)
    assert (event_.before, event_.after, event_.region_id, event_.reason) == (
        {"organisation_wide": False},
        {"organisation_wide": True},
        None,
        "Kept by HR nationally",
    )
    with Session(demo_engine) as session:
        assert plan.action_total(session, london) == total - 1
        assert copy.id not in plan.region_actions(session, london)["id"].tolist()
        assert int(queries.action_status_totals(session, [london])["actions"].sum()) == total - 1
        by_theme = queries.action_status_counts(session, [london])
        tags = sum(len(t) for t in plan.region_actions(session, london)["theme_ids"])
        assert int(by_theme["actions"].sum()) == tags  # the copy's themes are not counted
        kept = plan.superseded_copies(session, london)
        assert kept["id"].tolist() == [copy.id] and kept.iloc[0]["updates"] == updates
        assert found.id not in plan.templates_not_adopted(session, london)["id"].tolist()
    before = fingerprint(demo_engine)
    with pytest.raises(WriteRefused, match="earlier copy"):
        plan.update_action(demo_engine, lead, copy.id, copy.version, owner="Me")
    with pytest.raises(WriteRefused, match="earlier copy"):
        plan.post_action_update(demo_engine, lead, copy.id, date.today(), "A note")
    assert fingerprint(demo_engine) == before

    plan.set_organisation_wide(demo_engine, national, found.id, version, False)
    with Session(demo_engine) as session:
        assert plan.action_total(session, london) == total
        assert plan.superseded_copies(session, london).empty
    with pytest.raises(StaleWrite):
        plan.set_organisation_wide(demo_engine, national, found.id, version, True)


# --- confirming the themes ----------------------------------------------------------------


def test_themes_are_proposed_until_a_national_lead_confirms_them(demo_engine):
    national = actor(demo_engine, "national.lead")
    with Session(demo_engine) as session:
        first = plan.theme_confirmation(session)
    assert (first.confirmed, first.total) == (0, 23)
    assert "proposed, not yet confirmed" in first.note and "0 of the plan's 23" in first.note

    found = template(demo_engine)  # WF1: workforce, cultural awareness, staff knowledge
    proposed = {t.code for t in themes_of(demo_engine, found.id)}
    london_wf1 = london_copy(demo_engine, "WF1")
    # North West chose its own themes for its copy: the confirmation leaves them alone.
    with Session(demo_engine) as session, session.begin():
        session_copy = session.scalar(
            select(PlanAction).where(
                PlanAction.region_id == region_id(demo_engine, "north_west"),
                PlanAction.code == "WF1",
            )
        )
        session_copy.themes = [session.scalar(select(Theme).where(Theme.code == "co_learning"))]
        north_west_wf1 = session_copy.id
    with Session(demo_engine) as session:
        last_before = session.scalar(select(func.max(AuditEvent.id)))

    corrected = theme_ids(demo_engine, "workforce", "co_learning")
    version = plan.confirm_action_themes(
        demo_engine, national, found.id, found.version, corrected, reason="Checked the KEY"
    )
    with Session(demo_engine) as session:
        saved = session.get(PlanAction, found.id)
        assert {t.code for t in saved.themes} == {"workforce", "co_learning"}
        assert saved.themes_confirmed_by == "national.lead" and saved.themes_confirmed_at
        assert saved.version == version
        london_saved = session.get(PlanAction, london_wf1.id)
        assert {t.code for t in london_saved.themes} == {"workforce", "co_learning"}
        assert {t.code for t in session.get(PlanAction, north_west_wf1).themes} == {"co_learning"}
        assert plan.theme_confirmation(session).confirmed == 1
        new_events = session.scalars(
            select(AuditEvent).where(AuditEvent.id > last_before).order_by(AuditEvent.id)
        ).all()
    confirm = next(e for e in new_events if e.action == "confirm_themes")
    assert confirm.region_id is None and confirm.reason == "Checked the KEY"
    assert confirm.after == {"themes": ["Workforce", "Co-learning"], "themes_confirmed": True}
    assert set(confirm.before["themes"]) != set(confirm.after["themes"])
    regional = [e for e in new_events if e.action == "update"]
    # every region's copy that still had the proposed themes, each audited in its region
    assert london_wf1.id in {e.entity_id for e in regional}
    assert north_west_wf1 not in {e.entity_id for e in regional}
    assert all(e.region_id is not None for e in regional)
    assert proposed != {"workforce", "co_learning"}

    before = fingerprint(demo_engine)
    with pytest.raises(WriteRefused, match="already confirmed"):
        plan.confirm_action_themes(demo_engine, national, found.id, version, corrected)
    with pytest.raises(StaleWrite):
        plan.confirm_action_themes(demo_engine, national, found.id, found.version, corrected)
    assert fingerprint(demo_engine) == before


def test_once_every_action_is_confirmed_the_note_goes(engine):
    national = Actor(None, "a.national", "national_lead")
    with Session(engine) as session:
        templates = plan.national_templates(session)
    for row in templates.itertuples():
        plan.confirm_action_themes(engine, national, row.id, row.version, row.theme_ids)
    with Session(engine) as session:
        done = plan.theme_confirmation(session)
    assert done.complete and done.note is None


def test_reports_say_the_themes_are_proposed_until_every_one_is_confirmed(demo_engine):
    """The annual report's theme table and the meeting pack count actions by theme: they
    say the themes are proposed until a national lead has confirmed them all."""
    from reports.annual_report import build_report
    from reports.meeting_pack import build_meeting_pack
    from tests.reports.test_meeting_pack import flat, pdf_text
    from tests.reports.test_meeting_pack import london as london_meeting

    region, meeting = london_meeting(demo_engine)

    def said() -> tuple[bool, bool]:
        with Session(demo_engine) as session:
            report = build_report(session, 2025, region, today=date(2026, 11, 26))
        notes = " ".join(t.note or "" for t in report.tables())
        pack = flat(pdf_text(build_meeting_pack(demo_engine, region, meeting)))
        return "proposed, not yet confirmed" in notes, "proposed, not yet confirmed" in pack

    assert said() == (True, True)
    national = actor(demo_engine, "national.lead")
    with Session(demo_engine) as session:
        templates = plan.national_templates(session)
    for row in templates.itertuples():
        plan.confirm_action_themes(demo_engine, national, row.id, row.version, row.theme_ids)
    assert said() == (False, False)
