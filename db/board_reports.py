"""Board reports as issued to a national governance body: the registered write that
keeps one (the HTML and the PDF exactly as issued, the national lead's words on each
exception, who and when), and the reads that list them and give their files back
unchanged."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.entities import Entity
from core.permissions import Action
from db.models import BoardReport, ForumMeeting, GovernanceBody
from db.writes import UnitOfWork, WriteRefused, registered_write

ISSUED_COLUMNS = [
    "id",
    "period_start",
    "period_kind",
    "meeting_id",
    "meeting_date",
    "issued_by",
    "issued_at",
    "exceptions",
    "pdf_sha256",
    "html_sha256",
]
PERIOD_KINDS = ("quarter", "half")
#: The most exceptions' words kept with one report (the text of each is bounded too).
ACTION_MAX = 2000


def digest(data: bytes | str) -> str:
    """The SHA-256 of a file as issued (text as UTF-8)."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return hashlib.sha256(raw).hexdigest()


def issued_reports(session: Session, body_id: int) -> pd.DataFrame:
    """The reports issued to a body, newest first (without their files)."""
    rows = session.execute(
        select(
            BoardReport.id,
            BoardReport.period_start,
            BoardReport.period_kind,
            BoardReport.meeting_id,
            ForumMeeting.meeting_date,
            BoardReport.issued_by,
            BoardReport.issued_at,
            BoardReport.exceptions,
            BoardReport.pdf_sha256,
            BoardReport.html_sha256,
        )
        .outerjoin(ForumMeeting, ForumMeeting.id == BoardReport.meeting_id)
        .where(BoardReport.body_id == body_id)
        .order_by(BoardReport.issued_at.desc(), BoardReport.id.desc())
    ).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=ISSUED_COLUMNS)


def issued_file(session: Session, report_id: int, body_id: int, kind: str) -> bytes | str:
    """An issued report's ``kind`` ("pdf" or "html") exactly as issued."""
    column = BoardReport.pdf if kind == "pdf" else BoardReport.html
    found = session.execute(
        select(column).where(BoardReport.id == report_id, BoardReport.body_id == body_id)
    ).scalar_one_or_none()
    if found is None:
        raise LookupError("That report is not one issued to this body.")
    return found


def _exceptions(items: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    kept = []
    for item in items:
        action = str(item.get("action") or "").strip()
        if len(action) > ACTION_MAX:
            raise WriteRefused(
                f"What is being done about {item.get('metric')} is {len(action):,} characters "
                f"long: please keep it to {ACTION_MAX:,}."
            )
        kept.append(
            {
                "key": str(item.get("key") or ""),
                "metric": str(item.get("metric") or ""),
                "reason": str(item.get("reason") or ""),
                "action": action,
            }
        )
    return kept


@registered_write(Action.ISSUE_BOARD_REPORT, entity=Entity.BOARD_REPORT)
def issue_board_report(
    uow: UnitOfWork,
    body_id: int,
    period_start: date,
    period_kind: str,
    *,
    html: str,
    pdf: bytes,
    exceptions: Sequence[Mapping[str, Any]],
    issued_by: str,
    issued_at: datetime,
    meeting_id: int | None = None,
) -> int:
    """Keep a board report as issued (both files, unchanged, with their digests); its
    id. The report is built before this write, by whoever issues it (services)."""
    uow.require(Action.ISSUE_BOARD_REPORT)
    body = uow.session.get(GovernanceBody, body_id)
    if body is None or not body.active:
        raise WriteRefused("Choose the national body the report is for.")
    if period_kind not in PERIOD_KINDS:
        raise WriteRefused("Choose a quarter or a half-year for the report.")
    meeting_date = None
    if meeting_id is not None:
        meeting = uow.session.get(ForumMeeting, meeting_id)
        if meeting is None or meeting.body_id != body_id:
            raise WriteRefused("That meeting is not one of this body's meetings.")
        meeting_date = meeting.meeting_date
    if not html or not pdf:
        raise WriteRefused("The report could not be built, so nothing was issued.")
    report = BoardReport(
        body_id=body_id,
        meeting_id=meeting_id,
        period_start=period_start,
        period_kind=period_kind,
        exceptions=_exceptions(exceptions),
        html=html,
        pdf=pdf,
        pdf_sha256=digest(pdf),
        html_sha256=digest(html),
        issued_by=issued_by[:120],
        issued_at=issued_at,
    )
    uow.session.add(report)
    uow.session.flush()
    uow.audit(
        Entity.BOARD_REPORT,
        report.id,
        "issue",
        after={
            "body": body.name,
            "period_start": period_start,
            "period_kind": period_kind,
            "meeting_date": meeting_date,
            "exceptions": len(report.exceptions),
            "pdf_sha256": report.pdf_sha256,
            "html_sha256": report.html_sha256,
        },
    )
    return report.id
