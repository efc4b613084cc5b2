"""The benchmark command (python -m tests.benchmarks): its budgets, its table, and the
writes it times, which must stay valid as the app's rules change."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.permissions import SYSTEM_ACTOR
from db.metric_import import preview_metric_values
from db.models import Region
from tests.benchmarks import browser_report, measure, report


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


# ------------------------------------------------------------------ browser benchmark


def browser_result(pages: list[dict], downloads: list[dict], sign_in: dict) -> dict:
    return {
        "engine": "postgresql",
        "scale": 10,
        "role": "admin",
        "post_script_gc": True,
        "pages": pages,
        "cold_floor": [0.4, 0.5, 0.6],
        "sign_in": sign_in,
        "downloads": downloads,
        "memory": {"peak": 401.4},
    }


def browser_page(page: str, times: list[float], cold: float, problem: str = "") -> dict:
    return {
        "page": page,
        "times": times,
        "floor": [0.4, 0.5, 0.5],
        "cold": cold,
        "problem": problem,
    }


def test_browser_budgets_are_ratios_to_the_floor_beside_them():
    assert browser_report.spread([0.9, 0.5, 0.7]) == browser_report.Spread(0.7, 0.5, 0.9)
    assert str(browser_report.spread([0.9, 0.5, 0.7])) == "0.70 (0.50–0.90)"
    assert browser_report.ratio(1.0, [0.4, 0.5, 0.6]) == 2.0
    assert browser_report.ratio(None, [0.5]) is None
    # Floor median 0.5 s: 1.0 s is exactly twice, within; the cold floor's median is 0.5 s.
    quick = browser_page("Overview", [1.0, 0.9, 1.1], cold=2.0)
    assert browser_report.page_verdict(quick, [0.4, 0.5, 0.6]).ok
    slow = browser_page("Metrics", [1.2, 1.3, 1.1], cold=2.5)
    verdict = browser_report.page_verdict(slow, [0.4, 0.5, 0.6])
    assert verdict == browser_report.Verdict(
        "median 2.4× the floor > 2×; cold 5.0× the floor > 4×", False
    )
    failed = browser_page("Themes", [0.5], cold=0.5, problem="an exception is shown")
    assert browser_report.page_verdict(failed, [0.5]).text == "an exception is shown"
    assert browser_report.sign_in_verdict({"times": [1.4], "floor": [0.5]}).ok
    assert browser_report.sign_in_verdict({"times": [1.6], "floor": [0.5]}) == (
        browser_report.Verdict("3.2× the floor > 3×", False)
    )


def test_browser_downloads_are_held_to_seconds():
    def verdict(page: str, label: str, times: list[float]) -> browser_report.Verdict:
        return browser_report.download_verdict({"page": page, "label": label, "times": times})

    pdf = "Download the report (PDF)"
    assert verdict("Annual report", pdf, [4.0, 4.5, 9.0]).text == "within 5 s"
    assert verdict("Annual report", pdf, [21.0]) == browser_report.Verdict("over 5 s", False)
    assert not verdict("Annual report", "Download the report (HTML)", [1.2]).ok
    assert verdict("Forum meeting", "Download the meeting pack (PDF)", [1.9]).ok
    assert verdict("Metrics", "Download CSV", [9.0]).text == "measured (no budget)"
    dropped = {"page": "Metrics", "label": "Download CSV", "times": [], "problem": "Timeout"}
    assert browser_report.download_verdict(dropped) == browser_report.Verdict("Timeout", False)


def test_the_browser_report_counts_every_broken_budget():
    pages = [
        browser_page("Overview", [0.6, 0.7, 0.8], cold=1.0),
        browser_page("Compare regions", [1.5, 1.6, 1.4], cold=1.5),
    ]
    downloads = [
        {
            "page": "Annual report",
            "label": "Download the report (PDF)",
            "file": "report.pdf",
            "times": [20.0, 21.0, 22.0],
            "floor": [0.5],
        }
    ]
    sign_in = {"times": [2.0, 2.1], "floor": [0.5, 0.5], "cold": 3.0}
    text, failures = browser_report.markdown(
        [browser_result(pages, downloads, sign_in)], "2 cores", "2026-12-06 12:00"
    )
    # Compare regions (3.2×), sign-in (4.1×) and the PDF (21 s).
    assert failures == 3
    assert "## PostgreSQL, scale 10, signed in as admin" in text
    assert "| Overview | 0.70 (0.60–0.80) | 0.50 | 1.4× | 1.00 | 2.0× | within budget |" in text
    assert "| Compare regions | 1.50 (1.40–1.60) | 0.50 | 3.0× |" in text
    assert "| Sign-in (click to the first page) | 2.05 (2.00–2.10) | 0.50 | 4.1× |" in text
    assert (
        "| Annual report | Download the report (PDF) | report.pdf | 21.00 (20.00–22.00) "
        "| 42.0× | over 5 s |" in text
    )
    assert "Server memory (MB): peak 401." in text
    assert "Budgets broken: 3." in text


def test_browser_runs_are_named_engine_and_scale():
    import argparse

    import pytest

    from tests.benchmarks.__main__ import browser_run

    assert browser_run("sqlite:10") == ("sqlite", 10)
    assert browser_run("postgresql:1") == ("postgresql", 1)
    with pytest.raises(argparse.ArgumentTypeError):
        browser_run("mysql:1")


def test_the_floor_page_is_added_to_the_app_without_changing_it():
    from pathlib import Path

    here = Path(__file__).resolve().parent / "benchmarks"
    entry = (here / "browser_app.py").read_text()
    assert "app.PAGES = (*app.PAGES, FLOOR)" in entry
    assert (here / "floor_page.py").exists()
    app_source = (here.parents[1] / "app.py").read_text()
    assert "floor" not in app_source.lower()
