"""The Search page and the links it gives: each opens its page with the item in view."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import CommunityProject, FeedbackItem, Metric, PlanAction, Region
from tests.app.conftest import open_as

PAGE = "pages/search.py"


def region_id(session: Session, code: str) -> int:
    return session.scalar(select(Region.id).where(Region.code == code))


def local_metric(session: Session, region: str) -> Metric:
    return session.scalars(
        select(Metric)
        .where(Metric.region_id == region_id(session, region), Metric.active.is_(True))
        .order_by(Metric.code)
    ).first()


def search_for(at, query: str):
    next(t for t in at.text_input if t.label == "Search for").input(query)
    at.run()
    assert not at.exception, at.exception
    return [link.proto.label.replace("\\", "") for link in at.main.get("page_link")]


def test_a_lead_finds_a_metric_by_its_code_and_only_in_their_region(signed_in, app_engine) -> None:
    with Session(app_engine) as session:
        mine = local_metric(session, "london")
        theirs = local_metric(session, "north_west")
    at = open_as(signed_in, PAGE, "london.lead", "demo-london")
    assert not [s for s in at.selectbox if s.label == "Search in"]  # their own region only
    labels = search_for(at, mine.code)
    assert labels[0].startswith(f"Metric · {mine.code} ")
    if theirs is not None:
        assert not [x for x in search_for(at, theirs.code) if f" {theirs.code} " in x]


def test_a_national_lead_searches_every_region_or_one(signed_in) -> None:
    at = open_as(signed_in, PAGE, "national.lead", "demo-national")
    picker = next(s for s in at.selectbox if s.label == "Search in")
    assert picker.value == 0  # every region
    assert search_for(at, "zzzz-nothing") == []
    assert any("Nothing matches" in i.value for i in at.info)


def test_feedback_and_projects_are_found_by_their_words(signed_in, app_engine) -> None:
    with Session(app_engine) as session:
        london = region_id(session, "london")
        item = session.scalars(select(FeedbackItem).where(FeedbackItem.region_id == london)).first()
        project = session.scalars(
            select(CommunityProject).where(CommunityProject.region_id == london)
        ).first()
    at = open_as(signed_in, PAGE, "london.forum", "demo-forum")
    assert any(x.startswith("Feedback · ") for x in search_for(at, item.summary[:30]))
    assert any(x.startswith("Community project · ") for x in search_for(at, project.title))


def test_a_metric_link_opens_its_card_alone(signed_in, app_engine) -> None:
    with Session(app_engine) as session:
        metric = local_metric(session, "london")
    at = open_as(signed_in, "pages/metrics.py", "london.forum", "demo-forum")
    at.query_params["metric"] = metric.code
    at.run()
    assert not at.exception, at.exception
    assert at.selectbox(key="metrics-goto").value == metric.id
    assert [s.value for s in at.main.subheader] == [metric.name]
    # The address now names the metric by id: a reload or a pasted link opens it again.
    assert at.query_params["metric"] in (str(metric.id), [str(metric.id)])
    at.selectbox(key="metrics-goto").set_value(None).run()  # the person moves on
    assert not at.exception, at.exception
    assert "metric" not in at.query_params
    assert len(at.main.subheader) > 1


def test_an_action_link_opens_its_details(signed_in, app_engine) -> None:
    with Session(app_engine) as session:
        london = region_id(session, "london")
        action = session.scalars(
            select(PlanAction).where(PlanAction.region_id == london).order_by(PlanAction.id.desc())
        ).first()
    at = open_as(signed_in, "pages/local_plan.py", "london.lead", "demo-london")
    at.query_params["action"] = str(action.id)
    at.run()
    assert not at.exception, at.exception
    assert at.selectbox(key=f"plan-selected-{london}").value == action.id


def test_a_feedback_link_chooses_the_item(signed_in, app_engine) -> None:
    with Session(app_engine) as session:
        london = region_id(session, "london")
        item = session.scalars(
            select(FeedbackItem)
            .where(FeedbackItem.region_id == london)
            .order_by(FeedbackItem.received_on)
        ).first()
    at = open_as(signed_in, "pages/feedback.py", "london.lead", "demo-london")
    at.query_params["feedback"] = str(item.id)
    at.run()
    assert not at.exception, at.exception
    chosen = at.selectbox(key="feedback-chosen")
    assert chosen.value == item.id
    assert chosen.format_func(item.id).startswith(("Waiting ", "Responded · ", "Closed · "))
