"""A person's own password: choosing a new one (also when an administrator's reset
asks for one at the next sign-in)."""

from __future__ import annotations

from core.errors import WriteRefused
from db import users
from services.context import RequestContext

NOT_THE_SAME = "The two new passwords are not the same. Please type the new one twice."


def change_own_password(
    ctx: RequestContext, current_password: str, new_password: str, again: str
) -> str:
    """Set the signed-in person's new password (typed twice) under the one password
    rule; returns their username. Refused, changing nothing, when the current password
    is wrong, the two differ, or the new one is too easy to guess."""
    if not current_password or not new_password:
        raise WriteRefused("Please enter your current password and a new one.")
    if new_password != again:
        raise WriteRefused(NOT_THE_SAME)
    return users.change_own_password(ctx.engine, ctx.actor, current_password, new_password)
