"""One period format: a chart's quarter axis runs in time order with "Q1 2024/25"
labels, and the import dry run flags early figures (charts: tests/app/test_quarter_axis.py)."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd

from core.metric_import import build_preview, check_rows
from core.metric_series import quarter_axis
from core.quarterly import early_notices, is_early
from tests.core.test_metric_import import LONDON_LEAD, LOOKUPS, row


def test_the_quarter_axis_runs_in_time_order_across_the_turn_of_the_year():
    shuffled = [date(2025, 1, 1), date(2024, 4, 1), date(2024, 10, 1), date(2025, 4, 1)]
    assert quarter_axis(shuffled) == [
        "Q1 2024/25", "Q2 2024/25", "Q3 2024/25", "Q4 2024/25", "Q1 2025/26",
    ]  # fmt: skip
    # Alphabetical order would put Q1 2025/26 before Q2 2024/25: a reversed trend.
    assert quarter_axis(shuffled) != sorted(quarter_axis(shuffled))


def test_the_quarter_axis_takes_timestamps_and_keeps_a_gap_in_place():
    starts = pd.Series(pd.to_datetime(["2023-07-01", "2024-01-01", None]))
    assert quarter_axis(starts) == ["Q2 2023/24", "Q3 2023/24", "Q4 2023/24"]
    assert quarter_axis([datetime(2026, 7, 1)]) == ["Q2 2026/27"]
    assert quarter_axis([]) == []


# --------------------------------------------------------------- the import dry run

TODAY = date(2024, 11, 15)  # in Q3 2024/25


def dry_run(*rows: dict, today: date | None = TODAY):
    clean, problems = check_rows(list(rows), LOOKUPS, LONDON_LEAD)
    assert not problems, problems
    return build_preview(clean, problems, {}, today=today)


def test_rows_of_a_quarter_that_has_not_ended_are_flagged_early():
    preview = dry_run(
        row(2, period="Q2 2024/25"),
        row(3, period="2024-25 Q3"),
        row(4, period="q3 2024/25", metric_code="PW01", value="3"),
    )
    assert preview.ok
    assert [r["Early"] for r in preview.display] == ["", "Early: not ended", "Early: not ended"]
    assert [r["Period"] for r in preview.display] == ["Q2 2024/25", "Q3 2024/25", "Q3 2024/25"]
    assert preview.notices == [
        "Rows 3, 4: Q3 2024/25 has not ended yet, so its figures are early: they can be "
        "entered, but the quarter can be submitted and signed off only once it ends."
    ]


def test_an_annual_metric_is_early_until_its_year_ends():
    preview = dry_run(row(2, metric_code="AN01", period="2024/25", value="3"))
    assert preview.display[0]["Early"] == "Early: not ended"
    assert preview.notices[0].startswith("Row 2: 2024/25 has not ended yet")
    assert not is_early(date(2023, 4, 1), "year", TODAY)


def test_without_a_clock_there_is_no_early_column():
    preview = dry_run(row(2, period="Q3 2024/25"), today=None)
    assert "Early" not in preview.display[0] and preview.notices == []


def test_early_notices_name_at_most_a_few_rows():
    rows = [{"row": n, "period_start": date(2024, 10, 1)} for n in range(2, 12)]
    (notice,) = early_notices(rows, TODAY)
    assert notice.startswith("Rows 2, 3, 4, 5, 6, 7 and 4 more: Q3 2024/25")
    assert early_notices(rows, date(2025, 1, 1)) == []
