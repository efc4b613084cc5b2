"""Reminders in the database: the facts about each region that ``core.reminders`` turns
into "Needs your attention" items, the people who get the daily email, the registered
writes that record a sent email and change a person's own email setting, and the run
that sends the emails (``python -m db.manage send-reminders``).

The facts for every region come from a handful of grouped queries (one for each kind of
thing), however many regions and people there are. An email is recorded only after the
mail server accepted it, so a run that fails part-way loses nothing: the next run sends
to whoever was not sent to, and nobody twice on the same day.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid, parseaddr

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from core.config import Settings
from core.entities import Entity
from core.feedback_rules import WAITING_STATUSES
from core.permissions import SYSTEM_ACTOR, Action, Actor
from core.plan_words import needs_update_words
from core.projects import COUNTS_TOWARD
from core.quarterly import Stage, recent_quarters
from core.reminders import (
    FEEDBACK_WAITING_DAYS,
    QUARTERS_CHECKED,
    RegionFacts,
    ReminderSendError,
    SendSummary,
    SmtpServer,
    attention_items,
    email_for,
    parse_smtp_url,
    send_error,
)
from db.models import (
    ActionUpdate,
    AgendaItem,
    Comment,
    CommunityProject,
    FeedbackItem,
    PlanAction,
    QuarterQuestion,
    QuarterReview,
    Region,
    ReminderSent,
    User,
)
from db.plan import in_regional_plan
from db.writes import UnitOfWork, WriteRefused, registered_write

#: How long the mail server has to answer, in seconds.
SMTP_TIMEOUT = 30.0


def today() -> date:
    """Today's date (a function, so tests can move the clock)."""
    return date.today()


# --- reads ------------------------------------------------------------------------------


def region_facts(
    session: Session,
    on: date,
    region_ids: Sequence[int] | None = None,
    *,
    everything: bool = True,
) -> dict[int, RegionFacts]:
    """The facts about each active region (or those given) on ``on``. ``everything``
    False reads only the quarters (all that forum members and national roles hear
    about)."""
    query = select(Region.id, Region.name).where(Region.active.is_(True))
    if region_ids is not None:
        query = query.where(Region.id.in_(list(region_ids)))
    names = dict(session.execute(query).all())
    if not names:
        return {}
    ids = list(names)
    projects, aims = _projects(session, ids)
    recent = recent_quarters(on, QUARTERS_CHECKED)
    reviews: dict[int, dict[date, str]] = {r: {} for r in ids}
    for region_id, period, status in session.execute(
        select(QuarterReview.region_id, QuarterReview.period_start, QuarterReview.status).where(
            QuarterReview.region_id.in_(ids),
            or_(QuarterReview.status != Stage.SIGNED_OFF, QuarterReview.period_start.in_(recent)),
        )
    ):
        reviews[region_id][period] = status
    if not everything:
        return {
            r: RegionFacts(r, names[r], reviews[r], projects_counted=projects.get(r, 0))
            for r in ids
        }
    questions: dict[int, dict[date, int]] = {r: {} for r in ids}
    for region_id, period, count in session.execute(
        select(QuarterReview.region_id, QuarterReview.period_start, func.count(QuarterQuestion.id))
        .join(QuarterQuestion, QuarterQuestion.review_id == QuarterReview.id)
        .where(
            QuarterReview.region_id.in_(ids),
            QuarterReview.status == Stage.QUESTIONS,
            QuarterQuestion.answer == "",
        )
        .group_by(QuarterReview.region_id, QuarterReview.period_start)
    ):
        questions[region_id][period] = count
    overdue = dict(
        session.execute(
            select(PlanAction.region_id, func.count(PlanAction.id))
            .where(
                PlanAction.region_id.in_(ids),
                in_regional_plan(),
                PlanAction.due_date.is_not(None),
                PlanAction.due_date < on,
                PlanAction.status != "complete",
            )
            .group_by(PlanAction.region_id)
        ).all()
    )
    need_update = _actions_needing_update(session, ids, on)
    feedback = {
        region_id: (count, oldest)
        for region_id, count, oldest in session.execute(
            select(
                FeedbackItem.region_id,
                func.count(FeedbackItem.id),
                func.min(FeedbackItem.received_on),
            )
            .where(
                FeedbackItem.region_id.in_(ids),
                FeedbackItem.status.in_(sorted(WAITING_STATUSES)),
                FeedbackItem.received_on < on - timedelta(days=FEEDBACK_WAITING_DAYS),
            )
            .group_by(FeedbackItem.region_id)
        )
    }
    agenda = dict(
        session.execute(
            select(AgendaItem.region_id, func.count(AgendaItem.id))
            .where(AgendaItem.region_id.in_(ids), AgendaItem.answer == "")
            .group_by(AgendaItem.region_id)
        ).all()
    )
    comments: dict[int, dict[str, int]] = {r: {} for r in ids}
    for region_id, entity_type, count in session.execute(
        select(Comment.region_id, Comment.entity_type, func.count(Comment.id))
        .where(Comment.region_id.in_(ids), Comment.answer == "", Comment.hidden_at.is_(None))
        .group_by(Comment.region_id, Comment.entity_type)
    ):
        comments[region_id][entity_type] = count
    out = {}
    for r in ids:
        waiting, oldest = feedback.get(r, (0, None))
        out[r] = RegionFacts(
            r,
            names[r],
            reviews[r],
            questions[r],
            overdue_actions=overdue.get(r, 0),
            actions_need_update=need_update.get(r, 0),
            projects_counted=projects.get(r, 0),
            projects_aim=aims.get(r),
            feedback_waiting=waiting,
            oldest_feedback_days=(on - oldest).days if oldest else None,
            agenda_waiting=agenda.get(r, 0),
            comments_waiting=comments[r],
        )
    return out


def _projects(session: Session, ids: Sequence[int]) -> tuple[dict[int, int], dict[int, int]]:
    """Each region's community projects active or completed, and its own aim."""
    counted = dict(
        session.execute(
            select(CommunityProject.region_id, func.count(CommunityProject.id))
            .where(
                CommunityProject.region_id.in_(list(ids)),
                CommunityProject.status.in_(COUNTS_TOWARD),
            )
            .group_by(CommunityProject.region_id)
        ).all()
    )
    aims = dict(
        session.execute(
            select(Region.id, Region.project_aim).where(
                Region.id.in_(list(ids)), Region.project_aim.is_not(None)
            )
        ).all()
    )
    return counted, aims


def _actions_needing_update(session: Session, ids: Sequence[int], on: date) -> dict[int, int]:
    """How many overdue actions of each region need an update (``core.plan_words``)."""
    last = (
        select(ActionUpdate.action_id, func.max(ActionUpdate.update_date).label("last"))
        .group_by(ActionUpdate.action_id)
        .subquery()
    )
    counts: dict[int, int] = {}
    for region_id, status, due, last_update in session.execute(
        select(PlanAction.region_id, PlanAction.status, PlanAction.due_date, last.c.last)
        .outerjoin(last, last.c.action_id == PlanAction.id)
        .where(
            PlanAction.region_id.in_(list(ids)),
            in_regional_plan(),
            PlanAction.due_date.is_not(None),
            PlanAction.due_date < on,
            PlanAction.status != "complete",
        )
    ):
        if needs_update_words(status, due, last_update, on=on):
            counts[region_id] = counts.get(region_id, 0) + 1
    return counts


@dataclass(frozen=True)
class Recipient:
    """A person who gets the daily email: active, with an address, reminders on."""

    user_id: int
    username: str
    name: str
    email: str
    role: str
    region_id: int | None


def recipients(session: Session) -> list[Recipient]:
    """Everyone who gets the daily email, by username."""
    rows = session.execute(
        select(User.id, User.username, User.display_name, User.email, User.role, User.region_id)
        .where(User.active.is_(True), User.email_reminders.is_(True), User.email != "")
        .order_by(User.username)
    ).all()
    return [
        Recipient(
            row.id, row.username, row.display_name, row.email.strip(), row.role, row.region_id
        )
        for row in rows
        if (row.email or "").strip()
    ]


def sent_on(session: Session, day: date) -> set[int]:
    """The people already sent a reminder on ``day``."""
    return set(session.scalars(select(ReminderSent.user_id).where(ReminderSent.sent_on == day)))


@dataclass(frozen=True)
class OwnEmail:
    """A person's own email address and whether they want the daily reminder."""

    address: str
    reminders_on: bool


def own_email(session: Session, actor: Actor) -> OwnEmail:
    """The signed-in person's address and reminder setting (none for an actor without
    an account, such as the command line)."""
    user = _own_account(session, actor)
    if user is None:
        return OwnEmail("", False)
    return OwnEmail((user.email or "").strip(), bool(user.email_reminders))


def _own_account(session: Session, actor: Actor) -> User | None:
    """The actor's own account: by id, or by username for an actor made without one;
    None for the command line (whose name is no account's)."""
    if actor.user_id is not None:
        return session.get(User, actor.user_id)
    return session.scalar(select(User).where(User.username == actor.username))


# --- writes -----------------------------------------------------------------------------


@registered_write(Action.SEND_REMINDERS, entity=Entity.REMINDER)
def record_reminder_sent(
    uow: UnitOfWork, user_id: int, sent_on: date, address: str, items: int
) -> int:
    """Record that a reminder listing ``items`` things was sent to a person on a day
    (so no later run that day sends it again)."""
    uow.require(Action.SEND_REMINDERS)
    user = uow.session.get(User, user_id)
    if user is None:
        raise WriteRefused("There is no such account to record a reminder for.")
    already = uow.session.scalar(
        select(ReminderSent.id).where(
            ReminderSent.user_id == user_id, ReminderSent.sent_on == sent_on
        )
    )
    if already is not None:
        raise WriteRefused(
            f"A reminder to {user.username} is already recorded for {sent_on.isoformat()}."
        )
    row = ReminderSent(user_id=user_id, sent_on=sent_on, address=address, items=int(items))
    uow.session.add(row)
    uow.session.flush()
    uow.audit(
        Entity.REMINDER,
        row.id,
        "sent",
        after={
            "user": user.username,
            "sent_on": sent_on,
            "address": address,
            "items": int(items),
        },
        region_id=user.region_id,
    )
    return row.id


@registered_write(Action.EDIT_OWN_SETTINGS, entity=Entity.USER)
def set_email_reminders(uow: UnitOfWork, on: bool) -> bool:
    """Turn the signed-in person's own daily reminder email on or off; returns the
    setting now. Changes nothing (and records nothing) when it is already so."""
    uow.require(Action.EDIT_OWN_SETTINGS)
    user = _own_account(uow.session, uow.actor)
    if user is None or not user.active:
        raise WriteRefused(
            "Only a person signed in with their own account can change their email reminders."
        )
    on = bool(on)
    if bool(user.email_reminders) == on:
        return on
    before = {"email_reminders": bool(user.email_reminders)}
    user.email_reminders = on
    uow.audit(
        Entity.USER,
        user.id,
        "update",
        before=before,
        after={"email_reminders": on},
        reason="Turned daily reminder emails " + ("on" if on else "off"),
        region_id=user.region_id,
    )
    return on


# --- sending ----------------------------------------------------------------------------


def _problem(exc: BaseException) -> str:
    """What went wrong with the mail server, in words."""
    if isinstance(exc, ConnectionRefusedError):
        return "the connection was refused (is the server running, and is the port right?)"
    if isinstance(exc, socket.gaierror):
        return "no server of that name could be found"
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return f"it did not answer within {SMTP_TIMEOUT:g} seconds"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return "it did not accept the user name and password"
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return "it closed the connection"
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return f"it refused the sender address {exc.sender}"
    if isinstance(exc, ssl.SSLError):
        return f"the secure connection failed ({exc.reason or exc})"
    if isinstance(exc, smtplib.SMTPResponseException):
        message = exc.smtp_error.decode(errors="replace") if exc.smtp_error else ""
        return f"it answered {exc.smtp_code} {message}".strip()
    return str(exc) or type(exc).__name__


def _connect(server: SmtpServer, timeout: float) -> smtplib.SMTP:
    """An open, signed-in connection to the mail server."""
    if server.security == "ssl":
        connection: smtplib.SMTP = smtplib.SMTP_SSL(
            server.host, server.port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        connection = smtplib.SMTP(server.host, server.port, timeout=timeout)
    try:
        connection.ehlo_or_helo_if_needed()
        if server.security == "starttls":
            connection.starttls(context=ssl.create_default_context())
            connection.ehlo()
        if server.username:
            connection.login(server.username, server.password)
    except BaseException:
        connection.close()
        raise
    return connection


def _close(connection: smtplib.SMTP) -> None:
    try:
        connection.quit()
    except (OSError, smtplib.SMTPException):
        connection.close()


def _message(server: SmtpServer, person: Recipient, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = server.sender
    message["To"] = formataddr((person.name, person.email))
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=parseaddr(server.sender)[1].rsplit("@", 1)[-1])
    message.set_content(body)
    return message


def send_reminders(
    engine,
    settings: Settings,
    day: date | None = None,
    *,
    actor: Actor = SYSTEM_ACTOR,
    timeout: float = SMTP_TIMEOUT,
) -> SendSummary:
    """Send each person with an address and reminders on one email listing what needs
    them on ``day`` (today by default): nobody with nothing due, nobody twice a day.

    Raises ``MailSettingsError`` when the settings are missing or wrong, and
    :class:`ReminderSendError` (naming the server) when the server cannot be reached or
    refuses the run; whoever was sent to before that is recorded, nobody else."""
    day = day or today()
    server = parse_smtp_url(settings.smtp_url, settings.mail_from)
    with Session(engine) as session:
        people = recipients(session)
        done = sent_on(session, day)
        facts = region_facts(session, day) if people else {}
    already = nothing = 0
    to_send = []
    for person in people:
        if person.user_id in done:
            already += 1
            continue
        items = attention_items(
            person.role, person.region_id, facts, day, settings.figures_due_weeks
        )
        if not items:
            nothing += 1
            continue
        to_send.append((person, items))
    sent = 0
    refused: list[str] = []
    if to_send:
        try:
            connection = _connect(server, timeout)
        except (OSError, smtplib.SMTPException) as exc:
            raise send_error(server, _problem(exc), len(to_send)) from exc
        try:
            for person, items in to_send:
                email = email_for(person.name, items, day)
                message = _message(server, person, email.subject, email.body)
                try:
                    connection.send_message(message, to_addrs=[person.email])
                except smtplib.SMTPRecipientsRefused:
                    refused.append(person.email)
                    continue
                except (OSError, smtplib.SMTPException) as exc:
                    raise send_error(
                        server, _problem(exc), len(to_send) - sent - len(refused)
                    ) from exc
                record_reminder_sent(engine, actor, person.user_id, day, person.email, len(items))
                sent += 1
        finally:
            _close(connection)
    return SendSummary(sent, nothing, already, tuple(refused))


__all__ = [
    "OwnEmail",
    "Recipient",
    "ReminderSendError",
    "own_email",
    "recipients",
    "record_reminder_sent",
    "region_facts",
    "send_reminders",
    "sent_on",
    "set_email_reminders",
]
