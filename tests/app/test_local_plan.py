"""The Local plan page through the real app: what each role sees, filters, and forms."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from components.plan_forms import ADD_OPEN, ADOPT_OPEN, EDIT_OPEN
from core.permissions import Actor
from db import plan
from db.engine import build_engine
from db.models import PlanAction, Region, User
from tests.app.test_app_roles import texts
from tests.markdown_text import shown

PAGE = "pages/local_plan.py"
AREAS = [
    "Leadership and governance",
    "Staff training",
    "Partnership working",
    "Workforce",
    "Mental health services",
    "Service user and carer data and feedback",
]


@pytest.fixture
def database(app_env):
    engine = build_engine(app_env)
    yield engine
    engine.dispose()


def open_plan(signed_in, username: str, password: str, *, folded: bool = False):
    """The Local plan as ``username``, with its folded forms (edit, add, adopt) open
    unless ``folded``."""
    at = signed_in(username, password)
    at.switch_page(PAGE)
    if not folded:
        for key in (EDIT_OPEN, ADD_OPEN, ADOPT_OPEN):
            at.session_state[key] = True
    at.run()
    assert not at.exception, at.exception
    return at


def london_id(engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(Region.id).where(Region.code == "london"))


def submit_buttons(at) -> list[str]:
    return [b.label for b in at.button if b.proto.is_form_submitter]


def widget(items, label: str):
    found = [w for w in items if w.label == label]
    assert found, f"no widget labelled {label!r}: {[w.label for w in items]}"
    return found[0]


def successes(at) -> list[str]:
    """The success messages, as shown (without markdown's backslash escapes)."""
    return [s.value.replace("\\", "") for s in at.success]


def showing(at) -> str:
    line = next(m.value for m in at.markdown if m.value.startswith("**Showing"))
    return line


def shown_count(at) -> int:
    return int(re.search(r"Showing (?:all )?(\d+)", showing(at)).group(1))


def test_london_lead_sees_their_plan_grouped_by_action_area(signed_in, database):
    at = open_plan(signed_in, "london.lead", "demo-london")
    assert not at.error, [e.value for e in at.error]
    assert "London's actions" in [h.value for h in at.header]
    subheaders = [s.value for s in at.subheader]
    area_headings = [s.rsplit(" (", 1)[0] for s in subheaders if s.rsplit(" (", 1)[0] in AREAS]
    assert area_headings == AREAS  # the plan's order
    with Session(database) as session:
        total = plan.action_total(session, london_id(database))
        late = int(plan.region_actions(session, london_id(database))["overdue"].sum())
    assert showing(at) == f"**Showing all {total} actions.** {late} are overdue."
    page_text = texts(at)
    assert "Overdue by" in page_text and ":material/warning:" in page_text
    # status in words with an icon and colour, e.g. ":green-badge[:material/check_circle: On track]"
    assert re.search(r":\w+-badge\[:material/[a-z_]+: (Not started|On track|At risk)", page_text)
    assert "Themes: " in page_text
    # each card says how many comments its action has; they are in its details
    cards = [m.value for m in at.markdown if m.value.startswith("---")]
    assert len(cards) == total and all(re.search(r"Comments \(\d+\)\.$", c) for c in cards)
    assert sum(b.label == "Open details and history" for b in at.button) == total
    assert {"Post update", "Save changes", "Add action"} <= set(submit_buttons(at))
    assert "National template actions" not in [h.value for h in at.header]
    assert not [s for s in at.selectbox if s.label == "Region"]


def test_the_forms_but_the_progress_update_are_folded_until_opened(signed_in, database):
    at = open_plan(signed_in, "london.lead", "demo-london", folded=True)
    assert submit_buttons(at) == ["Post update"]
    folded = {
        "Edit this action": EDIT_OPEN,
        "Add a local action": ADD_OPEN,
        "Adopt an action from the national plan": ADOPT_OPEN,
    }
    for label, key in folded.items():
        box = next(e for e in at.expander if e.label == label)
        assert not box.proto.expanded
        at.session_state[key] = True
    at.run()
    assert {"Post update", "Save changes", "Add action"} <= set(submit_buttons(at))


def test_filters_narrow_the_list_and_count_what_is_shown(signed_in, database):
    at = open_plan(signed_in, "london.lead", "demo-london")
    london = london_id(database)
    with Session(database) as session:
        everything = plan.region_actions(session, london)
        themes = plan.themes(session)
    total = len(everything)

    widget(at.multiselect, "Status").set_value(["at_risk", "off_track"]).run()
    expected = everything["status"].isin(["at_risk", "off_track"]).sum()
    assert shown_count(at) == expected
    assert showing(at).startswith(f"**Showing {expected} of {total} actions.**")
    # each card is one markdown element, its badges among its lines
    assert "Not started" not in " ".join(m.value for m in at.markdown if "-badge[" in m.value)

    widget(at.multiselect, "Status").set_value([]).run()
    coproduction = int(themes[themes["code"] == "coproduction"]["id"].iloc[0])
    widget(at.multiselect, "Theme").set_value([coproduction]).run()
    assert shown_count(at) == sum(coproduction in ids for ids in everything["theme_ids"])

    widget(at.multiselect, "Theme").set_value([]).run()
    widget(at.checkbox, "Overdue only").check().run()
    assert shown_count(at) == int(everything["overdue"].sum())

    owner = everything["owner"].iloc[0]
    widget(at.multiselect, "Owner").set_value([owner]).run()
    assert shown_count(at) == int((everything["overdue"] & (everything["owner"] == owner)).sum())

    widget(at.multiselect, "Owner").set_value([]).run()
    widget(at.checkbox, "Overdue only").uncheck().run()
    with Session(database) as session:
        areas = plan.action_areas(session)
    workforce = int(areas[areas["code"] == "workforce"]["id"].iloc[0])
    widget(at.multiselect, "Action area").set_value([workforce]).run()
    assert shown_count(at) == int((everything["action_area_id"] == workforce).sum())
    area_subheaders = [s.value for s in at.subheader if s.value.rsplit(" (", 1)[0] in AREAS]
    assert area_subheaders == [f"Workforce ({shown_count(at)})"]
    assert not at.exception


def test_filters_that_match_nothing_say_so(signed_in):
    at = open_plan(signed_in, "london.lead", "demo-london")
    widget(at.checkbox, "Overdue only").check().run()
    widget(at.multiselect, "Status").set_value(["complete"]).run()  # never overdue
    assert shown_count(at) == 0
    assert "No actions match these filters." in texts(at)
    assert "Action details and history" not in [h.value for h in at.header]


def test_forum_member_sees_everything_read_only(signed_in):
    at = open_plan(signed_in, "london.forum", "demo-forum")
    assert not at.error
    assert "London's actions" in [h.value for h in at.header]
    assert submit_buttons(at) == []
    headers = [h.value for h in at.header]
    assert "Add to the plan" not in headers and "National template actions" not in headers
    assert "Action details and history" in headers
    assert not [t for t in at.text_area if "What has happened" in t.label]


def test_national_lead_picks_a_region_and_edits_templates(signed_in, database):
    at = open_plan(signed_in, "national.lead", "demo-national")
    picker = widget(at.selectbox, "Region")
    assert len(picker.options) == 7 and "North West" in picker.options
    with Session(database) as session:
        north_west = session.scalar(select(Region.id).where(Region.code == "north_west"))
    # by value: AppTest's select_index passes the shown words, not the option, through
    # the picker's format_func
    picker.select(north_west).run()
    assert not at.exception
    headers = [h.value for h in at.header]
    assert "North West's actions" in headers
    assert "Add to the plan" not in headers
    assert "National template actions" in headers
    # The first national action, LG1, is organisation-wide: its themes, its mark, its
    # progress and its wording are all kept here.
    assert submit_buttons(at) == [
        "Confirm these themes",
        "Let regions adopt it instead",
        "Post update",
        "Save template",
    ]


def test_national_lead_edits_a_template(signed_in, database):
    at = open_plan(signed_in, "national.lead", "demo-national")
    title_boxes = [t for t in at.text_input if t.label == "Title"]
    assert len(title_boxes) == 1
    title_boxes[0].input("A reworded national action")
    next(b for b in at.button if b.label == "Save template").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("Saved the national template action" in s for s in successes(at))
    with Session(database) as session:
        titles = session.scalars(
            select(PlanAction.title).where(PlanAction.region_id.is_(None))
        ).all()
    assert "A reworded national action" in titles


def test_london_lead_posts_an_update_with_a_status_change(signed_in, database):
    at = open_plan(signed_in, "london.lead", "demo-london")
    picker = widget(at.selectbox, "Action")
    action_id = picker.value
    with Session(database) as session:
        before = session.get(PlanAction, action_id)
        old_status, old_version = before.status, before.version
    new_status = "at_risk" if old_status != "at_risk" else "off_track"
    widget(at.text_area, "What has happened? (up to 1,000 characters)").input(
        "The venue fell through; we are looking for another."
    )
    widget(at.selectbox, "Status after this update").select(new_status)
    next(b for b in at.button if b.label == "Post update").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("Progress update saved" in s for s in successes(at))
    with Session(database) as session:
        saved = session.get(PlanAction, action_id)
        assert saved.status == new_status and saved.version == old_version + 1
    assert "The venue fell through; we are looking for another" in texts(at).replace("\\", "")


def test_an_empty_note_is_refused_with_a_message(signed_in, database):
    at = open_plan(signed_in, "london.lead", "demo-london")
    with Session(database) as session:
        before = session.scalar(select(PlanAction.version).order_by(PlanAction.id).limit(1))
    next(b for b in at.button if b.label == "Post update").click().run()
    assert [shown(e.value) for e in at.error] == ["Please enter a note saying what has happened."]
    with Session(database) as session:
        assert before == session.scalar(select(PlanAction.version).order_by(PlanAction.id).limit(1))


def test_london_lead_adds_a_local_action(signed_in, database):
    at = open_plan(signed_in, "london.lead", "demo-london")
    form_titles = [t for t in at.text_input if t.label == "Title"]
    add_title = form_titles[-1]  # the edit form's, then the add form's
    add_title.input("Host a co-learning session with faith leaders")
    theme_pickers = [m for m in at.multiselect if m.label == "Themes this action serves"]
    theme_pickers[-1].set_value([co_learning_id(database)])
    next(b for b in at.button if b.label == "Add action").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("Added 'Host a co-learning session" in s for s in successes(at))
    with Session(database) as session:
        added = session.scalar(
            select(PlanAction).where(PlanAction.title.like("Host a co-learning%"))
        )
        assert added.region_id == london_id(database) and added.code.startswith("L")


def co_learning_id(engine) -> int:
    with Session(engine) as session:
        frame = plan.themes(session)
    return int(frame[frame["code"] == "co_learning"]["id"].iloc[0])


@pytest.mark.both_engines  # a concurrent change, refused on each engine
def test_an_edit_made_meanwhile_by_someone_else_is_not_overwritten(signed_in, database):
    at = open_plan(signed_in, "london.lead", "demo-london")
    action_id = widget(at.selectbox, "Action").value
    with Session(database) as session:
        action = session.get(PlanAction, action_id)
        admin = session.scalar(select(User).where(User.username == "admin"))
        version = action.version
        admin_actor = Actor(admin.id, admin.username, admin.role, admin.region_id)
    plan.update_action(database, admin_actor, action_id, version, owner="Changed by admin")

    owner_box = next(t for t in at.text_input if t.label == "Owner")
    owner_box.input("Changed by the lead")
    next(b for b in at.button if b.label == "Save changes").click().run()
    assert not at.exception
    assert any("Someone else changed this action" in e.value for e in at.error)
    with Session(database) as session:
        assert session.get(PlanAction, action_id).owner == "Changed by admin"
    # the form now shows the other person's version
    assert next(t for t in at.text_input if t.label == "Owner").value == "Changed by admin"


def test_a_local_action_without_a_theme_is_refused(signed_in, database):
    at = open_plan(signed_in, "london.lead", "demo-london")
    with Session(database) as session:
        before = plan.action_total(session, london_id(database))
    [t for t in at.text_input if t.label == "Title"][-1].input("An action with no theme")
    next(b for b in at.button if b.label == "Add action").click().run()
    assert [shown(e.value) for e in at.error] == [
        "Choose at least one theme that this action serves."
    ]
    with Session(database) as session:
        assert plan.action_total(session, london_id(database)) == before


def test_london_lead_adopts_and_adapts_a_new_national_action(signed_in, database):
    with Session(database) as session, session.begin():
        template_action = PlanAction(
            code="T99",
            region_id=None,
            action_area_id=plan.action_areas(session)["id"].iloc[0].item(),
            title="A new national action",
            description="From the national team.",
        )
        session.add(template_action)
        session.flush()
        template_id = template_action.id
    at = open_plan(signed_in, "london.lead", "demo-london")
    picker = widget(at.selectbox, "National action to adopt")
    assert picker.options == ["T99 A new national action"]
    adopt_title = [t for t in at.text_input if t.label == "Title"][-1]
    assert adopt_title.value == "A new national action"
    adopt_title.input("A new national action, London's way")
    [m for m in at.multiselect if m.label == "Themes this action serves"][-1].set_value(
        [co_learning_id(database)]
    )
    next(b for b in at.button if b.label == "Adopt action").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("London has adopted" in s for s in successes(at))
    assert "London has adopted every action of the national plan." in texts(at)
    with Session(database) as session:
        adopted = session.scalar(
            select(PlanAction).where(
                PlanAction.template_id == template_id,
                PlanAction.region_id == london_id(database),
            )
        )
        assert adopted.title == "A new national action, London's way"
        assert [t.code for t in adopted.themes] == ["co_learning"]


# --- organisation-wide actions and confirmed themes --------------------------------------


def plain_texts(at) -> str:
    """The page's text without markdown's backslash escapes."""
    return texts(at).replace("\\", "")


def choose_template(at, engine, code: str):
    with Session(engine) as session:
        found = session.scalar(
            select(PlanAction.id).where(PlanAction.region_id.is_(None), PlanAction.code == code)
        )
    widget(at.selectbox, "National template action").select(found).run()
    assert not at.exception, at.exception
    return found


def test_regions_see_organisation_wide_actions_read_only(signed_in, database):
    at = open_plan(signed_in, "london.lead", "demo-london")
    assert "Organisation-wide actions" in [h.value for h in at.header]
    shown = plain_texts(at)
    for title in (
        "LG1 Board-level AMHE champion",
        "WF2 Ethnicity pay gap reporting",
        "WF3 Publish EDI Strategic Plan and Staff Networks Action Plan",
    ):
        assert f"**{title}**" in shown
    assert "Kept by the national team. Owner: National team." in shown
    # not among London's own actions, not offered for adoption, and no form of London's
    # changes them
    titles = widget(at.selectbox, "Action").options
    assert not [t for t in titles if t.startswith(("LG1 ", "WF2 ", "WF3 "))]
    assert "London has adopted every action of the national plan." in shown
    # themes are proposed until a national lead confirms them
    assert "not yet confirmed by the national team" in shown


def test_national_lead_confirms_the_themes_of_an_action(signed_in, database):
    at = open_plan(signed_in, "national.lead", "demo-national")
    assert any("Themes confirmed for 0 of 23" in w.value for w in at.warning)
    found = choose_template(at, database, "WF1")
    next(b for b in at.button if b.label == "Confirm these themes").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("Confirmed the themes of" in s for s in successes(at))
    assert any("Themes confirmed for 1 of 23" in w.value for w in at.warning)
    with Session(database) as session:
        saved = session.get(PlanAction, found)
        assert saved.themes_confirmed_by == "national.lead" and saved.themes_confirmed_at


def test_national_lead_marks_an_action_organisation_wide(signed_in, database):
    at = open_plan(signed_in, "national.lead", "demo-national")
    found = choose_template(at, database, "WF1")
    assert any("has a copy of it" in c.value or "have a copy of it" in c.value for c in at.caption)
    next(b for b in at.button if b.label == "Keep it once for the organisation").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with Session(database) as session:
        assert session.get(PlanAction, found).organisation_wide
    lead = open_plan(signed_in, "london.lead", "demo-london")
    assert any("earlier copies of organisation-wide actions (1)" in e.label for e in lead.expander)
    assert "**WF1 Mutual mentoring and cultural competency activities**" in plain_texts(lead)
    assert not [t for t in widget(lead.selectbox, "Action").options if t.startswith("WF1 ")]


def test_national_lead_posts_progress_on_an_organisation_wide_action(signed_in, database):
    at = open_plan(signed_in, "national.lead", "demo-national")
    found = choose_template(at, database, "LG1")
    next(t for t in at.text_area if "What has happened" in t.label).input("Champion appointed")
    widget(at.selectbox, "Status after this update").select("complete")
    next(b for b in at.button if b.label == "Post update").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with Session(database) as session:
        assert session.get(PlanAction, found).status == "complete"
    forum = open_plan(signed_in, "london.forum", "demo-forum")
    assert "Latest progress update" in plain_texts(forum) and "Champion appointed" in plain_texts(
        forum
    )


def test_pages_counting_actions_by_theme_say_the_themes_are_proposed(signed_in, database):
    def page_text(path: str) -> str:
        at = signed_in("london.forum", "demo-forum")
        at.switch_page(path)
        at.run()
        assert not at.exception, at.exception
        return plain_texts(at)

    for path in ("pages/overview.py", "pages/themes.py"):
        assert "The themes each plan action serves are proposed, not yet confirmed" in (
            page_text(path)
        ), path
    with Session(database) as session:
        templates = plan.national_templates(session)
    national = Actor(None, "a.national", "national_lead")
    for row in templates.itertuples():
        plan.confirm_action_themes(database, national, row.id, row.version, row.theme_ids)
    for path in ("pages/overview.py", "pages/themes.py"):
        assert "proposed, not yet confirmed" not in page_text(path), path
