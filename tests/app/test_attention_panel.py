"""The "Needs your attention" panel on Overview and the email-reminder toggle in the
sidebar, through the real app, for a regional lead, a forum member and a lead with
nothing waiting."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from core.periods import format_period
from core.quarterly import recent_quarters
from core.reminders import NOTHING_NEEDED, SETTING_NAME
from db.engine import build_engine
from db.models import (
    AgendaItem,
    Comment,
    FeedbackItem,
    PlanAction,
    QuarterQuestion,
    QuarterReview,
    Region,
    User,
)
from tests.app.test_app_roles import texts

PANEL = "Needs your attention"


@pytest.fixture
def db(app_env) -> Iterator:
    """The app's database with every region's last four quarters signed off except
    London's newest (submitted), and one comment waiting for an answer in London."""
    engine = build_engine(app_env)
    newest = recent_quarters(date.today(), 4)[0]
    with Session(engine) as session, session.begin():
        for model in (QuarterQuestion, QuarterReview, Comment, AgendaItem):
            session.execute(delete(model))
        session.execute(update(PlanAction).values(status="complete"))
        session.execute(update(FeedbackItem).values(status="closed"))
        regions = dict(session.execute(select(Region.code, Region.id)).all())
        for region_id in regions.values():
            for period in recent_quarters(date.today(), 4):
                waiting = region_id == regions["london"] and period == newest
                session.add(
                    QuarterReview(
                        region_id=region_id,
                        period_start=period,
                        status="submitted" if waiting else "signed_off",
                    )
                )
        action = session.scalar(
            select(PlanAction.id).where(PlanAction.region_id == regions["london"])
        )
        session.add(
            Comment(
                region_id=regions["london"],
                entity_type="plan_action",
                entity_id=action,
                text="When does this *start*? [link](http://example.org)",
                author_name="Femi Adeyemi (demo)",
            )
        )
    yield engine
    engine.dispose()


def links(at) -> list[tuple[str, str]]:
    """The panel's links: (label, page) each."""
    return [(link.proto.label, link.proto.page) for link in at.main.get("page_link")]


def plain(text: str) -> str:
    """Markdown-escaped text as it reads."""
    return text.replace("\\", "").replace("\u2060", "")


def test_a_regional_lead_sees_what_needs_them(db, signed_in):
    at = signed_in("london.lead", "demo-london")
    assert [t.value for t in at.title] == ["Overview"]
    assert PANEL in [h.value for h in at.header]
    assert [(plain(label), page) for label, page in links(at)] == [
        (
            "1 comment on actions in the local plan is waiting for an answer. Go to Local plan.",
            "local_plan",
        )
    ]
    assert NOTHING_NEEDED not in texts(at)
    assert "[link]" not in texts(at), "nothing from the database reaches the panel"


def test_a_forum_member_sees_the_quarter_waiting_for_sign_off(db, signed_in):
    at = signed_in("london.forum", "demo-forum")
    newest = format_period(recent_quarters(date.today(), 4)[0])
    assert [(plain(label), page) for label, page in links(at)] == [
        (
            f"{newest} has been submitted and is waiting for the Regional Forum to review "
            "and sign it off. Go to Quarterly sign-off.",
            "sign_off",
        )
    ]


def test_nothing_waiting_says_so(db, signed_in):
    at = signed_in("northwest.lead", "demo-northwest")
    assert PANEL in [h.value for h in at.header]
    assert links(at) == []
    assert NOTHING_NEEDED in texts(at)


def test_national_lead_sees_one_line_for_the_region_waiting(db, signed_in):
    at = signed_in("national.lead", "demo-national")
    newest = format_period(recent_quarters(date.today(), 4)[0])
    assert [(plain(label), page) for label, page in links(at)] == [
        (
            f"London: 1 quarter waiting for the Regional Forum's sign-off ({newest}). Go "
            "to Quarterly sign-off.",
            "sign_off",
        )
    ]


def reminders_on(engine, username: str) -> bool:
    with Session(engine) as session:
        return session.scalar(select(User.email_reminders).where(User.username == username))


def test_the_toggle_turns_the_email_off_and_on(db, signed_in):
    at = signed_in("london.forum", "demo-forum")
    toggle = next(t for t in at.sidebar.toggle if t.label == SETTING_NAME)
    assert toggle.value is True
    sidebar = "\n".join(c.value for c in at.sidebar.caption)
    assert "london.forum@example.org" in plain(sidebar)
    toggle.set_value(False).run()
    assert not at.exception, at.exception
    assert reminders_on(db, "london.forum") is False
    assert reminders_on(db, "london.lead") is True, "only the person's own setting"
    assert "Daily reminder emails are off." in [plain(s.value) for s in at.sidebar.success]
    assert "Reminders are off" in plain("\n".join(c.value for c in at.sidebar.caption))
    next(t for t in at.sidebar.toggle if t.label == SETTING_NAME).set_value(True).run()
    assert reminders_on(db, "london.forum") is True
    assert "Daily reminder emails are on." in [plain(s.value) for s in at.sidebar.success]


def test_with_no_address_the_caption_says_the_administrator_adds_one(db, signed_in):
    with Session(db) as session, session.begin():
        session.execute(update(User).where(User.username == "london.lead").values(email=""))
    at = signed_in("london.lead", "demo-london")
    captions = plain("\n".join(c.value for c in at.sidebar.caption))
    assert "Your account has no email address" in captions
    assert "administrator" in captions


def test_a_long_list_shows_the_most_pressing_and_folds_the_rest(signed_in, app_engine, monkeypatch):
    """Five lines, most pressing first; the rest in a folded "more" made only while open,
    so a national lead's dozens of region quarters do not push the page down."""
    import components.attention as panel
    from core.reminders import AttentionItem, Kind

    many = [
        AttentionItem(Kind.REGION_QUARTERS, f"Region {n}: 1 quarter overdue.", "Quarterly sign-off")
        for n in range(1, 9)
    ]
    monkeypatch.setattr(panel, "attention", lambda ctx: many)
    at = signed_in("national.lead", "demo-national")
    shown = [plain(label) for label, _ in links(at)]
    assert shown == [
        f"Region {n}: 1 quarter overdue. Go to Quarterly sign-off." for n in range(1, 6)
    ]
    more = next(e for e in at.expander if e.label == "3 more things needing you")
    assert not more.proto.expanded
    at.session_state["attention-more"] = True
    at.run()
    assert not at.exception, at.exception
    assert [plain(label) for label, _ in links(at)][5:] == [
        f"Region {n}: 1 quarter overdue. Go to Quarterly sign-off." for n in range(6, 9)
    ]
