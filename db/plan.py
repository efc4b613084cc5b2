"""The plan's actions: reads for the Local plan page and the writes that keep it.

A region's action is either adopted from a national template action (``template_id``
set, region-specific copy) or the region's own local action. National template actions
have ``region_id`` None and are edited only by national leads and administrators.

Organisation-wide actions (``organisation_wide``: the Board champion, the Ethnicity Pay
Gap report, the EDI Strategic Plan and any a national lead marks so) are national
actions kept once, by national leads, with their own owner, status and progress
updates; every region's plan shows them read-only and no region adopts them. A region's
copy made before its template became organisation-wide keeps its row and history but is
no longer part of the region's plan: it is not listed, counted or edited
(:func:`in_regional_plan`), and it comes back if the mark is taken off.

The themes each national action serves were proposed from the action's text when the
plan was loaded. A national lead confirms them (or corrects, then confirms them) with
:func:`confirm_action_themes`, which records who and when on the action; until every
national action's themes are confirmed, pages that count actions by theme say so
(:func:`theme_confirmation`).

Reads aggregate in SQL and return small frames: :func:`region_actions` fetches a
region's actions with their themes and update counts in one query. Writes go through
:func:`db.writes.registered_write`: permission checked with the action's region, one
audit event per changed record, all in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import String, cast, exists, func, select
from sqlalchemy.orm import Session, aliased

from core.entities import Entity
from core.permissions import Action
from core.plan_words import (
    DESCRIPTION_MAX,
    EARLIEST_DATE,
    NOTE_MAX,
    OWNER_MAX,
    ThemeConfirmation,
    today,
)
from core.plan_words import check_due_date as _due_date
from core.plan_words import check_status as _status
from core.plan_words import check_text as _text
from core.plan_words import check_title as _title
from core.statuses import ACTION_STATUSES
from db.models import (
    ActionArea,
    ActionUpdate,
    PlanAction,
    Region,
    Theme,
    User,
    plan_action_theme,
    utcnow,
)
from db.writes import UnitOfWork, WriteRefused, registered_write

STALE_MESSAGE = (
    "Someone else changed this action since you opened it, so your changes were not "
    "saved. The page now shows their version: check it, then make your changes again."
)

ACTION_COLUMNS = [
    "id",
    "code",
    "region_id",
    "template_id",
    "action_area_id",
    "action_area",
    "area_order",
    "title",
    "description",
    "owner",
    "due_date",
    "status",
    "status_label",
    "version",
    "updated_at",
    "theme_ids",
    "themes",
    "updates",
    "last_update",
    "overdue",
    "days_overdue",
    "organisation_wide",
    "themes_confirmed_at",
    "themes_confirmed_by",
]

#: A national action's template row, for telling a region's copy of it apart.
_Template = aliased(PlanAction, name="template_action")


def copy_of_organisation_wide():
    """SQL: true for a region's copy of a national action that is now organisation-wide
    (such copies are kept, with their history, but are no longer in the region's plan)."""
    return exists().where(
        _Template.id == PlanAction.template_id, _Template.organisation_wide.is_(True)
    )


def in_regional_plan():
    """SQL: true for the actions that are part of a region's plan (every regional action
    except copies of organisation-wide national actions). Counts of a region's actions
    use it."""
    return ~copy_of_organisation_wide()


# --- reads ------------------------------------------------------------------------


def themes(session: Session) -> pd.DataFrame:
    """Every theme an action can serve (the six monitoring themes and the plan's other
    tags, such as Leadership and governance), in the plan's order."""
    rows = session.execute(
        select(Theme.id, Theme.code, Theme.name, Theme.monitoring).order_by(
            Theme.sort_order, Theme.id
        )
    ).all()
    return pd.DataFrame(rows, columns=["id", "code", "name", "monitoring"])


def action_areas(session: Session) -> pd.DataFrame:
    """The plan's six action areas, in the plan's order."""
    rows = session.execute(
        select(ActionArea.id, ActionArea.code, ActionArea.name).order_by(
            ActionArea.sort_order, ActionArea.id
        )
    ).all()
    return pd.DataFrame(rows, columns=["id", "code", "name"])


def region_owners(session: Session, region_id: int | None) -> list[str]:
    """The distinct owners named on a region's actions (or the templates' for None)."""
    return list(
        session.scalars(
            select(PlanAction.owner)
            .where(_region_clause(region_id), in_regional_plan(), PlanAction.owner != "")
            .distinct()
            .order_by(PlanAction.owner)
        )
    )


def action_total(session: Session, region_id: int | None) -> int:
    """How many actions a region's plan has (national templates for None), without
    filters; a region's copies of organisation-wide actions are not counted."""
    return int(
        session.scalar(
            select(func.count(PlanAction.id)).where(_region_clause(region_id), in_regional_plan())
        )
        or 0
    )


def _region_clause(region_id: int | None):
    if region_id is None:
        return PlanAction.region_id.is_(None)
    return PlanAction.region_id == region_id


def region_actions(
    session: Session,
    region_id: int | None,
    *,
    theme_ids: Iterable[int] | None = None,
    action_area_ids: Iterable[int] | None = None,
    statuses: Iterable[str] | None = None,
    owners: Iterable[str] | None = None,
    overdue_only: bool = False,
    action_ids: Iterable[int] | None = None,
    on: date | None = None,
    organisation_wide: bool | None = None,
    superseded: bool = False,
) -> pd.DataFrame:
    """A region's actions (national template actions when ``region_id`` is None) with
    their themes, action area and number of progress updates, in one query.

    A region's copies of organisation-wide actions are left out; ``superseded`` True
    gives only them instead. ``organisation_wide`` True or False keeps only national
    actions that are (or are not) organisation-wide.

    Filters are ANDed; an empty or None filter means "any". ``theme_ids`` keeps actions
    serving any of the themes. ``overdue_only`` keeps actions whose due date has passed
    (as of ``on``, today by default) and which are not complete. Sorted by the plan's
    order of action areas, then by when the action was added.

    Columns: see :data:`ACTION_COLUMNS`; ``theme_ids`` and ``themes`` are lists (themes
    in the plan's order), ``days_overdue`` is 0 unless ``overdue``.
    """
    on = on or today()
    tagged = (
        select(
            plan_action_theme.c.action_id,
            func.aggregate_strings(cast(plan_action_theme.c.theme_id, String), ",").label(
                "theme_ids"
            ),
        )
        .group_by(plan_action_theme.c.action_id)
        .subquery()
    )
    updates = (
        select(
            ActionUpdate.action_id,
            func.count(ActionUpdate.id).label("updates"),
            func.max(ActionUpdate.update_date).label("last_update"),
        )
        .group_by(ActionUpdate.action_id)
        .subquery()
    )
    query = (
        select(
            PlanAction.id,
            PlanAction.code,
            PlanAction.region_id,
            PlanAction.template_id,
            PlanAction.action_area_id,
            ActionArea.name.label("area_name"),
            ActionArea.sort_order.label("area_order"),
            PlanAction.title,
            PlanAction.description,
            PlanAction.owner,
            PlanAction.due_date,
            PlanAction.status,
            PlanAction.version,
            PlanAction.updated_at,
            PlanAction.organisation_wide,
            PlanAction.themes_confirmed_at,
            PlanAction.themes_confirmed_by,
            tagged.c.theme_ids,
            func.coalesce(updates.c.updates, 0).label("updates"),
            updates.c.last_update,
        )
        .join(ActionArea, ActionArea.id == PlanAction.action_area_id)
        .outerjoin(tagged, tagged.c.action_id == PlanAction.id)
        .outerjoin(updates, updates.c.action_id == PlanAction.id)
        .where(_region_clause(region_id))
    )
    if region_id is not None:
        query = query.where(copy_of_organisation_wide() if superseded else in_regional_plan())
    if organisation_wide is not None:
        query = query.where(PlanAction.organisation_wide.is_(bool(organisation_wide)))
    theme_ids = list(theme_ids or [])
    if theme_ids:
        query = query.where(
            exists().where(
                plan_action_theme.c.action_id == PlanAction.id,
                plan_action_theme.c.theme_id.in_(theme_ids),
            )
        )
    if area_ids := list(action_area_ids or []):
        query = query.where(PlanAction.action_area_id.in_(area_ids))
    if status_codes := list(statuses or []):
        query = query.where(PlanAction.status.in_(status_codes))
    if owner_names := list(owners or []):
        query = query.where(PlanAction.owner.in_(owner_names))
    if action_ids is not None:
        query = query.where(PlanAction.id.in_(list(action_ids)))
    if overdue_only:
        query = query.where(
            PlanAction.due_date.is_not(None),
            PlanAction.due_date < on,
            PlanAction.status != "complete",
        )
    rows = session.execute(
        query.order_by(ActionArea.sort_order, ActionArea.id, PlanAction.id)
    ).all()
    theme_table = themes(session) if rows else pd.DataFrame(columns=["id", "name"])
    order = {int(t): i for i, t in enumerate(theme_table["id"])}
    names = dict(zip(theme_table["id"], theme_table["name"], strict=True))
    records = []
    for row in rows:
        ids = sorted(
            (int(t) for t in (row.theme_ids or "").split(",") if t),
            key=lambda t: order.get(t, len(order)),
        )
        late = row.due_date is not None and row.due_date < on and row.status != "complete"
        style = ACTION_STATUSES.get(row.status)
        records.append(
            [
                row.id,
                row.code,
                row.region_id,
                row.template_id,
                row.action_area_id,
                row.area_name,
                row.area_order,
                row.title,
                row.description,
                row.owner,
                row.due_date,
                row.status,
                style.label if style else row.status,
                row.version,
                row.updated_at,
                ids,
                [names.get(t, "") for t in ids],
                int(row.updates),
                row.last_update,
                late,
                (on - row.due_date).days if late else 0,
                bool(row.organisation_wide),
                row.themes_confirmed_at,
                row.themes_confirmed_by,
            ]
        )
    frame = pd.DataFrame(records, columns=ACTION_COLUMNS)
    for column in ("region_id", "template_id"):
        frame[column] = frame[column].astype("Int64")
    return frame


def national_templates(session: Session, **filters: Any) -> pd.DataFrame:
    """The national template actions, shaped like :func:`region_actions`."""
    return region_actions(session, None, **filters)


def organisation_wide_actions(session: Session, **filters: Any) -> pd.DataFrame:
    """The national actions kept once for the whole organisation, shaped like
    :func:`region_actions`: every region's plan shows them read-only."""
    return region_actions(session, None, organisation_wide=True, **filters)


def superseded_copies(session: Session, region_id: int) -> pd.DataFrame:
    """A region's copies of actions that are now organisation-wide (kept for their
    history; no longer part of the region's plan), shaped like :func:`region_actions`."""
    return region_actions(session, region_id, superseded=True)


def templates_not_adopted(
    session: Session, region_id: int, national: pd.DataFrame | None = None
) -> pd.DataFrame:
    """National template actions the region has not adopted yet, in the plan's order
    (organisation-wide actions are never adopted: every region's plan shows them).
    ``national``: :func:`national_templates` when the caller has read it already."""
    if national is None:
        frame = national_templates(session, organisation_wide=False)
    else:
        frame = national[~national["organisation_wide"].astype(bool)]
    taken = set(
        session.scalars(
            select(PlanAction.template_id).where(
                PlanAction.region_id == region_id, PlanAction.template_id.is_not(None)
            )
        )
    )
    return frame[~frame["id"].isin(taken)].reset_index(drop=True)


def theme_confirmation(session: Session) -> ThemeConfirmation:
    """How far national leads have confirmed the national actions' themes."""
    total, confirmed = session.execute(
        select(func.count(PlanAction.id), func.count(PlanAction.themes_confirmed_at)).where(
            PlanAction.region_id.is_(None)
        )
    ).one()
    return ThemeConfirmation(int(confirmed or 0), int(total or 0))


def theme_tags_note(session: Session) -> str | None:
    """:attr:`ThemeConfirmation.note` for the database: the words a page counting
    actions by theme shows, or None when every national action's themes are confirmed."""
    return theme_confirmation(session).note


UPDATE_COLUMNS = ["id", "action_id", "update_date", "note", "status_from", "status_to", "author"]


def action_updates(session: Session, action_ids: Sequence[int]) -> pd.DataFrame:
    """The progress updates of these actions, oldest first, with who posted each."""
    if not action_ids:
        return pd.DataFrame(columns=UPDATE_COLUMNS)
    rows = session.execute(
        select(
            ActionUpdate.id,
            ActionUpdate.action_id,
            ActionUpdate.update_date,
            ActionUpdate.note,
            ActionUpdate.status_from,
            ActionUpdate.status_to,
            func.coalesce(User.display_name, ""),
        )
        .outerjoin(User, User.id == ActionUpdate.author_id)
        .where(ActionUpdate.action_id.in_(list(action_ids)))
        .order_by(
            ActionUpdate.action_id,
            ActionUpdate.update_date,
            ActionUpdate.created_at,
            ActionUpdate.id,
        )
    ).all()
    frame = pd.DataFrame(rows, columns=UPDATE_COLUMNS)
    for column in ("status_from", "status_to"):
        # Plain None when there was no status change (pandas would make it NaN).
        frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return frame


# --- validation (shared by the writes; the messages are shown as they are) -----------


def _themes(uow: UnitOfWork, theme_ids: Iterable[int] | None) -> list[Theme]:
    wanted = list(dict.fromkeys(int(t) for t in (theme_ids or [])))
    if not wanted:
        raise WriteRefused("Choose at least one theme that this action serves.")
    found = list(
        uow.session.scalars(
            select(Theme).where(Theme.id.in_(wanted)).order_by(Theme.sort_order, Theme.id)
        )
    )
    if len(found) != len(wanted):
        raise WriteRefused("One of the chosen themes does not exist. Please choose again.")
    return found


def _action_area(uow: UnitOfWork, action_area_id: int) -> ActionArea:
    area = uow.session.get(ActionArea, action_area_id)
    if area is None:
        raise WriteRefused("Choose one of the plan's six action areas.")
    return area


def _snapshot(action: PlanAction) -> dict[str, Any]:
    """What the audit event keeps about an action: its details, in words where it can."""
    return {
        "code": action.code,
        "title": action.title,
        "description": action.description,
        "action_area": action.action_area.name if action.action_area else None,
        "themes": [t.name for t in action.themes],
        "owner": action.owner,
        "due_date": action.due_date.isoformat() if action.due_date else None,
        "status": action.status,
        "template_id": action.template_id,
        "organisation_wide": bool(action.organisation_wide),
    }


def _load(uow: UnitOfWork, action_id: int) -> PlanAction:
    action = uow.session.get(PlanAction, action_id)
    if action is None:
        raise WriteRefused("That action no longer exists. Please reload the page.")
    return action


ORGANISATION_WIDE_COPY_MESSAGE = (
    "'{title}' is now kept once for the whole organisation by the national team, so this "
    "region's earlier copy of it is kept only for its history and cannot be changed. "
    "See the national action under Organisation-wide actions."
)


def _refuse_superseded_copy(uow: UnitOfWork, action: PlanAction) -> None:
    """Refuse changes to a region's copy of an action that is now organisation-wide."""
    if action.region_id is None or action.template_id is None:
        return
    template = uow.session.get(PlanAction, action.template_id)
    if template is not None and template.organisation_wide:
        raise WriteRefused(ORGANISATION_WIDE_COPY_MESSAGE.format(title=template.title))


def _load_template(uow: UnitOfWork, template_id: int) -> PlanAction:
    template = _load(uow, template_id)
    if template.region_id is not None:
        raise WriteRefused("That is a region's action, not a national template action.")
    return template


def _next_local_code(uow: UnitOfWork, region_id: int) -> str:
    count = uow.session.scalar(
        select(func.count(PlanAction.id)).where(
            PlanAction.region_id == region_id, PlanAction.template_id.is_(None)
        )
    )
    return f"L{int(count or 0) + 1}"


def _add_to_plan(uow: UnitOfWork, action: PlanAction, event: str, reason: str) -> int:
    """Save a new action in a region's plan with its audit event (``create`` or
    ``adopt``); returns its id."""
    uow.session.add(action)
    uow.session.flush()
    uow.audit(
        Entity.PLAN_ACTION,
        action.id,
        event,
        after=_snapshot(action),
        reason=reason,
        region_id=action.region_id,
    )
    return action.id


class _Keep:
    """Marks an argument of :func:`update_action` left as it is."""

    def __repr__(self) -> str:
        return "KEEP"


#: Pass (or leave) this to keep a field of an action unchanged.
KEEP: Any = _Keep()


# --- writes -------------------------------------------------------------------------


@registered_write(Action.EDIT_PLAN, entity=Entity.PLAN_ACTION)
def add_action(
    uow: UnitOfWork,
    region_id: int,
    title: str,
    action_area_id: int,
    theme_ids: Iterable[int],
    description: str = "",
    owner: str = "",
    due_date: date | None = None,
    status: str = "not_started",
    reason: str = "",
) -> int:
    """Add a region's own (local) action; returns its id."""
    uow.require(Action.EDIT_PLAN, region_id)
    if region_id is None or uow.session.get(Region, region_id) is None:
        raise WriteRefused("Choose the region this action belongs to.")
    action = PlanAction(
        code=_next_local_code(uow, region_id),
        region_id=region_id,
        template_id=None,
        action_area=_action_area(uow, action_area_id),
        title=_title(title),
        description=_text(description, "the description", DESCRIPTION_MAX),
        owner=_text(owner, "the owner", OWNER_MAX),
        due_date=_due_date(due_date),
        status=_status(status),
        themes=_themes(uow, theme_ids),
        created_at=utcnow(),
        updated_at=utcnow(),
        version=1,
    )
    return _add_to_plan(uow, action, "create", reason)


@registered_write(Action.EDIT_PLAN, entity=Entity.PLAN_ACTION)
def adopt_template(
    uow: UnitOfWork,
    region_id: int,
    template_id: int,
    *,
    title: str | None = None,
    description: str | None = None,
    theme_ids: Iterable[int] | None = None,
    owner: str = "",
    due_date: date | None = None,
    reason: str = "",
) -> int:
    """Adopt a national template action into a region's plan, adapting it as given
    (title, description and themes default to the template's); returns the new id."""
    uow.require(Action.EDIT_PLAN, region_id)
    template = uow.session.get(PlanAction, template_id)
    if template is None or template.region_id is not None:
        raise WriteRefused("That is not one of the national plan's actions.")
    if template.organisation_wide:
        raise WriteRefused(
            f"'{template.title}' is kept once for the whole organisation by the national "
            "team, and every region's plan already shows it, so it is not adopted."
        )
    region = uow.session.get(Region, region_id)
    if region is None:
        raise WriteRefused("Choose the region adopting this action.")
    already = uow.session.scalar(
        select(PlanAction.id).where(
            PlanAction.region_id == region_id, PlanAction.template_id == template_id
        )
    )
    if already is not None:
        raise WriteRefused(
            f"{region.name} has already adopted '{template.title}'. "
            "Find it in the list to edit it instead."
        )
    action = PlanAction(
        code=template.code,
        region_id=region_id,
        template_id=template.id,
        action_area_id=template.action_area_id,
        title=_title(template.title if title is None else title),
        description=_text(
            template.description if description is None else description,
            "the description",
            DESCRIPTION_MAX,
        ),
        owner=_text(owner, "the owner", OWNER_MAX),
        due_date=_due_date(due_date),
        status="not_started",
        themes=(list(template.themes) if theme_ids is None else _themes(uow, theme_ids)),
        created_at=utcnow(),
        updated_at=utcnow(),
        version=1,
    )
    return _add_to_plan(uow, action, "adopt", reason)


@registered_write(Action.EDIT_PLAN, entity=Entity.PLAN_ACTION)
def update_action(
    uow: UnitOfWork,
    action_id: int,
    version: int,
    *,
    title: Any = KEEP,
    description: Any = KEEP,
    action_area_id: Any = KEEP,
    theme_ids: Any = KEEP,
    owner: Any = KEEP,
    due_date: Any = KEEP,
    reason: str = "",
) -> int:
    """Edit a region's action (details, owner, due date), refusing when it changed
    since ``version`` was read. Fields left as :data:`KEEP` stay as they are; a
    ``due_date`` of None clears it. Status changes go through :func:`post_action_update`.
    Returns the new version."""
    action = _load(uow, action_id)
    uow.require(Action.EDIT_PLAN, action.region_id)
    if action.region_id is None:
        raise WriteRefused(
            "This is a national template action: edit it under National template actions."
        )
    _refuse_superseded_copy(uow, action)
    uow.expect_version(action, version, STALE_MESSAGE)
    before = _snapshot(action)
    if title is not KEEP:
        action.title = _title(title)
    if description is not KEEP:
        action.description = _text(description, "the description", DESCRIPTION_MAX)
    if action_area_id is not KEEP:
        action.action_area = _action_area(uow, action_area_id)
    if theme_ids is not KEEP:
        action.themes = _themes(uow, theme_ids)
    if owner is not KEEP:
        action.owner = _text(owner, "the owner", OWNER_MAX)
    if due_date is not KEEP:
        action.due_date = _due_date(due_date)
    after = _snapshot(action)
    if after == before:
        raise WriteRefused("You have not changed anything, so there was nothing to save.")
    action.version += 1
    action.updated_at = utcnow()
    uow.session.flush()
    uow.audit(
        Entity.PLAN_ACTION,
        action.id,
        "update",
        before={k: v for k, v in before.items() if after[k] != v},
        after={k: v for k, v in after.items() if before[k] != v},
        reason=reason,
        region_id=action.region_id,
    )
    return action.version


@registered_write(Action.EDIT_PLAN, Action.EDIT_NATIONAL_TEMPLATES, entity=Entity.PLAN_ACTION)
def post_action_update(
    uow: UnitOfWork,
    action_id: int,
    update_date: date,
    note: str,
    new_status: str | None = None,
    *,
    version: int | None = None,
) -> int:
    """Post a dated progress update (a note, and optionally a new status, which becomes
    the action's status). When ``version`` is given and the update changes the status,
    it is refused if the action changed since that version was read. Returns the
    update's id.

    A region's action needs permission to edit that region's plan; an organisation-wide
    national action (kept by national leads) needs permission to edit the national
    template actions. Other national template actions have no progress of their own."""
    action = _load(uow, action_id)
    if action.region_id is None:
        uow.require(Action.EDIT_NATIONAL_TEMPLATES)
        if not action.organisation_wide:
            raise WriteRefused(
                "Progress updates belong to a region's action or to an organisation-wide "
                "action, not to a template regions adopt."
            )
    else:
        uow.require(Action.EDIT_PLAN, action.region_id)
        _refuse_superseded_copy(uow, action)
    text = _text(note, "a note saying what has happened", NOTE_MAX, required=True)
    if update_date is None:
        raise WriteRefused("Please enter the date of the update.")
    if update_date > today():
        raise WriteRefused(
            f"The update date {update_date:%d %B %Y} is in the future. "
            "Use today's date or an earlier one."
        )
    if update_date < EARLIEST_DATE:
        raise WriteRefused(
            f"The update date {update_date:%d %B %Y} does not look right: "
            f"choose a date from {EARLIEST_DATE:%d %B %Y} on."
        )
    changes = new_status is not None and _status(new_status) != action.status
    if changes and version is not None:
        uow.expect_version(action, version, STALE_MESSAGE)
    old_status = action.status
    update = ActionUpdate(
        action_id=action.id,
        update_date=update_date,
        note=text,
        status_from=old_status if changes else None,
        status_to=new_status if changes else None,
        author_id=uow.actor.user_id,
        created_at=utcnow(),
    )
    uow.session.add(update)
    if changes:
        action.status = new_status
        action.version += 1
    action.updated_at = utcnow()
    uow.session.flush()
    uow.audit(
        Entity.PLAN_ACTION,
        action.id,
        "progress_update",
        before={"status": old_status} if changes else None,
        after={
            "update_date": update_date.isoformat(),
            "note": text,
            **({"status": new_status} if changes else {}),
        },
        region_id=action.region_id,
    )
    return update.id


@registered_write(Action.EDIT_NATIONAL_TEMPLATES, entity=Entity.PLAN_ACTION)
def update_template(
    uow: UnitOfWork,
    template_id: int,
    version: int,
    *,
    title: Any = KEEP,
    description: Any = KEEP,
    owner: Any = KEEP,
    due_date: Any = KEEP,
    reason: str = "",
) -> int:
    """Edit a national template action's title and description (regions' adopted copies
    keep their own wording) and, for an organisation-wide action, its owner and due date.
    Its themes change only through :func:`confirm_action_themes`. Returns the new
    version."""
    uow.require(Action.EDIT_NATIONAL_TEMPLATES)
    template = _load_template(uow, template_id)
    if (owner is not KEEP or due_date is not KEEP) and not template.organisation_wide:
        raise WriteRefused(
            "Only an organisation-wide action has a national owner and due date: regions "
            "set their own for the actions they adopt."
        )
    uow.expect_version(
        template, version, STALE_MESSAGE.replace("this action", "this national template action")
    )
    before = _snapshot(template)
    if title is not KEEP:
        template.title = _title(title)
    if description is not KEEP:
        template.description = _text(description, "the description", DESCRIPTION_MAX)
    if owner is not KEEP:
        template.owner = _text(owner, "the owner", OWNER_MAX)
    if due_date is not KEEP:
        template.due_date = _due_date(due_date)
    after = _snapshot(template)
    if after == before:
        raise WriteRefused("You have not changed anything, so there was nothing to save.")
    template.version += 1
    template.updated_at = utcnow()
    uow.session.flush()
    uow.audit(
        Entity.PLAN_ACTION,
        template.id,
        "update",
        before={k: v for k, v in before.items() if after[k] != v},
        after={k: v for k, v in after.items() if before[k] != v},
        reason=reason,
        region_id=None,
    )
    return template.version


@registered_write(Action.EDIT_NATIONAL_TEMPLATES, entity=Entity.PLAN_ACTION)
def confirm_action_themes(
    uow: UnitOfWork,
    template_id: int,
    version: int,
    theme_ids: Iterable[int],
    *,
    reason: str = "",
) -> int:
    """A national lead confirms the themes a national action serves (as proposed, or as
    corrected here), recording who and when on the action. Regions' adopted copies that
    still carry the themes as they were proposed get the confirmed ones, each with its
    own audit event; copies whose region chose other themes keep them. Returns the
    action's new version."""
    uow.require(Action.EDIT_NATIONAL_TEMPLATES)
    template = _load_template(uow, template_id)
    uow.expect_version(
        template, version, STALE_MESSAGE.replace("this action", "this national template action")
    )
    chosen = _themes(uow, theme_ids)
    proposed = {t.id for t in template.themes}
    changed = {t.id for t in chosen} != proposed
    if template.themes_confirmed_at is not None and not changed:
        raise WriteRefused(
            "These themes are already confirmed, so there was nothing to save. "
            "Change them first if they are not right."
        )
    before = {"themes": [t.name for t in template.themes], "themes_confirmed": False}
    if template.themes_confirmed_at is not None:
        before["themes_confirmed"] = True
    template.themes = chosen
    template.themes_confirmed_at = utcnow()
    template.themes_confirmed_by = uow.actor.username
    template.version += 1
    template.updated_at = utcnow()
    uow.session.flush()
    uow.audit(
        Entity.PLAN_ACTION,
        template.id,
        "confirm_themes",
        before=before,
        after={"themes": [t.name for t in chosen], "themes_confirmed": True},
        reason=reason,
        region_id=None,
    )
    if changed:
        copies = uow.session.scalars(
            select(PlanAction).where(PlanAction.template_id == template.id)
        ).all()
        for copy in copies:
            if {t.id for t in copy.themes} != proposed:
                continue
            old = [t.name for t in copy.themes]
            copy.themes = list(chosen)
            copy.version += 1
            copy.updated_at = utcnow()
            uow.session.flush()
            uow.audit(
                Entity.PLAN_ACTION,
                copy.id,
                "update",
                before={"themes": old},
                after={"themes": [t.name for t in chosen]},
                reason="The national team confirmed the themes of the national action.",
                region_id=copy.region_id,
            )
    return template.version


@registered_write(Action.EDIT_NATIONAL_TEMPLATES, entity=Entity.PLAN_ACTION)
def set_organisation_wide(
    uow: UnitOfWork,
    template_id: int,
    version: int,
    organisation_wide: bool,
    *,
    reason: str = "",
) -> int:
    """Mark a national action as kept once for the whole organisation (or take the mark
    off). Marked, it is kept by national leads and shown read-only in every region's
    plan; regions' copies made earlier keep their history but leave their plans. With
    the mark off, regions can adopt it again and their earlier copies return. Returns
    the action's new version."""
    uow.require(Action.EDIT_NATIONAL_TEMPLATES)
    template = _load_template(uow, template_id)
    uow.expect_version(
        template, version, STALE_MESSAGE.replace("this action", "this national template action")
    )
    wanted = bool(organisation_wide)
    if bool(template.organisation_wide) == wanted:
        raise WriteRefused(
            "It is already "
            + ("organisation-wide" if wanted else "an action regions adopt")
            + ", so there was nothing to save."
        )
    template.organisation_wide = wanted
    template.version += 1
    template.updated_at = utcnow()
    uow.session.flush()
    uow.audit(
        Entity.PLAN_ACTION,
        template.id,
        "update",
        before={"organisation_wide": not wanted},
        after={"organisation_wide": wanted},
        reason=reason,
        region_id=None,
    )
    return template.version


def regions_with_copies(session: Session, template_id: int) -> list[str]:
    """The names of the regions that have their own copy of a national action."""
    return list(
        session.scalars(
            select(Region.name)
            .join(PlanAction, PlanAction.region_id == Region.id)
            .where(PlanAction.template_id == template_id)
            .order_by(Region.name)
        )
    )
