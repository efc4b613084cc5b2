"""The national annual report reads each region's equity counts from one query per
measure and characteristic (``ReportReads.equity_counts``), not one per region: every
figure must be what the region-by-region reads give. Checked on the demo database and,
when it is there, on the scale-1 synthetic benchmark database (copied first)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy.orm import Session

from db import equity as db_equity
from db.engine import get_engine
from reports.annual_report import build_report, render_html
from services.report_data import ReportReads

SCALE1 = Path("/tmp/amhe-perf/scale1.sqlite")


def one_by_one(self, region_ids, measure, characteristic):
    """The old read: one query for the regions asked about."""
    return db_equity.equity_counts(self.session, region_ids, measure, characteristic)


def check_same(engine, year: int, today: date, monkeypatch) -> None:
    asked: list[tuple] = []
    batched = ReportReads.equity_counts

    def recording(self, region_ids, measure, characteristic):
        asked.append((None if region_ids is None else tuple(region_ids), measure, characteristic))
        return batched(self, region_ids, measure, characteristic)

    with Session(engine) as session:
        monkeypatch.setattr(ReportReads, "equity_counts", recording)
        new = render_html(build_report(session, year, None, demo=True, today=today))
        monkeypatch.setattr(ReportReads, "equity_counts", one_by_one)
        old = render_html(build_report(session, year, None, demo=True, today=today))
        assert new == old
        assert sum(ids is not None and len(ids) == 1 for ids, _, _ in asked) > 0
        reads = ReportReads(session)
        for ids, measure, characteristic in asked:
            pd.testing.assert_frame_equal(
                batched(reads, ids, measure, characteristic),
                db_equity.equity_counts(session, ids, measure, characteristic),
                check_exact=True,
            )
        # A region with no counts at all gets the empty frame the old read gives.
        pd.testing.assert_frame_equal(
            batched(reads, [10**6], "no-such-measure", "no-such-characteristic"),
            db_equity.equity_counts(session, [10**6], "no-such-measure", "no-such-characteristic"),
            check_exact=True,
        )


def test_the_batched_equity_reads_give_the_same_report_on_the_demo_data(demo_engine, monkeypatch):
    check_same(demo_engine, 2025, date(2026, 11, 26), monkeypatch)


@pytest.mark.skipif(not SCALE1.exists(), reason="no scale-1 benchmark database")
def test_the_batched_equity_reads_give_the_same_report_at_scale_1(tmp_path, monkeypatch):
    copy = tmp_path / "scale1.sqlite"
    shutil.copyfile(SCALE1, copy)
    check_same(get_engine(f"sqlite:///{copy}"), 2025, date(2026, 12, 7), monkeypatch)
