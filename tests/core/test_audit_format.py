from core.audit_format import action_words, describe_changes


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
