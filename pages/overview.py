"""Overview: each region's six themes, with actions by status and latest metric values."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import url_state
from components.attention import attention_panel
from components.badges import status_markdown
from components.context import current
from components.first_run import first_run_notice
from core.disclosure import disclose_metric_figure
from core.formatting import escape_markdown, format_value
from core.periods import format_period
from core.progress import ProgressResult
from core.quarterly import PROVISIONAL_NOTE, has_ended
from core.statuses import ACTION_STATUSES, PROGRESS_STATUSES
from services.context import RequestContext
from services.overview import (
    Overview,
    latest_statuses,
    overview,
    region_themes,
    sees_exact_figures,
)
from services.quarterly import today


def region_summary(data: Overview) -> pd.DataFrame:
    """One row per region: how many of its actions are in each status."""
    per_action = data.totals.pivot(index="region_id", columns="status", values="actions").fillna(0)
    rows = []
    for region_id in data.region_ids:
        row = {"Region": data.names[region_id]}
        for code, style in ACTION_STATUSES.items():
            row[style.label] = (
                int(per_action.loc[region_id, code])
                if (region_id in per_action.index and code in per_action.columns)
                else 0
            )
        rows.append(row)
    return pd.DataFrame(rows)


def value_text(ctx: RequestContext, row, region_id: int) -> str:
    """A latest metric value as this person may see it: under disclosure control
    without exact rights for the region (a hidden figure is ``*``)."""
    figure = disclose_metric_figure(
        row.value,
        row.numerator,
        row.denominator,
        unit=row.unit,
        counts_people=bool(row.counts_people),
        controlled=not sees_exact_figures(ctx, region_id),
        threshold=ctx.settings.disclosure_threshold,
    )
    return "\\*" if figure.value is None else format_value(figure.value, row.unit)


def card_text(
    ctx: RequestContext,
    region_id: int,
    theme: pd.Series,
    counts: pd.DataFrame,
    latest: pd.DataFrame,
    statuses: dict[int, ProgressResult | str],
) -> str:
    """A theme card's actions and latest values as one piece of Markdown: one element
    in the browser, not one for each line."""
    mine = counts[(counts["region_id"] == region_id) & (counts["theme_id"] == theme["id"])]
    by_status = dict(zip(mine["status"], mine["actions"], strict=True))
    blocks = (
        [
            "**Actions**",
            "  ".join(
                status_markdown(style, suffix=f": {by_status[code]}")
                for code, style in ACTION_STATUSES.items()
                if by_status.get(code)
            ),
        ]
        if by_status
        else ["No actions yet for this theme."]
    )
    values = latest[(latest["region_id"] == region_id) & (latest["theme_id"] == theme["id"])]
    if values.empty:
        return "\n\n".join([*blocks, "No metric values yet."])
    lines = []
    for row in values.itertuples():
        kind = "year" if row.frequency == "annual" else "quarter"
        early = kind == "quarter" and not has_ended(row.period_start, today())
        lines.append(
            f"- {escape_markdown(row.name)}: **{value_text(ctx, row, region_id)}** "
            f"({format_period(row.period_start, kind)}"
            + (", early" if early else "")
            + ("" if row.signed_off else ", provisional")
            + ") · "
            + progress_badge(statuses.get(int(row.metric_id)))
        )
    return "\n\n".join([*blocks, "**Latest metric values**", "\n".join(lines)])


def progress_badge(result: ProgressResult | str | None) -> str:
    """A metric's progress status in words and a symbol (never colour alone)."""
    if not isinstance(result, ProgressResult):
        return ":gray-badge[:material/help: Progress cannot be worked out]"
    style = PROGRESS_STATUSES[result.status]
    return status_markdown(style, suffix=" (set by hand)" if result.is_manual else "")


def region_view(ctx: RequestContext, data: Overview, region_id: int) -> None:
    """One region's six theme cards (read for that region alone)."""
    figures = region_themes(ctx, region_id)
    statuses = latest_statuses(ctx, region_id)
    st.header(escape_markdown(data.names[region_id]), anchor=False)
    st.caption(
        "The six monitoring themes of the AMHE plan. Action counts include every action "
        "tagged with the theme, so an action serving two themes is counted in both. "
        "Beside each latest value is its progress toward its target (as on the Metrics "
        "page); early means its quarter has not ended yet. "
        + PROVISIONAL_NOTE
        + (f" {figures.tags_note}" if figures.tags_note else "")
    )
    themes = data.themes
    for start in range(0, len(themes), 3):
        for column, (_, theme) in zip(
            st.columns(3), themes.iloc[start : start + 3].iterrows(), strict=False
        ):
            with column, st.container(border=True):
                st.subheader(escape_markdown(theme["name"]), anchor=False)
                st.markdown(
                    card_text(ctx, region_id, theme, figures.counts, figures.latest, statuses)
                )


def remember_region() -> None:
    """A region the person picks here is the one other pages open on."""
    st.session_state["chosen_region_id"] = st.session_state["overview-region"]


ctx = current()
data = overview(ctx)
st.title("Overview")
attention_panel(ctx)
first_run_notice(ctx)

if len(data.region_ids) > 1:
    st.write("Actions by status in each region. Pick a region below to see its six themes.")
    st.dataframe(region_summary(data), hide_index=True, width="stretch")
    if st.session_state.get("overview-region") not in data.region_ids:
        remembered = st.session_state.get("chosen_region_id")
        st.session_state["overview-region"] = (
            remembered if remembered in data.region_ids else data.region_ids[0]
        )
    chosen = url_state.pick(
        st.selectbox,
        "Region",
        data.region_ids,
        param=url_state.REGION,
        key="overview-region",
        format_func=lambda r: data.names[r],
        on_change=remember_region,
    )
    region_view(ctx, data, chosen)
else:
    region_view(ctx, data, data.region_ids[0])
