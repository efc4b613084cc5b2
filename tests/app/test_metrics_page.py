"""The Metrics page through the real app (what each role sees, the definition form), and
the metric chart component on its own."""

from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from components.metric_chart import build_metric_chart
from core import metric_grid
from core.metric_progress import MetricSpec, metric_progress
from core.metric_series import (
    BASELINE,
    LEGEND_TITLE,
    RECORDED,
    TARGET,
    TRAJECTORY,
    chart_frame,
    metric_table,
)
from core.statuses import OKABE_ITO, PROGRESS_STATUSES
from db import metrics as dbm
from db.engine import build_engine
from db.models import AuditEvent, Metric, Region
from db.users import actor_for
from tests.app.test_app_roles import texts
from tests.markdown_text import shown

PAGE = "pages/metrics.py"


@pytest.fixture
def database(app_env):
    engine = build_engine(app_env)
    yield engine
    engine.dispose()


def open_metrics(signed_in, username: str, password: str):
    at = signed_in(username, password)
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, at.exception
    return at


def show(at, view: str):
    at.radio(key="metrics-view").set_value(view).run()
    assert not at.exception, at.exception
    return at


def region_id(engine, code: str) -> int:
    with Session(engine) as session:
        return session.scalar(select(Region.id).where(Region.code == code))


def expected_status(engine, code: str, region_code: str) -> str:
    with Session(engine) as session:
        metric_id = session.scalar(select(Metric.id).where(Metric.code == code))
        record = dbm.metric_record(session, metric_id)
        values = dbm.metric_values(session, region_id(engine, region_code), [metric_id])
    result = metric_progress(
        MetricSpec.from_mapping(record), metric_grid.overall_series(values, metric_id)
    )
    return PROGRESS_STATUSES[result.status].label


ALL_VIEWS = ["Metrics and progress", "Enter values", "Define or change a metric"]
ROLES = [
    ("london.lead", "demo-london", ALL_VIEWS),
    ("northwest.lead", "demo-northwest", ALL_VIEWS),
    ("national.lead", "demo-national", ["Metrics and progress", "Define or change a metric"]),
    ("admin", "demo-admin", ALL_VIEWS),
    ("london.forum", "demo-forum", []),
]


def summary_table(at) -> pd.DataFrame:
    """The table of every metric shown (AppTest does not keep a dataframe's key)."""
    return next(d.value for d in at.dataframe if "Coproduced" in d.value.columns)


@pytest.mark.parametrize(("username", "password", "views"), ROLES)
def test_each_role_sees_its_views_and_each_renders(signed_in, username, password, views):
    at = open_metrics(signed_in, username, password)
    assert not at.error, [e.value for e in at.error]
    if not views:
        assert not [r for r in at.radio if r.key == "metrics-view"], "forum members only read"
    else:
        assert at.radio(key="metrics-view").options == views
    for view in views:
        show(at, view)
        assert not at.error, (view, [e.value for e in at.error])
        if view == "Enter values":
            at.radio(key="entry-mode").set_value("One metric in detail").run()
            assert not at.exception, at.exception
            save = next(b for b in at.button if b.label == "Save changes")
            assert save.disabled, "nothing to save before anything is typed"


def test_forum_member_reads_metrics_but_cannot_change_them(signed_in):
    at = open_metrics(signed_in, "london.forum", "demo-forum")
    page = texts(at)
    assert "Staff who have completed cultural awareness training" in page
    assert not [b for b in at.button if b.label in ("Save changes", "Add metric")]
    assert not at.text_input, "no form for a forum member"


def every_card_page(at) -> tuple[str, list[str], list[str]]:
    """The text, the theme headers and the metric headings of every page of cards."""
    pages, headers, metrics = [], [], []
    picker = at.selectbox(key="metrics-card-page")
    for index in range(len(picker.options)):
        picker.select_index(index).run()
        assert not at.exception, at.exception
        pages.append(texts(at))
        headers += [shown(h.value) for h in at.header if shown(h.value) not in headers]
        metrics += [h.value for h in at.main.subheader]
        picker = at.selectbox(key="metrics-card-page")
    return "\n".join(pages), headers, metrics


def test_metric_cards_come_a_page_at_a_time_and_every_metric_has_one(signed_in, database):
    at = open_metrics(signed_in, "london.lead", "demo-london")
    codes = list(summary_table(at)["Code"])
    page_size = len(at.main.subheader)
    assert 0 < page_size < len(codes), "the demo region has more metrics than one page"
    picker = at.selectbox(key="metrics-card-page")
    assert picker.label == "Metric details to show"
    assert picker.options[0].startswith(f"1 to {page_size} of {len(codes)}:")
    _text, _headers, metrics = every_card_page(at)
    assert len(metrics) == len(set(metrics)) == len(codes), "each metric's card exactly once"


def test_metrics_show_definition_coproduction_and_status_in_words(signed_in, database):
    at = open_metrics(signed_in, "london.lead", "demo-london")
    page, headers, _metrics = every_card_page(at)
    # Grouped by theme: one header per monitoring theme with metrics.
    assert headers == [
        "Cultural awareness",
        "Staff knowledge and awareness",
        "Partnership working",
        "Coproduction",
        "Workforce",
        "Co-learning",
    ]
    assert "National core metric, shared by all regions" in page
    assert "Local metric for London" in page
    assert "Staff in post at the end of the quarter who have completed" in page  # definition
    assert "**Data source:** Learning management system" in page
    assert "**Direction:** Lower is better" in page  # CP02 / WF02
    assert "**Agreed with:** Regional Forum · **Where:** London Regional Forum" in page
    assert "Not yet coproduced" in page  # LONDON-L04 has no record
    assert ":material/pending:" in page, "with an icon, not colour alone"
    for code in ("CA01", "LONDON-L02", "CP02"):
        assert expected_status(database, code, "london") in page
    summary = summary_table(at)
    row = summary[summary["Code"] == "LONDON-L04"].iloc[0]
    assert row["Coproduced"] == "Not yet coproduced"
    assert row["Progress"] == expected_status(database, "LONDON-L04", "london")


def test_a_manual_status_is_shown_as_set_by_hand_with_its_reason(signed_in, database):
    with Session(database) as session:
        lead = actor_for(session, "london.lead")
        l01 = session.scalar(select(Metric).where(Metric.code == "LONDON-L01"))
        record = dbm.metric_record(session, l01.id)
    draft = dbm.MetricDraft.from_record(record)
    from dataclasses import replace

    dbm.update_metric(
        database,
        lead,
        l01.id,
        l01.version,
        replace(
            draft,
            manual_status="limited_progress",
            manual_status_reason="Referral data were incomplete for two quarters",
        ),
    )
    at = open_metrics(signed_in, "london.lead", "demo-london")
    page, _headers, _metrics = every_card_page(at)
    assert "Limited progress (set by hand)" in page
    assert "Reason: Referral data were incomplete for two quarters" in page


def test_national_lead_picks_a_region_and_sees_its_local_metrics(signed_in, database):
    at = open_metrics(signed_in, "national.lead", "demo-national")
    at.selectbox(key="metrics-region").set_value(region_id(database, "north_west")).run()
    assert not at.exception
    codes = list(summary_table(at)["Code"])
    assert "NORTH_WEST-L01" in codes and not [c for c in codes if c.startswith("LONDON")]


def test_theme_filter_narrows_the_metrics(signed_in):
    at = open_metrics(signed_in, "london.lead", "demo-london")
    theme = at.selectbox(key="metrics-theme")
    theme.select_index(theme.options.index("Workforce")).run()
    assert [h.value for h in at.header] == ["Workforce"]
    assert set(summary_table(at)["Code"]) == {"WF01", "WF02"}


def _form(at, choice: str, version: int = 0):
    prefix = f"define-{choice}-{version}"

    def widget(kind: str, name: str):
        return getattr(at, kind)(key=f"{prefix}-{name}")

    return widget


def test_regional_lead_defines_a_local_metric_through_the_form(signed_in, database):
    at = show(open_metrics(signed_in, "london.lead", "demo-london"), "Define or change a metric")
    form = _form(at, "new-local")
    assert form("text_input", "code").value == "LONDON-"
    form("text_input", "code").input("LONDON-L05")
    form("text_input", "name").input("Families offered a cultural food choice")
    theme = form("selectbox", "theme")
    theme.select_index(theme.options.index("Cultural awareness"))
    form("radio", "direction").set_value("increase")
    form("selectbox", "body").set_value("Carers Advisory Board")
    form("date_input", "when").set_value(date(2026, 5, 20))
    form("text_input", "where").input("Carers Advisory Board, May meeting")
    next(b for b in at.button if b.label == "Add metric").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    # (Messages escape Markdown, so the text arrives with backslashes.)
    assert any("Saved LONDON-L05" in s.value.replace("\\", "") for s in at.success)
    with Session(database) as session:
        created = session.scalar(select(Metric).where(Metric.code == "LONDON-L05"))
        assert created is not None and created.scope == "local"
        assert created.region_id == region_id(database, "london")
        assert created.coproduced_with == "Carers Advisory Board"
        assert created.direction == "increase"
        event = session.scalar(
            select(AuditEvent).where(
                AuditEvent.entity_type == "metric", AuditEvent.entity_id == created.id
            )
        )
        assert event is not None and event.username == "london.lead"


def test_the_form_never_guesses_the_direction(signed_in, database):
    at = show(open_metrics(signed_in, "london.lead", "demo-london"), "Define or change a metric")
    form = _form(at, "new-local")
    form("text_input", "code").input("LONDON-L06")
    form("text_input", "name").input("A metric without a direction")
    theme = form("selectbox", "theme")
    theme.select_index(0)
    assert form("radio", "direction").value is None, "no direction is picked for you"
    next(b for b in at.button if b.label == "Add metric").click().run()
    assert not at.exception
    assert any("never guesses" in e.value for e in at.error)
    with Session(database) as session:
        assert session.scalar(select(Metric).where(Metric.code == "LONDON-L06")) is None


def test_national_lead_edits_national_metrics_only(signed_in):
    at = show(
        open_metrics(signed_in, "national.lead", "demo-national"), "Define or change a metric"
    )
    choices = at.selectbox(key="define-metric").options
    assert "A new national core metric (for every region)" in choices
    assert not [c for c in choices if "local metric" in c or c.startswith("LONDON")]
    assert any(c.startswith("CA01 ·") for c in choices)


# --- the chart component, on its own -------------------------------------------------

DEFINITION = {
    "code": "CA01",
    "name": "Staff who have completed cultural awareness training",
    "unit": "percentage",
    "baseline_period": date(2023, 10, 1),
    "baseline_value": 45.0,
    "target_value": 90.0,
    "target_date": date(2027, 4, 1),
}
VALUES = pd.DataFrame(
    {
        "period_start": [date(2023, 10, 1), date(2024, 1, 1), date(2024, 4, 1), date(2024, 4, 1)],
        "value": [45.0, 50.0, 52.5, 99.0],
        "numerator": [45.0, 50.0, None, None],
        "denominator": [100.0, 100.0, None, None],
        "note": ["", "", "estimate", ""],
        "characteristic": ["", "", "", "ethnicity_broad"],
    }
)


def _layers(spec: dict) -> list[dict]:
    return spec["layer"]


def test_the_chart_has_a_title_description_palette_and_named_series():
    chart = build_metric_chart(DEFINITION, VALUES)
    assert isinstance(chart, alt.LayerChart)
    spec = chart.to_dict()
    assert " ".join(spec["title"]["text"]).startswith("CA01: Staff who have completed")
    assert "Baseline 45% in Q3 2023/24" in spec["description"]
    assert "Target 90% by Q1 2027/28" in spec["description"]
    color = _layers(spec)[0]["encoding"]["color"]
    assert color["scale"]["domain"] == [RECORDED, BASELINE, TARGET, TRAJECTORY]
    assert set(color["scale"]["range"]) <= set(OKABE_ITO.values())
    assert color["legend"]["title"] == LEGEND_TITLE
    dashes = _layers(spec)[0]["encoding"]["strokeDash"]["scale"]["range"]
    assert dashes[-1] != [1, 0], "the trajectory is dashed"
    x = _layers(spec)[0]["encoding"]["x"]
    assert x["scale"]["domain"][0] == "Q3 2023/24" and x["scale"]["domain"][-1] == "Q1 2027/28"
    assert len(x["scale"]["domain"]) == 15, "every quarter from baseline to target"


def test_the_chart_draws_overall_values_baseline_target_and_the_straight_line():
    frame = chart_frame(DEFINITION, VALUES)
    recorded = frame[frame["series"] == RECORDED]
    assert list(recorded["value"]) == [45.0, 50.0, 52.5], "group values are left out"
    assert list(frame.loc[frame["series"] == TARGET, "quarter"]) == ["Q1 2027/28"]
    line = frame[frame["series"] == TRAJECTORY]
    assert list(zip(line["quarter"], line["value"], strict=True)) == [
        ("Q3 2023/24", 45.0),
        ("Q1 2027/28", 90.0),
    ]


def test_without_a_target_there_is_no_straight_line():
    definition = {**DEFINITION, "target_value": None, "target_date": None}
    frame = chart_frame(definition, VALUES)
    assert set(frame["series"]) == {RECORDED, BASELINE}
    spec = build_metric_chart(definition, VALUES).to_dict()
    assert "Target" not in spec["description"]


def test_a_chart_built_once_is_remembered_and_the_same_as_building_it_again():
    from components.charts import page_spec
    from components.metric_chart import metric_chart_spec

    built = page_spec(build_metric_chart(DEFINITION, VALUES, title="T", height=200))
    first = metric_chart_spec(DEFINITION, VALUES, title="T", height=200)
    assert first == built
    first["title"] = "changed by a caller"
    again = metric_chart_spec(DEFINITION, VALUES, title="T", height=200)
    assert again == built, "a caller's change does not reach the remembered chart"
    # Anything the chart shows makes a new chart: a value, the target, the title.
    changed = VALUES.assign(value=VALUES["value"] + 1)
    assert metric_chart_spec(DEFINITION, changed, title="T", height=200) != built
    target = {**DEFINITION, "target_value": 95.0}
    assert metric_chart_spec(target, VALUES, title="T", height=200) != built
    assert metric_chart_spec(DEFINITION, VALUES, title="U", height=200) != built


def test_the_table_beside_the_chart():
    table = metric_table(VALUES)
    assert list(table.columns) == ["Quarter", "Value", "Numerator", "Denominator", "Note"]
    assert list(table["Quarter"]) == ["Q1 2024/25", "Q4 2023/24", "Q3 2023/24"], "newest first"
    assert table["Note"].iloc[0] == "estimate"
    assert list(table["Numerator"].iloc[1:]) == [50.0, 45.0]


def test_forum_members_see_figures_under_disclosure_control(signed_in):
    at = signed_in("london.forum", "demo-forum")
    at.switch_page("pages/metrics.py")
    at.run()
    assert not at.exception
    assert any("disclosure control" in c.value for c in at.caption)
    for frame in at.dataframe:
        table = frame.value
        for column in ("Numerator", "Denominator"):
            if column in table.columns:
                shown = table[column].dropna()
                assert ((shown >= 5) & (shown % 5 == 0)).all(), column


def test_regional_leads_see_exact_figures(signed_in):
    at = signed_in("london.lead", "demo-london")
    at.switch_page("pages/metrics.py")
    at.run()
    assert not any("disclosure control" in c.value for c in at.caption)


def test_changing_the_theme_after_paging_starts_from_the_first_card(signed_in):
    at = open_metrics(signed_in, "london.lead", "demo-london")
    first_page = [h.value for h in at.subheader]
    at.selectbox(key="metrics-card-page").select_index(1).run()
    assert [h.value for h in at.subheader] != first_page
    theme = at.selectbox(key="metrics-theme")
    theme.select_index(theme.options.index("Cultural awareness")).run()
    assert not at.exception, at.exception
    assert at.subheader, "the theme's metrics are shown"
    theme = at.selectbox(key="metrics-theme")
    theme.select_index(theme.options.index("All themes")).run()
    assert not at.exception, at.exception
    assert [h.value for h in at.subheader] == first_page
