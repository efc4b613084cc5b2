"""Themes: for one region, the six monitoring themes side by side, each with its progress
status from its metrics, its actions, a small trend and the metrics behind it."""

from __future__ import annotations

import contextlib

import altair as alt
import pandas as pd
import streamlit as st
from sqlalchemy.orm import Session
from streamlit.errors import StreamlitPageNotFoundError

from components.badges import status_badge, status_markdown
from components.charts import remembered_spec, show_chart
from components.context import current
from components.downloads import download_buttons
from components.region_picker import choose_region
from core.disclosure import SUPPRESSED
from core.formatting import escape_markdown, format_value
from core.periods import format_period
from core.permissions import Action, can
from core.statuses import OKABE_ITO, PROGRESS_STATUSES
from db import metrics as dbm
from db import theme_progress
from db.plan import theme_tags_note

COLUMNS_PER_ROW = 3

ctx = current()
st.title("Themes")
region_id, region_name = choose_region(ctx)

with Session(ctx.engine) as session:
    themes = theme_progress.theme_statuses(session, [region_id])
    metrics = theme_progress.metric_statuses(session, [region_id])
    trend = theme_progress.theme_trend(session, region_id)
    tags_note = theme_tags_note(session)
    # Statuses come from the exact figures; the figures quoted follow disclosure control
    # for anyone without exact rights for the region.
    disclosed = (
        None
        if can(ctx.actor, Action.VIEW_EXACT_EQUITY, region_id)
        else dbm.disclosed_figures(session, region_id, ctx.settings.disclosure_threshold)
    )

st.header(escape_markdown(region_name), anchor=False)
st.markdown("**How the status is worked out.** " + " ".join(theme_progress.METHOD_SENTENCES))
st.caption(
    "Actions count in every theme they are tagged with, so an action serving two themes "
    f"counts in both. {tags_note + ' ' if tags_note else ''}{theme_progress.TREND_METHOD}"
)


def percent(share: float | None) -> str:
    return "no actions" if share is None or pd.isna(share) else f"{share:.0%}"


def score_text(score: float | None) -> str:
    return "no score yet" if score is None or pd.isna(score) else f"{score:.1f}"


def summary_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Theme": themes["theme"],
            "Status": themes["status_label"],
            "Score (-5 to 5)": [
                None if pd.isna(s) else round(float(s), 2) for s in themes["score"]
            ],
            "Metrics counted": [
                f"{c} of {t}"
                for c, t in zip(themes["metrics_counted"], themes["metrics_total"], strict=True)
            ],
            "Why": themes["explanation"],
            "Actions": themes["actions_total"],
            "Complete": [percent(s) for s in themes["share_complete"]],
            "On track": [percent(s) for s in themes["share_on_track"]],
        }
    )


def page_link(path: str, label: str, icon: str) -> None:
    """A link to another page, shown only when that page is in this person's navigation."""
    with contextlib.suppress(StreamlitPageNotFoundError):
        st.page_link(path, label=label, icon=icon)


def actions_text(row: pd.Series) -> str:
    total = int(row["actions_total"])
    if total == 0:
        return "No actions are tagged with this theme yet."
    noun = "action" if total == 1 else "actions"
    return (
        f"**Actions:** {total} {noun}; {row['actions_complete']} complete "
        f"({percent(row['share_complete'])}), {row['actions_on_track']} on track "
        f"({percent(row['share_on_track'])})."
    )


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
    line = base.mark_line(point=True, color=OKABE_ITO["blue"]).encode(
        x=alt.X(
            "period_start:T",
            title="Quarter",
            axis=alt.Axis(format="%Y", tickCount="year", labelAngle=0),
        ),
        y=alt.Y(
            "score:Q",
            title="Score",
            scale=alt.Scale(domain=[-5, 5]),
            axis=alt.Axis(values=[-5, -2.5, 0, 2.5, 5]),
        ),
        tooltip=[
            alt.Tooltip("period:N", title="Quarter"),
            alt.Tooltip("score:Q", title="Score", format=".1f"),
            alt.Tooltip("status_label:N", title="Status"),
            alt.Tooltip("metrics_counted:Q", title="Metrics counted"),
        ],
    )
    return alt.layer(line, zero).properties(
        title=alt.Title("Score by quarter", fontSize=13, anchor="start"),
        description=description,
    )


TREND_COLUMNS = ["period_start", "period", "score", "status_label", "metrics_counted"]


def trend_chart_of_rows(theme: str, rows: tuple[tuple, ...]) -> alt.LayerChart:
    return trend_chart(theme, pd.DataFrame(list(rows), columns=TREND_COLUMNS))


def trend_view(theme_id: int, theme: str) -> None:
    data = trend[trend["theme_id"] == theme_id].reset_index(drop=True)
    if data.empty:
        st.write("No trend yet: a score needs at least a year of values.")
        return
    chart_data = data.assign(period_start=pd.to_datetime(data["period_start"]))
    rows = tuple(chart_data[TREND_COLUMNS].itertuples(index=False, name=None))
    show_chart(remembered_spec(trend_chart_of_rows, theme, rows), width="stretch", height=250)
    with st.expander("Trend figures"):
        table = pd.DataFrame(
            {
                "Quarter": data["period"],
                "Score": data["score"].round(2),
                "Status": data["status_label"],
                "Metrics counted": data["metrics_counted"],
            }
        )
        st.dataframe(table, hide_index=True, width="stretch")
        download_buttons(
            table, f"theme-trend-{slug(region_name)}-{slug(theme)}", key=f"trend-{theme_id}"
        )


def metric_line(row: pd.Series) -> str:
    kind = "national" if row["scope"] == "national" else "local"
    value, explanation = row["latest_value"], row["explanation"]
    if disclosed is not None:  # under disclosure control: the figures as shown
        value = disclosed.value_at(row["metric_id"], row["latest_period"])
        explanation = disclosed.explanation(row["metric_id"], explanation)
    if row["latest_period"] is None or pd.isna(row["latest_period"]):
        latest = "no values yet"
    else:
        shown = SUPPRESSED if value is None else format_value(value, row["unit"])
        latest = f"latest {escape_markdown(shown)} ({format_period(row['latest_period'])})"
    style = PROGRESS_STATUSES[row["status"]]
    return (
        f"- **{escape_markdown(row['name'])}** ({escape_markdown(row['code'])}, {kind}; "
        f"{latest}): {status_markdown(style)} {escape_markdown(explanation)}"
    )


def metrics_view(theme_id: int) -> None:
    mine = metrics[metrics["theme_id"] == theme_id]
    noun = "metric" if len(mine) == 1 else "metrics"
    with st.expander(f"The {len(mine)} {noun} behind this theme"):
        if mine.empty:
            st.write("No metrics are set up for this theme yet.")
        else:
            st.markdown("\n".join(metric_line(row) for _, row in mine.iterrows()))
        page_link("pages/metrics.py", "Open the metrics page", ":material/monitoring:")
    page_link("pages/local_plan.py", "Open the local plan's actions", ":material/checklist:")


def slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def theme_card(row: pd.Series) -> None:
    with st.container(border=True):
        st.subheader(escape_markdown(row["theme"]), anchor=False)
        status_badge(PROGRESS_STATUSES[row["status"]])
        counted = (
            f" from {row['metrics_counted']} of {row['metrics_total']} metrics"
            if row["metrics_total"]
            else ""
        )
        st.markdown(f"**Score:** {score_text(row['score'])} (on a scale of -5 to 5){counted}.")
        st.write(escape_markdown(row["explanation"]))
        st.markdown(actions_text(row))
        trend_view(int(row["theme_id"]), row["theme"])
        metrics_view(int(row["theme_id"]))


if themes.empty:
    st.info("No monitoring themes are set up yet. An administrator can add them.")
    st.stop()

for start in range(0, len(themes), COLUMNS_PER_ROW):
    chunk = themes.iloc[start : start + COLUMNS_PER_ROW]
    for column, (_, row) in zip(st.columns(COLUMNS_PER_ROW), chunk.iterrows(), strict=False):
        with column:
            theme_card(row)

st.subheader("The themes at a glance", anchor=False)
summary = summary_table()
st.dataframe(summary, hide_index=True, width="stretch")
download_buttons(summary, f"theme-statuses-{slug(region_name)}", key="theme-summary")
