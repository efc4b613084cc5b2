"""Who may change a meeting: a Regional Forum's meetings belong to its region, a national
governance body's to national leads (``Action.MANAGE_BODIES``). Every write about a
meeting asks here, so the rule is the same for details, attendance and decisions."""

from __future__ import annotations

from core.permissions import Action
from db.models import ForumMeeting
from db.writes import WriteRefused

NOT_A_FORUM = (
    "That is a meeting of a national governance body, not of a Regional Forum: the "
    "region's quarters and agenda are taken at its own Forum's meetings."
)


def meeting_permission(meeting: ForumMeeting, regional: Action) -> tuple[Action, int | None]:
    """The permission a change of ``meeting`` needs, as ``(action, region)`` for
    ``uow.require``: ``regional`` in the meeting's region for a Regional Forum; keeping
    the national bodies for a body's meeting."""
    if meeting.body_id is not None:
        return Action.MANAGE_BODIES, None
    return regional, meeting.region_id


def forum_region(meeting: ForumMeeting) -> int:
    """The region of a Regional Forum meeting; refuses a national body's meeting (for
    writes that only a Regional Forum takes, such as signing off a quarter)."""
    if meeting.region_id is None:
        raise WriteRefused(NOT_A_FORUM)
    return meeting.region_id
