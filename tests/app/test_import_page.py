"""The Import values page through the real app (AppTest): upload, dry run, confirm, save."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import db.metric_import as metric_import
from app import pages_for
from db.engine import build_engine
from db.models import AuditEvent, Metric, MetricValue, Region
from tests.app.apptest_adapter import element_tree
from tests.markdown_text import shown

PAGE = "pages/import_values.py"
HEADINGS = "region,metric_code,period,value,numerator,denominator,characteristic,group,note\n"
GOOD = HEADINGS + "London,CA01,2026/27 Q3,61.5,123,200,,,\nLondon,PW01,2026/27 Q3,9,,,,,\n"
BAD = HEADINGS + "London,CA01,2026/27 Q3,61.5,123,200,,,\nLondon,PW01,2026/27 Q3,lots,,,,,\n"


def all_text(at) -> str:
    parts: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        for name in ("body", "label", "value"):
            value = getattr(proto, name, None)
            if isinstance(value, str):
                parts.append(value)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(element_tree(at))
    return shown("\n".join(parts))


def counts(url: str) -> tuple[int, int]:
    engine = build_engine(url)
    try:
        with Session(engine) as session:
            return (
                session.scalar(select(func.count(MetricValue.id))),
                session.scalar(select(func.count(AuditEvent.id))),
            )
    finally:
        engine.dispose()


def stored_value(url: str, region: str, code: str, period: date) -> float | None:
    engine = build_engine(url)
    try:
        with Session(engine) as session:
            return session.scalar(
                select(MetricValue.value)
                .join(Metric, Metric.id == MetricValue.metric_id)
                .join(Region, Region.id == MetricValue.region_id)
                .where(
                    Region.name == region, Metric.code == code, MetricValue.period_start == period
                )
            )
    finally:
        engine.dispose()


def open_page(signed_in, username: str, password: str):
    at = signed_in(username, password)
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, at.exception
    return at


def upload(at, name: str, data: bytes, mime: str = "text/csv"):
    at.file_uploader[0].set_value((name, data, mime))
    at.run()
    assert not at.exception, at.exception
    return at


def problem_table(at):
    """The dry run's table of problems (Row, Column, Problem)."""
    tables = [
        d.value for d in at.dataframe if list(d.value.columns) == ["Row", "Column", "Problem"]
    ]
    assert len(tables) == 1, [list(d.value.columns) for d in at.dataframe]
    return tables[0]


def save_button(at):
    return [b for b in at.button if b.label.startswith("Save ")]


def test_only_regional_leads_and_admins_have_the_page():
    for role, expected in [
        ("regional_lead", True),
        ("admin", True),
        ("national_lead", False),
        ("forum_member", False),
    ]:
        assert (PAGE in [p.path for p in pages_for(role)]) is expected, role


def test_the_page_offers_a_template_and_an_upload(signed_in):
    at = open_page(signed_in, "london.lead", "demo-london")
    assert [t.value for t in at.title] == ["Import values"]
    assert len(at.file_uploader) == 1
    assert at.file_uploader[0].allowed_type == [".csv", ".xlsx"]
    labels = [b.label for b in at.get("download_button")]
    assert "Download CSV" in labels and "Download Excel" in labels
    assert not at.error
    assert not save_button(at)


def test_a_bad_file_lists_its_problems_and_saves_nothing(signed_in, app_env):
    at = open_page(signed_in, "london.lead", "demo-london")
    before = counts(app_env)
    upload(at, "bad.csv", BAD.encode())
    assert at.error and "1 problem" in at.error[0].value
    problems = problem_table(at)
    assert problems.iloc[0].to_dict() == {
        "Row": "3",
        "Column": "value",
        "Problem": "'lots' is not a number.",
    }
    assert not save_button(at)
    assert counts(app_env) == before


def test_a_clean_file_is_saved_only_after_confirming(signed_in, app_env, monkeypatch):
    calls = {"n": 0}
    real = metric_import.preview_metric_values

    def counting(*args, **kwargs):
        calls["n"] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(metric_import, "preview_metric_values", counting)
    at = open_page(signed_in, "london.lead", "demo-london")
    before = counts(app_env)
    upload(at, "good.csv", GOOD.encode())
    assert "2 new values, 0 updated, 0 unchanged" in all_text(at)
    assert counts(app_env) == before, "the dry run writes nothing"
    at.run()  # a rerun keeps the dry run rather than checking the file again
    assert calls["n"] == 1
    [button] = save_button(at)
    assert button.label == "Save 2 values"

    button.click()
    at.run()
    assert not at.exception, at.exception
    assert [shown(s.value) for s in at.success if s.value.startswith("Saved")] == [
        "Saved: 2 new values, 0 updated, 0 unchanged. Each change is in the value's history."
    ]
    assert counts(app_env) == (before[0] + 2, before[1] + 2)
    assert stored_value(app_env, "London", "CA01", date(2026, 10, 1)) == 61.5
    assert at.file_uploader[0].value is None, "a fresh uploader after saving"
    assert not save_button(at)


def test_a_file_over_the_limit_gets_a_clear_message(signed_in):
    at = open_page(signed_in, "london.lead", "demo-london")
    upload(at, "huge.csv", HEADINGS.encode() + b"x" * metric_import.IMPORT_MAX_BYTES)
    assert at.error
    assert "more than the limit of 5 MB" in at.error[0].value
    assert not save_button(at)


def test_an_excel_file_named_xlsx_that_is_not_one_is_reported(signed_in):
    at = open_page(signed_in, "london.lead", "demo-london")
    upload(at, "values.xlsx", b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "application/octet-stream")
    assert "not an Excel workbook" in problem_table(at).iloc[0]["Problem"]


@pytest.mark.parametrize("username,password", [("admin", "demo-admin")])
def test_an_admin_picks_the_region_and_may_import_for_any(signed_in, app_env, username, password):
    at = open_page(signed_in, username, password)
    assert at.selectbox[0].label == "Region"
    upload(at, "nw.csv", (HEADINGS + "North West,CA01,2026/27 Q3,30,,,,,\n").encode())
    [button] = save_button(at)
    button.click()
    at.run()
    assert not at.exception
    assert stored_value(app_env, "North West", "CA01", date(2026, 10, 1)) == 30


def test_a_regional_lead_importing_another_region_is_told_per_row(signed_in):
    at = open_page(signed_in, "london.lead", "demo-london")
    upload(at, "nw.csv", (HEADINGS + "North West,CA01,2026/27 Q3,30,,,,,\n").encode())
    problem = problem_table(at).iloc[0]
    assert (problem["Row"], problem["Column"]) == ("2", "region")
    assert "may not change values for North West" in problem["Problem"]


def test_a_file_that_changes_nothing_offers_no_save(signed_in, app_env):
    engine = build_engine(app_env)
    try:
        with Session(engine) as session:
            value = session.execute(
                select(MetricValue.value, MetricValue.numerator, MetricValue.denominator)
                .join(Metric, Metric.id == MetricValue.metric_id)
                .join(Region, Region.id == MetricValue.region_id)
                .where(
                    Region.name == "London",
                    Metric.code == "CA01",
                    MetricValue.period_start == date(2026, 7, 1),
                    MetricValue.group_name == "",
                )
            ).one()
    finally:
        engine.dispose()
    line = f"London,CA01,2026/27 Q2,{value.value},{value.numerator:g},{value.denominator:g},,,\n"
    at = open_page(signed_in, "london.lead", "demo-london")
    upload(at, "same.csv", (HEADINGS + line).encode())
    assert "Nothing to save: 0 new values, 0 updated, 1 unchanged" in shown(at.info[-1].value)
    assert not save_button(at)
