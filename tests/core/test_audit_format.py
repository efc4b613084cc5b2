from datetime import date, datetime

from core.audit_format import (
    FIGURE_NOT_SHOWN,
    RecordedEvent,
    action_words,
    actions_matching,
    describe_changes,
    kind_words,
    kinds_matching,
    log_entry,
    matches,
    record_words,
    search_query,
    stored_forms,
    who_words,
)


def test_changes_are_described_field_by_field():
    assert describe_changes({"owner": "", "title": "A"}, {"owner": "Sam", "title": "A"}) == (
        "owner: (blank) → Sam"
    )
    assert describe_changes(None, {"value": 4}) == "value: 4"


def test_status_codes_are_shown_in_words():
    text = describe_changes({"status": "on_track"}, {"status": "at_risk"})
    assert text == "status: On track → At risk"
    assert describe_changes({"status": "in_progress"}, {"status": "responded"}) == (
        "status: In progress → Responded"
    )


def test_actions_in_words():
    assert action_words("create") == "Added"
    assert action_words("something_new") == "Something new"


# --- the audit log in words ----------------------------------------------------------


def event(**changes) -> RecordedEvent:
    fields = {
        "occurred_at": datetime(2026, 11, 12, 16, 0),
        "username": "sam.lee",
        "entity_type": "metric_value",
        "entity_id": 1128,
        "region": "London",
        "action": "update",
        "before": {"value": 3.0},
        "after": {"value": 4.0},
        "reason": "Typo in the return",
    }
    return RecordedEvent(**(fields | changes))


def test_a_person_is_named_with_their_account():
    assert who_words("sam.lee", "Sam Lee") == "Sam Lee (sam.lee)"


def test_a_person_without_a_known_name_is_their_account():
    assert who_words("system (command line)", None) == "system (command line)"
    assert who_words("sam.lee", "sam.lee") == "sam.lee"


def test_a_metric_value_is_named_by_its_metric_quarter_and_group():
    live = {
        "metric": "CA01",
        "metric_name": "Staff trained",
        "period_start": date(2024, 4, 1),
        "group": "Indian",
    }
    assert record_words("metric_value", 1128, live) == (
        "Metric value: CA01 Staff trained, Q1 2024/25, Indian"
    )


def test_a_metric_value_never_shows_its_figure_in_its_name():
    words = record_words("metric_value", 1128, {"metric": "CA01"}, {"value": 3}, {"value": 987})
    assert words == "Metric value: CA01"


def test_a_deleted_record_is_named_from_what_its_event_kept():
    words = record_words("community_project", 7, None, before={"title": "Barbershop talks"})
    assert words == "Community project: Barbershop talks"


def test_a_deleted_record_the_event_did_not_describe_says_so():
    assert record_words("community_project", 7, None) == "Community project 7 (since removed)"


def test_a_national_body_meeting_is_named_by_its_body_and_date():
    facts = {"body_id": 2, "meeting_date": "2026-11-12"}
    assert record_words("forum_meeting", 5, None, after=facts, bodies={2: "Board of Trustees"}) == (
        "Meeting: Board of Trustees meeting on 12 November 2026"
    )


def test_a_regional_meeting_is_the_regional_forum_s():
    live = {"meeting_date": date(2026, 5, 16)}
    assert record_words("forum_meeting", 5, live) == (
        "Meeting: Regional Forum meeting on 16 May 2026"
    )


def test_a_decision_quotes_its_words_and_names_its_meeting():
    live = {"text": "Trial evening meetings.", "meeting_date": date(2026, 11, 12), "body": "EIB"}
    assert record_words("meeting_decision", 3, live) == (
        "Meeting decision: ‘Trial evening meetings.’ (EIB meeting on 12 November 2026)"
    )


def test_a_board_report_is_named_by_its_body_and_period():
    after = {"body": "Equity and Inclusion Board", "period_start": "2026-07-01"}
    quarter = after | {"period_kind": "quarter"}
    half = after | {"period_start": "2026-04-01", "period_kind": "half"}
    assert record_words("board_report", 1, None, after=quarter) == (
        "Board report: Equity and Inclusion Board, Q2 2026/27"
    )
    assert record_words("board_report", 1, None, after=half).endswith("H1 2026/27")


def test_a_hidden_comment_is_not_quoted():
    live = {"hidden": True, "author": "Femi", "on": "action", "item": "LG2 Forum"}
    words = record_words("comment", 4, live, after={"text": "It named someone"})
    assert "named someone" not in words
    assert words == "Comment: hidden (Femi, on the action ‘LG2 Forum’)"


def test_new_kinds_and_actions_have_words():
    assert kind_words("board_report") == "Board report"
    assert action_words("issue") == "Issued"


def test_an_entry_hides_the_figures_it_is_told_to():
    entry = log_entry(event(), hidden=frozenset({"value"}))
    assert entry.changes == f"value: {FIGURE_NOT_SHOWN}"
    assert entry.who == "sam.lee" and entry.region == "London" and entry.what == "Changed"


def test_an_entry_without_a_region_is_national():
    assert log_entry(event(region=None)).region == "National"


def test_a_search_matches_the_words_shown_in_any_case():
    entry = log_entry(event(), display_name="Sam Lee", live={"metric": "CA01"})
    assert matches(entry, search_query("  sam   LEE "))
    assert matches(entry, search_query("typo"))
    assert matches(entry, search_query("ca01"))
    assert not matches(entry, search_query("Jo Bloggs"))


def test_a_search_never_matches_a_hidden_figure():
    entry = log_entry(event(after={"value": 987.0}), hidden=frozenset({"value"}))
    assert not matches(entry, search_query("987"))


def test_a_search_looks_for_what_the_json_keeps():
    assert "on_track" in stored_forms(search_query("On track"))
    assert "people_reached" in stored_forms("people reached")
    assert "\\u00e9" in "".join(stored_forms("é"))


def test_a_search_knows_the_kinds_and_actions_by_their_words():
    assert "board_report" in kinds_matching("board")
    assert actions_matching("issued") == ["issue"]
