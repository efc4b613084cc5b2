"""The Compare regions page through the real app: national leads and administrators see
the status grid, drill down to one region's theme, compare a metric across regions with
the funnel sentence and the ranking; regional roles do not have the page."""

from __future__ import annotations

import json
import re
from datetime import date

import pandas as pd
import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from app import pages_for
from components.badges import status_markdown
from core import compare as cc
from core import compare_stats as cs
from core.formatting import escape_markdown, format_value
from core.statuses import PROGRESS_STATUSES
from db import compare as dbc
from db import queries
from db.models import Metric, MetricValue
from db.theme_progress import metric_statuses, theme_statuses
from tests.app.conftest import reopened
from tests.markdown_text import shown

PAGE = "pages/compare_regions.py"
THEMES = [
    "Cultural awareness",
    "Staff knowledge and awareness",
    "Partnership working",
    "Coproduction",
    "Workforce",
    "Co-learning",
]


def open_compare(signed_in, username: str, password: str):
    at = signed_in(username, password)
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


def read(url: str, work):
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            return work(session)
    finally:
        engine.dispose()


def select(at, label: str):
    return next(s for s in at.selectbox if s.label == label)


def chart_specs(at) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]


def infos(at) -> list[str]:
    return [i.value for i in at.info]


def test_only_national_roles_have_the_page():
    for role in ("national_lead", "admin"):
        assert PAGE in [p.path for p in pages_for(role)]
    for role in ("regional_lead", "forum_member"):
        assert PAGE not in [p.path for p in pages_for(role)]


@pytest.mark.parametrize(
    ("username", "password"), [("national.lead", "demo-national"), ("admin", "demo-admin")]
)
def test_grid_shows_every_region_s_theme_statuses_in_words(signed_in, app_env, username, password):
    at = open_compare(signed_in, username, password)
    assert [h.value for h in at.header] == [
        "Progress by region and theme",
        "Look closer at one region's theme",
        "National core metrics across regions",
    ]

    def expected(session):
        regions = queries.regions(session)
        frame = theme_statuses(session, regions["id"].tolist())
        return regions, frame

    regions, frame = read(app_env, expected)
    table = at.dataframe[0].value
    assert list(table.columns) == ["Region", *THEMES]
    assert table["Region"].tolist() == regions["name"].tolist()
    names = dict(zip(regions["id"], regions["name"], strict=True))
    for row in frame.itertuples(index=False):
        cell = table.loc[table["Region"] == names[row.region_id], row.theme].iloc[0]
        assert cell == row.status_label

    specs = chart_specs(at)
    assert len(specs) == 4  # grid, latest values, funnel, trends
    for spec in specs:
        assert spec.get("title"), "every chart has a visible title"
        assert spec.get("description"), "every chart describes itself"
    grid = specs[0]
    assert grid["description"].startswith("Grid of progress statuses: 7 regions down, 6 themes")
    # Status words in the cells, coloured with the Okabe-Ito status colours.
    cells, words = grid["layer"]
    assert words["mark"]["type"] == "text" and words["encoding"]["text"]["field"] == "cell_text"
    scale = cells["encoding"]["color"]["scale"]
    colours = {s.label: s.colour for s in PROGRESS_STATUSES.values()}
    assert dict(zip(scale["domain"], scale["range"], strict=True)) == {
        label: colours[label] for label in scale["domain"]
    }


def test_drill_down_to_north_west_coproduction(signed_in, app_env):
    at = open_compare(signed_in, "national.lead", "demo-national")
    select(at, "Region").select("North West").run()
    select(at, "Theme").select("Coproduction").run()
    assert not at.exception, at.exception
    assert "North West · Coproduction" in [shown(s.value) for s in at.subheader]

    def expected(session):
        regions = queries.regions(session)
        region_id = int(regions.loc[regions["name"] == "North West", "id"].iloc[0])
        themes = theme_statuses(session, [region_id])
        metrics = metric_statuses(session, [region_id])
        return themes[themes["theme"] == "Coproduction"].iloc[0], metrics

    row, metrics = read(app_env, expected)
    # the theme's words are one markdown element, a paragraph each
    markdown = [p for m in at.markdown for p in shown(m.value).split("\n\n")]
    assert row["explanation"] in markdown
    assert any(m.startswith(f"**Actions:** {row['actions_total']} actions") for m in markdown)

    assert status_markdown(PROGRESS_STATUSES[row["status"]]) in markdown
    behind = metrics[metrics["theme_id"] == row["theme_id"]]
    table = next(d.value for d in at.dataframe if "Why" in d.value.columns)
    assert table["Code"].tolist() == behind["code"].tolist()
    assert table["Status"].tolist() == behind["status_label"].tolist()
    links = at.get("page_link")
    assert any(link.proto.label == "Open the Themes page for North West" for link in links)
    assert at.session_state["chosen_region_id"] == int(
        read(app_env, lambda s: queries.regions(s).set_index("name").loc["North West", "id"])
    )


def test_metric_comparison_ranking_and_funnel_sentence(signed_in, app_env):
    at = open_compare(signed_in, "national.lead", "demo-national")
    metric = select(at, "Metric")
    assert metric.value is not None

    def expected(session):
        regions = queries.regions(session)
        ids = regions["id"].tolist()
        metrics = dbc.national_metrics(session).set_index("id")
        return (
            regions,
            metrics,
            dbc.latest_values(session, ids, [metric.value]),
            dbc.national_figures(session, ids, [metric.value]).iloc[0],
        )

    regions, metrics, latest, figure = read(app_env, expected)
    names = dict(zip(regions["id"], regions["name"], strict=True))
    definition = metrics.loc[metric.value]
    assert definition["unit"] == "percentage"
    assert figure["method"] == "pooled"
    shown = f"{figure['value']:.1f}".rstrip("0").rstrip(".")
    assert any(
        m.startswith(f"**National figure for Q2 2026/27:** {shown}%") and "pooled" in m
        for m in (x.value for x in at.markdown)
    )
    # The ranking: by value, highest first, ties sharing a rank.
    ranking = next(d.value for d in at.dataframe if "Rank" in d.value.columns)
    values = dict(zip(latest["region_id"].map(names), latest["value"], strict=True))
    assert ranking["Region"].tolist() == sorted(values, key=lambda n: (-values[n], n))
    ranks = cc.rank_values(list(values.values()), "increase")
    assert dict(zip(ranking["Region"], ranking["Rank"], strict=True)) == dict(
        zip(values, ranks, strict=True)
    )
    assert any("highest to lowest" in m.value for m in at.markdown)
    # The funnel sentences, worked out here from the database and core.
    placed = cc.classify_funnel(
        [(names[r.region_id], r.numerator, r.denominator) for r in latest.itertuples(index=False)],
        figure["proportion"],
    )
    sentences = cc.funnel_sentences(
        placed, unit="percentage", scale=100, national_value=figure["value"], direction="increase"
    )
    shown_sentences = "\n".join(f"- {escape_markdown(s)}" for s in sentences)
    assert (
        shown_sentences in infos(at)
        if len(sentences) > 1
        else escape_markdown(sentences[0]) in infos(at)
    )
    funnel = next(d.value for d in at.dataframe if "Where it falls" in d.value.columns)
    assert sorted(funnel["Region"]) == sorted(names.values())
    assert dict(zip(funnel["Region"], funnel["Where it falls"], strict=True)) == {
        p.region: p.words.capitalize() for p in placed
    }


def test_switching_to_a_lower_is_better_score_has_no_funnel(signed_in, app_env):
    at = open_compare(signed_in, "national.lead", "demo-national")
    metrics = read(app_env, dbc.national_metrics)
    cp02 = int(metrics.loc[metrics["code"] == "CP02", "id"].iloc[0])
    select(at, "Metric").set_value(cp02).run()
    assert not at.exception, at.exception
    assert any("lowest to highest" in m.value for m in at.markdown)
    assert any("This metric is a score" in i for i in infos(at))
    assert len(at.get("vega_lite_chart")) == 3  # grid, latest values, trends
    assert any("average (mean)" in shown(m.value) for m in at.markdown)
    ranking = next(d.value for d in at.dataframe if "Rank" in d.value.columns)
    assert ranking["Value (days)"].is_monotonic_increasing  # the unit is in the heading
    assert "Numerator" not in ranking.columns
    assert "Lower 95%" not in ranking.columns  # a score has no interval
    trends = trend_table(at)
    assert trends["Region"].iloc[-1] == "National figure"
    assert len(trends) == 8


def test_count_metric_national_figure_is_a_total(signed_in, app_env):
    at = open_compare(signed_in, "national.lead", "demo-national")
    metrics = read(app_env, dbc.national_metrics)
    pw01 = int(metrics.loc[metrics["code"] == "PW01", "id"].iloc[0])
    select(at, "Metric").set_value(pw01).run()
    assert not at.exception, at.exception
    ranking = next(d.value for d in at.dataframe if "Rank" in d.value.columns)
    total = pd.to_numeric(ranking["Value (number)"]).sum()
    assert any(
        m.value.startswith(f"**National figure for Q2 2026/27:** {total:,.0f}")
        and "total of the regions' values" in shown(m.value)
        for m in at.markdown
    )


def test_a_rate_metric_gets_a_funnel_plot_at_its_own_scale(signed_in, app_env):
    def add_rate(session):
        regions = queries.regions(session)
        ids = dict(zip(regions["name"], regions["id"], strict=True))
        rate = Metric(
            code="RT01", name="Detentions per 100,000", theme_id=1, unit="rate",
            direction="decrease", scope="national",
        )  # fmt: skip
        session.add(rate)
        session.flush()
        # Six regions at 20 in 100,000 and North West at 60 in 100,000 (far above).
        for name, region_id in ids.items():
            events = 60 if name == "North West" else 20
            session.add(
                MetricValue(
                    metric_id=rate.id, region_id=region_id, period_start=date(2026, 7, 1),
                    value=float(events), numerator=events, denominator=100_000,
                )
            )  # fmt: skip
        session.commit()
        return rate.id

    rate_id = read(app_env, add_rate)
    at = open_compare(signed_in, "national.lead", "demo-national")
    select(at, "Metric").set_value(rate_id).run()
    assert not at.exception, at.exception
    # Pooled: 180 in 700,000 = 25.71 per 100,000.
    assert any(
        m.value.startswith("**National figure for Q2 2026/27:** 25.71.")
        and "per 100,000" in shown(m.value)
        for m in at.markdown
    )
    funnel = next(d.value for d in at.dataframe if "Where it falls" in d.value.columns)
    where = dict(zip(funnel["Region"], funnel["Where it falls"], strict=True))
    assert where["North West"] == "Above the upper 99.8% limit"
    assert where["London"] == "Within the expected range"
    assert funnel.loc[funnel["Region"] == "North West", "Value (rate per 100,000)"].iloc[0] == 60.0
    sentences = infos(at)
    assert any(
        shown(s).startswith("- North West is above the upper 99.8% limit: 60") for s in sentences
    )
    assert any("A lower value is better for this metric" in s for s in sentences)
    ranking = next(d.value for d in at.dataframe if "Rank" in d.value.columns)
    assert ranking["Region"].iloc[-1] == "North West"  # lower is better: last
    assert ranking["Rank"].tolist()[:6] == [1] * 6  # six regions tie for first


def test_with_many_regions_the_trends_show_twelve_and_people_pick_others(signed_in, app_env):
    """At national scale (seventy regions) the small trend charts are of the regions
    picked, twelve at most; every region is still in the grid and the ranking."""
    from db.models import Region

    def add_regions(session):
        for number in range(1, 9):
            session.add(Region(code=f"extra_{number}", name=f"Extra region {number}"))
        session.commit()
        return queries.regions(session)

    regions = read(app_env, add_regions)
    assert len(regions) == 15
    at = open_compare(signed_in, "national.lead", "demo-national")
    picker = next(m for m in at.multiselect if m.label == "Regions to show")
    assert len(picker.value) == 12 and picker.value == regions["id"].tolist()[:12]
    assert any("Showing the trends of 12 of 15 regions." in c.value for c in at.caption)
    names = dict(zip(regions["id"], regions["name"], strict=True))
    drawn = set(trend_table(at)["Region"]) - {"National figure"}
    assert drawn and drawn <= {names[i] for i in picker.value}
    ranking = next(d.value for d in at.dataframe if "Rank" in d.value.columns)
    assert len(ranking) <= 15
    # Picking another region draws it instead.
    north_west = int(regions.loc[regions["code"] == "north_west", "id"].iloc[0])
    picker.set_value([north_west]).run()
    assert set(trend_table(at)["Region"]) == {"North West", "National figure"}
    assert any("Showing the trends of 1 of 15 regions." in c.value for c in at.caption)


def trend_table(at) -> pd.DataFrame:
    """The figures behind the small trend charts (a row per region drawn), in "Trend
    figures" (made only while it is open: opened here)."""
    at.session_state["compare-trend-figures"] = True
    at.run()
    assert not at.exception, at.exception
    return next(
        d.value
        for d in at.dataframe
        if "Region" in d.value.columns and any(re.match(r"Q\d ", c) for c in d.value.columns)
    )


def test_the_theme_filter_lists_only_that_theme_s_metrics(signed_in, app_env):
    at = open_compare(signed_in, "national.lead", "demo-national")
    metrics = read(app_env, dbc.national_metrics)
    assert select(at, "Theme of the metric").value == "All themes"
    assert len(select(at, "Metric").options) == len(metrics)
    select(at, "Theme of the metric").select("Workforce").run()
    assert not at.exception, at.exception
    workforce = metrics[metrics["theme"] == "Workforce"]
    listed = select(at, "Metric").options
    assert len(listed) == len(workforce)
    assert all(label.split(":")[0] in set(workforce["code"]) for label in listed)
    chosen = int(select(at, "Metric").value)
    assert chosen in set(workforce["id"].astype(int))


def test_a_financial_year_pools_its_quarters(signed_in, app_env):
    at = open_compare(signed_in, "national.lead", "demo-national")
    picker = select(at, "Period")
    assert picker.value == "Latest"  # as the page showed before it had a picker
    years = [o for o in picker.options if "Q" not in o and o != "Latest"]
    assert years, picker.options
    metric_id = int(select(at, "Metric").value)
    year = cs.chosen_period(years[0])
    assert year is not None

    def expected(session):
        regions = queries.regions(session)
        metric = dbc.national_metrics(session).set_index("id").loc[metric_id]
        return dbc.period_values(
            session, regions["id"].tolist(), metric_id, metric["unit"], year.start, year.end
        )[1]

    figure = read(app_env, expected)
    picker.select(years[0]).run()
    assert not at.exception, at.exception
    assert any(
        m.value.startswith(
            f"**National figure for {years[0]}:** {format_value(figure['value'], 'percentage')}"
        )
        for m in at.markdown
    ), [m.value for m in at.markdown if "National figure" in m.value]
    ranking = next(d.value for d in at.dataframe if "Rank" in d.value.columns)
    assert set(ranking["Year"].dropna()) <= {years[0], ""}
    assert {"Lower 95%", "Upper 95%", "Value (95% interval)"} <= set(ranking.columns)
    row = ranking.dropna(subset=["Numerator"]).iloc[0]
    low, high = cs.value_interval("percentage", row["Numerator"], row["Denominator"], 100.0)
    assert (row["Lower 95%"], row["Upper 95%"]) == pytest.approx((low, high), abs=0.01)


def test_two_periods_compared_for_a_region(signed_in, app_env):
    at = open_compare(signed_in, "national.lead", "demo-national")
    select(at, "Region to compare").select("London").run()
    first, second = select(at, "From").value, select(at, "To").value
    assert first != second
    said = next(i for i in infos(at) if shown(i).startswith("London: From "))
    assert shown(said).startswith(f"London: From {first} to {second} the value went")
    assert "chance" in said
    table = next(d.value for d in at.dataframe if "Period" in d.value.columns)
    assert table["Period"].tolist() == [first, second]
    assert {"Lower 95%", "Upper 95%"} <= set(table.columns)


def test_the_funnel_can_allow_for_extra_variation(signed_in, app_env):
    at = open_compare(signed_in, "national.lead", "demo-national")
    box = next(c for c in at.checkbox if c.label == "Allow for extra variation between regions")
    assert box.value is False
    box.check().run()
    assert not at.exception, at.exception
    funnel = next(s for s in chart_specs(at) if "funnel" in json.dumps(s.get("title")))
    assert "widened" in json.dumps(funnel["title"]) and "widened" in funnel["description"]
    assert any("widened" in i or "not widened" in i for i in infos(at))


def test_the_picks_live_in_the_address_and_a_link_opens_them(signed_in):
    """Choosing a metric, a period and a region writes them to the address; the same
    address in a new session opens the same view (Compare regions' share link)."""
    at = open_compare(signed_in, "national.lead", "demo-national")
    metric_box = select(at, "Metric")
    other = metric_box.options[-1]
    metric_box.select(other).run()
    metric_id = str(at.selectbox(key="compare-metric").value)
    period_box = at.selectbox(key="compare-period")
    period = period_box.options[-1]
    period_box.select(period).run()
    region_box = at.selectbox(key="compare-region")
    region = region_box.options[-1]
    region_box.select(region).run()
    address = {name: at.query_params[name] for name in ("metric", "period", "region")}
    assert address["metric"] in (metric_id, [metric_id])

    fresh = reopened(signed_in, PAGE, address)
    assert str(fresh.selectbox(key="compare-metric").value) == metric_id
    assert fresh.selectbox(key="compare-period").value == period
    assert fresh.selectbox(key="compare-region").value == region


def test_every_download_says_what_it_holds(signed_in, monkeypatch):
    """Each of the page's files comes with its About (issue 15): what it is, the period,
    the disclosure rule and who may see it; a metric's files its definition and unit."""
    import components.downloads

    calls: list[tuple[str, object]] = []
    original = components.downloads.download_buttons

    def record(table, file_stem, *, key, about=None):
        calls.append((key, about))
        original(table, file_stem, key=key, about=about)

    for module in ("components.downloads", "components.compare_views", "components.compare_picks"):
        monkeypatch.setattr(f"{module}.download_buttons", record)  # the page imports it anew
    at = open_compare(signed_in, "national.lead", "demo-national")
    at.selectbox(key="compare-region").set_value(at.selectbox(key="compare-region").value).run()
    keys = {key for key, _ in calls}
    assert {"compare-grid-dl", "compare-ranking-dl", "compare-change-dl"} <= keys, keys
    for key, about in calls:
        assert about is not None, f"{key} has no About"
        assert about.title and about.period and about.disclosure and about.audience, key
        if key in ("compare-ranking-dl", "compare-funnel-dl", "compare-change-dl"):
            assert about.definition and about.unit, key
