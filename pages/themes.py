"""Themes: for one region, the six monitoring themes side by side, each with its progress
status from its metrics, its actions, a small trend and the metrics behind it."""

from __future__ import annotations

import contextlib

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from components.badges import status_markdown
from components.context import current
from components.downloads import download_buttons, for_viewer
from components.region_picker import choose_region
from components.theme_trend import slug, trend_view
from core.disclosure import SUPPRESSED
from core.export_about import ExportAbout
from core.formatting import escape_markdown, format_value
from core.periods import format_period
from core.statuses import PROGRESS_STATUSES
from core.theme_words import METHOD_SENTENCES, TREND_METHOD
from services.themes import ThemesPage, themes_page

COLUMNS_PER_ROW = 3


def percent(share: float | None) -> str:
    return "no actions" if share is None or pd.isna(share) else f"{share:.0%}"


def score_text(score: float | None) -> str:
    return "no score yet" if score is None or pd.isna(score) else f"{score:.1f}"


def summary_table(themes: pd.DataFrame) -> pd.DataFrame:
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


def metric_line(data: ThemesPage, row: pd.Series) -> str:
    kind = "national" if row["scope"] == "national" else "local"
    value, explanation = row["latest_value"], row["explanation"]
    disclosed = data.disclosed
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


def metrics_view(data: ThemesPage, theme_id: int) -> None:
    mine = data.metrics[data.metrics["theme_id"] == theme_id]
    noun = "metric" if len(mine) == 1 else "metrics"
    with st.expander(f"The {len(mine)} {noun} behind this theme"):
        if mine.empty:
            st.write("No metrics are set up for this theme yet.")
        else:
            st.markdown("\n".join(metric_line(data, row) for _, row in mine.iterrows()))
        page_link("pages/metrics.py", "Open the metrics page", ":material/monitoring:")
    page_link("pages/local_plan.py", "Open the local plan's actions", ":material/checklist:")


def theme_card(data: ThemesPage, row: pd.Series, region_name: str) -> None:
    with st.container(border=True):
        st.subheader(escape_markdown(row["theme"]), anchor=False)
        counted = (
            f" from {row['metrics_counted']} of {row['metrics_total']} metrics"
            if row["metrics_total"]
            else ""
        )
        lines = [  # one element: each costs the browser time
            status_markdown(PROGRESS_STATUSES[row["status"]]),
            f"**Score:** {score_text(row['score'])} (on a scale of -5 to 5){counted}.",
            escape_markdown(row["explanation"]),
            actions_text(row),
        ]
        st.markdown("\n\n".join(lines))
        trend_view(data.trend, int(row["theme_id"]), row["theme"], region_name)
        metrics_view(data, int(row["theme_id"]))


ctx = current()
st.title("Themes")
region_id, region_name = choose_region(ctx)
page = themes_page(ctx, region_id)

st.header(escape_markdown(region_name), anchor=False)
st.markdown("**How the status is worked out.** " + " ".join(METHOD_SENTENCES))
st.caption(
    "Actions count in every theme they are tagged with, so an action serving two themes "
    f"counts in both. {page.tags_note + ' ' if page.tags_note else ''}{TREND_METHOD}"
)

if page.themes.empty:
    st.info("No monitoring themes are set up yet. An administrator can add them.")
    st.stop()

for start in range(0, len(page.themes), COLUMNS_PER_ROW):
    chunk = page.themes.iloc[start : start + COLUMNS_PER_ROW]
    for column, (_, row) in zip(st.columns(COLUMNS_PER_ROW), chunk.iterrows(), strict=False):
        with column:
            theme_card(page, row, region_name)

st.subheader("The themes at a glance", anchor=False)
summary = summary_table(page.themes)
st.dataframe(summary, hide_index=True, width="stretch")
download_buttons(
    summary,
    f"theme-statuses-{slug(region_name)}",
    key="theme-summary",
    about=for_viewer(
        ctx,
        ExportAbout(
            title=f"The six monitoring themes in {region_name}: status and actions",
            definition=" ".join(METHOD_SENTENCES),
            source="The metric values the region enters, and its plan actions.",
            period="Each metric's latest values",
        ),
        region_id=region_id,
        region_name=region_name,
        people=False,
    ),
)
