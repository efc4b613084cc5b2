"""The Themes page through the real app, for each role."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from components.badges import status_markdown
from core.statuses import PROGRESS_STATUSES
from db.models import Region
from db.theme_progress import METHOD_SENTENCES, theme_statuses
from tests.markdown_text import shown

ROLES = [
    ("national.lead", "demo-national"),
    ("london.lead", "demo-london"),
    ("northwest.lead", "demo-northwest"),
    ("london.forum", "demo-forum"),
    ("admin", "demo-admin"),
]
THEMES = [
    "Cultural awareness",
    "Staff knowledge and awareness",
    "Partnership working",
    "Coproduction",
    "Workforce",
    "Co-learning",
]


def open_themes(signed_in, username: str, password: str):
    at = signed_in(username, password)
    at.switch_page("pages/themes.py")
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


def markdown(at) -> str:
    """The page's markdown as it reads (typed text is escaped in the source)."""
    return "\n".join(shown(m.value) for m in at.markdown)


def region_id(url: str, region_code: str) -> int:
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            return session.scalar(select(Region.id).where(Region.code == region_code))
    finally:
        engine.dispose()


def expected_statuses(url: str, region_code: str) -> dict[str, str]:
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            region_id = session.scalar(select(Region.id).where(Region.code == region_code))
            frame = theme_statuses(session, [region_id])
    finally:
        engine.dispose()
    return dict(zip(frame["theme"], frame["status_label"], strict=True))


@pytest.mark.parametrize(("username", "password"), ROLES)
def test_each_role_sees_six_themes_with_statuses_in_words(signed_in, username, password):
    at = open_themes(signed_in, username, password)
    assert [shown(s.value) for s in at.subheader][:6] == THEMES
    text = markdown(at)
    assert METHOD_SENTENCES[0] in text and METHOD_SENTENCES[1] in text
    labels = {style.label for style in PROGRESS_STATUSES.values()}
    badges = {status_markdown(style) for style in PROGRESS_STATUSES.values()}
    # each theme's card says its words in one markdown element, its badge first
    drawn = [m.value for m in at.markdown if m.value.split("\n\n", 1)[0] in badges]
    assert len(drawn) == 6, "one status badge per theme, in words and an icon"
    assert len(at.get("vega_lite_chart")) == 6, "a trend chart per theme"
    summary = at.dataframe[-1].value
    assert summary["Theme"].tolist() == THEMES
    assert summary["Status"].isin(labels).all()


def test_regional_lead_sees_their_own_region_and_its_statuses(signed_in, app_env):
    at = open_themes(signed_in, "northwest.lead", "demo-northwest")
    assert not at.selectbox, "a regional lead has no region picker"
    assert [h.value for h in at.header] == ["North West"]
    summary = at.dataframe[-1].value
    expected = expected_statuses(app_env, "north_west")
    assert dict(zip(summary["Theme"], summary["Status"], strict=True)) == expected


def test_national_lead_picks_a_region(signed_in, app_env):
    at = open_themes(signed_in, "national.lead", "demo-national")
    picker = next(s for s in at.selectbox if s.label == "Region")
    picker.set_value(region_id(app_env, "north_west"))
    at.run()
    assert not at.exception
    assert [h.value for h in at.header] == ["North West"]
    summary = at.dataframe[-1].value
    expected = expected_statuses(app_env, "north_west")
    assert dict(zip(summary["Theme"], summary["Status"], strict=True)) == expected


def test_forum_member_sees_a_read_only_page(signed_in):
    at = open_themes(signed_in, "london.forum", "demo-forum")
    assert [shown(h.value) for h in at.header] == ["London"]
    assert not at.main.button, "no editing buttons (only downloads and links)"
    assert not at.text_input and not at.text_area and not at.number_input


def test_metrics_behind_each_theme_are_listed_with_their_status(signed_in):
    at = open_themes(signed_in, "london.lead", "demo-london")
    titles = [e.proto.label for e in at.expander]
    assert sum(t.startswith("The ") and "behind this theme" in t for t in titles) == 6
    text = markdown(at)
    assert "(CA01, national;" in text and "(LONDON-L01, local;" in text
