"""The audit log in words (db.audit.read_log, services.audit): people and records named
in bulk, deleted records still named, a search that finds exactly what the words show,
and downloads of the whole filtered log that read back with the right types."""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
import pandas as pd
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from core.audit_format import FIGURE_NOT_SHOWN, LOG_COLUMNS, matches, search_query
from core.config import load_settings
from core.entities import Entity
from db import meetings as dbm
from db.audit import LogFilters, read_log
from db.models import AuditEvent, GovernanceBody, Region
from db.users import actor_for
from services import audit
from services.context import RequestContext

EVERYTHING = audit.LogQuery(None, None, None, date(2000, 1, 1), date(2100, 1, 1))
FIGURE = 987_654.5
FORMULA = '=HYPERLINK("http://example.com","x")'


def context(engine, username: str = "national.lead") -> RequestContext:
    with Session(engine) as session:
        found = actor_for(session, username)
    assert found is not None
    return RequestContext(load_settings(require_cookie_key=False), engine, found)


def add_event(engine, entity: Entity, region_code: str | None, **fields) -> None:
    with Session(engine) as session, session.begin():
        region_id = session.scalar(select(Region.id).where(Region.code == region_code))
        session.add(
            AuditEvent(
                occurred_at=datetime(2099, 1, 1, 9, 30),
                username="london.lead",
                entity_type=entity.value,
                region_id=region_id,
                **({"action": "update", "reason": ""} | fields),
            )
        )


def read(engine, search: str = "", limit: int = 5000, **kwargs):
    with Session(engine) as session:
        return read_log(session, LogFilters(search=search), limit=limit, **kwargs)


def test_names_are_read_in_bulk_one_query_per_kind(demo_engine):
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(demo_engine, "before_cursor_execute", count)
    try:
        entries = read(demo_engine, limit=500).entries
    finally:
        event.remove(demo_engine, "before_cursor_execute", count)
    kinds = {e.record.split(":")[0] for e in entries}
    assert len(entries) == 500
    # The bodies, the events, the people and one query per kind of record.
    assert len(statements) <= 3 + len(kinds), statements
    assert all(":" in e.record and "since removed" not in e.record for e in entries)
    assert any(e.who == "Leon Mensah (demo) (london.lead)" for e in entries)


def test_a_body_meeting_and_a_deleted_record_read_in_words(demo_engine):
    with Session(demo_engine) as session:
        body = session.scalars(
            select(GovernanceBody).where(GovernanceBody.code == "board_of_trustees")
        ).one()
    lead = context(demo_engine).actor
    dbm.create_meeting(demo_engine, lead, None, date(2026, 12, 1), 9, "Chair", body_id=body.id)
    add_event(
        demo_engine,
        Entity.COMMUNITY_PROJECT,
        "london",
        entity_id=99_999,
        action="delete",
        before={"title": "Barbershop talks", "status": "active"},
        reason="Entered twice",
    )
    project, meeting = read(demo_engine, limit=2).entries
    assert meeting.record == "Meeting: Board of Trustees meeting on 1 December 2026"
    assert (meeting.region, meeting.what) == ("National", "Added")
    assert project.record == "Community project: Barbershop talks"
    assert (project.region, project.what, project.reason) == ("London", "Removed", "Entered twice")


def test_a_search_finds_exactly_the_changes_whose_words_hold_it(demo_engine):
    every = read(demo_engine).entries
    for text in ("Nadia Okafor", "equity and inclusion board", "Q2 2026/27", "CA01", "issued"):
        expected = [e for e in every if matches(e, search_query(text))]
        assert expected, f"the demo has changes about {text!r}"
        assert read(demo_engine, search=text).entries == expected, text
    assert not read(demo_engine, search="100%_/").entries  # LIKE's wildcards are text


def test_a_search_never_finds_a_figure_that_is_not_shown(demo_engine):
    add_event(demo_engine, Entity.METRIC_VALUE, "london", entity_id=1, after={"value": FIGURE})
    assert len(read(demo_engine, search="987654").entries) == 1
    assert not read(demo_engine, search="987654", hide_figures=lambda _region: True).entries


def test_a_download_holds_every_matching_change_with_real_times(demo_engine):
    add_event(demo_engine, Entity.PLAN_ACTION, "london", entity_id=1, reason=FORMULA)
    ctx = context(demo_engine)
    total = len(read(demo_engine).entries)
    assert total > audit.LOG_LIMIT

    csv = pd.read_csv(io.BytesIO(audit.export_csv(ctx, EVERYTHING)), encoding="utf-8-sig")
    assert len(csv) == total
    assert list(csv.columns) == [audit.EXPORT_WHEN, *LOG_COLUMNS[1:]]
    assert csv[audit.EXPORT_WHEN].iloc[0] == "2099-01-01T09:30:00"
    assert pd.to_datetime(csv[audit.EXPORT_WHEN], format="ISO8601").notna().all()
    assert csv["Reason"].iloc[0] == "'" + FORMULA

    sheet = openpyxl.load_workbook(io.BytesIO(audit.export_xlsx(ctx, EVERYTHING))).active
    rows = list(sheet.iter_rows(min_row=2))
    assert len(rows) == total
    assert all(isinstance(row[0].value, datetime) for row in rows)
    assert all(cell.data_type != "f" for row in rows for cell in row)
    reason = rows[0][6]
    assert (reason.value, reason.data_type, reason.quotePrefix) == (FORMULA, "s", True)
    frame = pd.read_excel(io.BytesIO(audit.export_xlsx(ctx, EVERYTHING)))
    assert pd.api.types.is_datetime64_any_dtype(frame[audit.EXPORT_WHEN])


def test_a_download_is_bounded(demo_engine):
    export = audit.export_changes(context(demo_engine), EVERYTHING, limit=100)
    assert len(export.events) == 100 and export.more


def test_a_download_hides_figures_from_whoever_may_not_see_them(demo_engine, monkeypatch):
    add_event(
        demo_engine,
        Entity.METRIC_VALUE,
        "london",
        entity_id=1,
        before={"value": 1.5},
        after={"value": FIGURE},
    )
    ctx = context(demo_engine)
    assert str(FIGURE) in audit.export_csv(ctx, EVERYTHING).decode("utf-8-sig")

    def no_exact_figures(actor, action, region_id=None):
        return action != audit.Action.VIEW_EXACT_EQUITY

    monkeypatch.setattr(audit, "can", no_exact_figures)
    text = audit.export_csv(ctx, EVERYTHING).decode("utf-8-sig")
    sheet = openpyxl.load_workbook(io.BytesIO(audit.export_xlsx(ctx, EVERYTHING))).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row]
    assert "987654" not in text and not any("987654" in c for c in cells)
    assert f"value: {FIGURE_NOT_SHOWN}" in text
    assert f"value: {FIGURE_NOT_SHOWN}" in cells
