"""Issuing a board report to a national governance body and getting it back exactly as
issued. The figures come from ``services.board_report`` (the same for the preview and
the issued files); the lead's words on each exception are kept with the report."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from core.board_report import ReportPeriod
from core.permissions import Action, PermissionDenied, can
from db import board_reports as db_reports
from db.models import utcnow
from reports.board_report import Issued, board_html, board_pdf
from services.board_report import BoardFigures, board_figures
from services.context import RequestContext, reading


@dataclass(frozen=True)
class IssuedReport:
    """A report issued to a body, as its list shows it."""

    id: int
    period: ReportPeriod
    meeting_date: date | None
    issued_by: str
    issued_at: datetime
    exceptions: int
    pdf_sha256: str

    @property
    def label(self) -> str:
        meeting = f", for the meeting of {self.meeting_date:%d %B %Y}" if self.meeting_date else ""
        return (
            f"{self.period.label}{meeting}: issued by {self.issued_by} on "
            f"{self.issued_at:%d %B %Y at %H:%M} UTC"
        )


def figures(ctx: RequestContext, body_id: int, period: ReportPeriod) -> BoardFigures:
    """The report's figures, as the preview and the issued files show them."""
    return board_figures(ctx, body_id, period)


def draft_html(shown: BoardFigures, actions: Mapping[str, str]) -> str:
    """The report as a draft HTML file, marked "Draft – not issued"."""
    return board_html(shown, actions)


def draft_pdf(shown: BoardFigures, actions: Mapping[str, str]) -> bytes:
    """The report as a draft PDF, marked "Draft – not issued"."""
    return board_pdf(shown, actions)


def issue(
    ctx: RequestContext,
    body_id: int,
    period: ReportPeriod,
    actions: Mapping[str, str],
    meeting_id: int | None = None,
) -> int:
    """Build the report afresh, marked as issued by this person now, and keep both files
    exactly as built; the report's id."""
    shown = board_figures(ctx, body_id, period)
    stamp = Issued(by=ctx.display_name or ctx.actor.username, at=utcnow().replace(microsecond=0))
    html = board_html(shown, actions, stamp)
    pdf = board_pdf(shown, actions, stamp)
    exceptions = [
        {"key": e.key, "metric": e.metric, "reason": e.reason, "action": actions.get(e.key, "")}
        for e in shown.exceptions
    ]
    return db_reports.issue_board_report(
        ctx.engine,
        ctx.actor,
        body_id,
        period.start,
        period.kind,
        html=html,
        pdf=pdf,
        exceptions=exceptions,
        issued_by=stamp.by,
        issued_at=stamp.at,
        meeting_id=meeting_id,
    )


def issued(ctx: RequestContext, body_id: int) -> list[IssuedReport]:
    """The reports issued to a body, newest first."""
    if not can(ctx.actor, Action.MANAGE_BODIES):
        return []
    with reading(ctx) as session:
        frame = db_reports.issued_reports(session, body_id)
    return [
        IssuedReport(
            id=int(r.id),
            period=ReportPeriod(r.period_kind, _day(r.period_start)),
            meeting_date=None
            if r.meeting_date is None or r.meeting_date != r.meeting_date
            else _day(r.meeting_date),
            issued_by=r.issued_by,
            issued_at=r.issued_at,
            exceptions=len(r.exceptions or []),
            pdf_sha256=r.pdf_sha256,
        )
        for r in frame.itertuples()
    ]


def issued_file(ctx: RequestContext, body_id: int, report_id: int, kind: str) -> bytes:
    """An issued report's PDF or HTML exactly as issued (bytes, ready to download)."""
    if not can(ctx.actor, Action.MANAGE_BODIES):
        raise PermissionDenied("Only national leads may open the reports issued to a body.")
    with reading(ctx) as session:
        data = db_reports.issued_file(session, report_id, body_id, kind)
    return data.encode("utf-8") if isinstance(data, str) else bytes(data)


def _day(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])
