"""Recalculation points in SPC (issue 14): the series split at each break, each
segment's limits worked out on its own points (as NHSRplotthedots' ``rebase`` does),
checked against examples worked by hand."""

from __future__ import annotations

import pytest

from core import spc

#: Six quarters around 1.5, then (after a change in how the figure is collected) six
#: around 10.5. Every moving range is 1 except the jump of 8.
STEP = [1, 2, 1, 2, 1, 2, 10, 11, 10, 11, 10, 11]


def test_each_segment_has_its_own_mean_and_limits():
    first, second = spc.xmr_segments(STEP, improvement="increase", breaks=[6])
    assert (first.start, first.end, second.start, second.end) == (0, 6, 6, 12)
    # Segment 1: mean 9/6 = 1.5; five moving ranges of 1, so limits 1.5 ± 2.66.
    assert first.result.mean == pytest.approx(1.5)
    assert first.result.mean_moving_range == pytest.approx(1.0)
    assert (first.result.lower, first.result.upper) == pytest.approx((-1.16, 4.16))
    # Segment 2: mean 63/6 = 10.5, limits 10.5 ± 2.66; the jump of 8 belongs to neither.
    assert second.result.mean == pytest.approx(10.5)
    assert (second.result.lower, second.result.upper) == pytest.approx((7.84, 13.16))
    assert set(first.result.point_types) | set(second.result.point_types) == {spc.COMMON_CAUSE}


def test_without_the_break_the_step_is_special_cause():
    # Whole series: mean 72/12 = 6; moving ranges ten 1s and an 8, mean 18/11 = 1.636;
    # 8 >= 3.267 x 1.636 = 5.35 is screened out, so the mean moving range is 1 and the
    # limits 6 ± 2.66 = 3.34 to 8.66: every point lies beyond one.
    (whole,) = spc.xmr_segments(STEP, improvement="increase")
    assert (whole.result.lower, whole.result.upper) == pytest.approx((3.34, 8.66))
    assert whole.result.point_types == (spc.CONCERN,) * 6 + (spc.IMPROVEMENT,) * 6
    assert whole.result == spc.xmr(STEP, improvement="increase")


def test_the_last_segment_gives_the_icons():
    segments = spc.xmr_segments(STEP, improvement="decrease", target=5, breaks=[6])
    last = segments[-1].result
    # Target 5 lies below the lower limit 7.84: for a decreasing measure that is the
    # improving side, so the target is consistently missed.
    assert last.assurance == "fail"
    assert last.variation == spc.COMMON_CAUSE


def test_breaks_are_sorted_and_repeats_ignored():
    values = list(range(1, 10))
    segments = spc.xmr_segments(values, improvement="neutral", breaks=[6, 3, 6])
    assert [(s.start, s.end) for s in segments] == [(0, 3), (3, 6), (6, 9)]
    # Segment 2 is 4, 5, 6: mean 5, moving ranges 1 and 1.
    assert segments[1].result.mean == pytest.approx(5.0)
    assert segments[1].result.values == (4.0, 5.0, 6.0)


@pytest.mark.parametrize("bad", [0, 12, -1])
def test_a_break_outside_the_series_is_refused(bad):
    with pytest.raises(ValueError, match="recalculation point"):
        spc.xmr_segments(STEP, improvement="increase", breaks=[bad])


def test_a_break_is_used_once_six_quarters_follow_it():
    # 12 quarters: a break at 6 has 6 after it (used); at 7 only 5 (waiting).
    assert spc.MIN_SEGMENT == 6
    assert spc.usable_breaks(12, [6]) == ((6,), ())
    assert spc.usable_breaks(12, [7]) == ((), (7,))
    # Worked from the end: 14 is used (6 to 20); 10 has only 4 before 14, so it waits.
    assert spc.usable_breaks(20, [10, 14]) == ((14,), (10,))
    # A waiting later break does not shorten an earlier one: 2 runs to the end (18).
    assert spc.usable_breaks(20, [2, 17]) == ((2,), (17,))
    # Outside the series, or at its first value: left out.
    assert spc.usable_breaks(20, [0, 20, 25]) == ((), ())


def test_the_view_uses_the_last_segment_and_labels_the_rows():
    values = [5.0] * 4 + [1.0, 2.0] * 4 + [20.0, 21.0] * 6  # 4 + 8 + 12 = 24 quarters
    quarters = [f"Q{i}" for i in range(24)]
    view = spc.spc_view(quarters, values, direction="increase", breaks=[12, 20])
    assert [(s.start, s.end) for s in view.segments] == [(0, 12), (12, 24)]
    assert view.waiting == (20,)
    assert view.result == view.segments[-1].result
    assert view.result.mean == pytest.approx(20.5)
    rows = spc.spc_rows(view, values)
    assert [r["Limits from"] for r in rows] == ["Q0"] * 12 + ["Q12"] * 12
    assert rows[-1]["Average"] == pytest.approx(20.5)
    assert rows[0]["Average"] == pytest.approx((20 + 12) / 12)


def test_without_breaks_the_view_is_as_before():
    values = [float(v) for v in range(12)]
    view = spc.spc_view([str(i) for i in range(12)], values, direction="increase")
    assert len(view.segments) == 1
    assert view.result == spc.xmr(values, improvement="increase")
    assert "Limits from" not in spc.spc_rows(view, values)[0]


def test_recorded_quarters_fall_on_the_series():
    from datetime import date

    periods = [date(2024, 4, 1), date(2024, 7, 1), date(2025, 1, 1), date(2025, 4, 1)]
    # Q3 2024/25 (October) has no value: its point moves to January. The first quarter
    # and quarters beyond the series start no segment.
    starts = [date(2024, 10, 1), date(2025, 4, 1), date(2024, 4, 1), date(2026, 4, 1)]
    assert spc.break_indexes(periods, starts) == (2, 3)
