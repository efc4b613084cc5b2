"""The words that go with a download, and the table made ready for analysts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pandas as pd
import pytest

from core.disclosure import rule_text
from core.export_about import (
    DECIMALS,
    EXACT_RULE,
    NOT_PEOPLE_RULE,
    UNIT_COLUMN,
    ExportAbout,
    about_file_name,
    about_rows,
    about_text,
    audience_words,
    disclosure_words,
    entitled_words,
    export_frame,
    extraction_words,
)
from core.permissions import Action, Role, roles_that_can

WHEN = datetime(2026, 12, 6, 14, 3, tzinfo=UTC)
ABOUT = ExportAbout(
    title="Values of CP02 for London",
    definition="Mean number of working days to respond.",
    source="Feedback and complaints log",
    period="2024-25 Q1 to 2025-26 Q2",
    disclosure=disclosure_words(suppressed=True, threshold=5),
    audience=audience_words(exact=True, region="London", role="regional_lead"),
    unit="score",
    notes=("A note.", ""),
)


def test_about_rows_carry_every_field_in_order() -> None:
    rows = dict(about_rows(ABOUT, WHEN))
    assert rows["Table"] == "Values of CP02 for London"
    assert rows["Definition"] == ABOUT.definition
    assert rows["Source"] == ABOUT.source
    assert rows["Period"] == ABOUT.period
    assert rows["Extracted (UTC)"] == "2026-12-06 14:03 UTC"
    assert rows["Disclosure rule applied"].startswith(rule_text(5))
    assert "London" in rows["Who may see it"] and "Regional lead" in rows["Who may see it"]
    assert str(DECIMALS) in rows["Numbers"]
    assert [name for name, _ in about_rows(ABOUT, WHEN)].count("Note") == 1


def test_blank_fields_are_left_out() -> None:
    names = [name for name, _ in about_rows(ExportAbout(title="Accounts"), WHEN)]
    assert "Definition" not in names and "Source" not in names
    assert names[0] == "Table" and "Extracted (UTC)" in names


def test_extraction_time_is_utc() -> None:
    london_summer = datetime(2026, 7, 1, 15, 30, tzinfo=timezone(timedelta(hours=1)))
    assert extraction_words(london_summer) == "2026-07-01 14:30 UTC"
    assert extraction_words(datetime(2026, 7, 1, 9, 0)) == "2026-07-01 09:00 UTC"


def test_about_text_has_a_line_per_field() -> None:
    text = about_text(ABOUT, WHEN)
    lines = text.strip().split("\r\n")
    assert lines[0] == "Table: Values of CP02 for London"
    assert any(line.startswith("Extracted (UTC): 2026-12-06 14:03") for line in lines)
    assert len(lines) == len(about_rows(ABOUT, WHEN))
    assert about_file_name("metric-CP02") == "metric-CP02-about.txt"


def test_disclosure_words_follow_the_view() -> None:
    assert disclosure_words(suppressed=False, threshold=5) == EXACT_RULE
    assert disclosure_words(suppressed=True, threshold=5, people=False) == NOT_PEOPLE_RULE
    assert "blank" in disclosure_words(suppressed=True, threshold=10)
    assert "below 10" in disclosure_words(suppressed=True, threshold=10)


def test_audience_national() -> None:
    assert "National" in audience_words(exact=True, region=None)
    assert "Forum members" in audience_words(exact=False, region="London")
    assert "only" in audience_words(exact=True, region="London")


def test_numbers_become_numbers() -> None:
    table = pd.DataFrame(
        {
            "Group": ["A", "B", "C"],
            "Count": ["*", "1,235", "15"],
            "Whole floats": [1.0, 2.0, None],
            "Value": [72.4567, 3.14159, None],
            "Code": ["007", "012", "3"],
        }
    )
    out = export_frame(table, "percentage")
    assert str(out["Count"].dtype) == "Int64"
    assert out["Count"].tolist()[1:] == [1235, 15] and pd.isna(out["Count"][0])
    assert str(out["Whole floats"].dtype) == "Int64"
    assert out["Value"].dtype == float
    assert out["Value"].tolist()[:2] == [round(72.4567, DECIMALS), round(3.14159, DECIMALS)]
    assert out["Code"].tolist() == ["007", "012", "3"]  # codes stay text
    assert list(out.columns).index(UNIT_COLUMN) == list(out.columns).index("Value") + 1
    assert set(out[UNIT_COLUMN]) == {"percent (0 to 100)"}
    assert table["Count"].tolist() == ["*", "1,235", "15"]  # the screen's table is untouched


def test_no_unit_column_without_a_unit_or_value() -> None:
    assert UNIT_COLUMN not in export_frame(pd.DataFrame({"Value": [1.5]}))
    assert UNIT_COLUMN not in export_frame(pd.DataFrame({"Count": [1]}), "count")


def test_dates_become_dates() -> None:
    table = pd.DataFrame(
        {
            "Period start": [date(2024, 4, 1), None],
            "Logged": ["2024-05-02 10:15:00", "2024-05-03T08:00"],
            "Aware": pd.to_datetime(["2024-05-02 10:15", None]).tz_localize("Europe/London"),
            "Quarter": ["2024-25 Q1", "2024-25 Q2"],
        }
    )
    out = export_frame(table)
    for name in ("Period start", "Logged", "Aware"):
        assert pd.api.types.is_datetime64_any_dtype(out[name].dtype), name
        assert getattr(out[name].dtype, "tz", None) is None
    assert out["Aware"][0] == pd.Timestamp("2024-05-02 09:15")  # BST to UTC
    assert out["Quarter"].dtype != float and out["Quarter"][0] == "2024-25 Q1"


@pytest.mark.parametrize("text", ["=1+1", "Yes, higher", "1.2.3", "12 people"])
def test_text_stays_text(text: str) -> None:
    out = export_frame(pd.DataFrame({"Note": [text, "12"]}))
    assert out["Note"].tolist() == [text, "12"]


def test_roles_that_can_follow_the_permission_rules() -> None:
    assert roles_that_can(Action.VIEW_ADMINISTRATION) == ((Role.ADMIN,), ())
    assert roles_that_can(Action.VIEW_AUDIT_LOG) == ((Role.ADMIN, Role.NATIONAL_LEAD), ())
    assert roles_that_can(Action.VIEW_IMPORT_VALUES) == ((Role.ADMIN,), (Role.REGIONAL_LEAD,))
    assert roles_that_can(Action.VIEW_REGION) == (
        (Role.ADMIN, Role.NATIONAL_LEAD),
        (Role.REGIONAL_LEAD, Role.FORUM_MEMBER),
    )


def test_entitled_words_name_the_roles_of_the_page() -> None:
    admin = entitled_words(Action.VIEW_ADMINISTRATION, page="Administration", role="admin")
    assert admin.startswith("Only people signed in as Administrator may see it: it is shown")
    assert "Administration page" in admin and admin.endswith("signed in as Administrator.")
    region = entitled_words(Action.VIEW_REGION, page="Local plan", region="London")
    assert region.startswith(
        "Only people signed in as Administrator or National lead, or as Regional lead or "
        "Regional Forum member for London, may see it"
    )
    imports = entitled_words(Action.VIEW_IMPORT_VALUES, page="Import values")
    assert "Regional lead for the region concerned" in imports
    assert "National lead" not in imports
    assert entitled_words(None, page="Search").startswith("Everyone signed in")
