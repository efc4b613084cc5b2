"""The equity analyses: intervals, ratios, small numbers, missing data and what is shown."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest
from scipy import stats as sps
from statsmodels.stats.proportion import proportion_confint

from core import equity as eq
from core.disclosure import SUPPRESSED
from core.equity_import import EquityReference, check_count_rows, check_population_rows
from core.permissions import Actor
from core.stats import format_ratio, proportion_ratio
from seed import reference as ref

TOL = 1e-9
BROAD = [
    eq.GroupInfo(g.name, g.is_missing, None, g.sort_order)
    for g in next(c for c in ref.CHARACTERISTICS if c.code == "ethnicity_broad").groups
]
_ETHNICITY = next(c for c in ref.CHARACTERISTICS if c.code == "ethnicity")
_NAMES = {g.code: g.name for g in _ETHNICITY.groups}
DETAILED = [
    eq.GroupInfo(g.name, g.is_missing, _NAMES.get(g.parent) if g.parent else None, g.sort_order)
    for g in _ETHNICITY.groups
]
ASIAN, BLACK, MIXED, WHITE, OTHER = (g.name for g in BROAD[:5])
RIGHT = eq.MEASURES["right_support"]
EARLY = eq.MEASURES["ended_early"]
MHA = eq.MEASURES["mha_detentions"]
SUPPORTED = eq.MEASURES["people_supported"]


def counts(rows: dict[str, tuple[int, int | None]]) -> pd.DataFrame:
    return pd.DataFrame(
        [(g, n, d) for g, (n, d) in rows.items()], columns=["group", "numerator", "denominator"]
    )


def population(rows: dict[str, int]) -> pd.DataFrame:
    return pd.DataFrame(list(rows.items()), columns=["group", "population"])


def row(frame: pd.DataFrame, group: str) -> pd.Series:
    return frame[frame["group"] == group].iloc[0]


def plain(value: object) -> float:
    """core.stats.format_ratio reads repr(), so it needs a Python float, not numpy's."""
    return float(value)  # type: ignore[arg-type]


# -- outcomes and experience --------------------------------------------------------------


def test_each_group_gets_its_wilson_interval():
    data = {BLACK: (430, 500), WHITE: (1800, 2000), ASIAN: (270, 300)}
    result = eq.proportions_by_group(counts(data), BROAD, RIGHT, WHITE)
    for group, (k, n) in data.items():
        expected = proportion_confint(k, n, alpha=0.05, method="wilson")
        got = row(result, group)
        assert got["value"] == pytest.approx(k / n, abs=TOL)
        assert (got["low"], got["high"]) == pytest.approx(expected, abs=TOL)
    assert row(result, WHITE)["status"] == "reference"
    assert math.isnan(row(result, WHITE)["ratio"])


def test_ratio_compares_the_outcome_its_percentage_shows_with_the_katz_interval():
    # 430 of 500 Black and 1800 of 2000 White service users got the right support: the
    # ratio is of the same outcome as the percentage beside it (86% against 90%).
    data = {BLACK: (430, 500), WHITE: (1800, 2000)}
    result = row(eq.proportions_by_group(counts(data), BROAD, RIGHT, WHITE), BLACK)
    assert not RIGHT.complement
    ratio = (430 / 500) / (1800 / 2000)
    assert result["ratio"] == pytest.approx(result["value"] / 0.9, abs=TOL)
    se = math.sqrt(1 / 430 - 1 / 500 + 1 / 1800 - 1 / 2000)
    z = sps.norm.ppf(0.975)
    assert result["ratio"] == pytest.approx(ratio, abs=TOL)
    assert result["ratio_low"] == pytest.approx(math.exp(math.log(ratio) - z * se), abs=TOL)
    assert result["ratio_high"] == pytest.approx(math.exp(math.log(ratio) + z * se), abs=TOL)
    assert result["significant"]


def test_disparity_sentence_for_a_significant_difference():
    data = {BLACK: (430, 500), WHITE: (1800, 2000)}
    result = eq.proportions_by_group(counts(data), BROAD, RIGHT, WHITE)
    assert eq.disparity_sentences(result, RIGHT, WHITE) == [
        "Black service users were 0.96 times as likely as White service users to say they "
        "got the right level of support (95% CI 0.92 to 0.99)."
    ]


def test_default_reference_is_white_british_for_detailed_ethnicity():
    data = {"Caribbean": (430, 500), eq.WHITE_BRITISH: (1800, 2000), "Irish": (40, 45)}
    reference = eq.default_reference("ethnicity", data)
    assert reference == eq.WHITE_BRITISH
    result = eq.proportions_by_group(counts(data), DETAILED, RIGHT, reference)
    assert eq.disparity_sentences(result, RIGHT, reference) == [
        "Caribbean service users were 0.96 times as likely as White British service users to "
        "say they got the right level of support (95% CI 0.92 to 0.99)."
    ]
    assert eq.default_reference("ethnicity_broad", [WHITE, BLACK]) == WHITE
    assert eq.default_reference("sex", ["Female", "Male"]) == eq.EVERYONE_ELSE


def test_white_british_is_named_the_same_in_sentence_chart_and_table():
    data = {"Caribbean": (430, 500), eq.WHITE_BRITISH: (1800, 2000), "Irish": (40, 45)}
    result = eq.proportions_by_group(counts(data), DETAILED, RIGHT, eq.WHITE_BRITISH)
    sentence = eq.disparity_sentences(result, RIGHT, eq.WHITE_BRITISH)[0]
    assert "White British service users" in sentence
    view = eq.View(exact=True)
    table = eq.display_table(result, RIGHT, view)
    chart = eq.chart_frame(result, RIGHT, view)
    trend = eq.trend_frame([("2024/25", result)], RIGHT, view)
    for groups in (table["Group"], chart["group"], trend["Group"]):
        assert "White British" in set(groups)
        assert eq.WHITE_BRITISH not in set(groups)
    assert eq.shown_name(eq.WHITE_BRITISH) == "White British"
    assert eq.shown_name("Irish") == "Irish"


def test_no_sentence_when_the_interval_includes_1():
    data = {BLACK: (88, 100), WHITE: (900, 1000)}
    result = eq.proportions_by_group(counts(data), BROAD, RIGHT, WHITE)
    assert not row(result, BLACK)["significant"]
    assert eq.disparity_sentences(result, RIGHT, WHITE) == []
    assert "could be down to chance" in eq.no_disparity_sentence(result, RIGHT, WHITE)


def test_everyone_else_pools_the_other_stated_groups():
    data = {
        "Female": (30, 200),
        "Male": (60, 200),
        "Not known": (40, 50),  # missing groups never join the comparison
    }
    groups = [eq.GroupInfo("Female", sort_order=1), eq.GroupInfo("Male", sort_order=2)]
    groups.append(eq.GroupInfo("Not known", True, sort_order=3))
    result = eq.proportions_by_group(counts(data), groups, EARLY, eq.EVERYONE_ELSE)
    assert list(result["group"]) == ["Female", "Male"]
    expected = proportion_ratio(30, 200, 60, 200)
    got = row(result, "Female")
    assert (got["ratio"], got["ratio_low"], got["ratio_high"]) == pytest.approx(expected)
    assert eq.disparity_sentences(result, EARLY, eq.EVERYONE_ELSE)[0].startswith(
        "Female service users were 0.5 times as likely as all other service users to leave"
    )


# -- rates: the Mental Health Act worked example ----------------------------------------------


def test_mental_health_act_example_at_the_analysis_level():
    """Year to March 2023: 228 detentions per 100,000 Black people, 64 per 100,000 White
    people, "3.5 times as likely"."""
    events = counts({BLACK: (5462, None), WHITE: (29_000, None), "Not known": (900, None)})
    people = population({BLACK: 2_400_000, WHITE: 45_000_000})
    result = eq.rates_by_group(
        events, people, BROAD, eq.default_reference("ethnicity_broad", [WHITE])
    )
    black, white = row(result, BLACK).to_dict(), row(result, WHITE).to_dict()
    assert (round(black["value"]), round(white["value"])) == (228, 64)
    assert format_ratio(plain(black["ratio"])) == "3.5"
    z = sps.norm.ppf(0.975)
    se = math.sqrt(1 / 5462 + 1 / 29_000)
    assert black["ratio_low"] == pytest.approx(black["ratio"] * math.exp(-z * se), abs=TOL)
    assert black["ratio_high"] == pytest.approx(black["ratio"] * math.exp(z * se), abs=TOL)
    sentence = eq.disparity_sentences(result, MHA, WHITE)
    assert sentence == [
        f"Black people were 3.5 times as likely as White people to be detained under the "
        f"Mental Health Act (95% CI {format_ratio(plain(black['ratio_low']))} to "
        f"{format_ratio(plain(black['ratio_high']))})."
    ]


def test_rates_below_10_events_use_exact_poisson_limits():
    events = counts({BLACK: (7, None), WHITE: (640, None)})
    people = population({BLACK: 10_000, WHITE: 1_000_000})
    black = row(eq.rates_by_group(events, people, BROAD, WHITE), BLACK)
    low = sps.chi2.ppf(0.025, 14) / 2 * 10
    high = sps.chi2.ppf(0.975, 16) / 2 * 10
    assert black["value"] == pytest.approx(70, abs=TOL)
    assert (black["low"], black["high"]) == pytest.approx((low, high), abs=TOL)


def test_a_group_without_a_population_gets_no_rate():
    events = counts({BLACK: (50, None), WHITE: (640, None)})
    result = eq.rates_by_group(events, population({WHITE: 1_000_000}), BROAD, WHITE)
    assert row(result, BLACK)["status"] == "no_population"
    assert math.isnan(row(result, BLACK)["value"])


# -- access -----------------------------------------------------------------------------------


def test_access_is_the_share_supported_over_the_share_of_the_population():
    supported = counts({BLACK: (60, None), WHITE: (340, None), "Not stated": (50, None)})
    people = population({BLACK: 50_000, WHITE: 950_000})
    result = eq.access_by_group(supported, people, BROAD)
    black = row(result, BLACK)
    assert black["value"] == pytest.approx(60 / 400)
    assert black["ratio"] == pytest.approx((60 / 400) / (50_000 / 1_000_000))
    se = math.sqrt(1 / 60 - 1 / 400 + 1 / 50_000 - 1 / 1_000_000)
    z = sps.norm.ppf(0.975)
    assert black["ratio_low"] == pytest.approx(black["ratio"] * math.exp(-z * se), abs=TOL)
    assert black["significant"]
    sentence = eq.disparity_sentences(result, SUPPORTED, eq.EVERYONE_ELSE)[0]
    assert sentence.startswith(
        "Black people were 3.0 times as likely as everyone in the local population to be "
        "supported by our services (95% CI"
    )


def test_detailed_groups_replace_their_high_level_group():
    present = [
        "White",
        eq.WHITE_BRITISH,
        "Irish",
        "Black, Black British, Black Welsh, Caribbean or African",
        "Not known",
    ]
    names = [g.name for g in eq.analysis_groups(present, DETAILED)]
    assert "White" not in names  # its detailed groups are there
    assert eq.WHITE_BRITISH in names and "Irish" in names
    assert BLACK in names  # no detailed Black group in the data, so the total stays
    assert "Not known" not in names


# -- small numbers ------------------------------------------------------------------------------


def test_small_numerators_are_too_few_to_show_never_zero():
    data = {BLACK: (3, 40), MIXED: (0, 12), WHITE: (1800, 2000)}
    result = eq.proportions_by_group(counts(data), BROAD, RIGHT, WHITE)
    for group in (BLACK, MIXED):
        got = row(result, group)
        assert got["status"] == "too_few"
        assert math.isnan(got["value"]) and math.isnan(got["ratio"])
    for view in (eq.View(exact=True), eq.View(exact=False)):
        table = eq.display_table(result, RIGHT, view)
        small = table[table["Group"].isin([BLACK, MIXED])]
        assert (small["Note"] == eq.TOO_FEW).all()
        assert small["Percentage"].isna().all()
        assert not (small["Percentage"] == 0).any()
    assert eq.chart_frame(result, RIGHT)["group"].tolist() == [WHITE]


def test_a_ratio_needs_enough_people_with_the_outcome_on_both_sides():
    # 98 of 100 left early in the reference: only 2 did, too few to compare.
    data = {BLACK: (50, 100), WHITE: (2, 2000)}
    got = row(eq.proportions_by_group(counts(data), BROAD, EARLY, WHITE), BLACK)
    assert got["status"] == "too_few_to_compare"
    assert got["value"] == pytest.approx(0.5)
    assert math.isnan(got["ratio"])


def test_a_reference_with_too_few_people_compares_nobody():
    data = {BLACK: (50, 100), WHITE: (3, 10)}
    result = eq.proportions_by_group(counts(data), BROAD, EARLY, WHITE)
    assert row(result, BLACK)["status"] == "too_few_to_compare"
    assert "No group could be compared" in eq.no_disparity_sentence(result, EARLY, WHITE)


def test_a_higher_threshold_hides_more():
    data = {BLACK: (6, 40), WHITE: (300, 2000)}
    assert row(eq.proportions_by_group(counts(data), BROAD, EARLY, WHITE), BLACK)["status"] == (
        "shown"
    )
    hidden = eq.proportions_by_group(counts(data), BROAD, EARLY, WHITE, threshold=8)
    assert row(hidden, BLACK)["status"] == "too_few"


# -- what a person sees -------------------------------------------------------------------------


def _suppressed_ok(value: object) -> bool:
    return value == SUPPRESSED or (str(value).isdigit() and int(value) % 5 == 0 and int(value) >= 5)


def test_suppressed_view_rounds_and_stars_every_count():
    data = {BLACK: (3, 7), MIXED: (12, 13), WHITE: (1801, 2003)}
    result = eq.proportions_by_group(counts(data), BROAD, RIGHT, WHITE)
    table = eq.display_table(result, RIGHT, eq.View(exact=False))
    for column in (RIGHT.numerator, RIGHT.denominator):
        assert all(_suppressed_ok(v) for v in table[column]), table[column].tolist()
    assert table[RIGHT.numerator].tolist() == [SUPPRESSED, "10", "1800"]
    exact = eq.display_table(result, RIGHT, eq.View(exact=True))
    assert exact[RIGHT.numerator].tolist() == [3, 12, 1801]


def test_national_figures_are_not_rounded():
    result = eq.access_by_group(
        counts({BLACK: (7, None), WHITE: (1801, None)}), population({}), BROAD
    )
    table = eq.display_table(result, SUPPORTED, eq.View(exact=False, national=True))
    assert table[SUPPORTED.numerator].tolist() == [7, 1801]


def test_exact_figures_depend_on_the_role_and_region():
    lead = Actor(1, "lead", "regional_lead", 3)
    forum = Actor(2, "forum", "forum_member", 3)
    national = Actor(3, "nat", "national_lead")
    assert eq.view_for(lead, 3).exact
    assert not eq.view_for(lead, 4).exact
    assert not eq.view_for(forum, 3).exact and eq.view_for(forum, 3).suppressed
    assert eq.view_for(national, 3).exact and eq.view_for(national, None).exact
    assert eq.view_for(forum, 3, threshold=8).threshold == 8


# -- data quality -----------------------------------------------------------------------------


def test_missing_share_and_sentence():
    data = counts(
        {BLACK: (100, None), WHITE: (780, None), "Not stated": (70, None), "Not known": (50, None)}
    )
    missing = eq.missing_data(data, BROAD, SUPPORTED)
    assert (missing.missing, missing.total) == (120, 1000)
    assert eq.missing_sentence(
        "Ethnicity (high-level groups)", SUPPORTED, missing, exact=False
    ) == (
        "Ethnicity was not recorded for 12% of people supported; missing data can hide a disparity."
    )


def test_missing_share_uses_denominators_for_proportions():
    data = counts({WHITE: (90, 100), "Not known": (5, 25)})
    missing = eq.missing_data(data, BROAD, RIGHT)
    assert (missing.missing, missing.total) == (25, 125)


def test_a_few_missing_records_are_never_shown_exactly():
    data = counts({WHITE: (500, None), "Not known": (2, None)})
    missing = eq.missing_data(data, BROAD, SUPPORTED)
    sentence = eq.missing_sentence("Ethnicity", SUPPORTED, missing, exact=False)
    assert "fewer than 5" in sentence and "2" not in sentence
    none = eq.missing_data(counts({WHITE: (500, None)}), BROAD, SUPPORTED)
    assert eq.missing_sentence("Ethnicity", SUPPORTED, none, exact=True) == (
        "Ethnicity was recorded for all people supported."
    )
    assert "fewer than 5" in eq.missing_sentence("Ethnicity", SUPPORTED, none, exact=False)


# -- trends and helpers -------------------------------------------------------------------------


def test_trend_frame_leaves_too_few_blank():
    first = eq.proportions_by_group(
        counts({BLACK: (2, 30), WHITE: (300, 2000)}), BROAD, EARLY, WHITE
    )
    second = eq.proportions_by_group(
        counts({BLACK: (9, 30), WHITE: (300, 2000)}), BROAD, EARLY, WHITE
    )
    trend = eq.trend_frame([("Q1 2025/26", first), ("Q2 2025/26", second)], EARLY)
    black = trend[trend["Group"] == BLACK]
    assert black["Value"].isna().tolist() == [True, False]
    assert black["Note"].tolist() == [eq.TOO_FEW, ""]
    assert black["Value"].iloc[1] == pytest.approx(30.0)


def test_population_year_is_the_latest_not_after_the_period():
    assert eq.pick_population_year([2011, 2021], 2024) == 2021
    assert eq.pick_population_year([2011, 2021], 2015) == 2011
    assert eq.pick_population_year([2021], 2019) == 2021
    assert eq.pick_population_year([], 2019) is None


@pytest.mark.parametrize(
    ("group", "people", "phrase"),
    [
        (eq.WHITE_BRITISH, "service users", "White British service users"),
        ("18-24", "people", "People aged 18-24"),
        (
            "Mixed or Multiple ethnic groups",
            "people",
            "People from Mixed or Multiple ethnic groups",
        ),
        ("Female", "service users", "Female service users"),
    ],
)
def test_group_phrases(group, people, phrase):
    assert eq.group_phrase(group, people, start=True) == phrase


def test_measures_are_found_by_code_or_label():
    assert eq.measure_for("RIGHT_SUPPORT") is RIGHT
    assert eq.measure_for(" people supported ") is SUPPORTED
    assert eq.measure_for("nonsense") is None


def test_unknown_reference_is_refused():
    with pytest.raises(ValueError):
        eq.proportions_by_group(counts({WHITE: (10, 20)}), BROAD, EARLY, BLACK)


# -- checking typed-in and imported figures ---------------------------------------------------


REFERENCE = EquityReference(
    regions={
        "london": (2, "London"),
        "north_west": (5, "North West"),
        "north west": (5, "North West"),
    },
    characteristics={"ethnicity_broad": "ethnicity_broad", "ethnicity": "ethnicity"},
    groups={
        "ethnicity_broad": {"white": WHITE, BLACK.lower(): BLACK, "not known": "Not known"},
        "ethnicity": {"a": eq.WHITE_BRITISH, eq.WHITE_BRITISH.lower(): eq.WHITE_BRITISH},
    },
)


def line(**values: str) -> dict[str, str]:
    base = {
        "region": "London",
        "period": "2025/26 Q1",
        "measure": "right_support",
        "characteristic": "ethnicity_broad",
        "group": "White",
        "numerator": "90",
        "denominator": "100",
    }
    return {**base, **values}


def test_a_clean_row_is_checked_into_a_typed_row():
    rows, problems = check_count_rows(
        [line(), line(group="a", characteristic="ethnicity")], REFERENCE
    )
    assert problems == []
    assert rows[0].region_id == 2 and rows[0].period_start == date(2025, 4, 1)
    assert (rows[0].numerator, rows[0].denominator) == (90, 100)
    assert rows[1].group_name == eq.WHITE_BRITISH  # the NHS ethnic category code A


@pytest.mark.parametrize(
    ("values", "column", "words"),
    [
        ({"region": "Atlantis"}, "region", "no region"),
        ({"measure": "happiness"}, "measure", "not a measure"),
        ({"group": "Martian"}, "group", "not a group"),
        ({"numerator": "-1"}, "numerator", "negative"),
        ({"numerator": "2.5"}, "numerator", "whole number"),
        ({"numerator": "120"}, "numerator", "more than the denominator"),
        ({"denominator": ""}, "denominator", "needs a denominator"),
        ({"measure": "people_supported"}, "denominator", "leave this blank"),
        ({"period": "2025/26"}, "period", "counted by quarter"),
        (
            {"measure": "mha_detentions", "period": "2025/26 Q1", "denominator": ""},
            "period",
            "by year",
        ),
    ],
)
def test_each_problem_names_its_row_and_column(values, column, words):
    rows, problems = check_count_rows([line(), line(**values)], REFERENCE)
    assert len(rows) == 1
    assert [(p.row, p.column) for p in problems] == [(3, column)]
    assert words in problems[0].message


@pytest.mark.parametrize(
    ("values", "column", "words"),
    [
        ({"period": "0000/01 Q1"}, "period", "not a plausible period"),
        ({"period": "9999/00 Q4"}, "period", "not a plausible period"),
        ({"period": "1066/67 Q1"}, "period", "not a plausible period"),
        ({"numerator": "2147483648"}, "numerator", "at most"),
        ({"numerator": "1e300"}, "numerator", "at most"),
        ({"denominator": "3000000000"}, "denominator", "at most"),
    ],
)
def test_figures_the_database_cannot_hold_are_problems(values, column, words):
    """Found by fuzzing: a year 0 or 10000 period raised ValueError out of the checks, and
    a count over 2,147,483,647 passed the dry run, then failed the save ('integer out of
    range' on PostgreSQL, OverflowError on SQLite)."""
    rows, problems = check_count_rows([line(), line(**values)], REFERENCE)
    assert len(rows) == 1
    assert [(p.row, p.column) for p in problems] == [(3, column)]
    assert words in problems[0].message
    assert check_count_rows([line(numerator="2147483647", denominator="2147483647")], REFERENCE)[
        0
    ], "the largest count the database holds is still accepted"


def test_a_population_the_database_cannot_hold_is_a_problem():
    good = {"region": "London", "characteristic": "ethnicity_broad", "group": "White",
            "year": "2021", "population": "2147483648", "source": ""}  # fmt: skip
    rows, problems = check_population_rows([good], REFERENCE)
    assert rows == [] and [(p.row, p.column) for p in problems] == [(2, "population")]


def test_a_figure_given_twice_is_a_problem():
    _, problems = check_count_rows([line(), line(numerator="80")], REFERENCE)
    assert [(p.row, p.column) for p in problems] == [(3, "group")]


def test_a_regional_lead_cannot_import_for_another_region():
    lead = Actor(1, "london.lead", "regional_lead", 2)
    rows, problems = check_count_rows([line(), line(region="North West")], REFERENCE, lead)
    assert len(rows) == 1
    assert problems[0].column == "region" and "only for your own region" in problems[0].message
    forum = Actor(2, "london.forum", "forum_member", 2)
    assert check_count_rows([line()], REFERENCE, forum)[1]


def test_population_rows_are_checked():
    good = {
        "region": "London",
        "characteristic": "ethnicity_broad",
        "group": "White",
        "year": "2021",
        "population": "5000000",
        "source": "ONS Census 2021",
    }
    rows, problems = check_population_rows(
        [
            good,
            {**good, "year": "twenty"},
            {
                **good,
                "group": "Black, Black British, Black Welsh, Caribbean or African",
                "population": "x",
            },
        ],
        REFERENCE,
    )
    assert [r.population for r in rows] == [5_000_000]
    assert [(p.row, p.column) for p in problems] == [(3, "year"), (4, "population")]


# -- under disclosure control: every figure from the rounded counts ------------------------

CONTROLLED = eq.View(exact=False)


def test_controlled_percentages_and_intervals_come_from_the_rounded_counts():
    """7 of 21 used to be shown as "5 | 20 | 33.3% (17.2-54.6)", which only 7 of 21 gives;
    13 of 14 as "15 | 15 | 92.9%", which says one person answered no."""
    from core.stats import wilson_interval

    data = {BLACK: (7, 21), MIXED: (13, 14), WHITE: (1801, 2003)}
    result = eq.proportions_by_group(counts(data), BROAD, RIGHT, WHITE, disclosed=True)
    table = eq.display_table(result, RIGHT, CONTROLLED)
    label = eq.value_label(RIGHT)
    black, mixed = table.iloc[0], table.iloc[1]
    assert (black[RIGHT.numerator], black[RIGHT.denominator], black[label]) == ("5", "20", 25.0)
    low, high = wilson_interval(5, 20)
    assert black["Lower 95% limit"] == round(100 * low)
    assert black["Upper 95% limit"] == round(100 * high)
    assert (mixed[RIGHT.numerator], mixed[RIGHT.denominator], mixed[label]) == ("15", "15", 100.0)
    assert table.iloc[2][label] == 90.0  # 1800 of 2005: whole number below 4,000
    # the ratio is the rounded counts' own too, of getting the right support:
    # 5 of 20 against 1,800 of 2,005 (2,003 rounds to 2,005)
    expected = proportion_ratio(5, 20, 1800, 2005)[0]
    assert row(result, BLACK)["ratio"] == pytest.approx(expected)


def test_controlled_percentages_get_one_place_from_4000():
    data = {BLACK: (4001, 4400), WHITE: (3000, 3997)}
    result = eq.proportions_by_group(counts(data), BROAD, RIGHT, WHITE, disclosed=True)
    table = eq.display_table(result, RIGHT, CONTROLLED)
    assert table[eq.value_label(RIGHT)].tolist() == [90.9, 75.0]


def test_exact_views_keep_exact_percentages():
    data = {BLACK: (7, 21), WHITE: (1801, 2003)}
    result = eq.proportions_by_group(counts(data), BROAD, RIGHT, WHITE)
    table = eq.display_table(result, RIGHT, eq.View(exact=True))
    assert table[eq.value_label(RIGHT)].tolist()[0] == 33.3


def test_controlled_rates_and_ratios_come_from_the_rounded_counts():
    events = counts({BLACK: (57, None), WHITE: (64, None)})
    pops = population({BLACK: 25_003, WHITE: 100_002})
    result = eq.rates_by_group(events, pops, BROAD, WHITE, disclosed=True)
    black = row(result, BLACK)
    assert black["value"] == pytest.approx(55 / 25_005 * 100_000)
    from core.stats import rate_ratio

    assert black["ratio"] == pytest.approx(rate_ratio(55, 25_005, 65, 100_000)[0])
    table = eq.display_table(result, MHA, CONTROLLED)
    assert table[MHA.numerator].tolist() == ["55", "65"]


def test_controlled_access_shares_come_from_the_rounded_counts():
    supported = counts({BLACK: (7, None), WHITE: (14, None)})
    pops = population({BLACK: 1_003, WHITE: 8_998})
    result = eq.access_by_group(supported, pops, BROAD, disclosed=True)
    table = eq.display_table(result, SUPPORTED, CONTROLLED)
    # 5 of a rounded 20 supported: 25%, not 7 of 21 (33.3%)
    assert table[eq.value_label(SUPPORTED)].tolist() == [25.0, 75.0]
    # population shares from the rounded populations (1,005 of 10,000): one place
    assert table["Share of local population (%)"].tolist() == [10.1, 90.0]
    from core.stats import representation_ratio

    expected = representation_ratio(5, 20, 1_005, 10_000)[0]
    assert row(result, BLACK)["ratio"] == pytest.approx(expected)


def test_controlled_charts_and_trends_carry_the_tables_figures():
    data = {BLACK: (7, 21), WHITE: (1801, 2003)}
    result = eq.proportions_by_group(counts(data), BROAD, RIGHT, WHITE, disclosed=True)
    chart = eq.chart_frame(result, RIGHT, CONTROLLED)
    table = eq.display_table(result, RIGHT, CONTROLLED)
    assert chart["value"].tolist() == table[eq.value_label(RIGHT)].tolist() == [25.0, 90.0]
    trend = eq.trend_frame([("Q1", result)], RIGHT, CONTROLLED)
    assert trend["Value"].tolist() == [25.0, 90.0]
    assert eq.reference_value(result, RIGHT, WHITE, CONTROLLED) == 90.0
    # everyone: 1,808 of 2,024 pooled and rounded as totals, 1,810 of 2,025: 89%
    assert eq.reference_value(result, RIGHT, eq.EVERYONE_ELSE, CONTROLLED) == 89.0


def test_controlled_missing_share_comes_from_the_rounded_counts():
    data = counts({WHITE: (14, None), "Not known": (7, None)})
    missing = eq.missing_data(data, BROAD, SUPPORTED)
    assert (missing.missing, missing.total) == (7, 21)
    sentence = eq.missing_sentence("Ethnicity", SUPPORTED, missing, exact=False)
    assert "25%" in sentence  # 5 of 20, not 33%
    assert "33%" in eq.missing_sentence("Ethnicity", SUPPORTED, missing, exact=True)


def test_analyse_passes_disclosed_on():
    data = counts({BLACK: (7, 21), WHITE: (1801, 2003)})
    controlled = eq.analyse(RIGHT, data, None, BROAD, WHITE, disclosed=True)
    exact = eq.analyse(RIGHT, data, None, BROAD, WHITE)
    assert row(controlled, BLACK)["value"] == 0.25
    assert row(exact, BLACK)["value"] == pytest.approx(1 / 3)


def test_controlled_population_share_of_a_hidden_population_is_not_shown():
    supported = counts({BLACK: (700, None), WHITE: (1400, None)})
    result = eq.access_by_group(
        supported, population({BLACK: 3, WHITE: 9_998}), BROAD, disclosed=True
    )
    table = eq.display_table(result, SUPPORTED, CONTROLLED)
    shares = table["Share of local population (%)"].tolist()
    assert math.isnan(shares[0]) and shares[1] == 100.0
    assert row(result, BLACK)["status"] == "too_few_to_compare"
