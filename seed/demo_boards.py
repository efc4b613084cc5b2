"""National governance bodies in the demo: past meetings of the Equity and Inclusion
Board and of the Board of Trustees, with attendance and decisions, and the board report
issued to the Equity and Inclusion Board for Q2 2026/27 (the last quarter the demo's
figures cover), kept exactly as issued. Clearly synthetic.

The meetings are added with the rest of the demo (:func:`add_board_meetings`, in its
transaction); the issued report is built afterwards from the committed demo figures by
the same code that issues a real one (:func:`add_issued_report`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from core.entities import Entity
from db import models as m
from db.board_reports import digest
from db.engine import writer
from seed.demo_forum import audit_event

#: The Equity and Inclusion Board's meeting the issued report was for.
BOARD_MEETING = date(2026, 11, 12)
REPORT_QUARTER = date(2026, 7, 1)  # Q2 2026/27
ISSUED_AT = datetime(2026, 11, 2, 9, 30)
TRUSTEES_MEETING = date(2026, 9, 24)

MEETINGS = (
    (
        "equity_inclusion_board",
        BOARD_MEETING,
        "Chair of the Equity and Inclusion Board (demo)",
        (None, None, 2, 9),
        (
            (None, "The board received the Q2 2026/27 board report and agreed its exceptions."),
            (
                "coproduction",
                "Regions without a carers' evening meeting are asked to trial one next quarter.",
            ),
        ),
    ),
    (
        "board_of_trustees",
        TRUSTEES_MEETING,
        "Chair of Trustees (demo)",
        (None, None, None, 11),
        ((None, "Trustees noted progress on the AMHE Plan and asked for a half-year report."),),
    ),
)

#: The national lead's words on what is being done, by the start of each exception's
#: reason (the demo's exceptions depend on its figures, so any other gets the last).
ACTIONS = (
    "Regional leads are reviewing the last two quarters with their forums; a national "
    "learning session on what changed is booked for January (synthetic).",
)


def add_board_meetings(session: Session, users: Mapping[str, m.User]) -> None:
    """The bodies' past meetings, recorded by the national lead."""
    lead = users["national.lead"]
    bodies = {b.code: b for b in session.scalars(select(m.GovernanceBody))}
    themes = {t.code: t.id for t in session.scalars(select(m.Theme))}
    for code, day, chair, (users_n, carers, partners, staff), decisions in MEETINGS:
        meeting = m.ForumMeeting(
            region_id=None,
            body_id=bodies[code].id,
            meeting_date=day,
            chair=chair,
            attendees_count=sum(n or 0 for n in (users_n, carers, partners, staff)),
            service_users=users_n,
            carers=carers,
            partners=partners,
            staff=staff,
            notes="Synthetic demo meeting.",
            created_by_id=lead.id,
        )
        session.add(meeting)
        session.flush()
        at = datetime(day.year, day.month, day.day, 16, 0)
        audit_event(
            session,
            lead,
            Entity.FORUM_MEETING,
            meeting.id,
            "create",
            None,
            at,
            {"body": bodies[code].name, "meeting_date": day, "chair": chair},
        )
        for theme, text in decisions:
            decision = m.MeetingDecision(
                meeting_id=meeting.id, theme_id=themes.get(theme) if theme else None, text=text
            )
            session.add(decision)
            session.flush()
            audit_event(
                session,
                lead,
                Entity.MEETING_DECISION,
                decision.id,
                "create",
                None,
                at,
                {"meeting_date": day, "text": text},
            )


def add_issued_report(engine: Engine, threshold: int) -> None:
    """The board report issued to the Equity and Inclusion Board for Q2 2026/27, built
    from the committed demo data as a real issue builds it."""
    # Imported here: the report builders read through services, which import db.
    from core.board_report import ReportPeriod
    from reports.board_report import Issued, board_html, board_pdf
    from services.board_report import board_figures_for

    with Session(engine) as session:
        body = session.scalar(
            select(m.GovernanceBody).where(m.GovernanceBody.code == "equity_inclusion_board")
        )
        meeting_id = session.scalar(
            select(m.ForumMeeting.id).where(
                m.ForumMeeting.body_id == body.id, m.ForumMeeting.meeting_date == BOARD_MEETING
            )
        )
        lead = session.scalar(select(m.User).where(m.User.username == "national.lead"))
        body_id, meeting = body.id, meeting_id
        lead_id, lead_name, lead_username = lead.id, lead.display_name, lead.username
    period = ReportPeriod("quarter", REPORT_QUARTER)
    shown = board_figures_for(engine, body_id, period, ISSUED_AT.date(), threshold)
    actions = {e.key: ACTIONS[0] for e in shown.exceptions}
    stamp = Issued(by=lead_name, at=ISSUED_AT)
    html = board_html(shown, actions, stamp)
    pdf = board_pdf(shown, actions, stamp)
    with Session(writer(engine)) as session, session.begin():
        report = m.BoardReport(
            body_id=body_id,
            meeting_id=meeting,
            period_start=period.start,
            period_kind=period.kind,
            exceptions=[
                {"key": e.key, "metric": e.metric, "reason": e.reason, "action": actions[e.key]}
                for e in shown.exceptions
            ],
            html=html,
            pdf=pdf,
            pdf_sha256=digest(pdf),
            html_sha256=digest(html),
            issued_by=lead_name,
            issued_at=ISSUED_AT,
        )
        session.add(report)
        session.flush()
        session.add(
            m.AuditEvent(
                occurred_at=ISSUED_AT,
                user_id=lead_id,
                username=lead_username,
                entity_type=Entity.BOARD_REPORT.value,
                entity_id=report.id,
                region_id=None,
                action="issue",
                after={
                    "body": "Equity and Inclusion Board",
                    "period_start": period.start.isoformat(),
                    "period_kind": period.kind,
                    "exceptions": len(shown.exceptions),
                    "pdf_sha256": report.pdf_sha256,
                },
                reason="Synthetic demo data",
            )
        )
