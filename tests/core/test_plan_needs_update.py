"""An action's status and dates agree, or it needs an update (core.plan_words)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from core.plan_words import needs_update_words

TODAY = date(2026, 12, 6)
DUE = date(2026, 6, 30)  # 159 days before TODAY


def test_on_track_but_long_overdue_and_not_updated_needs_an_update() -> None:
    assert (TODAY - DUE).days == 159
    assert needs_update_words("on_track", DUE, date(2024, 3, 3), on=TODAY) == (
        "Needs an update: on track, but its due date passed 159 days ago and its last "
        "update was 3 March 2024."
    )


def test_on_track_and_overdue_needs_an_update_even_when_updated_since() -> None:
    assert needs_update_words("on_track", DUE, date(2026, 11, 1), on=TODAY) is not None


def test_other_statuses_need_one_only_without_an_update_since_the_due_date() -> None:
    assert needs_update_words("at_risk", DUE, date(2026, 11, 1), on=TODAY) is None
    assert needs_update_words("at_risk", DUE, date(2026, 6, 1), on=TODAY) is not None
    words = needs_update_words("not_started", DUE, None, on=TODAY)
    assert words == (
        "Needs an update: not started, but its due date passed 159 days ago and it has "
        "no progress updates yet."
    )


def test_agreeing_actions_need_nothing() -> None:
    assert needs_update_words("complete", DUE, None, on=TODAY) is None
    assert needs_update_words("on_track", None, None, on=TODAY) is None
    assert needs_update_words("on_track", TODAY, None, on=TODAY) is None  # due today
    assert needs_update_words("on_track", date(2027, 1, 1), None, on=TODAY) is None


def test_one_day_and_missing_values_from_a_table() -> None:
    words = needs_update_words("on_track", date(2026, 12, 5), pd.NaT, on=TODAY)
    assert words is not None and "passed 1 day ago" in words and "no progress" in words
    assert needs_update_words("on_track", pd.NaT, None, on=TODAY) is None
