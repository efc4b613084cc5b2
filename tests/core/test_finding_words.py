"""The words of issue 13's "finding things": feedback waiting in the picker, one "We
did", and the attention items for actions needing an update and projects."""

from __future__ import annotations

from datetime import date

from core.feedback_rules import STATUS_MEANINGS, item_label, we_did
from core.reminders import Kind, RegionFacts, attention_items, lead_items, national_items

TODAY = date(2026, 12, 6)


def row(status: str, received: date = date(2026, 11, 2)) -> dict:
    return {"status": status, "received_on": received, "source": "Carer", "summary": "More"}


def test_the_picker_says_which_items_wait_and_for_how_long() -> None:
    assert item_label(row("received"), TODAY) == "Waiting 34 days · 2 Nov 2026, Carer: More"
    assert item_label(row("in_progress", TODAY), TODAY).startswith("Waiting 0 days · ")
    assert item_label(row("responded"), TODAY).startswith("Responded · ")
    assert item_label(row("closed"), TODAY).startswith("Closed · ")
    assert item_label(row("received")) == "2 Nov 2026, Carer: More"


def test_responded_and_closed_are_explained() -> None:
    assert "written what we did" in STATUS_MEANINGS["responded"]
    assert "nothing more to do" in STATUS_MEANINGS["closed"]


def test_we_did_keeps_what_was_recorded_as_action_taken() -> None:
    assert we_did("Met the team.", "") == "Met the team."
    assert we_did("", "Added to the agenda.") == "Added to the agenda."
    assert we_did("Met the team.", "Added to the agenda.") == (
        "Met the team.\n\nAdded to the agenda."
    )
    assert we_did("Same.", " Same. ") == "Same."
    assert we_did(None, float("nan")) == ""


def test_a_lead_hears_about_actions_needing_an_update_and_the_own_aim() -> None:
    facts = RegionFacts(1, "London", actions_need_update=2, projects_counted=1, projects_aim=3)
    kinds = {i.kind: i for i in lead_items(facts, TODAY, 6)}
    assert "2 overdue actions need an update" in kinds[Kind.ACTIONS_NEED_UPDATE].sentence
    assert kinds[Kind.PROJECTS_BELOW].sentence == (
        "London has 1 community project active or completed, against its own aim of 3."
    )
    met = RegionFacts(1, "London", projects_counted=3, projects_aim=3)
    assert not [i for i in lead_items(met, TODAY, 6) if i.kind == Kind.PROJECTS_BELOW]


def test_national_leads_hear_when_rethink_is_below_three_projects() -> None:
    regions = [RegionFacts(1, "A", projects_counted=1), RegionFacts(2, "B", projects_counted=1)]
    (item,) = projects(national_items(regions, TODAY, 6))
    assert item.sentence == (
        "Across Rethink, 2 of the 3 community projects the plan commits to are active or completed."
    )
    assert not projects(national_items([RegionFacts(1, "A", projects_counted=3)], TODAY, 6))
    assert not projects(national_items([RegionFacts(1, "A")], TODAY, 6))  # not read
    assert projects(attention_items("national_lead", None, {1: regions[0]}, TODAY, 6))


def projects(items: list) -> list:
    return [i for i in items if i.kind == Kind.PROJECTS_BELOW]
