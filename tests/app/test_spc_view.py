"""The Variation (SPC) view of a metric card (components/spc_chart.py): the chart is
drawn from core.spc's figures, with its table, icons in words and one sentence; with
fewer than twelve quarters it says why and shows the run chart."""

from __future__ import annotations

from datetime import date

import pandas as pd
from streamlit.testing.v1 import AppTest

from components import spc_chart
from components.charts import page_spec
from core import spc


def quarters(count: int) -> pd.DataFrame:
    starts = [date(2021 + (3 + 3 * i) // 12, (3 + 3 * i) % 12 + 1, 1) for i in range(count)]
    values = [4, 6, 4, 6, 4, 6, 7, 8, 7, 8, 7, 8, 7][:count]
    return pd.DataFrame({"period_start": starts, "value": values, "characteristic": ""})


DEFINITION = {
    "id": 0,  # set to London's local metric by run_panel
    "scope": "local",
    "code": "CA1",
    "name": "Staff trained",
    "unit": "count",
    "direction": "increase",
}


def context(url: str, username: str):
    """The request context of a demo person on the app's database."""
    from sqlalchemy.orm import Session

    from core.config import load_settings
    from db.engine import get_engine
    from db.users import actor_for
    from services.context import RequestContext

    engine = get_engine(url)
    with Session(engine) as session:
        actor = actor_for(session, username)
    return RequestContext(load_settings(require_cookie_key=False), engine, actor)


def london_local_metric(url: str) -> tuple[int, int]:
    """London's id and its first local metric's id."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from db.engine import get_engine
    from db.models import Metric, Region

    with Session(get_engine(url)) as session:
        london = session.scalar(select(Region.id).where(Region.code == "london"))
        metric = session.scalar(
            select(Metric.id).where(Metric.region_id == london).order_by(Metric.id)
        )
    return int(london), int(metric)


def panel_script(url: str, username: str, count: int, hide: int | None = None) -> None:
    from components.spc_chart import spc_panel
    from tests.app.test_spc_view import DEFINITION, context, london_local_metric, quarters

    london, metric = london_local_metric(url)
    shown = quarters(count)
    if hide is not None:
        shown.loc[hide, "value"] = None  # hidden under disclosure control
    spc_panel(context(url, username), DEFINITION | {"id": metric}, shown, region_id=london, key="m")


def run_panel(url: str, count: int, username: str = "london.lead") -> AppTest:
    at = AppTest.from_function(
        panel_script, kwargs={"url": url, "username": username, "count": count}, default_timeout=60
    )
    return at.run()


def test_twelve_or_more_quarters_draw_the_xmr_chart_with_its_words(app_env) -> None:
    at = run_panel(app_env, 13)
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "Special cause of improvement" in text
    assert "seven quarters in a row above the average" in text
    table = at.dataframe[0].value
    assert table["Quarter"].iloc[0] == "Q1 2024/25"  # newest first, as every table
    assert set(table.columns) >= {"Average", "Lower process limit", "Upper process limit"}


def test_fewer_than_twelve_quarters_say_why_and_draw_the_run_chart(app_env) -> None:
    at = run_panel(app_env, 7)
    assert not at.exception
    assert "needs at least 12 quarters" in at.info[0].value
    assert "has 7" in at.info[0].value
    assert "Median" in at.dataframe[0].value.columns


def test_the_chart_has_a_title_and_description_and_valid_spec(monkeypatch) -> None:
    monkeypatch.setenv("AMHE_VALIDATE_CHARTS", "1")
    frame = quarters(13)
    labels, numbers = spc_chart.series_of(frame)
    view = spc.spc_view(labels, numbers, direction="increase")
    rows = tuple(tuple(r.items()) for r in spc.spc_rows(view, numbers))
    spec = page_spec(
        spc_chart.build_spc_chart(
            "CA1: Staff trained", "count", rows, spc_chart.describe(view, "x")
        )
    )
    assert spec["title"]["text"] == "CA1: Staff trained"
    assert "process limits" in spec["description"]
    data = next(iter(spec["datasets"].values()))
    assert [row["Quarter"] for row in data] == labels  # oldest first on the axis


def test_a_hidden_quarter_means_no_spc_chart(app_env) -> None:
    frame = quarters(13)
    frame.loc[3, "value"] = None  # hidden under disclosure control
    assert spc_chart.hidden_quarters(frame) == 1
    at = AppTest.from_function(
        panel_script,
        kwargs={"url": app_env, "username": "london.lead", "count": 13, "hide": 3},
        default_timeout=60,
    ).run()
    assert "disclosure control" in at.info[0].value
    assert not at.dataframe


def test_the_lead_records_a_recalculation_and_the_limits_start_afresh(app_env) -> None:
    at = run_panel(app_env, 13)
    assert not at.exception, at.exception
    # 13 quarters: a point at the second leaves 12 quarters from it.
    picker = next(b for b in at.selectbox if b.label == "From quarter")
    picker.set_value(1)
    next(t for t in at.text_area if t.label.startswith("Why")).input("New <b>form</b> *used*")
    next(b for b in at.button if b.label == "Record the recalculation point").click()
    at.run()
    assert not at.exception, at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "Limits worked out afresh from Q2 2021/22" in text
    assert "<b>" not in text and "\\*used\\*" in text  # the reason is plain text
    table = at.dataframe[0].value
    assert set(table["Limits from"]) == {"Q1 2021/22", "Q2 2021/22"}
    # The forum member sees the point and its reason but no form.
    member = run_panel(app_env, 13, username="london.forum")
    assert not member.exception, member.exception
    assert "Limits worked out afresh from Q2 2021/22" in " ".join(m.value for m in member.markdown)
    assert not [b for b in member.selectbox if b.label == "From quarter"]
    assert not [b for b in member.button if b.label.startswith("Remove")]
    # The lead removes it: one segment again.
    at = run_panel(app_env, 13)
    next(b for b in at.button if b.label.startswith("Remove the recalculation point")).click()
    at.run()
    assert not at.exception, at.exception
    assert "Limits from" not in at.dataframe[0].value.columns


def test_a_point_with_fewer_than_six_quarters_after_it_waits(app_env) -> None:
    at = run_panel(app_env, 13)
    next(b for b in at.selectbox if b.label == "From quarter").set_value(8)
    next(t for t in at.text_area if t.label.startswith("Why")).input("New form")
    next(b for b in at.button if b.label == "Record the recalculation point").click()
    at.run()
    assert not at.exception, at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "will be worked out afresh from Q1 2023/24 once 6 quarters" in text
    assert "there are 5 so far" in text
    assert "Limits from" not in at.dataframe[0].value.columns
