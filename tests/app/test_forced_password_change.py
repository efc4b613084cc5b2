"""A person's own password through the real app: after an administrator's reset that
asks for a new one, the person sees only "Choose a new password" until they have
chosen one; at any other time, "Change your password" on the Your account page."""

from __future__ import annotations

import pytest

from core.permissions import SYSTEM_ACTOR
from db.users import reset_password
from tests.app.conftest import new_app, sign_in
from tests.markdown_text import shown

GIVEN = "Lantern-kettle-moss-river"
CHOSEN = "Otter-basalt-violin-7"


@pytest.fixture
def reset_lead(app_engine):
    reset_password(app_engine, SYSTEM_ACTOR, "london.lead", GIVEN, must_change_password=True)
    at = sign_in(new_app(), "london.lead", GIVEN)
    assert not at.exception, at.exception
    return at


def fill(at, current: str, new: str, again: str):
    boxes = {t.label: t for t in at.main.text_input}
    boxes["Current password (the one you were given)"].input(current)
    boxes["New password"].input(new)
    boxes["New password again"].input(again)
    next(b for b in at.main.button if b.label == "Set my new password").click()
    return at.run()


def test_only_the_new_password_form_is_shown(reset_lead):
    assert [t.value for t in reset_lead.title] == ["Choose a new password"]
    assert not reset_lead.toggle  # not even the sidebar's settings
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        reset_lead.switch_page("pages/overview.py")


def test_two_different_new_passwords_are_refused(reset_lead):
    at = fill(reset_lead, GIVEN, CHOSEN, CHOSEN + "x")
    assert any("not the same" in shown(e.value) for e in at.error)
    assert [t.value for t in at.title] == ["Choose a new password"]


def test_choosing_one_opens_the_dashboard_and_names_the_account(reset_lead):
    at = fill(reset_lead, GIVEN, CHOSEN, CHOSEN)
    assert not at.exception, at.exception
    assert "Choose a new password" not in [t.value for t in at.title]
    said = [shown(s.value) for s in at.sidebar.success]
    assert "New password set for london.lead." in said, said


def change_on_account_page(at, current: str, new: str):
    at.switch_page("pages/account.py").run()
    boxes = {t.label: t for t in at.main.text_input}
    boxes["Current password"].input(current)
    boxes["New password"].input(new)
    boxes["New password again"].input(new)
    next(b for b in at.main.button if b.label == "Set my new password").click()
    return at.run()


def test_a_guessable_password_is_refused_on_the_account_page_with_advice(signed_in):
    at = change_on_account_page(
        signed_in("london.lead", "demo-london"), "demo-london", "password1234"
    )
    errors = [shown(e.value) for e in at.main.error]
    assert any("too easy to guess" in e and "very common password" in e for e in errors), errors


def test_anyone_changes_their_own_password_on_the_account_page(signed_in):
    at = change_on_account_page(signed_in("london.forum", "demo-forum"), "demo-forum", CHOSEN)
    assert not at.exception, at.exception
    assert "New password set for london.forum." in [shown(s.value) for s in at.main.success]
