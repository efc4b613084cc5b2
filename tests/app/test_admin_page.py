"""The Administration page through the real app."""

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import pages_for
from core.permissions import Role
from db.models import Region, User
from tests.markdown_text import shown


def test_admin_page_is_only_for_admins():
    for role in ("national_lead", "regional_lead", "forum_member"):
        assert "pages/admin.py" not in [p.path for p in pages_for(role)]
    assert "pages/admin.py" in [p.path for p in pages_for("admin")]


def choose(box, shown_as: str, values) -> None:
    """Pick, among ``values``, the one the select box shows as ``shown_as`` (its format
    function takes the values, not their labels)."""
    box.set_value(next(v for v in values if box.format_func(v) == shown_as))


def region_ids(engine) -> list[int]:
    with Session(engine) as session:
        return list(session.scalars(select(Region.id)))


def admin_page(signed_in):
    at = signed_in("admin", "demo-admin")
    at.switch_page("pages/admin.py")
    at.run()
    assert not at.exception
    return at


def add_account(at, username: str, password: str, role=None, region=None, regions=()):
    form_inputs = {t.label: t for t in at.main.text_input}
    form_inputs["Username (what they type to sign in)"].input(username)
    form_inputs["Full name"].input(username.title())
    form_inputs["First password"].input(password)
    if role is not None:
        choose(next(s for s in at.selectbox if s.label == "Role"), role, [r.value for r in Role])
    if region is not None:
        box = next(s for s in at.selectbox if s.label.startswith("Region (regional"))
        choose(box, region, regions)
    next(b for b in at.main.button if b.label == "Add account").click()
    at.run()
    assert not at.exception
    return at


def test_admin_adds_an_account(signed_in):
    at = add_account(admin_page(signed_in), "new.person", "a-long-password!")
    assert any("Added the account new.person." in shown(s.value) for s in at.success)


def test_a_short_password_is_refused_on_the_page(signed_in):
    at = add_account(admin_page(signed_in), "short.pw", "short")
    assert any("at least 12" in e.value for e in at.error)


def test_a_common_password_is_refused_with_advice(signed_in):
    at = add_account(admin_page(signed_in), "common.pw", "password1234")
    errors = [shown(e.value) for e in at.error]
    assert any("too easy to guess" in e and "very common password" in e for e in errors), errors


def test_other_roles_cannot_reach_the_page(signed_in):
    at = signed_in("national.lead", "demo-national")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/admin.py")


def test_a_region_for_a_national_role_is_refused_with_a_clear_message(signed_in, app_engine):
    at = add_account(
        admin_page(signed_in),
        "jo.national",
        "a-long-password!",
        "National lead",
        "London",
        region_ids(app_engine),
    )
    errors = [shown(e.value) for e in at.error]
    assert any("National lead is a national role" in e for e in errors), errors
    assert not any("Added the account" in shown(s.value) for s in at.success)


def test_setting_a_password_names_the_account(signed_in, app_engine):
    at = admin_page(signed_in)
    with Session(app_engine) as session:
        lead = session.scalar(select(User.id).where(User.username == "london.lead"))
    next(s for s in at.selectbox if s.label == "Account").set_value(lead)
    at.run()
    next(t for t in at.main.text_input if t.label == "New password").input("Otter-basalt-violin-7")
    next(b for b in at.main.button if b.label == "Set new password").click()
    at.run()
    assert not at.exception
    said = [shown(s.value) for s in at.success]
    assert any(s.startswith("New password set for london.lead.") for s in said), said
    assert any("choose their own when they next sign in" in s for s in said), said


def test_the_add_area_form_keeps_the_region_between_adds(signed_in, app_engine):
    at = admin_page(signed_in)
    choose(at.selectbox(key="add_area_region"), "North West", region_ids(app_engine))
    for name in ("Merged ICB one", "Merged ICB two"):
        next(t for t in at.main.text_input if t.label == "Name of the area").input(name)
        next(b for b in at.main.button if b.label == "Add area").click()
        at.run()
        assert not at.exception
        assert any(f"Added {name} to North West." in shown(s.value) for s in at.success), [
            s.value for s in at.success
        ]
        region = at.selectbox(key="add_area_region")
        assert region.format_func(region.value) == "North West"
        assert next(t for t in at.main.text_input if t.label == "Name of the area").value == ""
