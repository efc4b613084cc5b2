"""Saving the data-entry grid and undoing that save: the real count of values saved,
refusals (early and future quarters), and an undo that restores exactly the values
before the save for ten minutes, unless they have changed since. Both engines."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest

import db.quarterly
from core import metric_undo
from core.metric_grid import ValueChange, ValueProblems
from core.permissions import PermissionDenied
from core.quarterly import future_message
from db.metric_undo import REASON, undo_values
from db.metrics import save_values
from db.writes import StaleWrite, WriteRefused
from tests.db.test_metrics import (
    LAST,
    NEXT,
    actor,
    events,
    last_event_id,
    loaded,
    metric,
    region,
    state,
    stored,
)


def _cells(engine, london, ids, periods):
    return {
        (i, p): (v.value, v.numerator, v.denominator, v.note, v.entered_by_id)
        if (v := stored(engine, i, london, p)) is not None
        else None
        for i in ids
        for p in periods
    }


def test_a_save_counts_only_the_values_it_changed(demo_engine):
    london = region(demo_engine, "london")
    lead = actor(demo_engine, "london.lead")
    ca01, pw01 = metric(demo_engine, "CA01"), metric(demo_engine, "PW01")
    old = loaded(demo_engine, london, ca01.id, LAST)
    same = ValueChange(
        ca01.id, LAST, value=old.value, numerator=old.numerator, denominator=old.denominator,
        note=old.note, expected_version=old.version,
    )  # fmt: skip
    new = ValueChange(pw01.id, NEXT, value=7.0)
    result = save_values(demo_engine, lead, london, [same, new])
    assert (result.saved, result.unchanged) == (1, 1)
    assert result.undo is not None and len(result.undo.values) == 1


def test_undo_restores_exactly_the_values_before_the_save(demo_engine):
    london = region(demo_engine, "london")
    lead = actor(demo_engine, "london.lead")
    ca01, pw01 = metric(demo_engine, "CA01"), metric(demo_engine, "PW01")
    before = _cells(demo_engine, london, [ca01.id, pw01.id], [LAST, NEXT])
    old = loaded(demo_engine, london, ca01.id, LAST)
    assert old is not None and stored(demo_engine, pw01.id, london, NEXT) is None
    result = save_values(
        demo_engine,
        lead,
        london,
        [
            ValueChange(ca01.id, LAST, value=12.5, expected_version=old.version),
            ValueChange(pw01.id, NEXT, value=9.0),
        ],
    )
    assert result.saved == 2
    assert _cells(demo_engine, london, [ca01.id, pw01.id], [LAST, NEXT]) != before
    since = last_event_id(demo_engine)

    assert undo_values(demo_engine, lead, result.undo) == 2
    assert _cells(demo_engine, london, [ca01.id, pw01.id], [LAST, NEXT]) == before
    assert stored(demo_engine, pw01.id, london, NEXT) is None, "the new value is removed"
    assert stored(demo_engine, ca01.id, london, LAST).version == old.version + 2
    audited = events(demo_engine, "metric_value", since)
    assert sorted(e.action for e in audited) == ["delete", "update"]
    assert {e.reason for e in audited} == {REASON}
    with pytest.raises(StaleWrite):  # a second undo finds the values moved on
        undo_values(demo_engine, lead, result.undo)


def test_undo_is_refused_when_a_value_changed_since(demo_engine):
    london = region(demo_engine, "london")
    lead, admin = actor(demo_engine, "london.lead"), actor(demo_engine, "admin")
    pw01 = metric(demo_engine, "PW01")
    result = save_values(demo_engine, lead, london, [ValueChange(pw01.id, NEXT, value=3.0)])
    version = stored(demo_engine, pw01.id, london, NEXT).version
    save_values(
        demo_engine,
        admin,
        london,
        [ValueChange(pw01.id, NEXT, value=4.0, expected_version=version)],
    )
    before = state(demo_engine)
    with pytest.raises(StaleWrite, match=r"PW01, Q3 2026/27 has been changed"):
        undo_values(demo_engine, lead, result.undo)
    assert state(demo_engine) == before


def test_undo_is_refused_after_ten_minutes(demo_engine):
    london = region(demo_engine, "london")
    lead = actor(demo_engine, "london.lead")
    pw01 = metric(demo_engine, "PW01")
    result = save_values(demo_engine, lead, london, [ValueChange(pw01.id, NEXT, value=3.0)])
    late = dataclasses.replace(
        result.undo,
        saved_at=result.undo.saved_at - timedelta(minutes=metric_undo.UNDO_MINUTES, seconds=1),
    )
    before = state(demo_engine)
    with pytest.raises(WriteRefused, match="only for 10 minutes"):
        undo_values(demo_engine, lead, late)
    assert state(demo_engine) == before


def test_undo_needs_the_right_to_enter_the_region_values(demo_engine):
    london = region(demo_engine, "london")
    pw01 = metric(demo_engine, "PW01")
    result = save_values(
        demo_engine,
        actor(demo_engine, "london.lead"),
        london,
        [ValueChange(pw01.id, NEXT, value=3.0)],
    )
    before = state(demo_engine)
    for username in ("london.forum", "northwest.lead"):
        with pytest.raises(PermissionDenied):
            undo_values(demo_engine, actor(demo_engine, username), result.undo)
    assert state(demo_engine) == before


def test_a_quarter_that_has_not_begun_is_refused_with_a_clear_message(demo_engine, monkeypatch):
    monkeypatch.setattr(db.quarterly, "today", lambda: date(2026, 9, 30))
    london = region(demo_engine, "london")
    pw01 = metric(demo_engine, "PW01")
    before = state(demo_engine)
    with pytest.raises(ValueProblems) as caught:
        save_values(
            demo_engine,
            actor(demo_engine, "london.lead"),
            london,
            [ValueChange(pw01.id, NEXT, value=3.0)],
        )
    assert future_message(NEXT) in str(caught.value)
    assert state(demo_engine) == before
