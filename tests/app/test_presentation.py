"""The Forum meeting's presentation mode through the real app: entering it, moving with
Next and Previous (with "n of N"), one metric with its chart on a screen, no editing
controls, the decisions as wrapped text, and leaving it."""

from __future__ import annotations

import re

import pytest

from tests.app.test_forum_meeting_page import EDIT_BUTTONS, buttons, open_page
from tests.markdown_text import shown

PRESENT_BUTTONS = {
    "Previous",
    "Next",
    "Leave presentation",
    "Previous (Page Up)",
    "Next (Page Down)",
    "Sign out",
}


def counter(at) -> tuple[int, int]:
    """The "3 of 12" the screen shows, as (3, 12)."""
    for m in at.markdown:
        found = re.fullmatch(r"\*\*(\d+) of (\d+)\*\*", m.value)
        if found:
            return int(found[1]), int(found[2])
    raise AssertionError("no 'n of N' on the screen")


def heading(at) -> str:
    """The screen's heading as the room reads it."""
    return shown(next(m.value for m in at.markdown if m.value.startswith("## ")))


def present(at):
    at.toggle(key="forum-present").set_value(True).run()
    assert not at.exception, at.exception
    return at


def step(at, key: str):
    at.button(key=key).click().run()
    assert not at.exception, at.exception
    return at


def go_to(at, title_start: str, limit: int = 80):
    """Next until the screen's heading starts with ``title_start``."""
    for _ in range(limit):
        if heading(at).removeprefix("## ").startswith(title_start):
            return at
        step(at, "forum-next")
    raise AssertionError(f"no screen starts with {title_start!r}")


@pytest.mark.parametrize("username", ["london.forum", "london.lead"])
def test_presentation_moves_one_screen_at_a_time_and_leaves(signed_in, username):
    at = present(open_page(signed_in, username))
    first, total = counter(at)
    assert first == 1 and total > 10
    assert buttons(at) == PRESENT_BUTTONS, "no editing controls while presenting"
    assert not at.text_area and not at.text_input and not at.date_input
    assert at.button(key="forum-previous").disabled
    assert not at.button(key="forum-next").disabled

    step(at, "forum-next")
    assert counter(at) == (2, total)
    step(at, "forum-next")
    assert counter(at) == (3, total)
    step(at, "forum-previous")
    assert counter(at) == (2, total)
    # The Page Up and Page Down buttons (for clickers) move the same way.
    step(at, "forum-page-down")
    assert counter(at) == (3, total)
    step(at, "forum-page-up")
    assert counter(at) == (2, total)

    step(at, "forum-leave")
    assert at.toggle(key="forum-present").value is False
    assert at.subheader[0].value == "Since the last meeting"
    assert not EDIT_BUTTONS & buttons(at) or username == "london.lead"


@pytest.mark.parametrize("username", ["london.forum", "london.lead"])
def test_a_metric_screen_has_one_chart_with_large_fonts(signed_in, username):
    at = go_to(present(open_page(signed_in, username)), "Cultural awareness")
    assert [m.label for m in at.metric] == ["Status", "Metrics with a score", "Actions complete"]
    step(at, "forum-next")
    charts = at.get("vega_lite_chart")
    assert len(charts) == 1, "one metric, one chart, on a screen"
    spec = charts[0].proto.spec
    assert '"labelFontSize": 18' in spec and '"fontSize": 24' in spec
    assert at.table, "the figures beside the chart"
    if username == "london.forum":
        assert any("disclosure control" in c.value for c in at.caption)


def test_the_last_screens_are_the_decisions_as_text(signed_in):
    at = open_page(signed_in, "london.lead")
    decision = "Hold a listening event with young Black men about the service " * 4
    next(t for t in at.text_area if t.label == "Decision").input(decision.strip())
    next(b for b in at.button if b.label == "Record the decision").click().run()
    assert not at.exception, at.exception
    present(at)
    _, total = counter(at)
    for _ in range(total + 2):  # past the end stays on the last screen
        if not at.button(key="forum-next").disabled:
            step(at, "forum-next")
    assert counter(at) == (total, total)
    assert heading(at).startswith("## Decisions and new actions")
    assert at.button(key="forum-next").disabled
    assert not at.dataframe, "decisions are wrapped text, not a table that cuts them"
    said = [shown(m.value) for m in at.markdown]
    assert decision.strip() in said, "the whole decision, in words"


def test_long_lists_are_split_across_screens(signed_in):
    at = go_to(present(open_page(signed_in, "london.forum")), "Community projects")
    assert heading(at) == "## Community projects (1 of 2)", "London's three demo projects"
    assert len([m for m in at.markdown if m.value.startswith("### ")]) == 2
    step(at, "forum-next")
    assert heading(at) == "## Community projects (2 of 2)"
    assert len([m for m in at.markdown if m.value.startswith("### ")]) == 1
    step(at, "forum-next")
    assert heading(at) == "## Feedback: you said, we did"
    assert "Still waiting for a response" in [m.label for m in at.metric]
