"""The benchmark command (python -m tests.benchmarks): its budgets, its table, and the
writes it times, which must stay valid as the app's rules change."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.permissions import SYSTEM_ACTOR
from db.metric_import import preview_metric_values
from db.models import Region
from tests.benchmarks import measure, report


def timing(
    role: str, page: str, first: float, repeat: float, problem: str = "", cold: float = 0.0
) -> dict:
    return {
        "role": role,
        "page": page,
        "first": first,
        "repeat": repeat,
        "cold": cold or first,
        "problem": problem,
    }


def result(scale: int, pages: list[dict], operations: dict, memory: float = 300.0) -> dict:
    return {
        "engine": "sqlite",
        "scale": scale,
        "rows": {"region": 7 * scale, "metric_value": 140_000 * scale},
        "pages": pages,
        "operations": operations,
        "pages_peak_memory_mb": memory,
        "peak_memory_mb": memory,
    }


def test_page_budgets_name_what_is_broken():
    quick = {1: timing("admin", "Overview", 0.2, 0.1), 10: timing("admin", "Overview", 0.3, 0.1)}
    assert report.page_verdict(quick) == report.Verdict("within budget", True)
    slow = {1: timing("admin", "Compare", 0.5, 0.3), 10: timing("admin", "Compare", 2.5, 0.3)}
    verdict = report.page_verdict(slow)
    assert not verdict.ok
    assert "repeat run 0.30 s" in verdict.text
    assert "first run at scale 10 2.50 s" in verdict.text
    assert "scale 10 is 5.0× scale 1" in verdict.text
    # A cold run (every cache emptied) is held to the first-run budgets; growth is not
    # asked of it (national pages show ten times as many regions at scale 10).
    cold = {
        1: timing("admin", "Compare", 0.2, 0.1, cold=1.2),
        10: timing("admin", "Compare", 0.3, 0.1, cold=1.9),
    }
    assert report.page_verdict(cold).text == "cold run 1.20 s ≥ 1.0 s"
    failed = {1: timing("admin", "Themes", 0.1, 0.1, "KeyError: 'x'")}
    assert report.page_verdict(failed) == report.Verdict("KeyError: 'x'", False)


def test_the_report_counts_every_broken_budget():
    results = [
        result(1, [timing("admin", "Overview", 0.2, 0.1)], {"Save 100 edited values": 0.1}),
        result(
            10,
            [timing("admin", "Overview", 0.3, 0.1)],
            {"Save 100 edited values": 0.4, "Meeting pack (PDF)": 4.0},
            memory=600.0,
        ),
    ]
    text, failures = report.markdown(results, "2 cores", "2026-11-26 12:00")
    # The save at scale 10 (0.4 s), and both memory readings at scale 10 (600 MB).
    assert failures == 3
    assert (
        "| SQLite | Overview | 0.20 | 0.10 | 0.20 | 0.30 | 0.10 | 0.30 | 1.5× | within budget |"
        in text
    )
    assert "| SQLite | 10 | Save 100 edited values | 0.40 | over 0.3 s |" in text
    assert "| SQLite | 10 | Meeting pack (PDF) | 4.00 | within 5.0 s |" in text
    assert "over 500 MB" in text
    assert "Machine: 2 cores." in text


def test_the_timed_writes_are_valid_for_the_app(demo_engine):
    with Session(demo_engine) as session:
        london = session.scalar(select(Region.id).where(Region.code == "london"))
    assert measure.save_some_values(demo_engine, london, 5) == 5
    data = measure.import_file(demo_engine, london, 50)
    preview = preview_metric_values(demo_engine, SYSTEM_ACTOR, data, "benchmark.csv")
    assert not preview.problems, preview.problems[:3]
    assert preview.counts.updated == 50


def test_the_readme_documents_the_benchmark_and_its_figures():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    assert "python -m tests.benchmarks" in readme
    assert "Budgets broken:" in readme, "the latest figures are recorded"
