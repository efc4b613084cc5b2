"""Demo mode's data: the plan's real content, seven regions, synthetic values."""

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from core.passwords import check_password
from db.models import (
    CommunityProject,
    FeedbackItem,
    ForumMeeting,
    Metric,
    MetricValue,
    PlanAction,
    Region,
    Theme,
    User,
)
from seed.demo import DEMO_USERS, seed_demo_if_empty
from seed.reference import PLAN_ACTIONS


def test_demo_content(demo_engine):
    with Session(demo_engine) as session:
        regions = session.scalar(select(func.count(Region.id)))
        assert regions == 7
        assert session.scalar(select(func.count(Theme.id)).where(Theme.monitoring)) == 6
        templates = session.scalar(
            select(func.count(PlanAction.id)).where(PlanAction.region_id.is_(None))
        )
        assert templates == len(PLAN_ACTIONS)
        adopted = session.scalar(
            select(func.count(PlanAction.id)).where(PlanAction.template_id.is_not(None))
        )
        # Every region adopts every national action except the organisation-wide ones,
        # which national leads keep once.
        wide = sum(1 for a in PLAN_ACTIONS if a.organisation_wide)
        assert adopted == (templates - wide) * regions
        quarters = session.scalar(select(func.count(distinct(MetricValue.period_start))))
        assert quarters >= 8
        assert session.scalar(select(func.count(Metric.id)).where(Metric.scope == "local")) > 0
        for model in (CommunityProject, FeedbackItem, ForumMeeting):
            assert session.scalar(select(func.count(model.id))) > 0


def test_demo_accounts_sign_in_with_the_documented_passwords(demo_engine):
    with Session(demo_engine) as session:
        for username, password, _name, role, _region in DEMO_USERS:
            user = session.scalar(select(User).where(User.username == username))
            assert user.role == role
            assert check_password(password, user.password_hash)


def test_seeding_twice_adds_nothing(demo_engine):
    assert seed_demo_if_empty(demo_engine) is False
