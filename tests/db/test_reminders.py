"""The daily reminder emails, sent to a real SMTP server (aiosmtpd) on the loopback
address: who gets a message and what it says, nobody twice a day, nobody with nothing
due or emails off or no address, and a mail server that cannot be reached loses nothing.
Also the facts the panel reads and a person's own email setting."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import date
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

import db.manage
from core.config import Settings
from core.permissions import SYSTEM_ACTOR, Actor
from core.quarterly import recent_quarters
from core.reminders import MailSettingsError, ReminderSendError
from db import models as m
from db.reminders import (
    own_email,
    record_reminder_sent,
    region_facts,
    send_reminders,
    set_email_reminders,
)
from db.writes import WriteRefused
from services.context import RequestContext
from services.reminders import attention

DAY = date(2026, 8, 20)  # Q1 2026/27 ended on 30 June and was due on 11 August
QUARTERS = recent_quarters(DAY, 4)  # newest first


class Inbox:
    """An aiosmtpd handler keeping every message it accepts; refuses ``refuse``."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def by_recipient(self) -> dict[str, EmailMessage]:
        return {to[0]: message for to, message in self.messages}


def free_port() -> int:
    """A port nothing listens on (free now; closed unless something takes it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    handler = Inbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def settings_for(port: int, *, url: str | None = None) -> Settings:
    return Settings(
        database_url="",
        demo_mode=False,
        cookie_key="x" * 40,
        smtp_url=url or f"smtp://127.0.0.1:{port}",
        mail_from="AMHE dashboard <amhe-dashboard@example.org>",
    )


def users(engine) -> dict[str, m.User]:
    with Session(engine) as session:
        found = {u.username: u for u in session.scalars(select(m.User))}
        session.expunge_all()
    return found


def region_ids(engine) -> dict[str, int]:
    with Session(engine) as session:
        return dict(session.execute(select(m.Region.code, m.Region.id)).all())


@pytest.fixture
def people(demo_engine) -> dict[str, m.User]:
    """Every region's last four quarters signed off except London's newest (submitted),
    one comment waiting in London, and the people:

    - london.lead, london.forum and admin: an address, reminders on (each has something);
    - national.lead: an address, reminders off;
    - northwest.lead: no address;
    - northwest.member (a new forum member): an address, reminders on, nothing due.
    """
    engine = demo_engine
    regions = region_ids(engine)
    with Session(engine) as session, session.begin():
        session.execute(delete(m.QuarterQuestion))
        session.execute(delete(m.QuarterReview))
        session.execute(delete(m.Comment))
        session.execute(delete(m.AgendaItem))
        session.execute(update(m.User).values(email="", email_reminders=True))
        emails = {
            "london.lead": "leon@example.org",
            "london.forum": "femi@example.org",
            "admin": "alex@example.org",
            "national.lead": "nadia@example.org",
        }
        for username, address in emails.items():
            session.execute(update(m.User).where(m.User.username == username).values(email=address))
        session.execute(
            update(m.User).where(m.User.username == "national.lead").values(email_reminders=False)
        )
        session.add(
            m.User(
                username="northwest.member",
                display_name="Sam North",
                email="sam@example.org",
                password_hash="x",
                role="forum_member",
                region_id=regions["north_west"],
            )
        )
        session.execute(update(m.PlanAction).values(status="complete"))
        session.execute(update(m.FeedbackItem).values(status="closed"))
        for region_id in regions.values():
            for period in QUARTERS:
                newest = period == QUARTERS[0] and region_id == regions["london"]
                session.add(
                    m.QuarterReview(
                        region_id=region_id,
                        period_start=period,
                        status="submitted" if newest else "signed_off",
                    )
                )
        action = session.scalar(
            select(m.PlanAction.id).where(m.PlanAction.region_id == regions["london"])
        )
        session.add(
            m.Comment(
                region_id=regions["london"],
                entity_type="plan_action",
                entity_id=action,
                text="When does this start?",
                author_name="Femi Adeyemi (demo)",
            )
        )
    return users(engine)


def reminders_sent(engine) -> list[tuple[int, date, str, int]]:
    with Session(engine) as session:
        return list(
            session.execute(
                select(
                    m.ReminderSent.user_id,
                    m.ReminderSent.sent_on,
                    m.ReminderSent.address,
                    m.ReminderSent.items,
                ).order_by(m.ReminderSent.address)
            )
        )


def body(message: EmailMessage) -> str:
    """The plain-text body as written (line ends as sent over SMTP are CRLF)."""
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


def test_each_person_gets_one_message_listing_what_needs_them(demo_engine, people, inbox):
    handler, port = inbox
    summary = send_reminders(demo_engine, settings_for(port), DAY)
    assert (summary.sent, summary.nothing_due, summary.already_sent) == (3, 1, 0)
    assert summary.sentence() == (
        "Sent 3 reminder emails (1 person had nothing due; 0 already sent today)."
    )
    received = handler.by_recipient()
    assert sorted(received) == ["alex@example.org", "femi@example.org", "leon@example.org"]
    assert all(len(to) == 1 for to, _ in handler.messages), "one recipient a message"
    for address, message in received.items():
        assert message["From"] == "AMHE dashboard <amhe-dashboard@example.org>"
        assert address in message["To"]
        assert "Go to:" in body(message)

    quarter = "Q1 2026/27"
    lead = received["leon@example.org"]
    assert lead["Subject"] == "AMHE dashboard: 1 thing needs you"
    assert lead["To"].addresses[0].display_name == "Leon Mensah (demo)"
    assert body(lead).startswith("Hello Leon Mensah (demo),\n\nOn 20 August 2026, this needs")
    assert (
        "- 1 comment on actions in the local plan is waiting for an answer.\n"
        "  Go to: Local plan\n" in body(lead)
    )

    forum = received["femi@example.org"]
    assert forum["Subject"] == "AMHE dashboard: 1 thing needs you"
    assert (
        f"- {quarter} has been submitted and is waiting for the Regional Forum to review "
        "and sign it off.\n  Go to: Quarterly sign-off\n" in body(forum)
    )
    assert "comment" not in body(forum)

    admin = received["alex@example.org"]
    assert f"- London: 1 quarter waiting for the Regional Forum's sign-off ({quarter}).\n" in body(
        admin
    )
    assert "North West" not in body(admin)

    # Recorded, audited, and sent to nobody with emails off, no address or nothing due.
    assert [(row[2], row[3]) for row in reminders_sent(demo_engine)] == [
        ("alex@example.org", 1),
        ("femi@example.org", 1),
        ("leon@example.org", 1),
    ]
    assert {row[1] for row in reminders_sent(demo_engine)} == {DAY}
    with Session(demo_engine) as session:
        events = session.scalars(
            select(m.AuditEvent).where(m.AuditEvent.entity_type == "reminder")
        ).all()
        assert len(events) == 3
        assert {e.username for e in events} == {SYSTEM_ACTOR.username}


def test_a_second_run_the_same_day_sends_nothing_twice(demo_engine, people, inbox):
    handler, port = inbox
    send_reminders(demo_engine, settings_for(port), DAY)
    again = send_reminders(demo_engine, settings_for(port), DAY)
    assert (again.sent, again.nothing_due, again.already_sent) == (0, 1, 3)
    assert len(handler.messages) == 3
    assert len(reminders_sent(demo_engine)) == 3
    # The next day is a new day.
    send_reminders(demo_engine, settings_for(port), date(2026, 8, 21))
    assert len(handler.messages) == 6


def test_nothing_due_for_anyone_sends_nothing_and_connects_nowhere(demo_engine, people):
    with Session(demo_engine) as session, session.begin():
        session.execute(update(m.QuarterReview).values(status="signed_off"))
        session.execute(update(m.Comment).values(answer="It starts in May."))
    closed = free_port()
    summary = send_reminders(demo_engine, settings_for(closed), DAY)
    assert (summary.sent, summary.nothing_due, summary.already_sent) == (0, 4, 0)
    assert reminders_sent(demo_engine) == []


def test_an_unreachable_server_gives_a_clear_error_and_loses_nothing(demo_engine, people, inbox):
    closed = free_port()
    with pytest.raises(ReminderSendError) as error:
        send_reminders(demo_engine, settings_for(closed), DAY)
    message = str(error.value)
    assert f"smtp://127.0.0.1:{closed}" in message
    assert "the connection was refused" in message
    assert "Nothing was recorded for the 3 people not sent to" in message
    assert reminders_sent(demo_engine) == []
    handler, port = inbox
    summary = send_reminders(demo_engine, settings_for(port), DAY)
    assert summary.sent == 3
    assert len(handler.messages) == 3


def test_a_refused_address_is_not_recorded_and_is_tried_again(demo_engine, people, inbox):
    handler, port = inbox
    handler.refuse = {"femi@example.org"}
    summary = send_reminders(demo_engine, settings_for(port), DAY)
    assert (summary.sent, summary.refused) == (2, ("femi@example.org",))
    assert "refused femi@example.org" in summary.sentence()
    assert "femi@example.org" not in [row[2] for row in reminders_sent(demo_engine)]
    handler.refuse = set()
    again = send_reminders(demo_engine, settings_for(port), DAY)
    assert (again.sent, again.already_sent) == (1, 2)
    assert sorted(handler.by_recipient()) == [
        "alex@example.org",
        "femi@example.org",
        "leon@example.org",
    ]


def test_turning_emails_off_or_removing_the_address_stops_them(demo_engine, people, inbox):
    handler, port = inbox
    lead = people["london.lead"]
    who = Actor(lead.id, lead.username, lead.role, lead.region_id)
    assert set_email_reminders(demo_engine, who, False) is False
    with Session(demo_engine) as session, session.begin():
        session.execute(update(m.User).where(m.User.username == "admin").values(email="  "))
    summary = send_reminders(demo_engine, settings_for(port), DAY)
    assert summary.sent == 1
    assert sorted(handler.by_recipient()) == ["femi@example.org"]


def test_wrong_settings_are_refused_before_anything_is_sent(demo_engine, people):
    with pytest.raises(MailSettingsError, match="AMHE_SMTP_URL is empty"):
        send_reminders(demo_engine, settings_for(1, url=" "), DAY)
    assert reminders_sent(demo_engine) == []


def test_the_command_sends_and_reports(demo_engine, people, inbox, monkeypatch, capsys):
    handler, port = inbox
    url = demo_engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("AMHE_MAIL_FROM", "amhe-dashboard@example.org")
    monkeypatch.setenv("AMHE_SMTP_URL", f"smtp://127.0.0.1:{free_port()}")
    monkeypatch.setattr("db.reminders.today", lambda: DAY)
    assert db.manage.main(["--database-url", url, "send-reminders"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: Could not send the reminder emails through the mail server")
    assert "next run sends them" in err
    monkeypatch.setenv("AMHE_SMTP_URL", f"smtp://127.0.0.1:{port}")
    assert db.manage.main(["--database-url", url, "send-reminders"]) == 0
    assert capsys.readouterr().out.strip() == (
        "Sent 3 reminder emails (1 person had nothing due; 0 already sent today)."
    )
    assert db.manage.main(["--database-url", url, "send-reminders"]) == 0
    assert capsys.readouterr().out.strip() == (
        "Sent 0 reminder emails (1 person had nothing due; 3 already sent today)."
    )
    assert len(handler.messages) == 3


def test_the_facts_for_the_panel(demo_engine, people):
    regions = region_ids(demo_engine)
    with Session(demo_engine) as session:
        facts = region_facts(session, DAY)
        only_quarters = region_facts(session, DAY, [regions["london"]], everything=False)
    london = facts[regions["london"]]
    assert london.reviews[QUARTERS[0]] == "submitted"
    assert london.comments_waiting == {"plan_action": 1}
    assert (london.overdue_actions, london.feedback_waiting, london.agenda_waiting) == (0, 0, 0)
    assert list(only_quarters) == [regions["london"]]
    assert only_quarters[regions["london"]].comments_waiting == {}


def test_the_facts_count_what_is_waiting(demo_engine, people):
    regions = region_ids(demo_engine)
    london = regions["london"]
    with Session(demo_engine) as session, session.begin():
        session.execute(
            update(m.PlanAction)
            .where(m.PlanAction.region_id == london)
            .values(status="in_progress", due_date=date(2026, 8, 1))
        )
        items = session.scalars(
            select(m.FeedbackItem).where(m.FeedbackItem.region_id == london).limit(3)
        ).all()
        for item, received in zip(
            items, [date(2026, 6, 1), date(2026, 7, 1), date(2026, 8, 1)], strict=True
        ):
            item.status, item.received_on = "received", received
        review = session.scalar(
            select(m.QuarterReview).where(
                m.QuarterReview.region_id == london, m.QuarterReview.period_start == QUARTERS[0]
            )
        )
        review.status = "questions"
        meeting = m.ForumMeeting(region_id=london, meeting_date=date(2026, 8, 10))
        session.add(meeting)
        session.flush()
        for text, answer in (("Why so low?", ""), ("And this?", ""), ("Old one?", "Yes.")):
            session.add(
                m.QuarterQuestion(
                    review_id=review.id,
                    meeting_id=meeting.id,
                    question=text,
                    asked_by="Femi",
                    answer=answer,
                )
            )
        session.add(m.AgendaItem(region_id=london, title="Interpreters", proposed_by="Femi"))
        session.add(
            m.AgendaItem(region_id=london, title="Done", proposed_by="Femi", answer="Agreed.")
        )
        session.add(
            m.Comment(
                region_id=london,
                entity_type="metric",
                entity_id=1,
                text="Hidden",
                author_name="X",
                hidden_at=m.utcnow(),
            )
        )
        actions = session.scalar(
            select(func.count(m.PlanAction.id)).where(m.PlanAction.region_id == london)
        )
    with Session(demo_engine) as session:
        facts = region_facts(session, DAY, [london])[london]
    assert 0 < facts.overdue_actions <= actions
    assert (facts.feedback_waiting, facts.oldest_feedback_days) == (2, 80)
    assert facts.open_questions == {QUARTERS[0]: 2}
    assert facts.agenda_waiting == 1
    assert facts.comments_waiting == {"plan_action": 1}


def test_the_panel_service_for_each_role(demo_engine, people):
    every = users(demo_engine)

    def ctx(username: str) -> RequestContext:
        u = every[username]
        return RequestContext(
            settings_for(1), demo_engine, Actor(u.id, u.username, u.role, u.region_id)
        )

    lead = attention(ctx("london.lead"), DAY)
    assert [i.sentence for i in lead] == [
        "1 comment on actions in the local plan is waiting for an answer."
    ]
    forum = attention(ctx("london.forum"), DAY)
    assert [i.page for i in forum] == ["Quarterly sign-off"]
    assert attention(ctx("northwest.lead"), DAY) == []
    assert [i.sentence for i in attention(ctx("national.lead"), DAY)] == [
        "London: 1 quarter waiting for the Regional Forum's sign-off (Q1 2026/27)."
    ]


def test_a_person_changes_only_their_own_setting(demo_engine, people):
    forum = people["london.forum"]
    who = Actor(forum.id, forum.username, forum.role, forum.region_id)
    with Session(demo_engine) as session:
        assert own_email(session, who).address == "femi@example.org"
        assert own_email(session, who).reminders_on is True
    assert set_email_reminders(demo_engine, who, False) is False
    assert set_email_reminders(demo_engine, who, False) is False  # already off: no change
    with Session(demo_engine) as session:
        assert own_email(session, who).reminders_on is False
        assert session.get(m.User, people["london.lead"].id).email_reminders is True
        events = session.scalars(
            select(m.AuditEvent).where(
                m.AuditEvent.entity_type == "user", m.AuditEvent.entity_id == forum.id
            )
        ).all()
        assert [(e.before, e.after) for e in events] == [
            ({"email_reminders": True}, {"email_reminders": False})
        ]
    with pytest.raises(WriteRefused, match="their own account"):
        set_email_reminders(demo_engine, SYSTEM_ACTOR, False)
    with Session(demo_engine) as session:
        assert own_email(session, SYSTEM_ACTOR).address == ""


def test_a_reminder_is_recorded_once_a_day(demo_engine, people):
    lead = people["london.lead"]
    record_reminder_sent(demo_engine, SYSTEM_ACTOR, lead.id, DAY, "leon@example.org", 2)
    with pytest.raises(WriteRefused, match="already recorded"):
        record_reminder_sent(demo_engine, SYSTEM_ACTOR, lead.id, DAY, "leon@example.org", 2)
    assert len(reminders_sent(demo_engine)) == 1
