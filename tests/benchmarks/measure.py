"""One benchmark run: one database (engine and scale), measured in a fresh process.

    python -m tests.benchmarks.measure --database-url URL --engine sqlite --scale 1 --out F

The database must hold the synthetic data (``python -m seed.synthetic``) and is changed
by the run (a value saved before every page, 100 values saved, a 10,000-row import): the
orchestrator (``python -m tests.benchmarks``) gives each run its own copy. Results are
written to ``--out`` as JSON. A fresh process per run means the peak memory it reports
is what the app's own work costs (every page for every role, the writes and the
reports), as a server process would hold it.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")

#: One account per role (the demo accounts exist in the synthetic data too).
ACCOUNTS = (
    ("national_lead", "national.lead", "demo-national"),
    ("regional_lead", "london.lead", "demo-london"),
    ("forum_member", "london.forum", "demo-forum"),
    ("admin", "admin", "demo-admin"),
)
#: Each page is timed this many times and the median kept (one run on a shared 2-core
#: machine can take twice as long as the next).
ROUNDS = 3
IMPORT_ROWS = 10_000
SAVED_VALUES = 100


@dataclass
class PageTiming:
    role: str
    page: str
    first: float
    repeat: float
    cold: float
    problem: str = ""


@dataclass
class RunResult:
    engine: str
    scale: int
    rows: dict[str, int] = field(default_factory=dict)
    pages: list[PageTiming] = field(default_factory=list)
    operations: dict[str, float] = field(default_factory=dict)
    pages_peak_memory_mb: float = 0.0
    peak_memory_mb: float = 0.0


def timed(function: Callable[[], T]) -> tuple[float, T]:
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def peak_memory_mb() -> float:
    """The process's peak resident memory (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --------------------------------------------------------------------------- writes


def _nudged(value: float, unit: str) -> float:
    """A different value that still obeys the unit's rules."""
    if unit == "count":
        return value + 1
    if unit == "percentage":
        return value - 0.5 if value >= 99.5 else value + 0.5
    return value + 0.5


def _region_values(session: Session, region_id: int, limit: int) -> list[Any]:
    from db.models import Metric, MetricValue

    return session.execute(
        select(MetricValue, Metric.unit)
        .join(Metric, Metric.id == MetricValue.metric_id)
        .where(MetricValue.region_id == region_id, MetricValue.value.is_not(None))
        .order_by(MetricValue.period_start.desc(), MetricValue.id)
        .limit(limit)
    ).all()


def save_some_values(engine: Engine, region_id: int, count: int) -> int:
    """Edit ``count`` of a region's latest values through the Metrics page's save."""
    from core.permissions import SYSTEM_ACTOR
    from db.metrics import ValueChange, save_values

    with Session(engine) as session:
        found = _region_values(session, region_id, count)
        changes = [
            ValueChange(
                metric_id=v.metric_id,
                period_start=v.period_start,
                characteristic=v.characteristic,
                group_name=v.group_name,
                value=_nudged(v.value, unit),
                numerator=v.numerator,
                denominator=v.denominator,
                note=v.note or "",
                expected_version=v.version,
            )
            for v, unit in found
        ]
    result = save_values(engine, SYSTEM_ACTOR, region_id, changes)
    assert result.saved == len(changes) == count, result
    return result.saved


def import_file(engine: Engine, region_id: int, rows: int) -> bytes:
    """A CSV of ``rows`` edited values of one region, as a lead would upload it."""
    from core.periods import format_period
    from db.models import Characteristic, Metric, Region

    with Session(engine) as session:
        region = session.get(Region, region_id)
        names = dict(session.execute(select(Characteristic.code, Characteristic.name)).all())
        kinds = dict(session.execute(select(Metric.id, Metric.frequency)).all())
        codes = dict(session.execute(select(Metric.id, Metric.code)).all())
        found = _region_values(session, region_id, rows)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["region", "metric_code", "period", "value", "characteristic", "group"])
    for v, unit in found:
        kind = "year" if kinds[v.metric_id] == "annual" else "quarter"
        writer.writerow(
            [
                region.name,
                codes[v.metric_id],
                format_period(v.period_start, kind),
                f"{_nudged(v.value, unit):g}",
                names.get(v.characteristic, "") if v.characteristic else "",
                v.group_name,
            ]
        )
    assert len(found) == rows, f"the region has only {len(found)} values"
    return out.getvalue().encode("utf-8")


# ---------------------------------------------------------------------------- pages


def region_shown(engine: Engine, actor: Any) -> int:
    """The region a page opens on for this actor: their own, or the first in the list."""
    from db import queries

    if actor.region_id is not None:
        return int(actor.region_id)
    with Session(engine) as session:
        return int(queries.regions(session)["id"].iloc[0])


def time_pages(engine: Engine, role: str, username: str, password: str) -> list[PageTiming]:
    """Every page of the role through AppTest: the first run after a write (a value
    saved in the region the page shows; the write empties what it changed, as in the
    app), a repeat run, and a cold run with every cache emptied (the worst case: a
    restarted server); each the median of ROUNDS. Each page is visited once before,
    untimed, as a server that has been up for a while would have imported its code."""
    from app import pages_for
    from components.charts import forget_charts
    from db import cache
    from db.users import actor_for
    from tests.app.conftest import new_app, sign_in

    with Session(engine) as session:
        actor = actor_for(session, username)
    region_id = region_shown(engine, actor)
    at = sign_in(new_app(), username, password)
    if at.exception:
        return [PageTiming(role, "sign in", 0, 0, 0, str(at.exception[0].value))]
    timings = []
    for page in pages_for(role):
        at.switch_page(page.path)
        at.run()
        runs: dict[str, list[float]] = {"first": [], "repeat": [], "cold": []}
        problem = ""
        for _ in range(ROUNDS):
            save_some_values(engine, region_id, 1)
            at.switch_page(page.path)
            runs["first"].append(timed(at.run)[0])
            problem = problem or _problem(at)
            runs["repeat"].append(timed(at.run)[0])
            cache.clear()
            forget_charts()
            runs["cold"].append(timed(at.run)[0])
            problem = problem or _problem(at)
        medians = {name: statistics.median(times) for name, times in runs.items()}
        timings.append(PageTiming(role, page.title, **medians, problem=problem))
    return timings


def _problem(at: Any) -> str:
    if at.exception:
        return str(at.exception[0].value)[:200]
    if at.error:
        return str(at.error[0].value)[:200]
    return ""


# ----------------------------------------------------------------------- operations


def time_operations(engine: Engine, region_id: int) -> dict[str, float]:
    from core.permissions import SYSTEM_ACTOR
    from db.metric_import import import_metric_values, preview_metric_values
    from db.models import ForumMeeting
    from reports.annual_report import build_report, render_pdf
    from reports.meeting_pack import build_meeting_pack

    times: dict[str, float] = {}
    times["Save 100 edited values"], _ = timed(
        lambda: save_some_values(engine, region_id, SAVED_VALUES)
    )
    data = import_file(engine, region_id, IMPORT_ROWS)
    times["Import 10,000 rows: dry run"], preview = timed(
        lambda: preview_metric_values(engine, SYSTEM_ACTOR, data, "benchmark.csv")
    )
    assert not preview.problems, preview.problems[:3]
    times["Import 10,000 rows: save"], counts = timed(
        lambda: import_metric_values(engine, SYSTEM_ACTOR, preview)
    )
    assert counts.updated == IMPORT_ROWS, counts
    with Session(engine) as session:
        meeting_id = session.scalar(
            select(ForumMeeting.id)
            .where(ForumMeeting.region_id == region_id)
            .order_by(ForumMeeting.meeting_date.desc())
            .limit(1)
        )
    times["Meeting pack (PDF)"], _ = timed(
        lambda: build_meeting_pack(engine, region_id, meeting_id, demo=True)
    )
    year = date.today().year - 1 if date.today().month < 4 else date.today().year
    for label, scope in (("region", region_id), ("national", None)):

        def report(scope: int | None = scope) -> bytes:
            with Session(engine) as session:
                built = build_report(session, year, scope, demo=True)
            return render_pdf(built)

        times[f"Annual report, {label} (PDF)"], _ = timed(report)
    times["Board report (HTML and PDF)"], _ = timed(lambda: board_report(engine))
    return times


def board_report(engine: Engine) -> tuple[str, bytes]:
    """The Equity and Inclusion Board's report for the latest ended quarter (issue 14)."""
    from core.board_report import latest_ended_quarter
    from db.models import GovernanceBody
    from reports.board_report import board_html, board_pdf
    from services.board_report import board_figures_for

    with Session(engine) as session:
        body_id = session.scalar(
            select(GovernanceBody.id).where(GovernanceBody.code == "equity_inclusion_board")
        )
    today = date.today()
    figures = board_figures_for(engine, body_id, latest_ended_quarter(today), today, 5, demo=True)
    return board_html(figures, {}), board_pdf(figures, {})


# ------------------------------------------------------------------------------ run


def table_rows(engine: Engine) -> dict[str, int]:
    from db.models import AuditEvent, EquityCount, MetricValue, Region

    with Session(engine) as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Region, MetricValue, EquityCount, AuditEvent)
        }


def run(database_url: str, engine_kind: str, scale: int) -> RunResult:
    os.environ["AMHE_DATABASE_URL"] = database_url
    os.environ["AMHE_LOGIN_SLEEP_TIME"] = "0"
    os.environ.setdefault("AMHE_COOKIE_KEY", "benchmark-only-cookie-key-" + "x" * 32)
    os.environ.pop("AMHE_DEMO", None)
    _navigation_only()

    from db.engine import get_engine

    engine = get_engine(database_url)
    result = RunResult(engine_kind, scale, rows=table_rows(engine))
    for role, username, password in ACCOUNTS:
        result.pages += time_pages(engine, role, username, password)
    result.pages_peak_memory_mb = round(peak_memory_mb(), 1)
    from db.users import actor_for

    with Session(engine) as session:
        london = actor_for(session, "london.lead")
    result.operations = time_operations(engine, int(london.region_id))
    result.peak_memory_mb = round(peak_memory_mb(), 1)
    return result


def _navigation_only() -> None:
    """Make AppTest run scripts as the server does: app.py's st.navigation (see
    tests/app/apptest_adapter.py), and each script compiled once. AppTest makes a new script
    cache for every run, so without this every run would include compiling app.py and
    the page (about 50 ms for the larger pages), which a server does once."""
    from tests.app.apptest_adapter import navigation_only_from_now_on, share_script_cache

    navigation_only_from_now_on()
    share_script_cache()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--engine", required=True, choices=("sqlite", "postgresql"))
    parser.add_argument("--scale", required=True, type=int)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    result = run(args.database_url, args.engine, args.scale)
    with open(args.out, "w", encoding="utf-8") as handle:
        json.dump(asdict(result), handle, indent=1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
