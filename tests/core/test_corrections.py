"""The wording and rules of corrections: a reason is required; those who may see the
region's exact figures read what was corrected, who did it and why; everyone else reads
only that something was (never a value, a title or the reason)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from core.corrections import (
    REASON_MAX,
    CorrectionView,
    Kind,
    correction_line,
    corrections_label,
    done_word,
    reason_problems,
    retired_label,
    short,
    value_summary,
)


def view(kind: Kind, **changes) -> CorrectionView:
    fields = {
        "kind": kind,
        "entity_id": 7,
        "parent_id": 3,
        "region_id": 2,
        "period_start": None,
        "summary": "",
        "made_by": "Sam Lee",
        "made_by_role": "regional_lead",
        "made_at": datetime(2026, 12, 3, 10, 15),
        "reason": "typed into the wrong quarter",
    }
    return CorrectionView(**{**fields, **changes})


WITHDRAWN = view(
    Kind.VALUE_WITHDRAWN,
    period_start=date(2026, 7, 1),
    summary=value_summary("CA01", date(2026, 7, 1), "3"),
)


def test_a_lead_reads_what_was_withdrawn_by_whom_when_and_why():
    assert correction_line(WITHDRAWN, full=True) == (
        "The value CA01, Q2 2026/27: 3 was withdrawn by Sam Lee on 3 December 2026 "
        "because: typed into the wrong quarter"
    )


def test_a_forum_member_reads_only_that_a_value_was_withdrawn():
    line = correction_line(WITHDRAWN, full=False)
    assert line == "A value for Q2 2026/27 was withdrawn by the regional lead on 3 December 2026."
    assert "3 was" not in line and "CA01" not in line and "quarter because" not in line
    assert "Sam Lee" not in line and "typed" not in line


@pytest.mark.parametrize(
    ("kind", "start"),
    [
        (Kind.PROJECT_DELETED, "A community project was deleted"),
        (Kind.FEEDBACK_DELETED, "A piece of feedback was deleted"),
        (Kind.UPDATE_DELETED, "A progress update was deleted"),
        (Kind.DECISION_DELETED, "A decision was deleted"),
        (Kind.METRIC_RETIRED, "This metric was retired"),
    ],
)
def test_deletions_are_told_without_their_title(kind, start):
    line = correction_line(view(kind, summary="Carer named Jo, 2 people"), full=False)
    assert line.startswith(start) and "Jo" not in line and "2 people" not in line
    assert correction_line(view(kind, summary="Title"), full=True).endswith(
        "because: typed into the wrong quarter"
    )


def test_who_is_said_by_role_to_those_who_may_not_see_details():
    national = view(Kind.METRIC_RETIRED, made_by_role="national_lead")
    assert "by a national lead" in correction_line(national, full=False)
    admin = view(Kind.PROJECT_DELETED, made_by_role="admin")
    assert "by an administrator" in correction_line(admin, full=False)


def test_a_correction_needs_a_reason_of_a_sensible_length():
    assert reason_problems("") and reason_problems("   ") and reason_problems("typo")
    assert reason_problems("x" * (REASON_MAX + 1))
    assert reason_problems("typed into the wrong quarter") == []


def test_labels_and_words():
    assert retired_label(datetime(2026, 12, 3, 9, 0)) == "Retired on 3 December 2026"
    assert retired_label(None) == "Retired (date not recorded)"
    assert done_word(Kind.VALUE_WITHDRAWN) == "withdrawn"
    assert done_word(Kind.METRIC_RETIRED) == "retired"
    assert done_word(Kind.DECISION_DELETED) == "deleted"
    assert corrections_label(2) == "Corrections (2)"
    assert short("a " * 100, 10).endswith("…") and len(short("a " * 100, 10)) == 10
    assert value_summary("CA01", date(2026, 4, 1), "12", "Indian") == "CA01, Q1 2026/27, Indian: 12"
