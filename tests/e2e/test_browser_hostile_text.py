"""Text people type is never run as HTML: hostile names, notes, feedback and project
titles show as plain text in a real browser, and no dialog ever opens."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.permissions import Actor
from db.admin import update_user
from db.engine import build_engine
from db.feedback import add_feedback
from db.models import ActionArea, Region, Theme, User
from db.plan import add_action, post_action_update
from db.projects import ProjectInput, create_project
from tests.e2e.helpers import assert_no_errors, open_page, sign_in

SCRIPT = "<script>alert('x')</script>"
IMAGE = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def hostile(app_server) -> dict[str, str]:
    """Hostile text written through the app's own writes into the server's database."""
    engine = build_engine(app_server.database_url)
    with Session(engine) as session:
        london = session.scalar(select(Region.id).where(Region.code == "london"))
        users = {u.username: u for u in session.scalars(select(User))}
        area = session.scalar(select(ActionArea.id).limit(1))
        theme = session.scalar(select(Theme.id).where(Theme.monitoring).limit(1))

    def actor(name: str) -> Actor:
        u = users[name]
        return Actor(u.id, u.username, u.role, u.region_id)

    lead = actor("london.lead")
    update_user(
        engine,
        actor("admin"),
        users["london.lead"].id,
        display_name=f"Lead {IMAGE}",
        email="",
        role="regional_lead",
        region_id=london,
        active=True,
    )
    action_id = add_action(
        engine, lead, london, f"Action {SCRIPT}", area, [theme], owner=f"Owner {IMAGE}"
    )
    post_action_update(engine, lead, action_id, date(2026, 1, 10), f"Note {IMAGE}")
    add_feedback(
        engine, actor("london.forum"), london, "Carer", date(2026, 1, 5), f"Feedback {SCRIPT}"
    )
    create_project(
        engine,
        lead,
        london,
        ProjectInput(title=f"Project {IMAGE}", place=f"Place {SCRIPT}", theme_ids=(theme,)),
    )
    engine.dispose()
    return {
        "Local plan": f"Action {SCRIPT}",
        "Feedback": f"Feedback {SCRIPT}",
        "Community projects": f"Project {IMAGE}",
    }


def test_hostile_text_shows_as_text_and_runs_nothing(page: Page, base_url: str, hostile):
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(page, base_url, "london.lead", "demo-london")
    expect(page.get_by_text(f"Lead {IMAGE}").first).to_be_visible()
    for title, text in hostile.items():
        open_page(page, title)
        assert_no_errors(page, title)
        main = page.locator('[data-testid="stMain"]')
        expect(main, f"{title}: the text was not shown as typed").to_contain_text(text)
        assert page.locator('[data-testid="stMain"] script').count() == 0
        assert page.locator('[data-testid="stMain"] img[src="x"]').count() == 0
    assert dialogs == []
