"""A theme's score by quarter: the small trend chart on the Themes page, with its figures."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from components import downloads  # looked up at each call, so tests can record it
from components.charts import remembered_spec, show_chart
from core.export_about import ExportAbout, entitled_words
from core.metric_series import quarter_axis
from core.permissions import Action
from core.statuses import OKABE_ITO

TREND_COLUMNS = ["period_start", "period", "score", "status_label", "metrics_counted"]
#: The theme score's unit, on the axis and in the table: a progress score, not a value.
SCORE_TITLE = "Progress score (-5 to 5)"
SCORE_DEFINITION = (
    "The theme's progress score in each quarter: the mean of its metrics' progress scores "
    "(each from -5, deterioration, to 5, substantial progress; 0 is limited progress), from "
    "each metric's values up to that quarter. A metric needs a year of values to have a score."
)


def slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def trend_chart(theme: str, data: pd.DataFrame) -> alt.LayerChart:
    first, last = data["period"].iloc[0], data["period"].iloc[-1]
    description = (
        f"Line chart of the {theme} score in each quarter from {first} to {last}, on a "
        f"scale of -5 to 5. In {last} it was {data['score'].iloc[-1]:.1f}: "
        f"{data['status_label'].iloc[-1].lower()}."
    )
    base = alt.Chart(data, height=150)
    zero = (
        alt.Chart(pd.DataFrame({"score": [0]}))
        .mark_rule(color=OKABE_ITO["grey"], strokeDash=[4, 4])
        .encode(y="score:Q")
    )
    quarters = quarter_axis(data["period_start"])
    line = base.mark_line(point=True, color=OKABE_ITO["blue"]).encode(
        x=alt.X(
            "period:O",
            title="Quarter",
            sort=quarters,
            scale=alt.Scale(domain=quarters),
            axis=alt.Axis(labelAngle=-45, labelOverlap=True),
        ),
        y=alt.Y(
            "score:Q",
            title=SCORE_TITLE,
            scale=alt.Scale(domain=[-5, 5]),
            axis=alt.Axis(values=[-5, -2.5, 0, 2.5, 5]),
        ),
        tooltip=[
            alt.Tooltip("period:N", title="Quarter"),
            alt.Tooltip("score:Q", title=SCORE_TITLE, format=".1f"),
            alt.Tooltip("status_label:N", title="Status"),
            alt.Tooltip("metrics_counted:Q", title="Metrics counted"),
        ],
    )
    return alt.layer(line, zero).properties(
        title=alt.Title("Progress score by quarter", fontSize=13, anchor="start"),
        description=description,
    )


def trend_chart_of_rows(theme: str, rows: tuple[tuple, ...]) -> alt.LayerChart:
    return trend_chart(theme, pd.DataFrame(list(rows), columns=TREND_COLUMNS))


def trend_view(trend: pd.DataFrame, theme_id: int, theme: str, region_name: str) -> None:
    """The theme's trend chart and, folded away (made only while open), its figures
    (``trend``: every theme's)."""
    data = trend[trend["theme_id"] == theme_id].reset_index(drop=True)
    if data.empty:
        st.write("No trend yet: a score needs at least a year of values.")
        return
    chart_data = data.assign(period_start=pd.to_datetime(data["period_start"]))
    rows = tuple(chart_data[TREND_COLUMNS].itertuples(index=False, name=None))
    show_chart(
        remembered_spec(trend_chart_of_rows, theme, rows),
        width="stretch",
        height=250,
        key=f"theme-trend-{theme_id}",
    )
    # The figures are drawn only while they are open: a table and its downloads under
    # each of six charts took the browser longer to draw than the rest of the page.
    with st.expander(
        "Trend figures", key=f"theme-trend-figures-{theme_id}", on_change="rerun"
    ) as box:
        if not box.open:
            return
        table = pd.DataFrame(
            {
                "Quarter": data["period"],
                SCORE_TITLE: data["score"].round(2),
                "Status": data["status_label"],
                "Metrics counted": data["metrics_counted"],
            }
        )
        st.dataframe(table, hide_index=True, width="stretch")
        downloads.download_buttons(
            table,
            f"theme-trend-{slug(region_name)}-{slug(theme)}",
            key=f"trend-{theme_id}",
            about=ExportAbout(
                title=f"{theme}: progress score by quarter, {region_name}",
                definition=SCORE_DEFINITION,
                source="Worked out by the dashboard from the region's metric values",
                period=f"{data['period'].iloc[0]} to {data['period'].iloc[-1]}",
                disclosure="None needed: scores are worked out from the exact figures and "
                "show no counts of people.",
                audience=entitled_words(Action.VIEW_REGION, page="Themes", region=region_name),
            ),
        )
