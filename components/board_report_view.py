"""The board report for a national governance body (national leads and administrators):
choose the period (and the meeting it is for), write what is being done about each
exception, download the draft, issue it; and the reports issued, downloadable exactly as
issued."""

from __future__ import annotations

from datetime import date

import streamlit as st

from components.outcome import run_write, show_outcome
from core.board_report import ReportPeriod, report_periods
from core.formatting import escape_markdown
from core.meetings import slug
from services import board_reports as service
from services.bodies import Body
from services.context import RequestContext

WHERE = "board-report"
NO_MEETING = 0


def _stem(body: Body, period: ReportPeriod) -> str:
    return f"board-report-{slug(body.name)}-{slug(period.label)}"


def _action_key(body: Body, period: ReportPeriod, key: str) -> str:
    return f"board-action-{body.id}-{period.key}-{key}"


def board_report_view(
    ctx: RequestContext, body: Body, meetings: dict[int, str], today: date
) -> None:
    """Prepare, issue and list the body's board reports."""
    show_outcome(WHERE)
    st.header("Prepare a board report", anchor=False)
    periods = {p.key: p for p in report_periods(today)}
    chosen = st.selectbox(
        "Period the report covers",
        list(periods),
        format_func=lambda k: periods[k].label,
        key=f"board-period-{body.id}",
    )
    period = periods[chosen]
    meeting_choices = {NO_MEETING: "Not for a particular meeting", **meetings}
    meeting = st.selectbox(
        "Meeting it is for",
        list(meeting_choices),
        format_func=meeting_choices.get,
        key=f"board-meeting-{body.id}",
    )
    shown = service.figures(ctx, body.id, period)
    st.markdown("**Summary of the national core metrics (Making Data Count)**")
    st.dataframe(shown.summary_table, hide_index=True, width="stretch")
    st.caption(
        "Variation: whether the latest quarter is special cause (improvement or concern) "
        "or common cause. Assurance: whether the target will be met at this rate. The "
        "report also holds the region-by-theme grid, the quarterly cycle, overdue actions, "
        "the feedback loop and community projects."
    )
    with st.form(f"board-report-{body.id}-{period.key}"):
        actions = _exceptions(body, period, shown.exceptions)
        st.caption(
            "The report is under disclosure control: figures about fewer people than the "
            "threshold are hidden, as in every report that is circulated."
        )
        buttons = st.container(horizontal=True, gap="small")  # wraps on narrow screens
        buttons.form_submit_button("Use these words in the draft", icon=":material/edit_note:")
        issue = buttons.form_submit_button(
            "Issue the report", type="primary", icon=":material/send:"
        )
    if issue:
        run_write(
            service.issue,
            ctx,
            body.id,
            period,
            actions,
            None if meeting == NO_MEETING else meeting,
            success=f"The board report for {period.label} was issued to the {body.name}. "
            "It is kept below exactly as issued.",
            where=WHERE,
        )
    draft_row = st.container(horizontal=True, gap="small")
    for kind, maker, mime, icon in (
        ("PDF", service.draft_pdf, "application/pdf", ":material/picture_as_pdf:"),
        ("HTML", service.draft_html, "text/html", ":material/download:"),
    ):
        draft_row.download_button(
            f"Download the draft ({kind})",
            data=lambda make=maker: make(shown, actions),
            file_name=f"{_stem(body, period)}-draft.{kind.lower()}",
            mime=mime,
            icon=icon,
            key=f"board-draft-{kind.lower()}-{body.id}",
            on_click="ignore",
        )
    issued_list(ctx, body)


def _exceptions(body: Body, period: ReportPeriod, exceptions) -> dict[str, str]:
    """A box for what is being done about each exception; the words as typed."""
    st.markdown("**Exceptions**")
    if not exceptions:
        st.write(
            "No exceptions for this period: no national core metric shows special cause "
            "of concern or is failing its target."
        )
        return {}
    st.write(
        "Each national core metric below shows special cause of concern or is failing "
        "its target. Say what is being done; your words are kept with the report when it "
        "is issued. The draft downloads below use the words last applied."
    )
    actions = {}
    for item in exceptions:
        st.markdown(f"**{escape_markdown(item.metric)}**")
        st.caption(escape_markdown(item.reason))
        actions[item.key] = st.text_area(
            f"What is being done about {escape_markdown(item.metric)}",
            key=_action_key(body, period, item.key),
            max_chars=2000,
        )
    return actions


def issued_list(ctx: RequestContext, body: Body) -> None:
    """The reports issued to the body, newest first, each downloadable as issued."""
    st.header("Reports issued", anchor=False)
    reports = service.issued(ctx, body.id)
    if not reports:
        st.write(escape_markdown(f"No reports have been issued to the {body.name} yet."))
        return
    for report in reports:
        with st.container(border=True):
            st.text(report.label)
            st.caption(
                escape_markdown(
                    f"{report.exceptions} exception(s) with the lead's words. "
                    f"PDF fingerprint (SHA-256) {report.pdf_sha256[:16]}…"
                )
            )
            stem = f"{_stem(body, report.period)}-issued-{report.issued_at:%Y%m%d-%H%M}"
            issued_row = st.container(horizontal=True, gap="small")
            for kind, mime in (("pdf", "application/pdf"), ("html", "text/html")):
                issued_row.download_button(
                    f"{kind.upper()} as issued",
                    data=lambda r=report.id, k=kind: service.issued_file(ctx, body.id, r, k),
                    file_name=f"{stem}.{kind}",
                    mime=mime,
                    icon=":material/download:",
                    key=f"board-issued-{kind}-{report.id}",
                    on_click="ignore",
                )
