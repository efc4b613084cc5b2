"""core.board_report: the report's periods, the summary matrix's row and which metrics
are exceptions, each against an example worked out by hand."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from core import board_report as br
from core.board_report import ReportPeriod
from core.spc import spc_view

QUARTERS = [f"Q{i}" for i in range(12)]
#: mean 150 / 12 = 12.5; moving ranges ten 2s and 20: 20 >= 3.267 x 40/11, so screened
#: out, mean moving range 2; limits 12.5 +- 5.32 = 7.18 to 17.82; 30 is beyond the upper.
SPIKE = [10, 12] * 5 + [10, 30]
#: mean 11, moving range 2: limits 5.68 to 16.32; no rule holds for the last point.
STEADY = [10, 12] * 6


def test_a_quarter_ends_three_months_on_and_reads_as_the_app_writes_it() -> None:
    q3 = ReportPeriod("quarter", date(2025, 10, 1))
    assert q3.end == date(2026, 1, 1)
    assert q3.label == "Q3 2025/26"
    assert q3.key == "quarter:2025-10-01"


def test_a_half_year_names_its_months() -> None:
    assert ReportPeriod("half", date(2025, 4, 1)).label == "H1 2025/26 (April to September 2025)"
    h2 = ReportPeriod("half", date(2025, 10, 1))
    assert h2.label == "H2 2025/26 (October 2025 to March 2026)"
    assert h2.end == date(2026, 4, 1)
    assert h2.quarters == (date(2025, 10, 1), date(2026, 1, 1))


def test_a_key_gives_back_its_period() -> None:
    period = ReportPeriod("half", date(2025, 10, 1))
    assert ReportPeriod.from_key(period.key) == period


@pytest.mark.parametrize(
    "key", ["half:2025-07-01", "quarter:2025-05-01", "year:2025-04-01", "quarter:soon", ""]
)
def test_a_key_that_names_no_period_is_refused(key: str) -> None:
    with pytest.raises(ValueError):
        ReportPeriod.from_key(key)


def test_report_periods_are_the_ended_quarters_and_halves_newest_first() -> None:
    # 6 Dec 2026 is in Q3 2026/27 (not offered); Q2 ended on 30 Sep 2026 and with it H1.
    keys = [p.key for p in br.report_periods(date(2026, 12, 6), count=4)]
    assert keys == [
        "quarter:2026-07-01",
        "half:2026-04-01",
        "quarter:2026-04-01",
        "quarter:2026-01-01",
        "half:2025-10-01",
        "quarter:2025-10-01",
    ]


def test_on_the_first_day_of_a_quarter_the_one_just_ended_is_first() -> None:
    assert br.report_periods(date(2026, 4, 1), count=1) == [
        ReportPeriod("quarter", date(2026, 1, 1)),
        ReportPeriod("half", date(2025, 10, 1)),
    ]


def test_special_cause_of_concern_is_an_exception() -> None:
    # decrease is better, so 30 (beyond the upper limit) is a concern; no target.
    view = spc_view(QUARTERS, SPIKE, direction="decrease")
    assert br.exception_reason(view) == (
        "Special cause of concern: the latest value is beyond the upper process limit."
    )


def test_failing_assurance_is_an_exception() -> None:
    # increase is better and the target 20 lies above the upper limit 16.32.
    view = spc_view(QUARTERS, STEADY, direction="increase", target=20)
    assert br.exception_reason(view, "number") == (
        f"{br.FAIL_REASON}: the target of 20 lies above the upper process limit (16.32), "
        "beyond what everyday variation reaches."
    )


def test_concern_and_failing_assurance_give_both_reasons() -> None:
    # decrease is better and the target 5 lies below the lower limit 7.18.
    reason = br.exception_reason(spc_view(QUARTERS, SPIKE, direction="decrease", target=5))
    assert reason is not None
    assert reason.startswith("Special cause of concern") and br.FAIL_REASON in reason


def test_common_cause_with_the_target_inside_the_limits_is_no_exception() -> None:
    assert br.exception_reason(spc_view(QUARTERS, STEADY, direction="increase", target=11)) is None


def test_with_fewer_than_twelve_points_nothing_is_an_exception() -> None:
    view = spc_view(QUARTERS[:11], SPIKE[:11], direction="decrease", target=5)
    assert br.exception_reason(view) is None
    assert br.variation_text(view) == "Not enough data for SPC (11 of 12 quarters)"


def _row(values: list[float], **kw: object) -> br.SummaryRow:
    # quarters from Q1 2023/24 (1 April 2023): the twelfth is Q4 2025/26 (1 January 2026)
    days = [date(2023 + (3 + 3 * i) // 12, (3 + 3 * i) % 12 + 1, 1) for i in range(len(values))]
    defaults: dict = {"unit": "count", "direction": "decrease", "target": None}
    return br.summary_row(
        7,
        "Waits",
        "Theme",
        points=list(zip(days, values, strict=True)),
        period=ReportPeriod("quarter", days[-1]),
        **(defaults | kw),
    )


def test_pick_exceptions_keeps_the_metrics_key_and_name() -> None:
    row = _row(SPIKE)
    assert br.pick_exceptions([row]) == (
        br.ExceptionItem("metric-7", "Waits", br.exception_reason(row.view, row.unit) or ""),
    )


def test_summary_row_gives_the_latest_value_in_the_period_and_icons_in_words() -> None:
    row = _row(SPIKE)
    assert (row.latest_value, row.latest_period) == ("30", "Q4 2025/26")
    assert row.variation == "■ H Special cause of concern"
    assert row.assurance == "– No target to assure against"


def test_values_after_the_period_are_left_out() -> None:
    row = _row(SPIKE)
    later = br.summary_row(
        7,
        "Waits",
        "Theme",
        unit="count",
        direction="decrease",
        target=None,
        points=[*zip(row.days, SPIKE, strict=True), (date(2026, 4, 1), 99.0)],
        period=ReportPeriod("quarter", row.days[-1]),
    )
    assert later.values == row.values


def test_a_recalculation_point_works_the_limits_out_afresh() -> None:
    # The 7th value (Q3 2024/25) starts a segment with limits of its own.
    plain = _row([10.0, 12.0] * 3 + [12.0] * 5 + [13.0])
    rebased = _row([10.0, 12.0] * 3 + [12.0] * 5 + [13.0], recalculations=[date(2024, 10, 1)])
    assert plain.view.result is not None and rebased.view.result is not None
    assert len(rebased.view.segments) == 2
    # the last six values 12, 12, 12, 12, 12, 13: mean 73 / 6; the whole series' 139 / 12
    assert rebased.view.result.mean == pytest.approx(73 / 6)
    assert plain.view.result.mean == pytest.approx(139 / 12)


def test_an_action_left_blank_says_none_was_recorded() -> None:
    assert br.action_text({"metric-1": "  "}, "metric-1") == br.NO_ACTION
    assert br.action_text({}, "metric-1") == br.NO_ACTION
    assert br.action_text({"metric-1": " Audit\n done "}, "metric-1") == "Audit done"


@pytest.mark.parametrize(
    ("days", "words"),
    [
        (1, "1 day overdue"),
        (13, "13 days overdue"),
        (14, "2 weeks overdue"),
        (61, "2 months overdue"),
    ],
)
def test_how_long_overdue_in_words(days: int, words: str) -> None:
    assert br.overdue_words(days) == words


def test_people_reached_in_a_region_follow_disclosure_control() -> None:
    projects = pd.DataFrame(
        {
            "region_id": [1, 2, 2],
            "status": ["active", "completed", "planned"],
            "start_date": [date(2025, 1, 1), None, date(2030, 1, 1)],
            "people_reached": [3, 12, 40],
        }
    )
    period = ReportPeriod("quarter", date(2025, 4, 1))
    table, commitment = br.projects_table(projects, {1: "A", 2: "B"}, {1: 1}, period, 5)
    # A: 3 people is below 5, so *; B: 12 rounds to 10 (the planned one starts later)
    assert table["People reached"].tolist() == ["*", 10, "15"]
    assert commitment.counted == 2
