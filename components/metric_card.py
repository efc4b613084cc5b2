"""A metric's card on the Metrics page: its status, what it measures, its coproduction,
its chart and table, its groups and its history."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import pandas as pd
import streamlit as st

from components import (
    downloads,  # looked up at each call, so tests can record it
    url_state,
)
from components.badges import status_markdown
from components.comments import item_comments_panel
from components.corrections import metric_corrections
from components.history import history_view
from components.spc_chart import metric_chart_views
from core.entities import Entity
from core.export_about import ExportAbout, metric_about
from core.formatting import escape_markdown as plain
from core.formatting import format_value
from core.forum import DecisionChoice, agreed_at_forum, has_coproduction_record
from core.metric_grid import overall_series
from core.metric_words import baseline_words, direction_words, none_if_blank, unit_words
from core.periods import format_period
from core.progress import ProgressResult
from core.statuses import PROGRESS_STATUSES
from services.context import RequestContext
from services.forum import PageComments
from services.metrics import MetricsPage


def label(row: Mapping[str, Any]) -> str:
    return f"{row['code']} · {row['name']}"


def status_words(result: ProgressResult | str) -> str:
    if isinstance(result, str):
        return "Cannot be worked out"
    return result.label + (" (set by hand)" if result.is_manual else "")


def forum_agreement_line(agreement: DecisionChoice) -> list[str]:
    """``Agreed at the Regional Forum on 12 March 2026``, with the decision's words
    (markdown paragraphs)."""
    return [
        f":material/groups: **{agreed_at_forum(agreement.meeting_date)}**",
        "The forum's decision: " + plain(agreement.text),
    ]


def coproduction_line(row: Mapping[str, Any], agreement: DecisionChoice | None = None) -> list[str]:
    """The coproduction record (markdown paragraphs): the forum meeting that agreed it
    (when linked) and the free-text record of who agreed it, where and when (for metrics
    agreed elsewhere)."""
    lines = []
    if agreement is not None:
        lines += forum_agreement_line(agreement)
        if not none_if_blank(row.get("coproduced_with")):
            return lines
    if row["scope"] == "local" and not has_coproduction_record(row):
        return [
            *lines,
            ":orange-badge[:material/pending: Not yet coproduced]",
            "Nobody has recorded who this local metric was agreed with, where or when. "
            "Agree it with the Regional Forum or a partner, then record it.",
        ]
    with_whom = none_if_blank(row.get("coproduced_with"))
    if not with_whom:
        return [*lines, ":material/handshake: **Coproduction:** not recorded."]
    with_whom = plain(with_whom)
    where = plain(none_if_blank(row.get("coproduced_at")) or "not recorded")
    when = none_if_blank(row.get("coproduced_on"))
    return [
        *lines,
        f":material/handshake: **Agreed with:** {with_whom} · **Where:** {where} · "
        f"**When:** {f'{when:%-d %B %Y}' if when else 'not recorded'}",
    ]


def about(
    row: Mapping[str, Any],
    characteristic_names: Mapping[str, str],
    values: pd.DataFrame | None = None,
) -> list[str]:
    """What the metric is (markdown paragraphs); ``values``: its values, for the baseline
    when none is given."""
    unit = row["unit"]
    lines = [
        f"**What it measures:** {plain(row['definition'] or 'No definition yet.')}",
        f"**Unit:** {unit_words(unit)} · **Counts people:** "
        f"{'yes' if row.get('counts_people', True) is not False else 'no'} · **Direction:** "
        f"{direction_words(row['direction'])}",
        f"**Data source:** {plain(row['data_source'] or 'Not recorded')}",
    ]
    target_value = none_if_blank(row.get("target_value"))
    target_date = none_if_blank(row.get("target_date"))
    series = overall_series(values, int(row["id"])) if values is not None else []
    baseline = baseline_words(row.get("baseline_period"), row.get("baseline_value"), series, unit)
    facts = [f"**Baseline:** {plain(baseline)}"]
    if target_value is not None and target_date is not None:
        facts.append(
            f"**Target:** {format_value(target_value, unit)} by {format_period(target_date)}"
        )
    else:
        facts.append("**Target:** none set")
    limit = none_if_blank(row.get("limit_value"))
    if limit is not None:
        facts.append(f"**Natural limit:** {format_value(limit, unit)}")
    characteristic = none_if_blank(row.get("disaggregated_by"))
    if characteristic:
        facts.append(
            f"**Broken down by:** {plain(characteristic_names.get(characteristic, characteristic))}"
        )
    lines.append(" · ".join(facts))
    return lines


def status_block(result: ProgressResult | str) -> list[str]:
    """The metric's progress: its badge (words and an icon as well as a colour) and why
    (markdown paragraphs)."""
    if isinstance(result, str):
        return [":gray-badge[:material/help: Cannot be worked out]", plain(result)]
    style = PROGRESS_STATUSES[result.status]
    badge = status_markdown(style, suffix=" (set by hand)" if result.is_manual else "")
    if result.is_manual:
        return [
            badge,
            "Status set by hand, overriding the calculation. Reason: "
            + plain(result.manual_reason),
        ]
    return [badge, plain(result.explanation)]


def group_table(
    row: Mapping[str, Any], values: pd.DataFrame, file_about: ExportAbout | None = None
) -> None:
    groups = values[(values["metric_id"] == row["id"]) & (values["characteristic"] != "")]
    if groups.empty:
        return
    latest = max(groups["period_start"])
    at = groups[groups["period_start"] == latest]
    table = pd.DataFrame(
        {
            "Group": at["group_name"].to_numpy(),
            "Value": at["value"].astype("float64").to_numpy(),
            "Numerator": at["numerator"].astype("float64").to_numpy(),
            "Denominator": at["denominator"].astype("float64").to_numpy(),
        }
    )
    st.markdown(f"**By group, {format_period(latest)}**")
    st.dataframe(table, hide_index=True, width="stretch", key=f"groups-{row['id']}", placeholder="")
    downloads.download_buttons(
        table,
        f"{row['code']}-by-group-{format_period(latest)}",
        key=f"g-{row['id']}",
        about=None
        if file_about is None
        else replace(
            file_about, title=f"{file_about.title}, by group", period=format_period(latest)
        ),
    )


def metric_file_about(
    ctx: RequestContext, page: MetricsPage, row: Mapping[str, Any], values: pd.DataFrame
) -> ExportAbout:
    """What a metric's downloads say about themselves, for this viewer."""
    return downloads.for_viewer(
        ctx,
        metric_about(row, values, where=page.region_name),
        region_id=page.region_id,
        region_name=page.region_name,
        people=bool(row.get("counts_people")),
    )


def metric_card(
    ctx: RequestContext,
    page: MetricsPage,
    row: Mapping[str, Any],
    values: pd.DataFrame,
    result: ProgressResult | str,
    agreement: DecisionChoice | None = None,
    comments: PageComments | None = None,
) -> None:
    """A metric's card; ``agreement``: the forum decision it was agreed at; ``comments``:
    the page's comments on metrics (read at once), to show this one's."""
    mine = values[values["metric_id"] == row["id"]]
    with st.container(border=True, key=f"metric-card-{int(row['id'])}"):
        st.subheader(plain(row["name"]), anchor=False)
        scope = (
            "National core metric, shared by all regions"
            if row["scope"] == "national"
            else f"Local metric for {plain(page.region_name)}"
        )
        st.caption(f"{plain(row['code'])} · {scope}")
        # One markdown element for the card's words: each element costs the browser time.
        lines = status_block(result) + about(row, page.characteristic_names, mine)
        st.markdown("\n\n".join(lines + coproduction_line(row, agreement)))
        file_about = metric_file_about(ctx, page, row, mine)
        metric_chart_views(
            ctx,
            row,
            mine,
            region_id=page.region_id,
            key=f"metric-{row['id']}",
            about=file_about,
        )
        group_table(row, values, file_about)
        fixes = metric_corrections(ctx, page.region_id, row, mine, where="metrics")
        history_view(
            ctx,
            Entity.METRIC,
            [int(row["id"])],
            key=f"history-metric-{row['id']}",
            title="History of this definition",
            extra=fixes.retire,
        )
        history_view(
            ctx,
            Entity.METRIC_VALUE,
            fixes.value_ids,
            key=f"history-values-{row['id']}",
            title="History of its values",
            notes=fixes.notes,
            extra=fixes.withdraw,
        )
        if comments is not None:
            item_comments_panel(ctx, comments, int(row["id"]))


ALL_THEMES = "All themes"


def theme_filter(page: MetricsPage, key: str) -> int | None:
    options = [None, *page.themes["id"].tolist()]

    def name(theme_id: int | None) -> str:
        return ALL_THEMES if theme_id is None else page.theme_names[theme_id]

    return url_state.pick(
        st.selectbox,
        "Theme",
        options,
        param=url_state.THEME,
        key=key,
        encode=name,
        format_func=name,
    )
