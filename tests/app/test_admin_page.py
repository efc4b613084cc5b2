"""The Administration page through the real app."""

import pytest

from app import pages_for
from tests.markdown_text import shown


def test_admin_page_is_only_for_admins():
    for role in ("national_lead", "regional_lead", "forum_member"):
        assert "pages/admin.py" not in [p.path for p in pages_for(role)]
    assert "pages/admin.py" in [p.path for p in pages_for("admin")]


def test_admin_adds_an_account(signed_in):
    at = signed_in("admin", "demo-admin")
    at.switch_page("pages/admin.py")
    at.run()
    assert not at.exception
    form_inputs = {t.label: t for t in at.text_input}
    form_inputs["Username (what they type to sign in)"].input("new.person")
    form_inputs["Full name"].input("New Person")
    form_inputs["First password (at least 12 characters)"].input("a-long-password!")
    next(b for b in at.button if b.label == "Add account").click()
    at.run()
    assert not at.exception
    assert any("Added the account 'new.person'" in shown(s.value) for s in at.success)


def test_a_short_password_is_refused_on_the_page(signed_in):
    at = signed_in("admin", "demo-admin")
    at.switch_page("pages/admin.py")
    at.run()
    form_inputs = {t.label: t for t in at.text_input}
    form_inputs["Username (what they type to sign in)"].input("short.pw")
    form_inputs["Full name"].input("Short")
    form_inputs["First password (at least 12 characters)"].input("short")
    next(b for b in at.button if b.label == "Add account").click()
    at.run()
    assert any("at least 12" in e.value for e in at.error)


def test_other_roles_cannot_reach_the_page(signed_in):
    at = signed_in("national.lead", "demo-national")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/admin.py")
