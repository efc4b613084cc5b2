"""Numbers in imported files: a semicolon-separated file marks decimals with a comma;
anywhere else "12,5" is refused as ambiguous (naming the row and column) and "1,250" is
a thousand two hundred and fifty. Metric values and equity figures, on both engines."""

from __future__ import annotations

import pytest

from core.importer import uses_decimal_comma
from db import equity as de
from db.metric_import import preview_metric_values
from tests.db.test_equity import HEADER, WHITE, actors, csv, ids  # noqa: F401 - fixture
from tests.db.test_metric_import import actor


def _values(preview) -> list[float]:
    return [row["value"] for row in preview.rows]


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (b"region;metric_code;period;value\n", "a.csv", True),
        (b"\xef\xbb\xbfregion;metric_code;period;value\n", "a.CSV", True),
        (b"region,metric_code,period,value\n", "a.csv", False),
        (b"region\tmetric_code\tperiod\tvalue\n", "a.txt", False),
        (b"region;metric_code;period;value\n", "a.xlsx", False),
    ],
)
def test_only_a_semicolon_csv_marks_decimals_with_a_comma(data, name, expected):
    assert uses_decimal_comma(data, name) is expected


def test_a_semicolon_file_reads_a_decimal_comma(demo_engine):
    lead = actor(demo_engine, "london.lead")
    data = (
        b"region;metric_code;period;value;numerator;denominator\n"
        b"London;CA01;2026/27 Q3;12,5;;\n"
        b"London;PW01;2026/27 Q3;1.250,0;;\n"
        b"London;CA02;2026/27 Q3;1.250;;\n"
    )
    preview = preview_metric_values(demo_engine, lead, data, "values.csv")
    assert [(p.row, p.column) for p in preview.problems] == [(4, "value")]
    assert "ambiguous" in preview.problems[0].message
    fixed = data.replace(b";1.250;", b";12,25;")
    preview = preview_metric_values(demo_engine, lead, fixed, "values.csv")
    assert preview.problems == []
    assert _values(preview) == [12.5, 1250.0, 12.25]


def test_a_comma_file_refuses_a_decimal_comma_and_keeps_thousands(demo_engine):
    lead = actor(demo_engine, "london.lead")
    data = (
        b"region,metric_code,period,value\n"
        b'London,CA01,2026/27 Q3,"12,5"\n'
        b'London,PW01,2026/27 Q3,"1,250"\n'
    )
    preview = preview_metric_values(demo_engine, lead, data, "values.csv")
    assert [(p.row, p.column) for p in preview.problems] == [(2, "value")]
    assert str(preview.problems[0]).startswith("Row 2, value: '12,5' is ambiguous")
    fixed = data.replace(b'"12,5"', b"12.5")
    preview = preview_metric_values(demo_engine, lead, fixed, "values.csv")
    assert preview.problems == []
    assert _values(preview) == [12.5, 1250.0]


def test_an_equity_semicolon_file_reads_its_numbers_with_a_decimal_comma(engine, ids):  # noqa: F811
    lead = actors(ids)["london_lead"]
    semicolons = HEADER.replace(",", ";")
    data = csv(
        semicolons,
        f"London;2025/26 Q1;right_support;ethnicity_broad;{WHITE};90;1.250",
        f"London;2025/26 Q1;right_support;ethnicity_broad;{WHITE};90,5;100",
    )
    preview = de.preview_equity_counts(engine, lead, data, "figures.csv")
    assert [(p.row, p.column) for p in preview.problems] == [(2, "denominator"), (3, "numerator")]
    assert "ambiguous" in preview.problems[0].message
    assert "whole number" in preview.problems[1].message


def test_an_equity_comma_file_refuses_an_ambiguous_count(engine, ids):  # noqa: F811
    lead = actors(ids)["london_lead"]
    data = csv(
        HEADER,
        f'London,2025/26 Q1,right_support,ethnicity_broad,{WHITE},"90,5",100',
        f'London,2024/25,mha_detentions,ethnicity_broad,{WHITE},"1,250",',
    )
    preview = de.preview_equity_counts(engine, lead, data, "figures.csv")
    assert [(p.row, p.column) for p in preview.problems] == [(2, "numerator")]
    assert "ambiguous" in preview.problems[0].message
