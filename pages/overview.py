"""Overview: each region's six themes, with actions by status and latest metric values."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy.orm import Session

from components.badges import status_markdown
from components.context import current
from components.first_run import first_run_notice
from core.disclosure import disclose_metric_figure
from core.formatting import escape_markdown, format_value
from core.periods import format_period
from core.permissions import Action, can
from core.statuses import ACTION_STATUSES
from db import queries
from db.plan import theme_tags_note

ctx = current()
with Session(ctx.engine) as session:
    all_regions = queries.regions(session)
    themes = queries.monitoring_themes(session)
    if can(ctx.actor, Action.VIEW_ALL_REGIONS):
        region_ids = all_regions["id"].tolist()
    else:
        region_ids = [ctx.actor.region_id]
    totals = queries.action_status_totals(session, region_ids)

names = dict(zip(all_regions["id"], all_regions["name"], strict=True))
st.title("Overview")
first_run_notice(ctx)


def region_summary() -> pd.DataFrame:
    """One row per region: how many of its actions are in each status."""
    per_action = totals.pivot(index="region_id", columns="status", values="actions").fillna(0)
    rows = []
    for region_id in region_ids:
        row = {"Region": names[region_id]}
        for code, style in ACTION_STATUSES.items():
            row[style.label] = (
                int(per_action.loc[region_id, code])
                if (region_id in per_action.index and code in per_action.columns)
                else 0
            )
        rows.append(row)
    return pd.DataFrame(rows)


def value_text(row, region_id: int) -> str:
    """A latest metric value as this person may see it: under disclosure control
    without exact rights for the region (a hidden figure is ``*``)."""
    figure = disclose_metric_figure(
        row.value,
        row.numerator,
        row.denominator,
        unit=row.unit,
        counts_people=bool(row.counts_people),
        controlled=not can(ctx.actor, Action.VIEW_EXACT_EQUITY, region_id),
        threshold=ctx.settings.disclosure_threshold,
    )
    return "\\*" if figure.value is None else format_value(figure.value, row.unit)


def theme_card(
    region_id: int, theme: pd.Series, counts: pd.DataFrame, latest: pd.DataFrame
) -> None:
    with st.container(border=True):
        st.subheader(escape_markdown(theme["name"]), anchor=False)
        mine = counts[(counts["region_id"] == region_id) & (counts["theme_id"] == theme["id"])]
        by_status = dict(zip(mine["status"], mine["actions"], strict=True))
        if by_status:
            st.markdown("**Actions**")
            st.markdown(
                "  ".join(
                    status_markdown(style, suffix=f": {by_status[code]}")
                    for code, style in ACTION_STATUSES.items()
                    if by_status.get(code)
                )
            )
        else:
            st.write("No actions yet for this theme.")
        values = latest[(latest["region_id"] == region_id) & (latest["theme_id"] == theme["id"])]
        if values.empty:
            st.write("No metric values yet.")
            return
        st.markdown("**Latest metric values**")
        for row in values.itertuples():
            kind = "year" if row.frequency == "annual" else "quarter"
            st.markdown(
                f"- {escape_markdown(row.name)}: **{value_text(row, region_id)}** "
                f"({format_period(row.period_start, kind)})"
            )


def region_view(region_id: int) -> None:
    """One region's six theme cards (read for that region alone)."""
    with Session(ctx.engine) as session:
        counts = queries.action_status_counts(session, [region_id])
        latest = queries.latest_metric_values(session, [region_id])
        tags_note = theme_tags_note(session)
    st.header(escape_markdown(names[region_id]), anchor=False)
    st.caption(
        "The six monitoring themes of the AMHE plan. Action counts include every action "
        "tagged with the theme, so an action serving two themes is counted in both."
        + (f" {tags_note}" if tags_note else "")
    )
    for start in range(0, len(themes), 3):
        for column, (_, theme) in zip(
            st.columns(3), themes.iloc[start : start + 3].iterrows(), strict=False
        ):
            with column:
                theme_card(region_id, theme, counts, latest)


if len(region_ids) > 1:
    st.write("Actions by status in each region. Pick a region below to see its six themes.")
    st.dataframe(region_summary(), hide_index=True, width="stretch")
    chosen = st.selectbox("Region", region_ids, format_func=lambda r: names[r])
    region_view(chosen)
else:
    region_view(region_ids[0])
