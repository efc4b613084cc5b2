"""The forum's voice, pure: limits, the hidden-comment notice, the coproduction wording."""

from __future__ import annotations

from datetime import date, datetime

from core import forum
from core.entities import Entity


def test_comment_length_limits():
    assert forum.comment_problems("ok") == []
    assert forum.comment_problems("x" * 2000) == []
    assert forum.comment_problems("") == ["Write your comment."]
    assert forum.comment_problems("   ") == ["Write your comment."]
    assert "at least 2" in forum.comment_problems("a")[0]
    assert "2,000" in forum.comment_problems("x" * 2001)[0]


def test_agenda_limits():
    assert forum.agenda_problems("Carers", "") == []
    assert "at least 3" in forum.agenda_problems("ab")[0]
    assert "200" in forum.agenda_problems("x" * 201)[0]
    assert forum.agenda_problems("Title", "d" * 2000) == []
    assert "detail" in forum.agenda_problems("Title", "d" * 2001)[0]


def test_hide_reason_needs_five_characters():
    assert forum.hide_reason_problems("rude") != []
    assert forum.hide_reason_problems("Named a person") == []
    assert forum.hide_reason_problems("") == ["Write the reason for hiding it."]


def test_answer_limits():
    assert forum.answer_problems("Yes") == []
    assert forum.answer_problems("") != []
    assert forum.answer_problems("x" * 2001) != []


def test_only_actions_metrics_and_projects_take_comments():
    for kind in (Entity.PLAN_ACTION, Entity.METRIC, Entity.COMMUNITY_PROJECT):
        assert forum.entity_problem(kind) == ""
    assert forum.entity_problem(Entity.FEEDBACK_ITEM)
    assert forum.entity_problem("user")


def test_agreed_at_forum_wording():
    assert (
        forum.agreed_at_forum(date(2026, 3, 12)) == "Agreed at the Regional Forum on 12 March 2026"
    )
    assert forum.comments_label(3) == "Comments (3)"
    assert forum.written_on(datetime(2026, 3, 2, 9, 30)) == "2 March 2026"


def test_decision_choice_shortens_long_text():
    text = "word " * 50
    label = forum.decision_choice(date(2026, 3, 12), text)
    assert label.startswith("12 March 2026: word word")
    assert label.endswith("…")
    assert len(label) < 100
    assert forum.decision_choice(date(2026, 3, 12), "Agreed") == "12 March 2026: Agreed"


def _view(**changes):
    fields = {
        "comment_id": 1,
        "entity_type": "plan_action",
        "entity_id": 7,
        "author": "Femi",
        "written_at": datetime(2026, 3, 2, 9),
        "text": "The secret words",
        "hidden_at": None,
        "hidden_reason": "",
        "answer": "",
        "answered_by": "",
        "answered_at": None,
        "version": 1,
    }
    return forum.comment_view(**{**fields, **changes})


def test_a_hidden_comment_shows_only_the_notice_and_reason():
    shown = _view()
    assert shown.text == "The secret words" and not shown.hidden
    hidden = _view(
        hidden_at=datetime(2026, 3, 3),
        hidden_reason="It named a person",
        answer="An answer quoting the secret words",
        answered_by="Leon",
    )
    assert hidden.hidden
    assert hidden.text == "A comment was hidden by the regional lead: It named a person"
    assert "secret" not in repr(hidden)
    assert hidden.answer == "" and not hidden.answered


def test_comment_choice_names_author_date_and_start():
    assert _view().choice == "Femi, 2 March 2026: The secret words"
    assert _view(text="x" * 100).choice.endswith("…")


def test_coproduction_record_by_link_or_by_text():
    assert forum.has_coproduction_record({"agreed_decision_id": 4})
    assert forum.has_coproduction_record(
        {
            "agreed_decision_id": float("nan"),
            "coproduced_with": "Forum",
            "coproduced_on": date(2026, 1, 1),
        }
    )
    assert not forum.has_coproduction_record({"agreed_decision_id": None, "coproduced_with": ""})


def test_agenda_item_outcome_in_words():
    waiting = forum.AgendaItemView(
        1, "Carers", "", "Femi", datetime(2026, 3, 1), None, None, "", "", None, 1
    )
    assert waiting.waiting and waiting.outcome() == "Waiting for the next meeting."
    taken = forum.AgendaItemView(
        2,
        "Carers",
        "",
        "Femi",
        datetime(2026, 3, 1),
        5,
        date(2026, 3, 12),
        "We will try evenings.",
        "Leon",
        datetime(2026, 3, 12, 12),
        2,
    )
    assert not taken.waiting
    assert taken.outcome() == (
        "Taken at the Regional Forum on 12 March 2026. "
        "Answer from Leon, 12 March 2026: We will try evenings."
    )
