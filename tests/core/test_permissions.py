import pytest

from core.permissions import Action, Actor, PermissionDenied, Role, can, require, visible_region_ids

LONDON, NORTH_WEST = 2, 5
admin = Actor(1, "admin", Role.ADMIN)
national = Actor(2, "national", Role.NATIONAL_LEAD)
lead = Actor(3, "lead", Role.REGIONAL_LEAD, LONDON)
forum = Actor(4, "forum", Role.FORUM_MEMBER, LONDON)


def test_regional_lead_edits_only_their_own_region():
    assert can(lead, Action.EDIT_METRIC_VALUES, LONDON)
    assert not can(lead, Action.EDIT_METRIC_VALUES, NORTH_WEST)
    assert not can(lead, Action.EDIT_METRIC_VALUES, None)
    assert not can(lead, Action.DEFINE_NATIONAL_METRIC)
    assert not can(lead, Action.MANAGE_USERS)


def test_forum_member_reads_and_adds_feedback_only():
    assert can(forum, Action.VIEW_REGION, LONDON)
    assert can(forum, Action.ADD_FEEDBACK, LONDON)
    assert not can(forum, Action.ADD_FEEDBACK, NORTH_WEST)
    for action in (
        Action.EDIT_PLAN,
        Action.EDIT_METRIC_VALUES,
        Action.RESPOND_FEEDBACK,
        Action.VIEW_EXACT_EQUITY,
    ):
        assert not can(forum, action, LONDON)


def test_national_lead_sees_everywhere_and_defines_national_things():
    assert can(national, Action.VIEW_ALL_REGIONS)
    assert can(national, Action.DEFINE_NATIONAL_METRIC)
    assert can(national, Action.VIEW_REGION, NORTH_WEST)
    assert not can(national, Action.EDIT_METRIC_VALUES, LONDON)
    assert not can(national, Action.MANAGE_USERS)


def test_admin_may_do_everything():
    assert all(can(admin, action, LONDON) for action in Action)


def test_require_raises_a_plain_message():
    with pytest.raises(PermissionDenied, match="do not have permission"):
        require(forum, Action.EDIT_PLAN, LONDON)
    require(lead, Action.EDIT_PLAN, LONDON)


def test_visible_regions():
    assert visible_region_ids(national, [1, 2, 3]) == [1, 2, 3]
    assert visible_region_ids(lead, [1, 2, 3]) == [LONDON]


def test_a_regional_role_without_a_region_can_do_nothing_regional():
    orphan = Actor(9, "orphan", Role.REGIONAL_LEAD, None)
    assert not any(can(orphan, action, LONDON) for action in Action)


def test_page_actions_follow_the_roles_that_open_each_page():
    assert can(lead, Action.VIEW_IMPORT_VALUES)
    assert can(lead, Action.VIEW_IMPORT_VALUES, LONDON)
    assert not can(lead, Action.VIEW_IMPORT_VALUES, NORTH_WEST)
    assert can(admin, Action.VIEW_IMPORT_VALUES)
    for actor in (national, forum):
        assert not can(actor, Action.VIEW_IMPORT_VALUES)
    assert can(admin, Action.VIEW_ADMINISTRATION)
    for actor in (national, lead, forum):
        assert not can(actor, Action.VIEW_ADMINISTRATION)
        assert not can(actor, Action.VIEW_ADMINISTRATION, actor.region_id)
    for action in (Action.VIEW_AUDIT_LOG, Action.VIEW_ALL_REGIONS):
        assert can(national, action) and can(admin, action)
        assert not can(lead, action) and not can(forum, action)
