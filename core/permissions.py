"""Who may do what: roles, actions and the single rule that decides.

The data layer calls :func:`require` before every write, so a hidden button is never
the only thing standing between a person and a change.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    NATIONAL_LEAD = "national_lead"
    REGIONAL_LEAD = "regional_lead"
    FORUM_MEMBER = "forum_member"


ROLE_LABELS: dict[str, str] = {
    Role.ADMIN: "Administrator",
    Role.NATIONAL_LEAD: "National lead",
    Role.REGIONAL_LEAD: "Regional lead",
    Role.FORUM_MEMBER: "Regional Forum member",
}

#: Roles that belong to exactly one region.
REGIONAL_ROLES = frozenset({Role.REGIONAL_LEAD, Role.FORUM_MEMBER})


class Action(StrEnum):
    VIEW_REGION = "view_region"
    VIEW_ALL_REGIONS = "view_all_regions"
    EDIT_PLAN = "edit_plan"
    EDIT_NATIONAL_TEMPLATES = "edit_national_templates"
    EDIT_METRIC_VALUES = "edit_metric_values"
    DEFINE_LOCAL_METRIC = "define_local_metric"
    DEFINE_NATIONAL_METRIC = "define_national_metric"
    EDIT_PROJECTS = "edit_projects"
    ADD_FEEDBACK = "add_feedback"
    RESPOND_FEEDBACK = "respond_feedback"
    MANAGE_MEETINGS = "manage_meetings"
    EDIT_EQUITY = "edit_equity"
    VIEW_EXACT_EQUITY = "view_exact_equity"
    VIEW_AUDIT_LOG = "view_audit_log"
    MANAGE_USERS = "manage_users"
    MANAGE_REFERENCE = "manage_reference"
    # Opening a page (the navigation shows a page to those who may open it; the page
    # checks the same action). Pages everyone signed in sees have no action.
    VIEW_IMPORT_VALUES = "view_import_values"
    VIEW_ADMINISTRATION = "view_administration"
    # The quarterly cycle and the Regional Forum's voice.
    SUBMIT_QUARTER = "submit_quarter"
    REOPEN_QUARTER = "reopen_quarter"
    SIGN_OFF_QUARTER = "sign_off_quarter"
    RECORD_ATTENDANCE = "record_attendance"
    ANSWER_FORUM = "answer_forum"
    COMMENT = "comment"
    PROPOSE_AGENDA = "propose_agenda"
    HIDE_COMMENT = "hide_comment"
    # A person's own settings (email reminders): not tied to a region.
    EDIT_OWN_SETTINGS = "edit_own_settings"
    # Sending the reminder emails (the command line, as the system).
    SEND_REMINDERS = "send_reminders"
    # The bi-annual review (SD4): recording a region's review and its good practice.
    RECORD_REVIEW = "record_review"
    # National governance bodies (LG1): their meetings, attendance and decisions, and
    # the board reports issued to them.
    MANAGE_BODIES = "manage_bodies"
    ISSUE_BOARD_REPORT = "issue_board_report"


#: Actions a role may take in its own region (regional roles) ...
_OWN_REGION: dict[str, frozenset[Action]] = {
    Role.REGIONAL_LEAD: frozenset(
        {
            Action.VIEW_REGION,
            Action.EDIT_PLAN,
            Action.EDIT_METRIC_VALUES,
            Action.DEFINE_LOCAL_METRIC,
            Action.EDIT_PROJECTS,
            Action.ADD_FEEDBACK,
            Action.RESPOND_FEEDBACK,
            Action.MANAGE_MEETINGS,
            Action.EDIT_EQUITY,
            Action.VIEW_EXACT_EQUITY,
            Action.VIEW_IMPORT_VALUES,
            Action.SUBMIT_QUARTER,
            Action.REOPEN_QUARTER,
            Action.SIGN_OFF_QUARTER,
            Action.RECORD_ATTENDANCE,
            Action.ANSWER_FORUM,
            Action.COMMENT,
            Action.PROPOSE_AGENDA,
            Action.HIDE_COMMENT,
            Action.EDIT_OWN_SETTINGS,
            Action.RECORD_REVIEW,
        }
    ),
    # Forum members take part in decisions (propose, comment, record attendance and, as
    # chair, the forum's agreement) but never change figures, actions or projects.
    Role.FORUM_MEMBER: frozenset(
        {
            Action.VIEW_REGION,
            Action.ADD_FEEDBACK,
            Action.SIGN_OFF_QUARTER,
            Action.RECORD_ATTENDANCE,
            Action.COMMENT,
            Action.PROPOSE_AGENDA,
            Action.EDIT_OWN_SETTINGS,
        }
    ),
}

#: Opening a page is not tied to one region: a regional role may open the pages of its
#: own-region actions when no region is named (the page then offers only its region).
PAGE_ACTIONS = frozenset({Action.VIEW_IMPORT_VALUES, Action.EDIT_OWN_SETTINGS})

#: ... and actions a national role may take anywhere.
_ANYWHERE: dict[str, frozenset[Action]] = {
    Role.ADMIN: frozenset(Action),
    Role.NATIONAL_LEAD: frozenset(
        {
            Action.VIEW_REGION,
            Action.VIEW_ALL_REGIONS,
            Action.EDIT_NATIONAL_TEMPLATES,
            Action.DEFINE_NATIONAL_METRIC,
            Action.VIEW_EXACT_EQUITY,
            Action.VIEW_AUDIT_LOG,
            Action.EDIT_OWN_SETTINGS,
            Action.RECORD_REVIEW,
            Action.MANAGE_BODIES,
            Action.ISSUE_BOARD_REPORT,
        }
    ),
}


@dataclass(frozen=True)
class Actor:
    """The person acting: who they are, their role and (for regional roles) region."""

    user_id: int | None
    username: str
    role: str
    region_id: int | None = None

    @property
    def is_national(self) -> bool:
        return self.role in (Role.ADMIN, Role.NATIONAL_LEAD)


#: The actor used by command-line tools run by whoever administers the server.
SYSTEM_ACTOR = Actor(user_id=None, username="system (command line)", role=Role.ADMIN)


class PermissionDenied(Exception):
    """The actor may not take this action; the message is fit to show them."""


def can(actor: Actor, action: Action, region_id: int | None = None) -> bool:
    """True when ``actor`` may take ``action`` (in ``region_id``, when it is regional)."""
    if action in _ANYWHERE.get(actor.role, frozenset()):
        return True
    if action not in _OWN_REGION.get(actor.role, frozenset()):
        return False
    if region_id is None and action in PAGE_ACTIONS:
        return True
    return actor.region_id is not None and region_id == actor.region_id


def require(actor: Actor, action: Action, region_id: int | None = None) -> None:
    """Raise :class:`PermissionDenied` unless :func:`can` allows it."""
    if not can(actor, action, region_id):
        raise PermissionDenied(
            "You do not have permission to do this"
            + (" for this region." if region_id is not None else ".")
        )


def roles_that_can(action: Action) -> tuple[tuple[Role, ...], tuple[Role, ...]]:
    """The roles that may take ``action`` anywhere, and those that may take it only in
    their own region, each in the order of :class:`Role`: who is entitled to see what
    only those who may take ``action`` see, in the terms of the rules above."""
    anywhere = tuple(r for r in Role if action in _ANYWHERE.get(r, frozenset()))
    own = tuple(r for r in Role if r not in anywhere and action in _OWN_REGION.get(r, frozenset()))
    return anywhere, own


def visible_region_ids(actor: Actor, all_region_ids: list[int]) -> list[int]:
    """The regions whose data this actor may see."""
    if can(actor, Action.VIEW_ALL_REGIONS):
        return list(all_region_ids)
    return [r for r in all_region_ids if r == actor.region_id]
