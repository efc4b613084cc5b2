"""Integrity checks for the seed reference content: the data files in ``seed/data``, as
``seed/reference.py`` reads them."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import tomllib
from collections import Counter
from pathlib import Path

import pytest

from seed import reference as ref

PLAN_TEXT = Path("/work/shared/seed-plan.txt")


def _duplicates(codes):
    return [code for code, n in Counter(codes).items() if n > 1]


def _characteristic(code: str) -> ref.Characteristic:
    return next(c for c in ref.CHARACTERISTICS if c.code == code)


# --- themes ---------------------------------------------------------------


def test_six_monitoring_themes_in_plan_order():
    assert [t.name for t in ref.THEMES] == [
        "Cultural awareness",
        "Staff knowledge and awareness",
        "Partnership working",
        "Coproduction",
        "Workforce",
        "Co-learning",
    ]
    assert all(t.monitoring for t in ref.THEMES)
    assert [t.sort_order for t in ref.THEMES] == [1, 2, 3, 4, 5, 6]


def test_leadership_theme_is_not_monitored():
    assert ref.LEADERSHIP_THEME.code == "leadership_governance"
    assert ref.LEADERSHIP_THEME.monitoring is False
    assert (*ref.THEMES, ref.LEADERSHIP_THEME) == ref.ALL_THEMES


def test_theme_codes_unique_and_definitions_clean():
    assert not _duplicates(t.code for t in ref.ALL_THEMES)
    for theme in ref.ALL_THEMES:
        assert theme.definition and "\n" not in theme.definition
        assert "  " not in theme.definition
        assert theme.definition.endswith(".")
        assert not theme.definition.rstrip(".")[-1].isdigit()  # no footnote


# --- action areas and actions -------------------------------------------


def test_action_areas_in_page_order():
    assert [a.name for a in ref.ACTION_AREAS] == [
        "Leadership and governance",
        "Staff training",
        "Partnership working",
        "Workforce",
        "Mental health services",
        "Service user and carer data and feedback",
    ]
    assert [a.sort_order for a in ref.ACTION_AREAS] == [1, 2, 3, 4, 5, 6]
    assert not _duplicates(a.code for a in ref.ACTION_AREAS)


def test_plan_has_23_actions_in_expected_areas():
    assert len(ref.PLAN_ACTIONS) == 23
    per_area = Counter(a.action_area for a in ref.PLAN_ACTIONS)
    assert per_area == {
        "leadership_governance": 5,
        "staff_training": 2,
        "partnership_working": 2,
        "workforce": 5,
        "mental_health_services": 3,
        "service_user_carer_data_feedback": 6,
    }


def test_action_codes_unique_and_prefixed_by_area():
    prefixes = {
        "leadership_governance": "LG",
        "staff_training": "ST",
        "partnership_working": "PW",
        "workforce": "WF",
        "mental_health_services": "MH",
        "service_user_carer_data_feedback": "SD",
    }
    assert not _duplicates(a.code for a in ref.PLAN_ACTIONS)
    for action in ref.PLAN_ACTIONS:
        assert action.code.startswith(prefixes[action.action_area])


def test_actions_follow_area_order_and_sort_order():
    area_order = {a.code: a.sort_order for a in ref.ACTION_AREAS}
    orders = [area_order[a.action_area] for a in ref.PLAN_ACTIONS]
    assert orders == sorted(orders)
    assert [a.sort_order for a in ref.PLAN_ACTIONS] == list(range(1, 24))
    assert all(12 <= a.page <= 17 for a in ref.PLAN_ACTIONS)


def test_every_action_area_and_theme_exists():
    areas = {a.code for a in ref.ACTION_AREAS}
    themes = {t.code for t in ref.ALL_THEMES}
    for action in ref.PLAN_ACTIONS:
        assert action.action_area in areas, action.code
        assert 1 <= len(action.themes) <= 3, action.code
        assert not _duplicates(action.themes), action.code
        assert set(action.themes) <= themes, action.code
        is_lg = action.action_area == "leadership_governance"
        assert ("leadership_governance" in action.themes) == is_lg, action.code


def test_every_monitoring_theme_is_served_by_an_action():
    served = {code for a in ref.PLAN_ACTIONS for code in a.themes}
    assert {t.code for t in ref.THEMES} <= served


def test_action_titles_and_descriptions():
    for action in ref.PLAN_ACTIONS:
        # SD3's title needs its length to say what the plan says.
        assert 0 < len(action.title) <= 110, action.code
        assert "  " not in action.description, action.code
        for line in action.description.split("\n")[1:]:
            assert line.startswith("- "), action.code
        assert "•" not in action.description


def _normalise(text: str) -> str:
    text = text.replace("•", " ").replace("- ", " ")
    return " ".join(text.split())


@pytest.mark.skipif(not PLAN_TEXT.exists(), reason="plan text not available")
def test_descriptions_are_the_plans_own_words():
    plan = _normalise(PLAN_TEXT.read_text(encoding="utf-8"))
    for action in ref.PLAN_ACTIONS:
        assert _normalise(action.description) in plan, action.code


@pytest.mark.skipif(not PLAN_TEXT.exists(), reason="plan text not available")
def test_theme_definitions_are_the_plans_own_words():
    plan = _normalise(PLAN_TEXT.read_text(encoding="utf-8")).lower()
    for theme in ref.THEMES:
        # The plan's own footnote marker sits before the final full stop.
        words = _normalise(theme.definition).lower().rstrip(".")
        assert words in plan, theme.code


# --- regions --------------------------------------------------------------


def test_seven_nhs_england_regions():
    assert [r.name for r in ref.REGIONS] == [
        "East of England",
        "London",
        "Midlands",
        "North East and Yorkshire",
        "North West",
        "South East",
        "South West",
    ]
    assert not _duplicates(r.code for r in ref.REGIONS)
    assert {r.code for r in ref.REGIONS} >= {"london", "north_west"}


def test_region_areas():
    all_codes = [a.code for r in ref.REGIONS for a in r.areas]
    assert not _duplicates(all_codes)
    assert not _duplicates(a.name for r in ref.REGIONS for a in r.areas)
    for region in ref.REGIONS:
        assert 3 <= len(region.areas) <= 6, region.code
        for area in region.areas:
            assert area.name.endswith(" ICB")
            assert area.code and area.code == area.code.lower()
    london = next(r for r in ref.REGIONS if r.code == "london")
    assert {a.name for a in london.areas} == {
        f"{part} London ICB" for part in ("North Central", "North East", "North West", "South East")
    } | {"South West London ICB"}


# --- characteristics ----------------------------------------------------

# domain.md: census to NHS code mapping (MHA statistics).
EXPECTED_NHS_CODES = {
    "Bangladeshi": "K",
    "Chinese": "R",
    "Indian": "H",
    "Pakistani": "J",
    "Other Asian": "L",
    "African": "N",
    "Caribbean": "M",
    "Other Black": "P",
    "White and Asian": "F",
    "White and Black African": "E",
    "White and Black Caribbean": "D",
    "Other Mixed or Multiple ethnic groups": "G",
    "English, Welsh, Scottish, Northern Irish or British": "A",
    "Irish": "B",
    "Other White": "C",
    "Any other ethnic group": "S",
    "Gypsy or Irish Traveller": None,
    "Roma": None,
    "Arab": None,
}

HIGH_LEVEL_NAMES = [
    "Asian, Asian British or Asian Welsh",
    "Black, Black British, Black Welsh, Caribbean or African",
    "Mixed or Multiple ethnic groups",
    "White",
    "Other ethnic group",
]


def test_characteristic_codes():
    assert [c.code for c in ref.CHARACTERISTICS] == [
        "ethnicity",
        "ethnicity_broad",
        "age_band",
        "sex",
        "disability",
        "religion",
        "sexual_orientation",
    ]


@pytest.mark.parametrize("characteristic", ref.CHARACTERISTICS, ids=lambda c: c.code)
def test_group_codes_unique_and_ordered(characteristic):
    groups = characteristic.groups
    assert not _duplicates(g.code for g in groups)
    assert not _duplicates(g.name for g in groups)
    assert [g.sort_order for g in groups] == sorted({g.sort_order for g in groups})
    codes = {g.code for g in groups}
    for group in groups:
        assert group.parent is None or group.parent in codes
    missing = [g for g in groups if g.is_missing]
    assert 1 <= len(missing) <= 2
    assert all(g.name in ("Not stated", "Not known") for g in missing)
    assert groups[-1].is_missing


def test_ethnicity_has_5_high_level_and_19_detailed_groups():
    groups = _characteristic("ethnicity").groups
    high = [g for g in groups if g.parent is None and not g.is_missing]
    detailed = [g for g in groups if g.parent is not None]
    assert [g.name for g in high] == HIGH_LEVEL_NAMES
    assert len(detailed) == 19
    high_codes = {g.code for g in high}
    assert all(g.parent in high_codes for g in detailed)


def test_detailed_ethnic_groups_map_to_parent_and_nhs_code():
    groups = _characteristic("ethnicity").groups
    detailed = {g.name: g for g in groups if g.parent is not None}
    assert {name: g.nhs_code for name, g in detailed.items()} == EXPECTED_NHS_CODES
    by_code = {g.code: g for g in groups}
    nhs_high = {
        "White": "white",
        "Mixed": "mixed",
        "Asian or Asian British": "asian",
        "Black or Black British": "black",
        "Other": "other",
    }
    for group in detailed.values():
        if group.nhs_code is not None and group.name != "Chinese":
            _, nhs_group = ref.NHS_ETHNIC_CATEGORIES[group.nhs_code]
            assert nhs_high[nhs_group] == group.parent, group.name
    # The 2021 census moved Chinese into Asian; NHS code R stays under Other.
    assert by_code["chinese"].parent == "asian"
    assert ref.NHS_ETHNIC_CATEGORIES["R"][1] == "Other"
    assert by_code["gypsy_or_irish_traveller"].parent == "white"
    assert by_code["roma"].parent == "white"
    assert by_code["arab"].parent == "other"


def test_ethnicity_missing_groups():
    for code in ("ethnicity", "ethnicity_broad"):
        missing = {g.name: g.nhs_code for g in _characteristic(code).groups if g.is_missing}
        assert missing == {"Not stated": "Z", "Not known": "99"}


def test_ethnicity_broad_matches_high_level():
    groups = _characteristic("ethnicity_broad").groups
    assert [g.name for g in groups] == [*HIGH_LEVEL_NAMES, "Not stated", "Not known"]
    detailed_high = {g.code for g in _characteristic("ethnicity").groups if g.parent is None}
    assert {g.code for g in groups} == detailed_high


def test_nhs_ethnic_categories():
    assert list(ref.NHS_ETHNIC_CATEGORIES) == [*"ABCDEFGHJKLMNPRS", "Z", "99"]
    groups = {code: group for code, (_, group) in ref.NHS_ETHNIC_CATEGORIES.items()}
    assert {c for c, g in groups.items() if g == "White"} == set("ABC")
    assert {c for c, g in groups.items() if g == "Mixed"} == set("DEFG")
    assert {c for c, g in groups.items() if g == "Asian or Asian British"} == set("HJKL")
    assert {c for c, g in groups.items() if g == "Black or Black British"} == set("MNP")
    assert {c for c, g in groups.items() if g == "Other"} == set("RS")
    assert ref.NHS_ETHNIC_CATEGORIES["Z"] == ("Not stated", None)
    assert ref.NHS_ETHNIC_CATEGORIES["99"] == ("Not known", None)
    # every code used by a group is a real NHS code
    for characteristic in ref.CHARACTERISTICS:
        for group in characteristic.groups:
            assert group.nhs_code is None or group.nhs_code in groups


@pytest.mark.parametrize(
    ("code", "names"),
    [
        (
            "age_band",
            [
                "16-17",
                "18-24",
                "25-34",
                "35-44",
                "45-54",
                "55-64",
                "65 and over",
                "Not known",
            ],
        ),
        ("sex", ["Female", "Male", "Not known"]),
        ("disability", ["Disabled", "Not disabled", "Not stated"]),
        (
            "religion",
            [
                "No religion",
                "Christian",
                "Buddhist",
                "Hindu",
                "Jewish",
                "Muslim",
                "Sikh",
                "Other religion",
                "Not stated",
            ],
        ),
        (
            "sexual_orientation",
            [
                "Straight or heterosexual",
                "Gay or lesbian",
                "Bisexual",
                "All other sexual orientations",
                "Not stated",
            ],
        ),
    ],
)
def test_simple_characteristics(code, names):
    assert [g.name for g in _characteristic(code).groups] == names


# --- metrics --------------------------------------------------------------


def _check_metric_fields(metric) -> None:
    monitoring = {t.code for t in ref.THEMES}
    characteristics = {c.code for c in ref.CHARACTERISTICS}
    assert metric.theme in monitoring
    assert metric.unit in ref.UNITS
    assert metric.direction in ref.DIRECTIONS
    assert metric.frequency in ref.FREQUENCIES
    assert metric.limit == (100 if metric.unit == "percentage" else None)
    assert metric.disaggregated_by is None or metric.disaggregated_by in (characteristics)
    assert metric.name and metric.definition and metric.data_source
    assert metric.baseline_value != metric.target_value
    better = metric.target_value > metric.baseline_value
    assert better == (metric.direction == "increase")
    for value in (metric.baseline_value, metric.target_value):
        assert value >= 0
        if metric.limit is not None:
            assert value <= metric.limit


def test_national_metrics():
    metrics = ref.NATIONAL_METRICS
    assert 8 <= len(metrics) <= 14
    assert not _duplicates(m.code for m in metrics)
    assert not _duplicates(m.name for m in metrics)
    for metric in metrics:
        _check_metric_fields(metric)
    assert {m.theme for m in metrics} == {t.code for t in ref.THEMES}
    assert any(m.direction == "decrease" for m in metrics)
    assert any(m.disaggregated_by == "ethnicity_broad" for m in metrics)


def test_local_metric_examples():
    templates = ref.LOCAL_METRIC_EXAMPLES
    assert len(templates) == 4
    assert not _duplicates(t.code_suffix for t in templates)
    national = {m.code for m in ref.NATIONAL_METRICS}
    for template in templates:
        _check_metric_fields(template)
        assert template.code_suffix not in national
    records = [t.coproduction for t in templates]
    assert sum(r is None for r in records) == 1
    for record in filter(None, records):
        assert record.agreed_with and record.where and record.note
        assert record.where.format(region="London")


def test_organisation_wide_actions_and_titles_that_carry_the_plans_meaning():
    wide = {a.code for a in ref.PLAN_ACTIONS if a.organisation_wide}
    assert wide == {"LG1", "WF2", "WF3"}
    titles = {a.code: a.title for a in ref.PLAN_ACTIONS}
    sd3 = titles["SD3"].lower()
    for words in ("work closely", "councils", "icbs", "icss", "feedback"):
        assert words in sd3, words
    assert "culturally appropriate advocacy services" in sd3
    assert "at least three" in titles["MH2"]


# --- the data files (seed/data) -------------------------------------------


def test_loaded_values_are_those_the_python_literals_held():
    """The reference content moved from Python literals to seed/data unchanged."""
    assert len(ref.ALL_THEMES) == 7
    assert [t.sort_order for t in ref.ALL_THEMES] == list(range(1, 8))
    assert ref.THEMES[0].definition.startswith("Recognising and understanding the diverse")
    assert ref.LEADERSHIP_THEME.definition.endswith(
        "core pieces of legislation which apply are being followed."
    )
    assert ref.ACTION_AREAS[-1] == ref.ActionArea(
        "service_user_carer_data_feedback", "Service user and carer data and feedback", 6
    )
    lg1, mh3 = ref.PLAN_ACTIONS[0], next(a for a in ref.PLAN_ACTIONS if a.code == "MH3")
    assert (lg1.code, lg1.themes, lg1.page, lg1.sort_order, lg1.organisation_wide) == (
        "LG1",
        ("leadership_governance",),
        12,
        1,
        True,
    )
    assert (mh3.themes, mh3.page, mh3.sort_order) == (
        ("coproduction", "cultural_awareness", "partnership_working"),
        15,
        17,
    )
    assert mh3.description.endswith(
        "address:\n- Language translation service needs and or other accessibility requirements."
        "\n- Cultural food requirements.\n- Religious and faith requirements, such as access to"
        " prayer spaces and spiritual support.\n- Varied and appropriate types of aftercare"
        " offered by mental health provisions.\n- Use of trauma informed approaches."
    )
    assert "Plan’s delivery" in next(a for a in ref.PLAN_ACTIONS if a.code == "LG5").description
    assert [a.code for a in ref.PLAN_ACTIONS if a.page == 14] == ["WF1", "WF2", "WF3", "WF4", "WF5"]
    assert [len(r.areas) for r in ref.REGIONS] == [6, 5, 6, 4, 3, 6, 6]
    assert [r.sort_order for r in ref.REGIONS] == list(range(1, 8))
    south_west = ref.REGIONS[-1]
    assert south_west.areas[1] == ref.Area(
        "bristol_north_somerset_and_south_gloucestershire",
        "Bristol, North Somerset and South Gloucestershire ICB",
    )
    assert [len(c.groups) for c in ref.CHARACTERISTICS] == [26, 7, 8, 3, 3, 9, 5]
    assert [c.sort_order for c in ref.CHARACTERISTICS] == list(range(1, 8))
    ethnicity = _characteristic("ethnicity").groups
    assert ethnicity[0] == ref.Group("asian", "Asian, Asian British or Asian Welsh", 1)
    assert ethnicity[2] == ref.Group("chinese", "Chinese", 3, parent="asian", nhs_code="R")
    assert ethnicity[-1] == ref.Group("not_known", "Not known", 26, nhs_code="99", is_missing=True)
    assert _characteristic("age_band").groups[0] == ref.Group("16_17", "16-17", 1)
    assert ref.NHS_ETHNIC_CATEGORIES["A"] == ("White British", "White")
    assert len(ref.NHS_ETHNIC_CATEGORIES) == 18
    assert [m.code for m in ref.NATIONAL_METRICS] == [
        "CA01",
        "CA02",
        "SK01",
        "SK02",
        "PW01",
        "PW02",
        "CP01",
        "CP02",
        "WF01",
        "WF02",
        "CL01",
        "CL02",
    ]
    ca02 = ref.NATIONAL_METRICS[1]
    assert (ca02.limit, ca02.baseline_value, ca02.target_value, ca02.disaggregated_by) == (
        100,
        98.0,
        99.0,
        "ethnicity_broad",
    )
    assert type(ca02.limit) is int and type(ca02.baseline_value) is float
    assert [m.code for m in ref.NATIONAL_METRICS if not m.counts_people] == [
        "PW01",
        "PW02",
        "CP01",
        "CL01",
    ]
    assert ref.NATIONAL_METRICS[4].limit is None
    l01, l04 = ref.LOCAL_METRIC_EXAMPLES[0], ref.LOCAL_METRIC_EXAMPLES[-1]
    assert l01.coproduction == ref.CoproductionRecord(
        agreed_with="Regional Forum",
        where="{region} Regional Forum",
        note="Members asked to track how many people reach us through trusted community "
        "organisations.",
    )
    assert (l04.code_suffix, l04.coproduction, l04.target_value) == ("L04", None, 30.0)
    assert ref.UNITS == ("count", "percentage", "rate", "score")


def test_every_data_file_is_read_and_valid():
    files = {p.name for p in ref.DATA_DIR.iterdir()} - {"README.md"}
    assert files == set(ref.DATA_FILES), "a data file the loader does not read, or one missing"
    for name in ref.DATA_FILES:
        path = ref.DATA_DIR / name
        text = path.read_text(encoding="utf-8")  # UTF-8, as the README asks
        assert text.endswith("\n") and "\r" not in text, name
        if name.endswith(".toml"):
            tomllib.loads(text)
        else:
            rows = list(csv.reader(io.StringIO(text), strict=True))
            assert len({len(row) for row in rows}) == 1, name
    assert ref.load() == ref.load(ref.DATA_DIR)
    assert ref.load().plan_actions == ref.PLAN_ACTIONS


def test_data_files_are_not_git_ignored():
    """They ship with the code: the app reads them from its checkout."""
    root = Path(__file__).resolve().parents[2]
    if shutil.which("git") is None or not (root / ".git").exists():
        pytest.skip("not a git checkout")
    names = [str(ref.DATA_DIR / name) for name in ("README.md", *ref.DATA_FILES)]
    ignored = subprocess.run(
        ["git", "check-ignore", *names], cwd=root, capture_output=True, text=True, check=False
    )
    assert ignored.stdout == "", ignored.stdout


def _broken_copy(tmp_path: Path, name: str, old: str, new: str) -> Path:
    data = tmp_path / "data"
    shutil.copytree(ref.DATA_DIR, data)
    path = data / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return data


@pytest.mark.parametrize(
    ("name", "old", "new", "message"),
    [
        (
            "plan_actions.toml",
            "page = 12",
            'page = "12"',
            "plan_actions.toml, action LG1: page should be a whole number, not '12'",
        ),
        ("plan_actions.toml", 'code = "LG2"\n', 'code = "LG2"\ncolour = "red"\n', "unknown"),
        ("plan_actions.toml", 'title = "Board-level AMHE champion"\n', "", "title"),
        (
            "themes.toml",
            'name = "Leadership and governance"\nmonitoring = false',
            'name = "Leadership and governance"\nmonitoring = true',
            "monitoring = false",
        ),
        ("themes.toml", 'name = "Workforce"', 'name = "Workforce', "themes.toml"),
        ("national_metrics.toml", "baseline_value = 45.0", "baseline_value = 'lots'", "CA01"),
        ("regions.csv", "region_code,region_name,area_name", "region,name,area", "first line"),
        (
            "regions.csv",
            "London,North Central London ICB",
            "Londres,North Central London ICB",
            "two names",
        ),
        ("characteristic_groups.csv", "Not stated,,Z,yes", "Not stated,,Z,oui", "line"),
        ("characteristic_groups.csv", "sex,male,Male,,,", "sexe,male,Male,,,", "sexe"),
        ("action_areas.csv", "staff_training,Staff training", "staff_training", "line 3"),
        ("local_metric_examples.toml", 'agreed_with = "Regional Forum"\n', "", "L01"),
    ],
)
def test_a_mistake_in_a_data_file_names_the_file_and_entry(tmp_path, name, old, new, message):
    data = _broken_copy(tmp_path, name, old, new)
    with pytest.raises(ref.ReferenceDataError, match=re.escape(message)):
        ref.load(data)
