"""What needs a person's attention, in plain words: the "Needs your attention" panel on
Overview and the daily reminder email say the same things, worked out here.

Pure functions over plain facts about each region (:class:`RegionFacts`, gathered by
``db.reminders``), so the panel, the email and the tests all agree:

- a **regional lead** hears about their own region: quarters due or overdue, quarters
  reopened or with the Regional Forum's questions, overdue plan actions, feedback
  waiting more than 30 days, and agenda items and comments waiting for an answer;
- a **Regional Forum member** hears about quarters submitted and waiting for the
  forum's sign-off in their region;
- a **national lead** or **administrator** gets one line for each region with a quarter
  overdue or waiting for sign-off.

Also here: the email (subject and plain-text body) for a list of items, and the SMTP
settings (``AMHE_SMTP_URL``, ``AMHE_MAIL_FROM``) read and checked with clear errors.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import unquote, urlsplit

from core.periods import format_period
from core.permissions import Role
from core.projects import COMMITMENT_TARGET
from core.quarterly import Stage, due_date, long_date, recent_quarters, stage

#: Feedback waiting longer than this many days for a response needs the regional lead.
FEEDBACK_WAITING_DAYS = 30

#: How many of the most recently ended quarters are checked for figures due or overdue.
QUARTERS_CHECKED = 4

# The pages an item sends people to (their titles in the navigation).
SIGN_OFF_PAGE = "Quarterly sign-off"
PLAN_PAGE = "Local plan"
FEEDBACK_PAGE = "Feedback"
MEETING_PAGE = "Forum meeting"
METRICS_PAGE = "Metrics"
PROJECTS_PAGE = "Community projects"

NOTHING_NEEDED = "Nothing needs your attention right now."


class Kind:
    """What an attention item is about (also its icon in the panel)."""

    QUARTER_DUE = "quarter_due"
    QUARTER_OVERDUE = "quarter_overdue"
    QUARTER_REOPENED = "quarter_reopened"
    QUARTER_QUESTIONS = "quarter_questions"
    SIGN_OFF_WAITING = "sign_off_waiting"
    ACTIONS_OVERDUE = "actions_overdue"
    ACTIONS_NEED_UPDATE = "actions_need_update"
    PROJECTS_BELOW = "projects_below"
    FEEDBACK_WAITING = "feedback_waiting"
    AGENDA_WAITING = "agenda_waiting"
    COMMENTS_WAITING = "comments_waiting"
    REGION_QUARTERS = "region_quarters"


@dataclass(frozen=True)
class AttentionItem:
    """One thing that needs a person: a plain sentence and the page to go to."""

    kind: str
    sentence: str
    #: The title of the page where it is dealt with (as in the navigation).
    page: str
    #: How many things the sentence is about (quarters, actions, feedback items...).
    count: int = 1


@dataclass(frozen=True)
class RegionFacts:
    """What the reminders need to know about one region, on one day."""

    region_id: int
    name: str
    #: The recorded status of each quarter with a review (period start: status), at
    #: least for the recently ended quarters and every quarter not signed off.
    reviews: Mapping[date, str] = field(default_factory=dict)
    #: Questions from the Regional Forum not yet answered, by quarter.
    open_questions: Mapping[date, int] = field(default_factory=dict)
    overdue_actions: int = 0
    #: Overdue actions whose status and dates disagree (``core.plan_words``): still
    #: "On track", or not updated since they fell due.
    actions_need_update: int = 0
    #: Community projects active or completed (None: not read), and the region's own aim.
    projects_counted: int | None = None
    projects_aim: int | None = None
    #: Feedback waiting (received or in progress) more than FEEDBACK_WAITING_DAYS days.
    feedback_waiting: int = 0
    oldest_feedback_days: int | None = None
    #: Agenda items proposed for a forum meeting and not yet answered.
    agenda_waiting: int = 0
    #: Comments not answered (and not hidden), by what they are on (``plan_action``,
    #: ``metric``, ``community_project``).
    comments_waiting: Mapping[str, int] = field(default_factory=dict)


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def _is_are(count: int) -> str:
    return "is" if count == 1 else "are"


def _has_have(count: int) -> str:
    return "has" if count == 1 else "have"


def _periods(periods: Iterable[date]) -> str:
    names = [format_period(p) for p in sorted(periods)]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def quarters_due(facts: RegionFacts, today: date, weeks: int) -> tuple[list[date], list[date]]:
    """The recently ended quarters with no review: (due, overdue), oldest first."""
    due, overdue = [], []
    for period in sorted(recent_quarters(today, QUARTERS_CHECKED)):
        if facts.reviews.get(period):
            continue
        where = stage(period, today, None, weeks)
        if where == Stage.OVERDUE:
            overdue.append(period)
        elif where == Stage.DUE:
            due.append(period)
    return due, overdue


def _with_status(facts: RegionFacts, status: Stage) -> list[date]:
    return sorted(p for p, s in facts.reviews.items() if s == status)


# Comments are answered where the thing they are on is kept.
_COMMENT_PLACES = {
    "plan_action": ("actions in the local plan", PLAN_PAGE),
    "metric": ("metrics", METRICS_PAGE),
    "community_project": ("community projects", PROJECTS_PAGE),
}


def lead_items(facts: RegionFacts, today: date, weeks: int) -> list[AttentionItem]:
    """What needs a regional lead in their region."""
    items: list[AttentionItem] = []
    due, overdue = quarters_due(facts, today, weeks)
    for period in overdue:
        items.append(
            AttentionItem(
                Kind.QUARTER_OVERDUE,
                f"The figures for {format_period(period)} are overdue: they were due on "
                f"{long_date(due_date(period, weeks))}. Submit the quarter.",
                SIGN_OFF_PAGE,
            )
        )
    for period in due:
        items.append(
            AttentionItem(
                Kind.QUARTER_DUE,
                f"The figures for {format_period(period)} are due by "
                f"{long_date(due_date(period, weeks))}. Submit the quarter.",
                SIGN_OFF_PAGE,
            )
        )
    for period in _with_status(facts, Stage.QUESTIONS):
        waiting = facts.open_questions.get(period, 0)
        if waiting:
            sentence = (
                f"{_plural(waiting, 'question')} from the Regional Forum about "
                f"{format_period(period)} {_is_are(waiting)} waiting for your answer. "
                f"Answer {'it' if waiting == 1 else 'them'}, then submit the quarter again."
            )
        else:
            sentence = (
                f"The Regional Forum's questions about {format_period(period)} are "
                "answered. Submit the quarter again."
            )
        items.append(
            AttentionItem(Kind.QUARTER_QUESTIONS, sentence, SIGN_OFF_PAGE, max(waiting, 1))
        )
    for period in _with_status(facts, Stage.REOPENED):
        items.append(
            AttentionItem(
                Kind.QUARTER_REOPENED,
                f"{format_period(period)} was reopened. Submit it again once its figures "
                "are corrected.",
                SIGN_OFF_PAGE,
            )
        )
    if facts.overdue_actions:
        n = facts.overdue_actions
        items.append(
            AttentionItem(
                Kind.ACTIONS_OVERDUE,
                f"{_plural(n, 'action')} in the local plan {_is_are(n)} overdue. Update "
                f"{'its' if n == 1 else 'their'} progress or due date.",
                PLAN_PAGE,
                n,
            )
        )
    if facts.actions_need_update:
        n = facts.actions_need_update
        items.append(
            AttentionItem(
                Kind.ACTIONS_NEED_UPDATE,
                f"{_plural(n, 'overdue action')} {'needs' if n == 1 else 'need'} an update: "
                f"{'its status says' if n == 1 else 'their status says'} on track, or nobody "
                "has updated it since its due date passed.",
                PLAN_PAGE,
                n,
            )
        )
    if facts.feedback_waiting:
        n = facts.feedback_waiting
        days = facts.oldest_feedback_days
        oldest = (
            "" if days is None else f" ({'the oldest ' if n > 1 else ''}{_plural(days, 'day')})"
        )
        items.append(
            AttentionItem(
                Kind.FEEDBACK_WAITING,
                f"{_plural(n, 'piece')} of feedback {_has_have(n)} waited more than "
                f"{FEEDBACK_WAITING_DAYS} days for a response{oldest}.",
                FEEDBACK_PAGE,
                n,
            )
        )
    if facts.agenda_waiting:
        n = facts.agenda_waiting
        items.append(
            AttentionItem(
                Kind.AGENDA_WAITING,
                f"{_plural(n, 'item')} proposed for the Regional Forum's agenda "
                f"{_is_are(n)} waiting for an answer.",
                MEETING_PAGE,
                n,
            )
        )
    aim, counted = facts.projects_aim, facts.projects_counted
    if aim is not None and counted is not None and counted < aim:
        items.append(
            AttentionItem(
                Kind.PROJECTS_BELOW,
                f"{facts.name} has {_plural(counted, 'community project')} active or "
                f"completed, against its own aim of {aim}.",
                PROJECTS_PAGE,
                aim - counted,
            )
        )
    for entity, (what, page) in _COMMENT_PLACES.items():
        n = facts.comments_waiting.get(entity, 0)
        if n:
            items.append(
                AttentionItem(
                    Kind.COMMENTS_WAITING,
                    f"{_plural(n, 'comment')} on {what} {_is_are(n)} waiting for an answer.",
                    page,
                    n,
                )
            )
    return items


def forum_items(facts: RegionFacts) -> list[AttentionItem]:
    """What needs a Regional Forum member: quarters waiting for the forum's sign-off."""
    return [
        AttentionItem(
            Kind.SIGN_OFF_WAITING,
            f"{format_period(period)} has been submitted and is waiting for the Regional "
            "Forum to review and sign it off.",
            SIGN_OFF_PAGE,
        )
        for period in _with_status(facts, Stage.SUBMITTED)
    ]


def national_items(regions: Sequence[RegionFacts], today: date, weeks: int) -> list[AttentionItem]:
    """One line for each region with a quarter overdue or waiting for sign-off."""
    items: list[AttentionItem] = []
    counts = [f.projects_counted for f in regions]
    if counts and None not in counts and sum(counts) < COMMITMENT_TARGET:
        total = sum(counts)
        items.append(
            AttentionItem(
                Kind.PROJECTS_BELOW,
                f"Across Rethink, {total} of the {COMMITMENT_TARGET} community projects "
                "the plan commits to are active or completed.",
                PROJECTS_PAGE,
                COMMITMENT_TARGET - total,
            )
        )
    for facts in sorted(regions, key=lambda f: f.name):
        _, overdue = quarters_due(facts, today, weeks)
        waiting = _with_status(facts, Stage.SUBMITTED)
        parts = []
        if overdue:
            parts.append(f"{_plural(len(overdue), 'quarter')} overdue ({_periods(overdue)})")
        if waiting:
            parts.append(
                f"{_plural(len(waiting), 'quarter')} waiting for the Regional Forum's "
                f"sign-off ({_periods(waiting)})"
            )
        if parts:
            items.append(
                AttentionItem(
                    Kind.REGION_QUARTERS,
                    f"{facts.name}: {'; '.join(parts)}.",
                    SIGN_OFF_PAGE,
                    len(overdue) + len(waiting),
                )
            )
    return items


def attention_items(
    role: str,
    region_id: int | None,
    regions: Mapping[int, RegionFacts],
    today: date,
    weeks: int,
) -> list[AttentionItem]:
    """What needs a person with ``role`` (in ``region_id``, for regional roles)."""
    if role in (Role.ADMIN, Role.NATIONAL_LEAD):
        return national_items(list(regions.values()), today, weeks)
    facts = regions.get(region_id) if region_id is not None else None
    if facts is None:
        return []
    if role == Role.REGIONAL_LEAD:
        return lead_items(facts, today, weeks)
    if role == Role.FORUM_MEMBER:
        return forum_items(facts)
    return []


# --- the email --------------------------------------------------------------------------

SETTING_NAME = "Email me a daily reminder when something needs me"


@dataclass(frozen=True)
class Email:
    subject: str
    body: str


def email_for(name: str, items: Sequence[AttentionItem], today: date) -> Email:
    """The reminder email for a person (plain text), listing each item and its page."""
    n = len(items)
    subject = f"AMHE dashboard: {_plural(n, 'thing')} {'needs' if n == 1 else 'need'} you"
    lines = [
        f"Hello {name}," if name else "Hello,",
        "",
        f"On {long_date(today)}, {'this needs' if n == 1 else 'these need'} your attention "
        "in the AMHE dashboard:",
        "",
    ]
    for item in items:
        lines.append(f"- {item.sentence}")
        lines.append(f"  Go to: {item.page}")
    lines += [
        "",
        "Sign in to the dashboard and open the page named beside each item.",
        "",
        "You get this email because daily reminders are on for your account. To stop "
        f'them, sign in and turn off "{SETTING_NAME}" in the sidebar.',
        "",
        "Rethink Mental Illness, Advancing Mental Health Equalities",
    ]
    return Email(subject, "\n".join(lines) + "\n")


# --- the SMTP settings ------------------------------------------------------------------


class MailSettingsError(ValueError):
    """The email settings are missing or wrong; the message says how to put them right."""


class ReminderSendError(RuntimeError):
    """The reminder emails could not be sent; the message names the server and says
    what happens next."""


#: How the connection is protected: ``plain`` (smtp://, loopback or a relay inside the
#: network), ``ssl`` (smtps://, port 465) or ``starttls`` (smtp+starttls://, port 587).
_SCHEMES = {"smtp": ("plain", 25), "smtps": ("ssl", 465), "smtp+starttls": ("starttls", 587)}

_ADDRESS = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
_NAMED_ADDRESS = re.compile(r"^(?P<name>[^<>]*)<(?P<address>[^<>]+)>\s*$")

_URL_HELP = (
    "Set AMHE_SMTP_URL (or smtp_url under [amhe] in .streamlit/secrets.toml) to the mail "
    "server, such as smtp://mail.example.org:25, smtps://user:password@mail.example.org:465 "
    "or smtp+starttls://user:password@mail.example.org:587."
)


@dataclass(frozen=True)
class SmtpServer:
    """Where the reminder emails are sent through, checked."""

    security: str
    host: str
    port: int
    username: str = ""
    password: str = field(default="", repr=False)
    sender: str = ""

    @property
    def described(self) -> str:
        """The server as an error may name it (never the password)."""
        scheme = {"plain": "smtp", "ssl": "smtps", "starttls": "smtp+starttls"}[self.security]
        return f"{scheme}://{self.host}:{self.port}"


def is_email_address(text: str) -> bool:
    return bool(_ADDRESS.match((text or "").strip()))


def parse_smtp_url(url: str, mail_from: str) -> SmtpServer:
    """The SMTP server and sender from ``AMHE_SMTP_URL`` and ``AMHE_MAIL_FROM``; raises
    :class:`MailSettingsError` saying what is missing or wrong."""
    text = (url or "").strip()
    if not text:
        raise MailSettingsError("Email is not set up: AMHE_SMTP_URL is empty. " + _URL_HELP)
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in _SCHEMES:
        raise MailSettingsError(
            f"AMHE_SMTP_URL must start with smtp://, smtps:// or smtp+starttls://, not "
            f"'{scheme + '://' if scheme else text}'. " + _URL_HELP
        )
    security, default_port = _SCHEMES[scheme]
    if not parts.hostname:
        raise MailSettingsError("AMHE_SMTP_URL names no mail server. " + _URL_HELP)
    try:
        port = parts.port or default_port
    except ValueError:
        raise MailSettingsError(
            "AMHE_SMTP_URL has a port that is not a number from 1 to 65535. " + _URL_HELP
        ) from None
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise MailSettingsError(
            "AMHE_SMTP_URL should be only the server (and user and password): nothing "
            "after the port. " + _URL_HELP
        )
    username = unquote(parts.username or "")
    password = unquote(parts.password or "")
    if username and not password:
        raise MailSettingsError(
            "AMHE_SMTP_URL names a user but no password (write user:password@host; "
            "a password with @, : or / in it is written with %40, %3A or %2F)."
        )
    sender = (mail_from or "").strip()
    named = _NAMED_ADDRESS.match(sender)
    address = named.group("address").strip() if named else sender
    if not sender:
        raise MailSettingsError(
            "Email is not set up: AMHE_MAIL_FROM is empty. Set it (or mail_from under "
            "[amhe] in .streamlit/secrets.toml) to the address the reminders come from, "
            "such as amhe-dashboard@example.org."
        )
    if not is_email_address(address):
        raise MailSettingsError(
            f"AMHE_MAIL_FROM must be an email address, such as amhe-dashboard@example.org, "
            f"not '{sender}'."
        )
    return SmtpServer(security, parts.hostname, port, username, password, sender)


@dataclass(frozen=True)
class SendSummary:
    """What a run of the reminders did."""

    sent: int = 0
    nothing_due: int = 0
    already_sent: int = 0
    #: Addresses the mail server refused (not recorded: the next run tries them again).
    refused: tuple[str, ...] = ()

    def sentence(self) -> str:
        text = (
            f"Sent {_plural(self.sent, 'reminder email')} "
            f"({_plural(self.nothing_due, 'person', 'people')} had nothing due; "
            f"{self.already_sent} already sent today)."
        )
        if self.refused:
            text += (
                " The mail server refused "
                + ", ".join(self.refused)
                + ": check these addresses under Administration. The next run tries "
                "them again."
            )
        return text


def send_error(server: SmtpServer, problem: str, not_sent: int) -> ReminderSendError:
    """The error for a mail server that could not be reached or refused the run."""
    return ReminderSendError(
        f"Could not send the reminder emails through the mail server {server.described}: "
        f"{problem}. Nothing was recorded for the {_plural(not_sent, 'person', 'people')} "
        "not sent to, so the next run sends them. Check AMHE_SMTP_URL and that the server "
        "is running."
    )
