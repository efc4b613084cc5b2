"""A real write, run in its own process and frozen half-way, for test_killed_process.py.

Run as ``python -m tests.db.killed_writer JOB URL PAYLOAD MARKER STOP_AT`` from the
repository's root. JOB names one of the app's writes (see :data:`JOBS`); the write
itself is the production function, untouched. Only a function it calls once per row
is wrapped, so that on call STOP_AT (with the transaction open and the earlier rows
sent to the database) this process writes MARKER, a JSON record of how many rows its
open transaction holds, and then sleeps until the test kills it with SIGKILL.

Nothing here is imported by the app: it is test scaffolding, not a hook in db/.
"""

from __future__ import annotations

import json
import os
import pickle
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select

import db.equity
import db.metric_import
import db.metrics
import db.quarterly
import db.writes
from db.engine import build_engine
from db.models import AuditEvent, EquityCount, MetricValue

#: How long the frozen write waits for its SIGKILL before giving up (without committing).
FROZEN_FOR_S = 300
#: The exit status when the kill never came (the test then fails, naming it).
NOT_KILLED = 3
#: The exit status when the write finished before reaching STOP_AT rows.
FINISHED = 4


def _run_metric_import(engine: Engine, payload: dict[str, Any]) -> Any:
    """As pages/import_values.py does through components/importer.py."""
    return db.metric_import.import_metric_values(
        engine, payload["actor"], payload["preview"], progress=lambda _share: None
    )


def _run_grid_save(engine: Engine, payload: dict[str, Any]) -> Any:
    """As the Metrics page's data editor saves its edited grid."""
    return db.metrics.save_values(
        engine, payload["actor"], payload["region_id"], payload["changes"]
    )


def _run_equity_import(engine: Engine, payload: dict[str, Any]) -> Any:
    return db.equity.import_equity_counts(
        engine, payload["actor"], payload["preview"], lambda _share: None
    )


#: job -> (the write, the object holding its per-row function, that function's name,
#: the table the write fills). The per-row function's first argument is the UnitOfWork.
JOBS: dict[str, tuple[Callable[[Engine, dict[str, Any]], Any], Any, str, type]] = {
    # Called once per changed row, after every value is written, while the audit events
    # go in batch by batch.
    "metric_import": (_run_metric_import, db.metric_import, "_audit_params", MetricValue),
    # Called once per saved value, just after that value's INSERT or UPDATE.
    "grid_save": (_run_grid_save, db.writes.UnitOfWork, "audit", MetricValue),
    # Called once per row of the file; each row is flushed before the next.
    "equity_import": (_run_equity_import, db.equity, "_apply_count", EquityCount),
}


def _freeze(uow: db.writes.UnitOfWork, table: type, marker: Path, call: int) -> None:
    """Report what the open transaction holds, then wait to be killed."""
    session = uow.session
    session.flush()
    report = {
        "pid": os.getpid(),
        "call": call,
        "rows": session.scalar(select(func.count()).select_from(table)),
        "audit_events": session.scalar(select(func.count(AuditEvent.id))),
        "in_transaction": session.in_transaction(),
    }
    partial = marker.with_suffix(".partial")
    partial.write_text(json.dumps(report))
    os.replace(partial, marker)  # the test never reads a half-written marker
    time.sleep(FROZEN_FOR_S)
    print(f"Not killed within {FROZEN_FOR_S} s; leaving without committing.", file=sys.stderr)
    os._exit(NOT_KILLED)  # no clean-up, no commit


def main(argv: list[str]) -> int:
    job, url, payload_path, marker_path, stop_at_text = argv
    run, holder, name, table = JOBS[job]
    stop_at = int(stop_at_text)
    marker = Path(marker_path)
    payload = pickle.loads(Path(payload_path).read_bytes())
    if "today" in payload:
        # The test's clock, on which every quarter the write touches has begun.
        db.quarterly.today = lambda: payload["today"]
    real = getattr(holder, name)
    calls = 0

    def per_row(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == stop_at:
            _freeze(args[0], table, marker, calls)
        return real(*args, **kwargs)

    setattr(holder, name, per_row)
    run(build_engine(url), payload)
    print(f"The write finished after {calls} rows, before row {stop_at}.", file=sys.stderr)
    return FINISHED


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
