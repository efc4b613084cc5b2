"""Administration: the accounts and the reference lists (areas, characteristic groups).

Every write here is a registered write (db/users.py, db/admin.py) run as the actor.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import pandas as pd

from db import admin, users
from services.context import RequestContext, reading

R = TypeVar("R")


# --- reads ------------------------------------------------------------------------


def accounts(ctx: RequestContext) -> pd.DataFrame:
    """Every account: id, Username, Name, Email, Role, Region (name), Active and New
    password needed (an administrator's reset asked for one at the next sign-in)."""
    with reading(ctx) as session:
        return admin.users_table(session)


def areas(ctx: RequestContext) -> pd.DataFrame:
    """Every area: id, Region, Area, Kind, Active."""
    with reading(ctx) as session:
        return admin.areas_table(session)


def characteristics(ctx: RequestContext) -> pd.DataFrame:
    """The characteristics figures are broken down by (code, name)."""
    with reading(ctx) as session:
        return admin.characteristics(session)


def groups(ctx: RequestContext, characteristic_code: str) -> pd.DataFrame:
    """One characteristic's groups, in their order."""
    with reading(ctx) as session:
        return admin.groups_table(session, characteristic_code)


# --- writes -----------------------------------------------------------------------


def _as_actor(ctx: RequestContext, write: Callable[..., R], *args: Any, **kwargs: Any) -> R:
    """Run a registered write as the actor."""
    return write(ctx.engine, ctx.actor, *args, **kwargs)


def add_account(
    ctx: RequestContext,
    username: str,
    name: str,
    password: str,
    role: str,
    region_code: str | None,
    email: str,
    *,
    must_change_password: bool = False,
) -> int:
    return _as_actor(
        ctx,
        users.create_user,
        username,
        name,
        password,
        role,
        region_code,
        email,
        must_change_password=must_change_password,
    )


def change_account(ctx: RequestContext, user_id: int, **changes: Any) -> None:
    """Change an account (display_name, email, role, region_id, active, reason)."""
    _as_actor(ctx, admin.update_user, user_id, **changes)


def set_password(
    ctx: RequestContext, user_id: int, password: str, *, must_change_password: bool = False
) -> str:
    """Set an account's password; returns its username (for the confirmation)."""
    return _as_actor(
        ctx, admin.set_password, user_id, password, must_change_password=must_change_password
    )


def add_area(ctx: RequestContext, region_id: int, name: str, kind: str) -> int:
    return _as_actor(ctx, admin.add_area, region_id, name, kind)


def change_area(ctx: RequestContext, area_id: int, **changes: Any) -> None:
    """Change an area (name, kind, active, reason)."""
    _as_actor(ctx, admin.update_area, area_id, **changes)


def add_group(ctx: RequestContext, characteristic_code: str, name: str, *, is_missing: bool) -> int:
    return _as_actor(ctx, admin.add_group, characteristic_code, name, is_missing=is_missing)


def rename_group(ctx: RequestContext, group_id: int, name: str, reason: str) -> None:
    _as_actor(ctx, admin.rename_group, group_id, name, reason)
