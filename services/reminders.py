"""Reminders: what needs the signed-in person ("Needs your attention" on Overview), their
own daily-email setting, and the run that sends everyone's emails.

The sending itself lives in ``db.reminders`` so that ``python -m db.manage
send-reminders`` (which may not import services) runs the very same code;
:func:`send_reminders` here is that run, for anything above the data layer.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine

from core.config import Settings
from core.permissions import Role
from core.reminders import AttentionItem, SendSummary, attention_items
from db import reminders as db_reminders
from db.reminders import OwnEmail
from services.context import RequestContext, reading

__all__ = [
    "AttentionItem",
    "OwnEmail",
    "attention",
    "email_reminders_on",
    "own_email",
    "send_reminders",
    "set_email_reminders",
]


def attention(ctx: RequestContext, today: date | None = None) -> list[AttentionItem]:
    """What needs the signed-in person today, most pressing first."""
    day = today or db_reminders.today()
    actor = ctx.actor
    with reading(ctx) as session:
        if actor.is_national:
            facts = db_reminders.region_facts(session, day, everything=False)
        elif actor.region_id is None:
            facts = {}
        else:
            facts = db_reminders.region_facts(
                session,
                day,
                [actor.region_id],
                everything=actor.role == Role.REGIONAL_LEAD,
            )
    return attention_items(actor.role, actor.region_id, facts, day, ctx.settings.figures_due_weeks)


def own_email(ctx: RequestContext) -> OwnEmail:
    """The signed-in person's email address (may be empty) and reminder setting."""
    with reading(ctx) as session:
        return db_reminders.own_email(session, ctx.actor)


def email_reminders_on(ctx: RequestContext) -> bool:
    """Whether the signed-in person wants the daily reminder email."""
    return own_email(ctx).reminders_on


def set_email_reminders(ctx: RequestContext, on: bool) -> bool:
    """Turn the signed-in person's daily reminder email on or off; the setting now."""
    return db_reminders.set_email_reminders(ctx.engine, ctx.actor, on)


def send_reminders(engine: Engine, settings: Settings, today: date | None = None) -> SendSummary:
    """Send today's reminder emails (see ``db.reminders.send_reminders``)."""
    return db_reminders.send_reminders(engine, settings, today)
