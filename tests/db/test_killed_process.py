"""A write whose process is killed half-way leaves the database exactly as before.

For each of the big writes (a 10,000-row metric value import, a grid save of
6,000 values, a 6,000-row equity count import) a separate Python process
(:mod:`tests.db.killed_writer`) runs the real commit function against a copy of the
demo database. Half-way through the rows, with its transaction open and the earlier
rows already sent, it writes a marker and waits; this test checks the transaction is
really open (it holds SQLite's write lock; PostgreSQL shows it idle in a transaction
that has written), kills the process with SIGKILL, and then checks that

- every table is exactly as before (row by row, audit_event included);
- the database is still usable: on SQLite the write-ahead log left behind is
  recovered, the file passes an integrity check and a write with a short busy timeout
  gets the lock; on PostgreSQL no session of the killed process is left over;
- the very same write, run again normally, succeeds (so no stale lock or version
  was left behind either).

Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import pickle
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

import db.quarterly
from core.metric_grid import next_quarter
from core.periods import format_period
from core.permissions import Actor
from db import equity as de
from db.metric_import import import_metric_values, preview_metric_values
from db.metrics import ValueChange, entry_groups, metric_values, save_values
from db.models import AuditEvent, Base, EquityCount, Metric, Region
from db.users import actor_for
from tests.db.test_metric_import import LATER, ten_thousand_rows, unlock_every_quarter

ROOT = Path(__file__).resolve().parents[2]
MARKER_WAIT_S = 120
EXIT_WAIT_S = 30
PG_CLEANUP_WAIT_S = 30
#: The metric import is the 10,000-row file of test_metric_import, killed at row 5,000.
STOP_AT = 5_000
#: The grid save and the equity import write row by row (an INSERT or UPDATE and an
#: audit event each), several times slower than the batched metric import: 6,000 rows
#: keep each case well under a minute on a busy machine, and are killed at row 3,000.
GRID_VALUES = 6_000
EQUITY_ROWS = 6_000
QUARTERLY_MEASURES = ("people_supported", "survey_respondents", "right_support", "ended_early")

pytestmark = pytest.mark.skipif(os.name != "posix", reason="needs SIGKILL")


@dataclass
class Job:
    """One write to run in the child and then again normally in this process."""

    name: str
    table: str  # the table it fills (besides audit_event)
    payload: dict[str, Any]
    changes: int  # rows the write changes (each with one audit event)
    stop_at: int
    again: Callable[[Engine], int]  # runs the write here; returns how many rows it changed


# ------------------------------------------------------------------------ helpers


class Laps:
    """Seconds spent in each step, printed with -s (to keep the test's time in view)."""

    def __init__(self) -> None:
        self.last = time.perf_counter()
        self.laps: list[tuple[str, float]] = []

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps.append((name, now - self.last))
        self.last = now

    def __str__(self) -> str:
        total = sum(s for _n, s in self.laps)
        return ", ".join(f"{n} {s:.1f} s" for n, s in self.laps) + f"; {total:.1f} s in all"


def url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def actor(engine: Engine, username: str) -> Actor:
    with Session(engine) as session:
        found = actor_for(session, username)
    assert found is not None
    return found


def dump(engine: Engine) -> dict[str, tuple[int, str]]:
    """Every table's row count and a digest of all its rows in key order.

    On SQLite the AUTOINCREMENT counters are included (they roll back with the
    transaction); PostgreSQL's sequences never roll back, by design, so they are not.
    """
    state: dict[str, tuple[int, str]] = {}
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            rows = connection.execute(select(table).order_by(*table.primary_key.columns)).all()
            digest = hashlib.sha256(repr([tuple(r) for r in rows]).encode()).hexdigest()
            state[table.name] = (len(rows), digest)
        if engine.dialect.name == "sqlite":
            has_sequence = connection.execute(
                text("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_sequence'")
            ).scalar()
            if has_sequence:
                rows = connection.execute(text("SELECT * FROM sqlite_sequence ORDER BY name"))
                state["sqlite_sequence"] = (0, repr(rows.all()))
    return state


def audit_count(engine: Engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count(AuditEvent.id))) or 0


def changed_tables(before: dict, after: dict) -> list[str]:
    return [
        name for name in sorted(before.keys() | after.keys()) if before.get(name) != after.get(name)
    ]


# -------------------------------------------------------------------- the writes


def metric_import_job(engine: Engine) -> Job:
    """The 10,000-row file of test_metric_import, as the national import page takes it."""
    admin = actor(engine, "admin")
    preview = preview_metric_values(engine, admin, ten_thousand_rows(engine), "national.csv")
    assert preview.ok, preview.problems[:5]
    assert preview.new > STOP_AT and preview.updated > 0

    def again(target: Engine) -> int:
        counts = import_metric_values(target, admin, preview, progress=lambda _share: None)
        return counts.new + counts.updated

    payload = {"actor": admin, "preview": preview, "today": LATER}
    return Job("metric_import", "metric_value", payload, preview.changes, STOP_AT, again)


def grid_changes(engine: Engine, region_id: int) -> list[ValueChange]:
    """Every stored value of the region corrected, and new values for the quarters after
    (overall and for each group), interleaved: as one large save of the data editor."""
    with Session(engine) as session:
        metrics = session.execute(
            select(Metric.id, Metric.unit, Metric.disaggregated_by)
            .where(
                Metric.active.is_(True),
                (Metric.scope == "national") | (Metric.region_id == region_id),
            )
            .order_by(Metric.id)
        ).all()
        groups = {
            m.disaggregated_by: entry_groups(session, m.disaggregated_by)
            for m in metrics
            if m.disaggregated_by
        }
        stored = metric_values(session, region_id)

    def figure(unit: str, n: int) -> float:
        return {"percentage": float(5 + n % 90), "count": float(1 + n % 300)}.get(unit, 2.5 + n % 7)

    units = {m.id: m.unit for m in metrics}
    updates = [
        ValueChange(
            int(v.metric_id), v.period_start, v.characteristic, v.group_name,
            value=figure(units[int(v.metric_id)], n + 1), note="Corrected",
            expected_version=int(v.version),
        )
        for n, v in enumerate(stored.itertuples(index=False))
        if (v.value is None or figure(units[int(v.metric_id)], n + 1) != v.value)
    ]  # fmt: skip
    news: list[ValueChange] = []
    period = next_quarter(max(stored["period_start"]))
    while len(updates) + len(news) < GRID_VALUES:
        for m in metrics:
            cells = [("", "")] + [
                (m.disaggregated_by, g) for g in groups.get(m.disaggregated_by, [])
            ]
            for characteristic, group in cells:
                news.append(
                    ValueChange(
                        m.id, period, characteristic, group, value=figure(m.unit, len(news))
                    )
                )
        period = next_quarter(period)
    news = news[: GRID_VALUES - len(updates)]
    step = max(len(news) // max(len(updates), 1), 1)
    changes: list[ValueChange] = []
    for n, change in enumerate(news):
        if n % step == 0 and updates:
            changes.append(updates.pop())
        changes.append(change)
    return changes + updates


def grid_save_job(engine: Engine) -> Job:
    """A regional lead saves thousands of values of their region from the Metrics page."""
    lead = actor(engine, "london.lead")
    assert lead.region_id is not None
    unlock_every_quarter(engine)
    changes = grid_changes(engine, lead.region_id)
    assert len(changes) == GRID_VALUES
    assert sum(c.expected_version is not None for c in changes) > 100, "some are corrections"

    def again(target: Engine) -> int:
        return save_values(target, lead, lead.region_id, changes).saved

    payload = {"actor": lead, "region_id": lead.region_id, "changes": changes, "today": LATER}
    return Job("grid_save", "metric_value", payload, len(changes), len(changes) // 2, again)


def equity_rows(engine: Engine) -> bytes:
    """6,000 rows across the regions: stored counts corrected, interleaved with new
    counts for the year before the demo's first quarter."""
    with Session(engine) as session:
        stored = session.execute(
            select(
                Region.name,
                EquityCount.period_start,
                EquityCount.measure,
                EquityCount.characteristic,
                EquityCount.group_name,
                EquityCount.numerator,
                EquityCount.denominator,
            )
            .join(Region, Region.id == EquityCount.region_id)
            .where(EquityCount.area_id_key == 0)
            .order_by(EquityCount.id)
        ).all()
    first_quarter = min(c.period_start for c in stored if c.measure in QUARTERLY_MEASURES)

    def line(c: Any, start: date, numerator: int, denominator: int | None) -> list[object]:
        frequency = de.MEASURES[c.measure].frequency
        return [
            c.name, format_period(start, frequency), c.measure, c.characteristic,
            c.group_name, numerator, "" if denominator is None else denominator,
        ]  # fmt: skip

    updates = [
        line(c, c.period_start, c.numerator, c.denominator + 1)
        if c.denominator is not None
        else line(c, c.period_start, c.numerator + 1, None)
        for c in stored
    ]
    news = [
        line(c, date(c.period_start.year - 1, c.period_start.month, 1), c.numerator, c.denominator)
        for c in stored
        if c.measure in QUARTERLY_MEASURES
        and c.denominator != 0  # the demo has a few; a file may not
        and c.period_start < date(first_quarter.year + 1, first_quarter.month, 1)
    ]
    rows = [row for pair in zip(updates, news, strict=False) for row in pair][:EQUITY_ROWS]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["region", "period", "measure", "characteristic", "group", "numerator",
                     "denominator"])  # fmt: skip
    writer.writerows(rows)
    return buffer.getvalue().encode()


def equity_import_job(engine: Engine) -> Job:
    admin = actor(engine, "admin")
    preview = de.preview_equity_counts(engine, admin, equity_rows(engine), "equity.csv")
    assert preview.ok, preview.problems[:5]
    assert preview.new > 1_000 and preview.updated > 1_000 and preview.changes == EQUITY_ROWS

    def again(target: Engine) -> int:
        counts = de.import_equity_counts(target, admin, preview)
        return counts.new + counts.updated

    payload = {"actor": admin, "preview": preview, "today": LATER}
    return Job("equity_import", "equity_count", payload, preview.changes, EQUITY_ROWS // 2, again)


JOBS = {"metric_import": metric_import_job, "grid_save": grid_save_job,
        "equity_import": equity_import_job}  # fmt: skip


# ------------------------------------------------------------ the killed process


def wait_for_marker(process: subprocess.Popen, marker: Path, logs: Path) -> dict[str, Any]:
    deadline = time.monotonic() + MARKER_WAIT_S
    while not marker.exists():
        if process.poll() is not None:
            pytest.fail(
                f"The writer process ended (status {process.returncode}) before reaching the "
                f"row to be killed at:\n{logs.read_text()[-3000:]}"
            )
        if time.monotonic() > deadline:
            pytest.fail(
                f"The writer process did not reach the row to be killed at within "
                f"{MARKER_WAIT_S} s:\n{logs.read_text()[-3000:]}"
            )
        time.sleep(0.05)
    return json.loads(marker.read_text())


def assert_transaction_is_open(engine: Engine) -> None:
    """The frozen writer holds an open transaction that has written."""
    if engine.dialect.name == "sqlite":
        connection = sqlite3.connect(engine.url.database, timeout=0.2, isolation_level=None)
        try:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                connection.execute("BEGIN IMMEDIATE")
        finally:
            connection.close()
        return
    deadline = time.monotonic() + 10  # the state is reported before the reply; be lenient
    while True:
        with engine.connect() as connection:
            writing = connection.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid() AND state = 'idle in transaction' "
                    "AND backend_xid IS NOT NULL"
                )
            ).scalar()
        engine.dispose()
        if writing == 1 or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert writing == 1, "the writer's transaction should be open and have written"


def assert_usable_after_the_kill(engine: Engine) -> None:
    """Nothing of the killed process is left holding the database."""
    if engine.dialect.name == "sqlite":
        path = engine.url.database
        assert Path(f"{path}-wal").exists(), "the killed writer left its write-ahead log"
        connection = sqlite3.connect(path, timeout=1, isolation_level=None)
        try:  # the first connection recovers the log, skipping the uncommitted frames
            assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            connection.execute("BEGIN IMMEDIATE")  # the write lock is free at once
            connection.execute("UPDATE region SET name = name")
            connection.execute("ROLLBACK")
        finally:
            connection.close()
        return
    deadline = time.monotonic() + PG_CLEANUP_WAIT_S
    while True:
        with engine.connect() as connection:
            left = connection.execute(
                text(
                    "SELECT pid, state, xact_start FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).all()
        engine.dispose()
        if not left:
            return
        assert time.monotonic() < deadline, (
            f"sessions left on the database {PG_CLEANUP_WAIT_S} s after the kill: {left}"
        )
        time.sleep(0.2)


def run_and_kill(engine: Engine, job: Job, folder: Path) -> dict[str, Any]:
    """Run the write in a child process, wait until it is half-way, SIGKILL it."""
    payload = folder / f"{job.name}.pickle"
    payload.write_bytes(pickle.dumps(job.payload))
    marker = folder / f"{job.name}.marker"
    logs = folder / f"{job.name}.log"
    engine.dispose()  # the child is then the database's only user
    with logs.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.db.killed_writer", job.name, url_of(engine),
             str(payload), str(marker), str(job.stop_at)],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        report = wait_for_marker(process, marker, logs)
        assert_transaction_is_open(engine)
        if engine.dialect.name == "sqlite":  # uncommitted pages the cache spilled to the log
            report["wal_bytes"] = Path(f"{engine.url.database}-wal").stat().st_size
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=EXIT_WAIT_S)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=EXIT_WAIT_S)
    assert process.returncode == -signal.SIGKILL, logs.read_text()[-3000:]
    assert report["pid"] == process.pid and report["in_transaction"]
    return report


@pytest.mark.parametrize("name", list(JOBS))
def test_a_write_killed_half_way_leaves_the_database_exactly_as_before(
    demo_engine, tmp_path, name, monkeypatch
):
    monkeypatch.setattr(db.quarterly, "today", lambda: LATER)
    laps = Laps()
    job = JOBS[name](demo_engine)
    before = dump(demo_engine)
    events_before = audit_count(demo_engine)
    laps.lap("dry run and dump")

    report = run_and_kill(demo_engine, job, tmp_path)
    laps.lap("child until killed")

    assert report["call"] == job.stop_at
    # The transaction held part of the write when it was killed: new rows, and some of
    # the audit events but not all.
    assert report["rows"] > before[job.table][0], report
    assert events_before < report["audit_events"] < events_before + job.changes, report
    assert_usable_after_the_kill(demo_engine)
    after = dump(demo_engine)
    assert after == before, f"changed by the killed write: {changed_tables(before, after)}"
    laps.lap("checks")

    assert job.again(demo_engine) == job.changes, "the same write, run again, saves it all"
    assert audit_count(demo_engine) == events_before + job.changes
    laps.lap("the write again")
    wal = (
        f" (write-ahead log at the kill: {report['wal_bytes']:,} bytes)"
        if "wal_bytes" in report
        else ""
    )
    print(f"\n{name} on {demo_engine.dialect.name}: {laps}{wal}")
