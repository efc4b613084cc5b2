"""The Forum meeting page through the real app, for each role: what each sees and may do,
and recording a decision that adds an action to the local plan (the presentation mode
is in tests/app/test_presentation.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta

import pandas as pd
import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from core.disclosure import disclose_metric_figure
from core.periods import format_period
from db.engine import build_engine
from db.models import (
    AgendaItem,
    ForumMeeting,
    MeetingDecision,
    Metric,
    MetricValue,
    PlanAction,
    QuarterQuestion,
    QuarterReview,
    Region,
)
from tests.app.apptest_adapter import convert_arrow_bytes_to_pandas_df
from tests.app.test_app_roles import texts
from tests.markdown_text import shown

PAGE = "pages/forum_meeting.py"
EDIT_BUTTONS = {"Record the decision", "Start the meeting", "Save the meeting's details"}
USERS = {
    "london.forum": "demo-forum",
    "london.lead": "demo-london",
    "northwest.lead": "demo-northwest",
    "national.lead": "demo-national",
    "admin": "demo-admin",
}
MANAGERS = {"london.lead", "northwest.lead", "admin"}  # each in the region they see first
#: The forms a forum member has on the page (by their keys): attendance, proposing an
#: agenda item and the forum's outcome on a quarter waiting for sign-off.
FORUM_MEMBER_FORMS = ("attendance-", "agenda-propose-", "outcome-")


@pytest.fixture
def db(app_env) -> Iterator:
    engine = build_engine(app_env)
    yield engine
    engine.dispose()


def open_page(signed_in, username: str):
    at = signed_in(username, USERS[username])
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


def buttons(at) -> set[str]:
    return {b.label for b in at.button}


def button(at, label: str):
    return next(b for b in at.button if b.label == label)


def count(engine, model) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count(model.id)))


@pytest.mark.parametrize("username", list(USERS))
def test_each_role_opens_on_since_the_last_meeting(signed_in, username):
    at = open_page(signed_in, username)
    assert [t.value for t in at.title] == ["Forum meeting"]
    subheaders = [s.value for s in at.subheader]
    assert subheaders[0] == "Since the last meeting"
    assert "Decisions and new actions" in subheaders
    assert "Meeting (newest first)" in [s.label for s in at.selectbox]
    assert "Present on a shared screen" in [t.label for t in at.toggle]
    page_text = texts(at)
    assert "values entered for" in page_text
    if username in MANAGERS:
        assert buttons(at) >= EDIT_BUTTONS
    else:
        # No editing controls for the decisions or the meeting's details. Forum members
        # may record attendance and propose agenda items (issue 12), and record the
        # forum's outcome on a quarter waiting for sign-off: those forms are their only
        # inputs; other read-only roles have none.
        assert not EDIT_BUTTONS & buttons(at), "read-only roles see no editing controls"
        inputs = [*at.text_area, *at.text_input, *at.date_input, *at.number_input]
        forms = {w.form_id for w in inputs}
        if username == "london.forum":
            assert all(f.startswith(FORUM_MEMBER_FORMS) for f in forms), forms
            assert {f.split("-")[0] for f in forms} >= {"attendance", "agenda"}, forms
            assert {"Save attendance", "Propose item"} <= buttons(at)
            assert not at.date_input
        else:
            assert not inputs, [w.label for w in inputs]
    national = username in ("national.lead", "admin")
    assert ("Region" in [s.label for s in at.selectbox]) == national


def test_lead_records_a_decision_that_appears_in_the_local_plan(signed_in, db):
    actions_before = count(db, PlanAction)
    at = open_page(signed_in, "london.lead")
    next(t for t in at.text_area if t.label == "Decision").input(
        "Hold a listening event with young Black men about the service"
    )
    next(c for c in at.checkbox if "new action" in c.label).check()
    next(t for t in at.text_input if t.label.startswith("Action title")).input(
        "Listening event with young Black men"
    )
    next(t for t in at.text_input if t.label.startswith("Action owner")).input("Involvement lead")
    button(at, "Record the decision").click().run()
    assert not at.exception, at.exception
    assert any("added to the local plan" in s.value for s in at.success)
    assert count(db, PlanAction) == actions_before + 1
    with Session(db) as session:
        # The newest decision (the demo already has one, at an earlier London meeting).
        decision = session.scalars(
            select(MeetingDecision).order_by(MeetingDecision.id.desc())
        ).first()
        action = session.get(PlanAction, decision.action_id)
        assert action.title == "Listening event with young Black men"
        assert [t.name for t in action.themes] == ["Cultural awareness"]
    shown = [df.value for df in at.dataframe if "Decision" in df.value.columns]
    assert shown and "Hold a listening event" in shown[0]["Decision"].iloc[0]

    at.switch_page("pages/local_plan.py")
    at.run()
    assert not at.exception, at.exception
    assert "Listening event with young Black men" in texts(at)


def test_a_refused_decision_says_why_and_saves_nothing(signed_in, db):
    before = (count(db, MeetingDecision), count(db, PlanAction))
    at = open_page(signed_in, "london.lead")
    next(c for c in at.checkbox if "new action" in c.label).check()
    button(at, "Record the decision").click().run()
    assert not at.exception, at.exception
    assert [shown(e.value) for e in at.error] == ["Please enter the decision."]
    assert (count(db, MeetingDecision), count(db, PlanAction)) == before


def test_lead_starts_a_new_meeting(signed_in, db):
    day = date.today() + timedelta(days=10)
    before = count(db, ForumMeeting)
    at = open_page(signed_in, "london.lead")
    next(d for d in at.date_input if d.label == "Meeting date").set_value(day)
    next(n for n in at.number_input if n.label.startswith("How many")).set_value(18)
    next(t for t in at.text_input if t.label == "Who chaired the meeting").input("Ama Boateng")
    button(at, "Start the meeting").click().run()
    assert not at.exception, at.exception
    assert count(db, ForumMeeting) == before + 1
    with Session(db) as session:
        meeting = session.scalar(select(ForumMeeting).where(ForumMeeting.meeting_date == day))
        london = session.scalar(select(Region.id).where(Region.code == "london"))
    assert (meeting.region_id, meeting.attendees_count, meeting.chair) == (
        london,
        18,
        "Ama Boateng",
    )
    # The new meeting is the one shown, newest first.
    picker = next(s for s in at.selectbox if s.label == "Meeting (newest first)")
    assert picker.value == meeting.id
    assert any("has been started" in s.value for s in at.success)


@pytest.mark.parametrize("username", ["london.forum", "london.lead"])
def test_a_region_without_meetings_says_so(signed_in, db, username):
    with Session(db) as session, session.begin():
        london = session.scalar(select(Region.id).where(Region.code == "london"))
        meeting_ids = select(ForumMeeting.id).where(ForumMeeting.region_id == london)
        # The demo's rows that refer to London's meetings go first: the forum's questions
        # and outcomes on the quarters, the agenda items taken at a meeting and the local
        # metric agreed at one (its link to the decision is taken off).
        decision_ids = select(MeetingDecision.id).where(MeetingDecision.meeting_id.in_(meeting_ids))
        session.execute(
            update(Metric)
            .where(Metric.agreed_decision_id.in_(decision_ids))
            .values(agreed_decision_id=None)
        )
        session.execute(delete(QuarterQuestion).where(QuarterQuestion.meeting_id.in_(meeting_ids)))
        session.execute(delete(QuarterReview).where(QuarterReview.meeting_id.in_(meeting_ids)))
        session.execute(delete(AgendaItem).where(AgendaItem.meeting_id.in_(meeting_ids)))
        for meeting in session.scalars(
            select(ForumMeeting).where(ForumMeeting.region_id == london)
        ):
            session.delete(meeting)
    at = open_page(signed_in, username)
    message = "No Regional Forum meetings are recorded for London yet."
    assert any(message in i.value for i in at.info)
    assert ("Start the meeting" in buttons(at)) == (username == "london.lead")
    assert "Present on a shared screen" not in [t.label for t in at.toggle]


def drawn_charts(at) -> list[tuple[dict, pd.DataFrame]]:
    """Every chart on the page as sent to the browser: (spec, its data). Streamlit moves
    a spec's datasets into the message as Arrow bytes."""
    charts = []
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        frames = [convert_arrow_bytes_to_pandas_df(d.data.data) for d in chart.proto.datasets]
        charts.append((spec, pd.concat(frames) if frames else pd.DataFrame()))
    return charts


def recorded_points(data: pd.DataFrame) -> dict[str, float]:
    """A metric chart's recorded values by quarter label."""
    mine = data[data["series"] == "Recorded value"]
    return dict(zip(mine["quarter"], mine["value"].astype(float), strict=True))


def chart_points(at, title: str) -> tuple[dict[str, float], str]:
    """A drawn metric chart's recorded values by quarter, and its description."""
    for spec, data in drawn_charts(at):
        text = spec["title"]["text"]
        if (" ".join(text) if isinstance(text, list) else text) == title:
            return recorded_points(data), spec["description"]
    raise AssertionError(f"no chart titled {title!r}")


@pytest.mark.parametrize("username", ["london.forum", "london.lead"])
def test_the_room_sees_each_quarter_with_its_own_value(signed_in, db, username):
    """Issue 10's blocker: forum members were shown CA01 newest-first against an
    oldest-first axis, a rise drawn as a fall."""
    with Session(db) as session:
        london = session.scalar(select(Region.id).where(Region.code == "london"))
        rows = session.execute(
            select(MetricValue.period_start, MetricValue.value, MetricValue.numerator)
            .add_columns(MetricValue.denominator)
            .join(Metric, Metric.id == MetricValue.metric_id)
            .where(
                Metric.code == "CA01",
                MetricValue.region_id == london,
                MetricValue.characteristic == "",
            )
            .order_by(MetricValue.period_start)
        ).all()
    controlled = username == "london.forum"
    expected = {
        format_period(day): disclose_metric_figure(
            value, num, den, unit="percentage", controlled=controlled
        ).value
        for day, value, num, den in rows
    }
    assert rows[-1].value > rows[0].value, "the demo's CA01 rises in London"
    at = open_page(signed_in, username)
    at.toggle(key="forum-present").set_value(True).run()
    while not at.get("vega_lite_chart"):  # to the first metric's screen (CA01's)
        assert not at.button(key="forum-next").disabled, "no metric screen"
        at.button(key="forum-next").click().run()
    points, description = chart_points(at, "CA01 values by quarter")
    assert points == expected
    first, last = format_period(rows[0].period_start), format_period(rows[-1].period_start)
    assert f"from {first} ({expected[first]:g}%) to {last} ({expected[last]:g}%)" in description
