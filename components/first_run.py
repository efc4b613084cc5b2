"""The first run of a new install, on Overview and Metrics.

A production install starts with an empty metric catalogue: nothing is made up
(seed/load.py). Until the first national core metric is set up, national leads and
administrators see a three-step guide (define it, record its coproduction, set its
target), each step ticked when done and linked to where it is done; everyone else sees
a plain message that no national core metrics have been defined yet.
"""

from __future__ import annotations

import streamlit as st

from core.first_run import FirstRunState
from core.permissions import Action, can
from services.context import RequestContext
from services.first_run import first_run_state

METRICS_PAGE = "pages/metrics.py"
#: The query parameters a step's link opens the Metrics page with.
VIEW_PARAM = "view"
METRIC_PARAM = "metric"
DEFINE = "define"
#: The Metrics page's choice for a new national core metric.
NEW_NATIONAL = "new-national"

NO_NATIONAL_METRICS = (
    "No national core metrics have been defined yet. The national team agrees them with "
    "people with lived experience and adds them here; until then there are no national "
    "figures to show."
)


def _step(number: int, done: bool, title: str, how: str, link: str, metric: int | None) -> None:
    state = "done" if done else "to do"
    icon = ":material/check_circle:" if done else ":material/radio_button_unchecked:"
    st.markdown(f"{icon} **Step {number} of 3: {title}** ({state}). {how}")
    st.page_link(
        METRICS_PAGE,
        label=link,
        icon=":material/arrow_forward:",
        query_params={VIEW_PARAM: DEFINE, METRIC_PARAM: str(metric) if metric else NEW_NATIONAL},
    )


def guide(state: FirstRunState) -> None:
    """The three steps, ticked as they are done."""
    with st.container(border=True):
        # A level-2 heading: it comes straight after the page's title.
        st.header("Getting started: the first national core metric", anchor=False)
        st.write(
            (
                "The dashboard starts with no metrics, so that every figure in it is one "
                "Rethink has agreed. "
                if not state.defined
                else "A national core metric is set up once it has its coproduction "
                "record and its target. "
            )
            + "National core metrics are the measures every region reports, so that "
            "regions can be compared. Set up the first one in three steps, all on the "
            "Metrics page; each step is ticked here when it is done."
        )
        first = state.to_coproduce or state.to_target
        _step(
            1,
            state.defined,
            "define a national core metric",
            "Say what it measures, which theme it monitors, its unit and whether a higher "
            "or a lower value is better.",
            "Define a national core metric" if not state.defined else "Define another one",
            None,
        )
        _step(
            2,
            state.coproduced,
            "record its coproduction",
            "Say who it was agreed with (such as the Lived Experience Advisory Board), "
            "where and when.",
            "Record who agreed it, where and when",
            state.to_coproduce or first,
        )
        _step(
            3,
            state.target_set,
            "set its target",
            "Give the value to reach and the quarter to reach it by, with the baseline it "
            "starts from.",
            "Set its target",
            state.to_target or first,
        )


def first_run_notice(ctx: RequestContext) -> FirstRunState:
    """The guide (national leads and administrators) until the first national core
    metric is set up, or the plain message (everyone else) while there is none."""
    state = first_run_state(ctx)
    if state.complete:
        return state
    if can(ctx.actor, Action.DEFINE_NATIONAL_METRIC):
        guide(state)
    elif not state.defined:
        extra = (
            " You can still keep your region's plan up to date and define its own local metrics."
            if can(ctx.actor, Action.DEFINE_LOCAL_METRIC, ctx.actor.region_id)
            else ""
        )
        st.info(NO_NATIONAL_METRICS + extra, icon=":material/info:")
    return state


def requested_definition() -> int | str | None:
    """The metric a step's link asked the Metrics page to open for definition (a metric
    id, or :data:`NEW_NATIONAL`), once: the link's query parameters are removed."""
    if st.query_params.get(VIEW_PARAM) != DEFINE:
        return None
    metric = st.query_params.get(METRIC_PARAM, NEW_NATIONAL)
    for name in (VIEW_PARAM, METRIC_PARAM):
        if name in st.query_params:
            del st.query_params[name]
    return int(metric) if metric.isdigit() else NEW_NATIONAL
