"""Administration writes: accounts and editable reference data (regions, areas, groups).

Reference data changes over time (integrated care boards merge), so it is data that
administrators edit, never code.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from core.entities import Entity
from core.permissions import REGIONAL_ROLES, Action, Role
from db.models import (
    Area,
    Characteristic,
    CharacteristicGroup,
    EquityCount,
    MetricValue,
    PopulationCount,
    Region,
    User,
)
from db.users import USER_FIELDS, give_password, no_region_for, reset_reason
from db.writes import UnitOfWork, WriteRefused, registered_write, snapshot

AREA_FIELDS = ("name", "kind", "active", "region_id")
GROUP_FIELDS = ("name", "code", "parent_code", "nhs_code", "is_missing", "sort_order")


# --- reads ------------------------------------------------------------------------


def users_table(session: Session) -> pd.DataFrame:
    rows = session.execute(
        select(
            User.id,
            User.username,
            User.display_name,
            User.email,
            User.role,
            Region.name,
            User.active,
            User.must_change_password,
        )
        .outerjoin(Region, Region.id == User.region_id)
        .order_by(User.username)
    ).all()
    return pd.DataFrame(
        rows,
        columns=[
            "id",
            "Username",
            "Name",
            "Email",
            "Role",
            "Region",
            "Active",
            "New password needed",
        ],
    )


def areas_table(session: Session) -> pd.DataFrame:
    rows = session.execute(
        select(Area.id, Region.name, Area.name, Area.kind, Area.active)
        .join(Region, Region.id == Area.region_id)
        .order_by(Region.name, Area.name)
    ).all()
    return pd.DataFrame(rows, columns=["id", "Region", "Area", "Kind", "Active"])


def groups_table(session: Session, characteristic_code: str) -> pd.DataFrame:
    rows = session.execute(
        select(
            CharacteristicGroup.id,
            CharacteristicGroup.name,
            CharacteristicGroup.parent_code,
            CharacteristicGroup.nhs_code,
            CharacteristicGroup.is_missing,
        )
        .join(Characteristic, Characteristic.id == CharacteristicGroup.characteristic_id)
        .where(Characteristic.code == characteristic_code)
        .order_by(CharacteristicGroup.sort_order)
    ).all()
    return pd.DataFrame(rows, columns=["id", "Group", "Part of", "NHS code", "Counts as missing"])


def characteristics(session: Session) -> pd.DataFrame:
    rows = session.execute(
        select(Characteristic.code, Characteristic.name).order_by(Characteristic.id)
    ).all()
    return pd.DataFrame(rows, columns=["code", "name"])


# --- accounts ---------------------------------------------------------------------


def _user(uow: UnitOfWork, user_id: int) -> User:
    user = uow.session.get(User, user_id)
    if user is None:
        raise WriteRefused("That account no longer exists.")
    return user


@registered_write(Action.MANAGE_USERS, entity=Entity.USER)
def update_user(
    uow: UnitOfWork,
    user_id: int,
    *,
    display_name: str,
    email: str,
    role: str,
    region_id: int | None,
    active: bool,
    reason: str = "",
) -> None:
    """Change an account's details, role, region or whether it may sign in."""
    uow.require(Action.MANAGE_USERS)
    user = _user(uow, user_id)
    if role not in {r.value for r in Role}:
        raise WriteRefused(f"'{role}' is not a role.")
    if role in REGIONAL_ROLES and region_id is None:
        raise WriteRefused("A regional lead or forum member needs a region.")
    if role not in REGIONAL_ROLES and region_id is not None:
        raise WriteRefused(no_region_for(role))
    if user.id == uow.actor.user_id and (not active or role != Role.ADMIN):
        raise WriteRefused("You cannot remove your own administrator access.")
    before = snapshot(user, USER_FIELDS)
    user.display_name = display_name.strip() or user.username
    user.email = email.strip()
    user.role = role
    user.region_id = region_id
    user.active = active
    after = snapshot(user, USER_FIELDS)
    if after != before:
        uow.audit(Entity.USER, user.id, "update", before=before, after=after, reason=reason)


@registered_write(Action.MANAGE_USERS, entity=Entity.USER)
def set_password(
    uow: UnitOfWork, user_id: int, new_password: str, *, must_change_password: bool = False
) -> str:
    """An administrator sets a new password, which ends any lock-out; with
    ``must_change_password`` the person must choose their own when they next sign in.
    Returns the account's username (for the confirmation)."""
    uow.require(Action.MANAGE_USERS)
    user = _user(uow, user_id)
    changes = give_password(uow.session, user, new_password, must_change_password)
    uow.audit(
        Entity.USER,
        user.id,
        "reset_password",
        **changes,
        reason=reset_reason("set by", must_change_password),
    )
    return user.username


# --- reference data ---------------------------------------------------------------


@registered_write(Action.MANAGE_REFERENCE, entity=Entity.AREA)
def add_area(uow: UnitOfWork, region_id: int, name: str, kind: str = "ICB") -> int:
    uow.require(Action.MANAGE_REFERENCE)
    name = name.strip()
    if not name:
        raise WriteRefused("The area needs a name.")
    if uow.session.get(Region, region_id) is None:
        raise WriteRefused("That region no longer exists.")
    taken = uow.session.scalar(
        select(func.count(Area.id)).where(Area.region_id == region_id, Area.name == name)
    )
    if taken:
        raise WriteRefused(f"The region already has an area called '{name}'.")
    area = Area(region_id=region_id, name=name, kind=kind.strip() or "ICB")
    uow.session.add(area)
    uow.session.flush()
    uow.audit(
        Entity.AREA, area.id, "create", after=snapshot(area, AREA_FIELDS), region_id=region_id
    )
    return area.id


@registered_write(Action.MANAGE_REFERENCE, entity=Entity.AREA)
def update_area(
    uow: UnitOfWork, area_id: int, *, name: str, kind: str, active: bool, reason: str = ""
) -> None:
    """Rename an area or retire it (when ICBs merge): its history stays."""
    uow.require(Action.MANAGE_REFERENCE)
    area = uow.session.get(Area, area_id)
    if area is None:
        raise WriteRefused("That area no longer exists.")
    if not name.strip():
        raise WriteRefused("The area needs a name.")
    before = snapshot(area, AREA_FIELDS)
    area.name, area.kind, area.active = name.strip(), kind.strip() or "ICB", active
    after = snapshot(area, AREA_FIELDS)
    if after != before:
        uow.audit(
            Entity.AREA,
            area.id,
            "update",
            before=before,
            after=after,
            reason=reason,
            region_id=area.region_id,
        )


@registered_write(Action.MANAGE_REFERENCE, entity=Entity.CHARACTERISTIC_GROUP)
def add_group(
    uow: UnitOfWork,
    characteristic_code: str,
    name: str,
    *,
    parent_code: str | None = None,
    nhs_code: str | None = None,
    is_missing: bool = False,
) -> int:
    """Add a group to a reference list (for example a new census category)."""
    uow.require(Action.MANAGE_REFERENCE)
    characteristic = uow.session.scalar(
        select(Characteristic).where(Characteristic.code == characteristic_code)
    )
    if characteristic is None:
        raise WriteRefused(f"There is no characteristic '{characteristic_code}'.")
    name = name.strip()
    if not name:
        raise WriteRefused("The group needs a name.")
    if any(g.name.lower() == name.lower() for g in characteristic.groups):
        raise WriteRefused(f"'{name}' is already in the list.")
    code = "_".join(name.lower().split())[:60]
    group = CharacteristicGroup(
        characteristic_id=characteristic.id,
        code=code,
        name=name,
        parent_code=parent_code or None,
        nhs_code=nhs_code or None,
        is_missing=is_missing,
        sort_order=max((g.sort_order for g in characteristic.groups), default=0) + 1,
    )
    uow.session.add(group)
    uow.session.flush()
    uow.audit(Entity.CHARACTERISTIC_GROUP, group.id, "create", after=snapshot(group, GROUP_FIELDS))
    return group.id


@registered_write(Action.MANAGE_REFERENCE, entity=Entity.CHARACTERISTIC_GROUP)
def rename_group(uow: UnitOfWork, group_id: int, name: str, reason: str = "") -> None:
    """Rename a group; figures already stored under the old name move with it."""
    uow.require(Action.MANAGE_REFERENCE)
    group = uow.session.get(CharacteristicGroup, group_id)
    if group is None:
        raise WriteRefused("That group no longer exists.")
    old, new = group.name, name.strip()
    if not new:
        raise WriteRefused("The group needs a name.")
    if old == new:
        return
    before = snapshot(group, GROUP_FIELDS)
    group.name = new
    code = group.characteristic.code
    moved = 0
    for model in (MetricValue, EquityCount, PopulationCount):
        result = uow.session.execute(
            update(model)
            .where(model.characteristic == code, model.group_name == old)
            .values(group_name=new)
        )
        moved += result.rowcount or 0
    note = f"{moved} stored figures now use the new name."
    uow.audit(
        Entity.CHARACTERISTIC_GROUP,
        group.id,
        "update",
        before=before,
        after=snapshot(group, GROUP_FIELDS),
        reason=f"{reason} ({note})" if reason else note,
    )
