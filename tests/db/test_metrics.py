"""Metric definitions and values: permissions, validation, concurrency, audit, progress."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import metric_grid, metric_words
from core.metric_grid import LoadedValue
from core.metric_progress import MetricSpec, metric_progress
from core.periods import year_fraction
from core.permissions import Actor, PermissionDenied
from core.quarterly import grid_quarters
from db import metrics as dbm
from db.metrics import (
    Cell,
    MetricDraft,
    ValueChange,
    ValueConflict,
    ValueProblems,
    create_metric,
    save_values,
    update_metric,
)
from db.models import AuditEvent, Metric, MetricValue, Region, Theme
from db.users import actor_for
from db.writes import WRITE_REGISTRY, StaleWrite, WriteRefused

LAST = date(2026, 7, 1)  # Q2 2026/27, the demo's last quarter
NEXT = date(2026, 10, 1)  # Q3 2026/27, empty in the demo


# --- helpers ------------------------------------------------------------------------


def actor(engine, username: str) -> Actor:
    with Session(engine) as session:
        found = actor_for(session, username)
    assert found is not None
    return found


def region(engine, code: str) -> int:
    with Session(engine) as session:
        return session.scalar(select(Region.id).where(Region.code == code))


def metric(engine, code: str) -> Metric:
    with Session(engine) as session:
        return session.scalar(select(Metric).where(Metric.code == code))


def theme(engine, code: str) -> int:
    with Session(engine) as session:
        return session.scalar(select(Theme.id).where(Theme.code == code))


def stored(engine, metric_id: int, region_id: int, period: date, group: str = ""):
    with Session(engine) as session:
        return session.scalar(
            select(MetricValue).where(
                MetricValue.metric_id == metric_id,
                MetricValue.region_id == region_id,
                MetricValue.period_start == period,
                MetricValue.group_name == group,
            )
        )


def state(engine) -> tuple:
    """Everything a refused write must leave alone: row counts and every value."""
    with Session(engine) as session:
        values = session.execute(
            select(MetricValue.id, MetricValue.value, MetricValue.version).order_by(MetricValue.id)
        ).all()
        metrics = session.execute(
            select(Metric.id, Metric.code, Metric.version, Metric.name).order_by(Metric.id)
        ).all()
        events = session.scalar(select(func.count(AuditEvent.id)))
    return tuple(values), tuple(metrics), events


def events(engine, entity: str, since_id: int = 0) -> list[AuditEvent]:
    with Session(engine) as session:
        return list(
            session.scalars(
                select(AuditEvent)
                .where(AuditEvent.entity_type == entity, AuditEvent.id > since_id)
                .order_by(AuditEvent.id)
            )
        )


def last_event_id(engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.max(AuditEvent.id))) or 0


def loaded(engine, region_id: int, metric_id: int, period: date) -> LoadedValue | None:
    """What a page would load for one cell."""
    with Session(engine) as session:
        values = dbm.metric_values(session, region_id, [metric_id], overall_only=True)
    return metric_grid.loaded_cells(values).get(Cell(metric_id, period))


def draft(engine, **changes) -> MetricDraft:
    base = dict(
        code="LONDON-L90",
        name="People who found the drop-in welcoming",
        theme_id=theme(engine, "cultural_awareness"),
        unit="percentage",
        direction="increase",
        definition="People answering the drop-in survey who said it was welcoming.",
        baseline_period=date(2024, 4, 1),
        baseline_value=60.0,
        target_value=80.0,
        target_date=date(2027, 4, 1),
        limit_value=100.0,
        data_source="Drop-in survey",
        coproduced_with="Regional Forum",
        coproduced_at="London Regional Forum",
        coproduced_on=date(2024, 3, 14),
    )
    base.update(changes)
    return MetricDraft(**base)


def test_writes_are_registered():
    assert {"save_values", "create_metric", "update_metric"} <= set(WRITE_REGISTRY)
    assert WRITE_REGISTRY["save_values"].entity == "metric_value"
    assert WRITE_REGISTRY["create_metric"].entity == "metric"


# --- saving values: permissions -----------------------------------------------------


@pytest.mark.parametrize(
    ("username", "region_code"),
    [("london.lead", "london"), ("northwest.lead", "north_west"), ("admin", "london")],
)
def test_allowed_roles_save_a_value_with_an_audit_event(demo_engine, username, region_code):
    who = actor(demo_engine, username)
    region_id = region(demo_engine, region_code)
    ca01 = metric(demo_engine, "CA01")
    before_event = last_event_id(demo_engine)
    result = save_values(
        demo_engine, who, region_id, [ValueChange(ca01.id, NEXT, value=61.5, note="From the LMS")]
    )
    assert (result.created, result.updated) == (1, 0)
    row = stored(demo_engine, ca01.id, region_id, NEXT)
    assert row.value == 61.5 and row.note == "From the LMS"
    assert row.version == 1 and row.entered_by_id == who.user_id
    [event] = events(demo_engine, "metric_value", before_event)
    assert (event.entity_id, event.action, event.region_id) == (row.id, "create", region_id)
    assert event.username == username
    assert event.after["value"] == 61.5 and event.after["quarter"] == "Q3 2026/27"


@pytest.mark.parametrize(
    ("username", "region_code"),
    [
        ("london.lead", "north_west"),
        ("northwest.lead", "london"),
        ("national.lead", "london"),
        ("london.forum", "london"),
    ],
)
def test_other_roles_are_refused_and_nothing_changes(demo_engine, username, region_code):
    who = actor(demo_engine, username)
    region_id = region(demo_engine, region_code)
    ca01 = metric(demo_engine, "CA01")
    old = loaded(demo_engine, region_id, ca01.id, LAST)
    before = state(demo_engine)
    with pytest.raises(PermissionDenied):
        save_values(
            demo_engine,
            who,
            region_id,
            [
                ValueChange(ca01.id, NEXT, value=50.0),
                ValueChange(ca01.id, LAST, value=1.0, expected_version=old.version),
            ],
        )
    assert state(demo_engine) == before


# --- saving values: validation ------------------------------------------------------


def _change(engine, code: str, **fields) -> ValueChange:
    return ValueChange(metric(engine, code).id, fields.pop("period_start", NEXT), **fields)


@pytest.mark.parametrize(
    ("code", "fields", "message"),
    [
        ("CA01", {"value": 120.0}, "a percentage must be between 0 and 100"),
        ("CA01", {"value": -0.5}, "a percentage must be between 0 and 100"),
        ("PW01", {"value": 2.5}, "must be a whole number"),
        ("PW01", {"value": -3.0}, "must not be negative"),
        ("CA01", {"value": 50.0, "numerator": 60.0, "denominator": 50.0}, "more than the denom"),
        ("CA01", {"value": 50.0, "numerator": 5.5, "denominator": 11.0}, "whole number"),
        ("CA01", {"value": 0.0, "numerator": 0.0, "denominator": 0.0}, "must be more than 0"),
        ("CA01", {"value": None}, "a value is needed"),
        ("CA01", {"value": 50.0, "period_start": date(2023, 7, 1)}, "before CA01 started"),
        ("CA01", {"value": 50.0, "period_start": date(2026, 10, 15)}, "first day of a quarter"),
        ("CA01", {"value": 50.0, "period_start": date(2026, 11, 1)}, "first day of a quarter"),
        (
            "CA01",
            {"value": 50.0, "characteristic": "ethnicity_broad", "group_name": "White"},
            "not broken down by",
        ),
        ("CA02", {"value": 50.0, "characteristic": "ethnicity_broad"}, "needs both"),
        ("NORTH_WEST-L01", {"value": 5.0}, "another region's local metric"),
    ],
)
def test_every_rule_is_checked_before_anything_is_written(demo_engine, code, fields, message):
    london = region(demo_engine, "london")
    lead = actor(demo_engine, "london.lead")
    good = _change(demo_engine, "PW01", value=16.0)
    bad = _change(demo_engine, code, **fields)
    before = state(demo_engine)
    with pytest.raises(ValueProblems, match=message) as caught:
        save_values(demo_engine, lead, london, [good, bad])
    assert state(demo_engine) == before, "the good value was not saved either"
    assert "Nothing was saved" in str(caught.value)


def test_a_value_after_the_metric_ended_is_refused(demo_engine):
    london = region(demo_engine, "london")
    admin = actor(demo_engine, "admin")
    l02 = metric(demo_engine, "LONDON-L02")
    record = MetricDraft.from_record(metric_record(demo_engine, l02.id))
    update_metric(demo_engine, admin, l02.id, l02.version, _replace(record, end_period=LAST))
    before = state(demo_engine)
    with pytest.raises(ValueProblems, match="after LONDON-L02 ended"):
        save_values(demo_engine, admin, london, [ValueChange(l02.id, NEXT, value=50.0)])
    assert state(demo_engine) == before


def test_the_same_cell_twice_is_refused(demo_engine):
    london = region(demo_engine, "london")
    lead = actor(demo_engine, "london.lead")
    change = _change(demo_engine, "PW01", value=16.0)
    with pytest.raises(ValueProblems, match="given twice"):
        save_values(demo_engine, lead, london, [change, change])


def test_numbers_only_in_the_grids():
    metrics = [{"id": 1, "code": "CA01", "unit": "percentage"}]
    periods = [NEXT]
    edited = pd.DataFrame({"Quarter": ["Q3 2026/27"], "CA01": ["lots"]})
    changes, problems = metric_grid.wide_grid_changes(edited, periods, metrics, {})
    assert changes == []
    assert [str(p) for p in problems] == ["Q3 2026/27 · CA01: 'lots' is not a number."]

    rows = [Cell(1, NEXT)]
    detail = metric_grid.detail_grid(rows, {})
    detail.loc[0, "Numerator"] = math.inf
    changes, problems = metric_grid.detail_grid_changes(detail, rows, metrics[0], {})
    assert changes == [] and problems[0].column == "numerator"
    assert "not a finite number" in problems[0].message


# --- saving values: two people at once ----------------------------------------------


def test_a_value_changed_by_someone_else_is_not_overwritten(demo_engine):
    london = region(demo_engine, "london")
    lead = actor(demo_engine, "london.lead")
    admin = actor(demo_engine, "admin")
    ca01, pw01 = metric(demo_engine, "CA01"), metric(demo_engine, "PW01")
    # Both open the page and see the same version.
    seen_by_lead = loaded(demo_engine, london, ca01.id, LAST)
    seen_by_admin = loaded(demo_engine, london, ca01.id, LAST)
    pw01_seen = loaded(demo_engine, london, pw01.id, LAST)
    assert seen_by_lead == seen_by_admin

    save_values(
        demo_engine,
        admin,
        london,
        [ValueChange(ca01.id, LAST, value=77.7, expected_version=seen_by_admin.version)],
    )
    before = state(demo_engine)
    with pytest.raises(ValueConflict) as caught:
        save_values(
            demo_engine,
            lead,
            london,
            [
                ValueChange(ca01.id, LAST, value=70.0, expected_version=seen_by_lead.version),
                ValueChange(pw01.id, LAST, value=99.0, expected_version=pw01_seen.version),
            ],
        )
    assert state(demo_engine) == before, "the whole save was refused"
    [conflict] = caught.value.conflicts
    assert (conflict.metric_code, conflict.period_start) == ("CA01", LAST)
    assert conflict.theirs == 77.7 and conflict.yours == 70.0
    assert conflict.entered_by == "Alex Morgan (demo)"
    message = str(caught.value)
    assert "Nothing was saved" in message
    assert "CA01, Q2 2026/27" in message and "77.7%" in message and "Alex Morgan" in message
    # The second person now sees the first person's value.
    assert loaded(demo_engine, london, ca01.id, LAST).value == 77.7
    assert stored(demo_engine, pw01.id, london, LAST).value == pw01_seen.value


def test_a_new_value_entered_meanwhile_is_not_overwritten(demo_engine):
    london = region(demo_engine, "london")
    lead = actor(demo_engine, "london.lead")
    admin = actor(demo_engine, "admin")
    ca01 = metric(demo_engine, "CA01")
    assert loaded(demo_engine, london, ca01.id, NEXT) is None  # both see an empty cell
    save_values(demo_engine, admin, london, [ValueChange(ca01.id, NEXT, value=80.0)])
    before = state(demo_engine)
    with pytest.raises(ValueConflict, match="Alex Morgan") as caught:
        save_values(demo_engine, lead, london, [ValueChange(ca01.id, NEXT, value=81.0)])
    assert state(demo_engine) == before
    assert caught.value.conflicts[0].theirs == 80.0


def test_saving_the_version_you_loaded_bumps_it(demo_engine):
    london = region(demo_engine, "london")
    lead = actor(demo_engine, "london.lead")
    ca01 = metric(demo_engine, "CA01")
    seen = loaded(demo_engine, london, ca01.id, LAST)
    save_values(
        demo_engine, lead, london, [ValueChange(ca01.id, LAST, value=84.0, expected_version=1)]
    )
    row = stored(demo_engine, ca01.id, london, LAST)
    assert (row.value, row.version, row.entered_by_id) == (84.0, seen.version + 1, lead.user_id)
    # Saving again with the old version is refused.
    with pytest.raises(StaleWrite):
        save_values(
            demo_engine, lead, london, [ValueChange(ca01.id, LAST, value=85.0, expected_version=1)]
        )


# --- saving values: audit -----------------------------------------------------------


def test_one_audit_event_per_changed_value(demo_engine):
    london = region(demo_engine, "london")
    lead = actor(demo_engine, "london.lead")
    ca01, pw01, ca02 = (metric(demo_engine, c) for c in ("CA01", "PW01", "CA02"))
    ca01_seen = loaded(demo_engine, london, ca01.id, LAST)
    pw01_seen = loaded(demo_engine, london, pw01.id, LAST)
    with Session(demo_engine) as session:
        group = metric_grid.loaded_cells(dbm.metric_values(session, london, [ca02.id]))[
            Cell(ca02.id, LAST, "ethnicity_broad", "White")
        ]
    first = last_event_id(demo_engine)
    result = save_values(
        demo_engine,
        lead,
        london,
        [
            ValueChange(ca01.id, LAST, value=90.0, expected_version=ca01_seen.version),
            ValueChange(ca01.id, NEXT, value=91.0),
            ValueChange(
                ca02.id,
                LAST,
                "ethnicity_broad",
                "White",
                value=50.0,
                numerator=10.0,
                denominator=20.0,
                expected_version=group.version,
            ),
            # Unchanged: no event.
            ValueChange(
                pw01.id,
                LAST,
                value=pw01_seen.value,
                numerator=pw01_seen.numerator,
                denominator=pw01_seen.denominator,
                note=pw01_seen.note,
                expected_version=pw01_seen.version,
            ),
        ],
    )
    assert (result.created, result.updated, result.unchanged) == (1, 2, 1)
    written = events(demo_engine, "metric_value", first)
    assert len(written) == 3
    assert all(e.region_id == london and e.username == "london.lead" for e in written)
    update, create, group_event = written
    assert update.action == "update"
    assert update.before["value"] == ca01_seen.value and update.after["value"] == 90.0
    assert create.action == "create" and create.before is None and create.after["value"] == 91.0
    assert group_event.after["group"] == "White" and group_event.after["numerator"] == 10.0
    assert set(result.value_ids) == {e.entity_id for e in written}


# --- reading and grids --------------------------------------------------------------


def test_metric_values_say_who_entered_them(demo_engine):
    london = region(demo_engine, "london")
    with Session(demo_engine) as session:
        values = dbm.metric_values(session, london, [metric(demo_engine, "CA01").id])
    assert len(values) == 12
    assert set(values["entered_by"]) == {"Leon Mensah (demo)"}
    assert list(values["period_start"]) == sorted(values["period_start"])


def test_entry_groups_leave_out_totals_and_put_missing_last(engine):
    with Session(engine) as session:
        detailed = dbm.entry_groups(session, "ethnicity")
        broad = dbm.entry_groups(session, "ethnicity_broad")
        sex = dbm.entry_groups(session, "sex")
    assert "Indian" in detailed and "White" not in detailed
    assert "Asian, Asian British or Asian Welsh" not in detailed
    assert detailed[-2:] == ["Not stated", "Not known"] and len(detailed) == 21
    assert broad[0] == "Asian, Asian British or Asian Welsh" and "White" in broad
    assert broad[-2:] == ["Not stated", "Not known"] and len(broad) == 7
    assert sex == ["Female", "Male", "Not known"]


def test_the_grid_shows_the_ended_quarters_and_the_current_one():
    """The window depends on the day only: entering a value never moves it on, and a
    quarter that has not begun is never offered (core.quarterly.grid_quarters)."""
    assert grid_quarters(date(2026, 11, 26), 4) == [
        date(2025, 10, 1),
        date(2026, 1, 1),
        date(2026, 4, 1),
        LAST,
        NEXT,
    ]
    assert grid_quarters(date(2026, 2, 10), 2) == [
        date(2025, 7, 1),
        date(2025, 10, 1),
        date(2026, 1, 1),
    ]
    statuses = [metric_grid.quarter_status(p, date(2026, 11, 26)) for p in (LAST, NEXT)]
    assert statuses == [metric_grid.ENDED, metric_grid.EARLY]


def test_the_wide_grid_round_trip():
    metrics = [
        {"id": 1, "code": "CA01", "unit": "percentage", "start_period": date(2023, 10, 1)},
        {"id": 2, "code": "PW01", "unit": "count"},
    ]
    periods = [LAST, NEXT]
    cells = {
        Cell(1, LAST): LoadedValue(50.0, 50.0, 100.0, "a note", 3),
        Cell(2, LAST): LoadedValue(12.0, None, None, "", 1),
    }
    grid = metric_grid.wide_grid(periods, metrics, cells)
    assert list(grid.columns) == ["Quarter", "CA01", "PW01"]
    assert list(grid["Quarter"]) == ["Q2 2026/27", "Q3 2026/27"]
    assert metric_grid.wide_grid_changes(grid, periods, metrics, cells) == ([], [])

    edited = grid.copy()
    edited.loc[0, "CA01"] = 50.04  # the stored 50/100 still gives it: kept
    edited.loc[1, "CA01"] = 150.0
    edited.loc[0, "PW01"] = 13.0
    changes, problems = metric_grid.wide_grid_changes(edited, periods, metrics, cells)
    by_cell = {c.cell: c for c in changes}
    kept = by_cell[Cell(1, LAST)]
    assert (kept.numerator, kept.denominator, kept.note, kept.expected_version) == (
        50.0,
        100.0,
        "a note",
        3,
    )
    assert by_cell[Cell(1, NEXT)].expected_version is None
    assert by_cell[Cell(2, LAST)].value == 13.0
    assert [str(p) for p in problems] == [
        "Q3 2026/27 · CA01: a percentage must be between 0 and 100, not 150."
    ]

    edited.loc[0, "CA01"] = 60.0  # no longer matches 50/100: cleared
    changes, _ = metric_grid.wide_grid_changes(edited, periods, metrics, cells)
    cleared = {c.cell: c for c in changes}[Cell(1, LAST)]
    assert (cleared.numerator, cleared.denominator) == (None, None)


def test_the_detail_grid_works_out_a_percentage_and_names_groups():
    metric_row = {
        "id": 7,
        "code": "CA02",
        "unit": "percentage",
        "disaggregated_by": "ethnicity_broad",
    }
    rows = metric_grid.detail_rows([NEXT], metric_row, ["White", "Mixed or Multiple ethnic groups"])
    assert rows == [
        Cell(7, NEXT),
        Cell(7, NEXT, "ethnicity_broad", "White"),
        Cell(7, NEXT, "ethnicity_broad", "Mixed or Multiple ethnic groups"),
    ]
    grid = metric_grid.detail_grid(rows, {})
    assert list(grid["Group"]) == [metric_words.OVERALL, "White", "Mixed or Multiple ethnic groups"]
    grid.loc[1, ["Numerator", "Denominator"]] = [45.0, 60.0]
    grid.loc[2, ["Value", "Numerator", "Denominator"]] = [50.0, 70.0, 60.0]
    changes, problems = metric_grid.detail_grid_changes(grid, rows, metric_row, {})
    assert changes[0].value == 75.0 and changes[0].group_name == "White"
    assert [str(p) for p in problems] == [
        "Q3 2026/27 · CA02 · Mixed or Multiple ethnic groups · numerator: "
        "70 is more than the denominator 60."
    ]


# --- progress on the seeded data ----------------------------------------------------


def _by_hand(series, base_period, target, target_period, direction=1):
    """Open SDG progress from its published formulas, written out again here."""
    points = [(p, v) for p, v in series if v is not None]
    base_p, base = next((p, v) for p, v in points if p >= base_period)
    current_p, current = points[-1]
    t_b, t_c, t_t = year_fraction(base_p), year_fraction(current_p), year_fraction(target_period)
    observed = (current / base) ** (1 / (t_c - t_b)) - 1
    required = (target / base) ** (1 / (t_t - t_b)) - 1
    progress = direction * observed / abs(required)
    if (direction > 0 and current >= target) or (direction < 0 and current <= target):
        return "target_achieved"
    if progress >= 0.95:
        return "substantial_progress"
    if progress >= 0.6:
        return "moderate_progress"
    return "limited_progress" if progress >= 0 else "deterioration"


@pytest.mark.parametrize("code", ["CA01", "SK01", "PW01", "CP02", "WF02", "LONDON-L02"])
def test_progress_of_seeded_metrics_matches_the_formulas(demo_engine, code):
    london = region(demo_engine, "london")
    with Session(demo_engine) as session:
        definitions = pd.DataFrame([dbm.metric_record(session, metric(demo_engine, code).id)]).iloc[
            0
        ]
        values = dbm.metric_values(session, london, [int(definitions["id"])])
    series = metric_grid.overall_series(values, int(definitions["id"]))
    result = metric_progress(MetricSpec.from_mapping(definitions), series)
    direction = 1 if definitions["direction"] == "increase" else -1
    expected = _by_hand(
        series,
        definitions["baseline_period"],
        definitions["target_value"],
        definitions["target_date"],
        direction,
    )
    assert result.status == expected
    assert result.explanation


def test_entering_a_value_at_the_target_achieves_it(demo_engine):
    london = region(demo_engine, "london")
    lead = actor(demo_engine, "london.lead")
    ca01 = metric(demo_engine, "CA01")
    save_values(demo_engine, lead, london, [ValueChange(ca01.id, NEXT, value=90.0)])
    with Session(demo_engine) as session:
        record = dbm.metric_record(session, ca01.id)
        values = dbm.metric_values(session, london, [ca01.id])
    result = metric_progress(
        MetricSpec.from_mapping(record), metric_grid.overall_series(values, ca01.id)
    )
    assert result.status == "target_achieved"


def test_a_manual_status_overrides_with_its_reason(demo_engine):
    london = region(demo_engine, "london")
    lead = actor(demo_engine, "london.lead")
    l01 = metric(demo_engine, "LONDON-L01")
    record = MetricDraft.from_record(metric_record(demo_engine, l01.id))
    update_metric(
        demo_engine,
        lead,
        l01.id,
        l01.version,
        _replace(record, manual_status="limited_progress", manual_status_reason="Data gap"),
        "Referral data incomplete this year",
    )
    with Session(demo_engine) as session:
        values = dbm.metric_values(session, london, [l01.id])
        row = dbm.metric_record(session, l01.id)
    result = metric_progress(
        MetricSpec.from_mapping(row), metric_grid.overall_series(values, l01.id)
    )
    assert result.status == "limited_progress" and result.is_manual
    assert result.manual_reason == "Data gap"


def test_a_new_metric_with_one_value_has_not_enough_data(demo_engine):
    london = region(demo_engine, "london")
    lead = actor(demo_engine, "london.lead")
    new_id = create_metric(demo_engine, lead, draft(demo_engine), london)
    save_values(demo_engine, lead, london, [ValueChange(new_id, date(2024, 4, 1), value=60.0)])
    with Session(demo_engine) as session:
        values = dbm.metric_values(session, london, [new_id])
        row = dbm.metric_record(session, new_id)
    result = metric_progress(
        MetricSpec.from_mapping(row), metric_grid.overall_series(values, new_id)
    )
    assert result.status == "not_available"


# --- defining metrics ---------------------------------------------------------------


def metric_record(engine, metric_id: int) -> dict:
    with Session(engine) as session:
        return dbm.metric_record(session, metric_id)


def _replace(d: MetricDraft, **changes) -> MetricDraft:
    from dataclasses import replace

    return replace(d, **changes)


@pytest.mark.parametrize(
    ("username", "region_code", "allowed"),
    [
        ("london.lead", "london", True),
        ("admin", "london", True),
        ("london.lead", "north_west", False),
        ("northwest.lead", "london", False),
        ("national.lead", "london", False),
        ("london.forum", "london", False),
    ],
)
def test_who_may_define_a_local_metric(demo_engine, username, region_code, allowed):
    who = actor(demo_engine, username)
    region_id = region(demo_engine, region_code)
    before = state(demo_engine)
    first = last_event_id(demo_engine)
    if not allowed:
        with pytest.raises(PermissionDenied):
            create_metric(demo_engine, who, draft(demo_engine), region_id)
        assert state(demo_engine) == before
        return
    new_id = create_metric(demo_engine, who, draft(demo_engine, code=" london-l90 "), region_id)
    created = metric(demo_engine, "LONDON-L90")
    assert created.id == new_id
    assert (created.scope, created.region_id, created.version) == ("local", region_id, 1)
    assert created.start_period == date(2024, 4, 1)  # from the baseline
    [event] = events(demo_engine, "metric", first)
    assert (event.action, event.entity_id, event.region_id) == ("create", new_id, region_id)
    assert event.after["theme"] == "Cultural awareness"
    assert event.after["coproduced_with"] == "Regional Forum"


@pytest.mark.parametrize(
    ("username", "allowed"),
    [
        ("national.lead", True),
        ("admin", True),
        ("london.lead", False),
        ("london.forum", False),
    ],
)
def test_who_may_define_a_national_metric(demo_engine, username, allowed):
    who = actor(demo_engine, username)
    new = draft(demo_engine, code="CA09", coproduced_with="", coproduced_at="", coproduced_on=None)
    before = state(demo_engine)
    if not allowed:
        with pytest.raises(PermissionDenied):
            create_metric(demo_engine, who, new, None)
        assert state(demo_engine) == before
        return
    create_metric(demo_engine, who, new, None)
    created = metric(demo_engine, "CA09")
    assert (created.scope, created.region_id) == ("national", None)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"direction": None}, "never guesses"),
        ({"direction": "sideways"}, "never guesses"),
        ({"code": ""}, "short code"),
        ({"code": "bad code!"}, "only letters"),
        ({"name": "  "}, "Give the metric a name"),
        ({"theme_id": None}, "Choose the theme"),
        ({"unit": "furlongs"}, "Choose a unit"),
        ({"baseline_value": 120.0}, "between 0 and 100"),
        ({"unit": "count", "baseline_value": 2.5, "target_value": 4.0}, "whole number"),
        ({"target_date": None}, "both a value and a date"),
        ({"target_date": date(2023, 4, 1)}, "after the baseline"),
        ({"baseline_period": None}, "which quarter the baseline"),
        ({"baseline_period": date(2024, 5, 1)}, "first day of a quarter"),
        ({"coproduced_on": None}, "when the metric was agreed"),
        ({"coproduced_with": ""}, "who the metric was agreed with"),
        ({"coproduced_on": date(2099, 1, 1)}, "cannot be in the future"),
        ({"manual_status": "limited_progress"}, "reason for setting"),
        ({"manual_status": "brilliant"}, "from the list"),
        ({"start_period": date(2025, 4, 1), "end_period": date(2024, 4, 1)}, "last quarter"),
        ({"limit_value": 150.0}, "natural limit"),
    ],
)
def test_definition_rules(demo_engine, changes, message):
    lead = actor(demo_engine, "london.lead")
    before = state(demo_engine)
    with pytest.raises(WriteRefused, match=message):
        create_metric(
            demo_engine, lead, draft(demo_engine, **changes), region(demo_engine, "london")
        )
    assert state(demo_engine) == before


def test_duplicate_codes_and_unmonitored_themes_are_refused(demo_engine):
    lead = actor(demo_engine, "london.lead")
    london = region(demo_engine, "london")
    before = state(demo_engine)
    with pytest.raises(WriteRefused, match="already used"):
        create_metric(demo_engine, lead, draft(demo_engine, code="ca01"), london)
    with pytest.raises(WriteRefused, match="monitoring themes"):
        create_metric(
            demo_engine,
            lead,
            draft(demo_engine, theme_id=theme(demo_engine, "leadership_governance")),
            london,
        )
    with pytest.raises(WriteRefused, match="not a characteristic"):
        create_metric(demo_engine, lead, draft(demo_engine, disaggregated_by="shoe_size"), london)
    assert state(demo_engine) == before


@pytest.mark.parametrize(
    ("username", "code", "allowed"),
    [
        ("london.lead", "LONDON-L04", True),
        ("admin", "LONDON-L04", True),
        ("national.lead", "CA01", True),
        ("admin", "CA01", True),
        ("london.lead", "CA01", False),
        ("london.lead", "NORTH_WEST-L04", False),
        ("national.lead", "LONDON-L04", False),
        ("london.forum", "LONDON-L04", False),
        ("london.forum", "CA01", False),
    ],
)
def test_who_may_change_a_definition(demo_engine, username, code, allowed):
    who = actor(demo_engine, username)
    target = metric(demo_engine, code)
    record = MetricDraft.from_record(metric_record(demo_engine, target.id))
    changed = _replace(record, name=record.name + " (revised)")
    before = state(demo_engine)
    first = last_event_id(demo_engine)
    if not allowed:
        with pytest.raises(PermissionDenied):
            update_metric(demo_engine, who, target.id, target.version, changed, "tidy")
        assert state(demo_engine) == before
        return
    assert update_metric(demo_engine, who, target.id, target.version, changed, "tidy") == 2
    [event] = events(demo_engine, "metric", first)
    assert event.action == "update" and event.reason == "tidy"
    assert event.before == {"name": record.name}
    assert event.after == {"name": record.name + " (revised)"}
    assert event.region_id == target.region_id


def test_recording_coproduction_removes_the_not_yet_coproduced_label(demo_engine):
    lead = actor(demo_engine, "london.lead")
    l04 = metric(demo_engine, "LONDON-L04")
    record = metric_record(demo_engine, l04.id)
    assert not metric_words.is_coproduced(record)
    assert "Not yet coproduced" in metric_words.coproduction_text(record)
    update_metric(
        demo_engine,
        lead,
        l04.id,
        l04.version,
        _replace(
            MetricDraft.from_record(record),
            coproduced_with="Hackney Caribbean Elderly Organisation",
            coproduced_at="Community centre, Hackney",
            coproduced_on=date(2026, 6, 3),
        ),
    )
    record = metric_record(demo_engine, l04.id)
    assert metric_words.is_coproduced(record)
    assert metric_words.coproduction_text(record) == (
        "Agreed with Hackney Caribbean Elderly Organisation at Community centre, Hackney "
        "on 3 June 2026."
    )


def test_a_stale_definition_is_not_saved(demo_engine):
    lead = actor(demo_engine, "london.lead")
    admin = actor(demo_engine, "admin")
    l04 = metric(demo_engine, "LONDON-L04")
    record = MetricDraft.from_record(metric_record(demo_engine, l04.id))
    update_metric(demo_engine, admin, l04.id, 1, _replace(record, name="Admin's name"))
    before = state(demo_engine)
    with pytest.raises(StaleWrite, match="Someone else changed LONDON-L04"):
        update_metric(demo_engine, lead, l04.id, 1, _replace(record, name="Lead's name"))
    assert state(demo_engine) == before
    assert metric(demo_engine, "LONDON-L04").name == "Admin's name"


def test_an_unchanged_definition_writes_nothing(demo_engine):
    lead = actor(demo_engine, "london.lead")
    l04 = metric(demo_engine, "LONDON-L04")
    record = MetricDraft.from_record(metric_record(demo_engine, l04.id))
    before = state(demo_engine)
    assert update_metric(demo_engine, lead, l04.id, l04.version, record) == l04.version
    assert state(demo_engine) == before


def test_a_national_metric_needs_no_coproduction_date_but_a_local_one_does(demo_engine):
    national = actor(demo_engine, "national.lead")
    lead = actor(demo_engine, "london.lead")
    agreed = {"coproduced_with": "Lived Experience Advisory Board", "coproduced_on": None}
    create_metric(demo_engine, national, draft(demo_engine, code="CA10", **agreed), None)
    assert metric(demo_engine, "CA10").coproduced_on is None
    with pytest.raises(WriteRefused, match="when the metric was agreed"):
        create_metric(
            demo_engine, lead, draft(demo_engine, **agreed), region(demo_engine, "london")
        )


def test_conflict_messages_name_the_value_and_the_person():
    common = dict(metric_code="CA01", unit="percentage", period_start=NEXT, yours=60.0)
    seen = dbm.Conflict(
        **common,
        group_name="White",
        theirs=55.0,
        entered_by="Sam",
        entered_at=pd.Timestamp("2026-11-03 14:05").to_pydatetime(),
    )
    assert seen.message == (
        "CA01, Q3 2026/27, White: Sam entered 55% on 3 November 2026 at 14:05, "
        "after you opened the page (you entered 60%)."
    )
    race = dbm.Conflict(**common, group_name="", theirs=None, entered_by="", entered_at=None)
    assert "at the same moment (you entered 60%)" in race.message
    gone = dbm.Conflict(
        **common, group_name="", theirs=None, entered_by="", entered_at=None, exists=False
    )
    assert "was removed" in gone.message


def test_whether_a_metric_counts_people_is_stored_audited_and_edited(demo_engine):
    lead = actor(demo_engine, "london.lead")
    london = region(demo_engine, "london")
    first = last_event_id(demo_engine)
    new_id = create_metric(
        demo_engine, lead, draft(demo_engine, unit="count", counts_people=False), london
    )
    created = metric(demo_engine, "LONDON-L90")
    assert created.counts_people is False
    [event] = events(demo_engine, "metric", first)
    assert event.after["counts_people"] is False
    record = metric_record(demo_engine, new_id)
    assert MetricDraft.from_record(record).counts_people is False  # the edit form shows it
    update_metric(
        demo_engine,
        lead,
        new_id,
        created.version,
        _replace(MetricDraft.from_record(record), counts_people=True),
        "It counts people after all",
    )
    assert metric(demo_engine, "LONDON-L90").counts_people is True
    [change] = events(demo_engine, "metric", first + 1)
    assert change.before == {"counts_people": False}
    assert change.after == {"counts_people": True}
    # A draft that does not say counts people, the safe side.
    assert draft(demo_engine).counts_people is True
    assert MetricDraft.from_record({"code": "X"}).counts_people is True


def test_disclosed_figures_follow_the_rule_for_each_metric(demo_engine):
    """The figures the Themes page quotes to a forum member: a count of people rounded,
    a count of agreements as recorded, a percentage from the rounded counts."""
    lead = actor(demo_engine, "london.lead")
    london = region(demo_engine, "london")
    pw = metric(demo_engine, "PW01")  # partnership agreements: not people
    assert pw.counts_people is False and pw.unit == "count"
    ca = metric(demo_engine, "CA01")
    assert ca.counts_people is True and ca.unit == "percentage"
    changes = [
        ValueChange(pw.id, NEXT, value=3.0),
        ValueChange(ca.id, NEXT, value=round(100 * 7 / 21, 1), numerator=7.0, denominator=21.0),
    ]
    save_values(demo_engine, lead, london, changes)
    with Session(demo_engine) as session:
        figures = dbm.disclosed_figures(session, london, 5)
    assert figures.value_at(pw.id, NEXT) == 3.0
    assert figures.value_at(ca.id, NEXT) == 25.0  # 5 of 20, not 33.3%
    text = "Moderate progress: it went from 33.3% to 33.3% since 2024/25."
    assert "33.3%" not in figures.explanation(ca.id, text)
