"""Equity: who we support, and whether experience and outcomes are fair for every group."""

from __future__ import annotations

import streamlit as st

from components import url_state
from components.context import current
from components.equity_analysis import analysis_section
from components.equity_entry import entry_section
from components.region_picker import choose_region
from core.disclosure import rule_text
from core.formatting import escape_markdown
from core.permissions import Action, can
from services import equity
from services.context import RequestContext

NATIONAL = "All regions (national)"
ONE_REGION = "One region"


def choose_scope(ctx: RequestContext) -> tuple[int | None, str]:
    """The region to show (None: all regions, for those who may see every region)."""
    if can(ctx.actor, Action.VIEW_ALL_REGIONS):
        if url_state.requested(url_state.REGION) is not None:
            st.session_state["eq-scope"] = ONE_REGION  # a link to one region's figures
        scope = st.radio(
            "Show figures for", [NATIONAL, ONE_REGION], horizontal=True, key="eq-scope"
        )
        if scope == ONE_REGION:
            return choose_region(ctx, key="eq-region")
        url_state.remember(url_state.REGION, None)
        return None, "all regions"
    return choose_region(ctx, key="eq-region")


def equity_page(ctx: RequestContext) -> None:
    st.title("Equity")
    st.write(
        "Who our services support, and whether every group gets the same experience and "
        "outcomes. Each figure has a 95% confidence interval: the range the true value is "
        "likely to lie in. A difference is called significant only when that range for the "
        "ratio does not include 1."
    )
    region_id, region_name = choose_scope(ctx)
    scope = equity.equity_scope(ctx, region_id, region_name)
    if scope.view.exact:
        st.caption(
            "You see exact figures for "
            + (f"{escape_markdown(region_name)}." if region_id else "every region.")
            + " Regional Forum members see them with NHS disclosure control applied."
        )
    else:
        st.caption(
            rule_text(scope.threshold),
            help="NHS disclosure control keeps any person unidentifiable.",
        )
    analysis_section(ctx, scope)
    if scope.may_edit:
        entry_section(ctx, scope)


equity_page(current())
