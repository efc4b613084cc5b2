"""Checking metric-value rows against the lookups, with no database: every kind of problem."""

from __future__ import annotations

import time
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.importer import ROW
from core.metric_import import (
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    CharacteristicInfo,
    ExistingValue,
    Lookups,
    MetricInfo,
    RegionInfo,
    build_preview,
    check_rows,
    value_keys,
)
from core.permissions import Actor

LONDON = RegionInfo(1, "london", "London")
NORTH_WEST = RegionInfo(2, "north_west", "North West")
START = date(2023, 10, 1)
METRICS = [
    MetricInfo(10, "CA01", "Share offered an interpreter", "percentage", "national", None,
               start_period=START),
    MetricInfo(11, "CA02", "Share by ethnic group", "percentage", "national", None,
               disaggregated_by="ethnicity_broad", start_period=START),
    MetricInfo(12, "PW01", "Partners", "count", "national", None, start_period=START),
    MetricInfo(13, "LONDON-L01", "London local", "count", "local", 1, start_period=START),
    MetricInfo(14, "NW-L01", "North West local", "count", "local", 2, start_period=START),
    MetricInfo(15, "OLD01", "Retired", "count", "national", None, active=False),
    MetricInfo(16, "AN01", "Annual survey", "score", "national", None, frequency="annual"),
    MetricInfo(17, "ET01", "By detailed ethnic group", "count", "national", None,
               disaggregated_by="ethnicity"),
]  # fmt: skip
BROAD = (
    "Asian, Asian British or Asian Welsh",
    "Black, Black British, Black Welsh, Caribbean or African",
    "White",
)
CHARACTERISTICS = [
    CharacteristicInfo(
        "ethnicity_broad",
        "Ethnicity (high-level groups)",
        {**{n.lower(): n for n in BROAD}, "asian": BROAD[0], "black": BROAD[1], "white": BROAD[2]},
        BROAD,
    ),
    CharacteristicInfo("sex", "Sex", {"female": "Female", "male": "Male"}, ("Female", "Male")),
    CharacteristicInfo(
        "ethnicity", "Ethnicity", {"indian": "Indian"}, ("Indian",), frozenset({"asian"})
    ),
]
LOOKUPS = Lookups.build([LONDON, NORTH_WEST], METRICS, CHARACTERISTICS)
LONDON_LEAD = Actor(5, "london.lead", "regional_lead", 1)
ADMIN = Actor(1, "admin", "admin", None)
NATIONAL = Actor(2, "national.lead", "national_lead", None)
FORUM = Actor(3, "london.forum", "forum_member", 1)


def row(number: int = 2, **cells: str) -> dict:
    base = {ROW: number, **dict.fromkeys((*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS), "")}
    base.update(region="London", metric_code="CA01", period="2024/25 Q1", value="45")
    base.update(cells)
    return base


def problems_of(*rows: dict, actor: Actor = LONDON_LEAD):
    _clean, problems = check_rows(list(rows), LOOKUPS, actor)
    return [(p.row, p.column, p.message) for p in problems]


def one_problem(*rows: dict, actor: Actor = LONDON_LEAD) -> tuple[int | None, str, str]:
    found = problems_of(*rows, actor=actor)
    assert len(found) == 1, found
    return found[0]


def test_a_good_row_is_parsed():
    clean, problems = check_rows(
        [row(value="45.5", numerator="91", denominator="200", note="  checked ")],
        LOOKUPS,
        LONDON_LEAD,
    )
    assert problems == []
    assert clean == [
        {
            "row": 2,
            "region_id": 1,
            "region": "London",
            "metric_id": 10,
            "metric_code": "CA01",
            "unit": "percentage",
            "period_start": date(2024, 4, 1),
            "period_kind": "quarter",
            "characteristic": "",
            "group_name": "",
            "value": 45.5,
            "numerator": 91.0,
            "denominator": 200.0,
            "note": "checked",
        }
    ]


def test_region_by_code_or_name_in_any_case_and_metric_code_in_any_case():
    clean, problems = check_rows(
        [row(region="LONDON", metric_code="ca01"), row(3, region="london", period="Q2 2024/25")],
        LOOKUPS,
        LONDON_LEAD,
    )
    assert problems == []
    assert {r["region_id"] for r in clean} == {1}


def test_group_rows_by_name_or_code_and_characteristic_by_name_or_code():
    clean, problems = check_rows(
        [
            row(metric_code="CA02", characteristic="ethnicity_broad", group="black"),
            row(3, metric_code="CA02", characteristic="Ethnicity (high-level groups)",
                group="WHITE"),
            row(4, metric_code="CA02", group=BROAD[0].upper()),  # characteristic inferred
            row(5, metric_code="CA02"),  # the overall value
        ],
        LOOKUPS,
        LONDON_LEAD,
    )  # fmt: skip
    assert problems == []
    assert [(r["characteristic"], r["group_name"]) for r in clean] == [
        ("ethnicity_broad", BROAD[1]),
        ("ethnicity_broad", BROAD[2]),
        ("ethnicity_broad", BROAD[0]),
        ("", ""),
    ]


def test_unknown_metric():
    assert one_problem(row(metric_code="ZZ99"))[:2] == (2, "metric_code")
    assert "'ZZ99' is not a metric code" in one_problem(row(metric_code="ZZ99"))[2]


def test_blank_region_and_metric():
    found = problems_of(row(region="", metric_code=""))
    assert [(r, c) for r, c, _ in found] == [(2, "region"), (2, "metric_code")]


def test_unknown_region():
    _r, column, message = one_problem(row(region="Atlantis"))
    assert column == "region"
    assert "'Atlantis' is not a region" in message


def test_retired_metric():
    assert "no longer in use" in one_problem(row(metric_code="OLD01", value="3"))[2]


def test_local_metric_of_another_region():
    _r, column, message = one_problem(row(metric_code="NW-L01", value="3"))
    assert column == "metric_code"
    assert "local metric of North West, not of London" in message


@pytest.mark.parametrize("period", ["Q5 2024/25", "2024/26 Q1", "April", "", "2024-02-30"])
def test_bad_period(period):
    assert one_problem(row(period=period))[:2] == (2, "period")


def test_a_whole_year_for_a_quarterly_metric_is_refused_clearly():
    _r, column, message = one_problem(row(period="2024/25"))
    assert column == "period"
    assert "every quarter" in message and "'Q1 2024/25'" in message


def test_a_quarter_for_an_annual_metric_is_refused_and_a_year_accepted():
    assert "once a year" in one_problem(row(metric_code="AN01", period="2024/25 Q2"))[2]
    clean, problems = check_rows([row(metric_code="AN01", period="2024/25")], LOOKUPS, ADMIN)
    assert problems == [] and clean[0]["period_kind"] == "year"


def test_a_period_before_the_metric_started():
    assert "before CA01 started" in one_problem(row(period="2022/23 Q1"))[2]


@pytest.mark.parametrize(
    ("cells", "column", "words"),
    [
        ({"value": "abc"}, "value", "not a number"),
        ({"value": ""}, "value", "a value is needed"),
        ({"value": "101"}, "value", "between 0 and 100"),
        ({"value": "-1"}, "value", "between 0 and 100"),
        ({"numerator": "5.5", "denominator": "10"}, "numerator", "whole number"),
        ({"numerator": "x"}, "numerator", "not a number"),
        ({"numerator": "20", "denominator": "10"}, "numerator", "more than the denominator"),
        ({"denominator": "0"}, "denominator", "more than 0"),
        ({"metric_code": "PW01", "value": "2.5"}, "value", "whole number"),
        ({"metric_code": "PW01", "value": "-3"}, "value", "must not be negative"),
    ],
)
def test_value_rules(cells, column, words):
    number, found_column, message = one_problem(row(**cells))
    assert (number, found_column) == (2, column)
    assert words in message


def test_a_duplicate_row_names_both_rows():
    number, column, message = one_problem(row(2), row(3, value="50"), row(4, period="2024/25 Q2"))
    assert number == 3
    assert "rows 2 and 3" in message
    assert "London, CA01, Q1 2024/25 (overall)" in message
    assert "region" in column


def test_the_same_group_twice_is_a_duplicate_but_different_groups_are_not():
    found = problems_of(
        row(2, metric_code="CA02", group="Black"),
        row(3, metric_code="CA02", group="white"),
        row(4, metric_code="CA02", characteristic="ethnicity_broad", group="BLACK"),
    )
    assert [(r, "rows 2 and 4" in m) for r, _c, m in found] == [(4, True)]


@pytest.mark.parametrize("actor", [NATIONAL, FORUM], ids=["national_lead", "forum_member"])
def test_a_role_that_may_not_edit_values_gets_a_problem_on_every_row(actor):
    found = problems_of(row(2), row(3, period="2024/25 Q2"), actor=actor)
    assert [(r, c) for r, c, _ in found] == [(2, "region"), (3, "region")]
    assert "you may not change values for London" in found[0][2]


def test_a_regional_lead_may_not_edit_another_region_but_an_admin_may():
    found = problems_of(row(region="North West"))
    assert found[0][:2] == (2, "region") and "North West" in found[0][2]
    assert problems_of(row(region="North West"), actor=ADMIN) == []
    assert problems_of(row(region="North West", metric_code="NW-L01", value="3"), actor=ADMIN) == []


@pytest.mark.parametrize(
    ("cells", "column", "words"),
    [
        ({"characteristic": "sex", "group": "Female"}, "characteristic", "not broken down"),
        ({"metric_code": "CA02", "characteristic": "sex", "group": "Female"}, "characteristic",
         "broken down by Ethnicity (high-level groups)"),
        ({"metric_code": "CA02", "characteristic": "eye colour", "group": "Blue"},
         "characteristic", "not a characteristic we know"),
        ({"metric_code": "CA02", "group": "Martian"}, "group", "not a group of Ethnicity"),
        ({"metric_code": "CA02", "characteristic": "ethnicity_broad"}, "group",
         "a group is needed"),
        ({"group": "White"}, "group", "not broken down"),
        ({"metric_code": "ET01", "value": "3", "group": "Asian"}, "group",
         "total of several groups"),
    ],
)  # fmt: skip
def test_wrong_characteristic_or_group(cells, column, words):
    number, found_column, message = one_problem(row(**cells))
    assert (number, found_column) == (2, column)
    assert words in message


def test_a_long_note_is_refused():
    assert one_problem(row(note="x" * 1001))[:2] == (2, "note")


def test_every_problem_on_a_row_is_listed():
    found = problems_of(row(region="Atlantis", metric_code="ZZ", period="soon", value="lots"))
    assert [c for _r, c, _m in found] == ["region", "metric_code", "period", "value"]


def test_preview_counts_new_updated_and_unchanged():
    rows, problems = check_rows(
        [row(2, value="45"), row(3, period="2024/25 Q2", value="50"), row(4, period="2024/25 Q3")],
        LOOKUPS,
        LONDON_LEAD,
    )
    keys = value_keys(rows)
    existing = {
        keys[0]: ExistingValue(100, 45.0, None, None, "kept", 2),  # same value, blank note
        keys[1]: ExistingValue(101, 40.0, None, None, "", 1),
    }
    preview = build_preview(rows, problems, existing)
    assert (preview.new, preview.updated, preview.unchanged) == (1, 1, 1)
    assert preview.summary == "1 new value, 1 updated, 1 unchanged"
    assert [r["change"] for r in preview.rows] == ["unchanged", "updated", "new"]
    assert [(r["existing_id"], r["existing_version"]) for r in preview.rows] == [
        (100, 2),
        (101, 1),
        (None, None),
    ]
    assert preview.display[1]["Was"] == "40%" and preview.display[1]["Value"] == "50%"


@pytest.mark.parametrize("period", ["0000/01 Q1", "0000/01", "9999/00 Q4"])
def test_a_period_whose_date_cannot_exist_is_a_problem_not_a_crash(period):
    """Found by fuzzing: these have the shape of a period, but the year 0 or 10000 made
    ``date()`` raise ValueError, which escaped the checks and broke the dry run."""
    number, column, message = one_problem(row(metric_code="PW01", value="3", period=period))
    assert (number, column) == (2, "period")
    assert "not a plausible period" in message and "Q1 2024/25" in message


def test_a_change_to_a_very_large_figure_is_not_called_unchanged():
    """Found by fuzzing: values were compared with a relative tolerance of 1e-12, so
    999,999,999,999 stored and 1,000,000,000,000 in the file previewed as 'unchanged' and
    the new figure was never saved."""
    rows, problems = check_rows(
        [row(metric_code="PW01", value="1000000000000"), row(3, metric_code="PW01",
         period="2024/25 Q2", value="123456789")],
        LOOKUPS,
        LONDON_LEAD,
    )  # fmt: skip
    keys = value_keys(rows)
    existing = {
        keys[0]: ExistingValue(100, 999_999_999_999.0, None, None, "", 1),
        keys[1]: ExistingValue(101, 123456789.0, None, None, "", 1),
    }
    preview = build_preview(rows, problems, existing)
    assert [r["change"] for r in preview.rows] == ["updated", "unchanged"]


def test_a_preview_with_problems_has_no_rows_to_write():
    rows, problems = check_rows([row(2), row(3, value="x")], LOOKUPS, LONDON_LEAD)
    preview = build_preview(rows, problems, {})
    assert preview.rows == [] and not preview.ok
    assert [p.row for p in preview.problems] == [3]


def test_ten_thousand_rows_are_checked_quickly():
    rows = [
        row(i + 2, period=f"{2024 + i // 4 // 3}/{(25 + i // 4 // 3) % 100:02d} Q{i // 3 % 4 + 1}",
            metric_code=("CA01", "PW01", "LONDON-L01")[i % 3], value=str(i % 90))
        for i in range(10_000)
    ]  # fmt: skip
    started = time.perf_counter()
    clean, problems = check_rows(rows, LOOKUPS, LONDON_LEAD)
    elapsed = time.perf_counter() - started
    print(f"checked 10,000 rows in {elapsed:.2f} s")
    assert problems == []
    assert len(clean) == 10_000
    assert elapsed < 5


@settings(max_examples=200, deadline=None)
@given(
    cells=st.fixed_dictionaries(
        {c: st.text(max_size=15) for c in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)}
    )
)
def test_arbitrary_rows_give_a_clean_row_or_problems_never_an_exception(cells):
    clean, problems = check_rows([{ROW: 2, **cells}], LOOKUPS, ADMIN)
    assert len(clean) + bool(problems) == 1
    assert all(p.row == 2 and p.column and p.message for p in problems)
