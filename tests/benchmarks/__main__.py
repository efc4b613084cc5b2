"""The performance benchmark: every page, the writes and the reports, at national scale.

    python -m tests.benchmarks [--engines sqlite postgresql] [--scales 1 10]
                               [--out data/bench/benchmark.md]
                               [--browser | --browser-only] [--browser-runs sqlite:1 ...]

For each engine and scale it builds the synthetic data once (``seed.synthetic``, kept in
``data/bench`` and in PostgreSQL databases ``amhe_bench_scaleN``), copies it, measures the
copy in a fresh process (``tests.benchmarks.measure``), prints one table and writes it to
``--out``. Exits 1 when a budget is broken. PostgreSQL is reached at
``AMHE_TEST_POSTGRES_URL`` (default: postgres on 127.0.0.1:5432). A benchmark, not a test:
it takes about half an hour on a 2-core machine, so the test suite does not run it.

``--browser`` adds the browser benchmark (``tests.benchmarks.browser``: every page, the
sign-in and every download in Chromium, as ratios to a floor page) for each of
``--browser-runs`` (engine:scale; by default SQLite at scales 1 and 10 and PostgreSQL at
scale 1), written to ``--browser-out``; ``--browser-only`` runs just that.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.benchmarks import browser_report
from tests.benchmarks.report import markdown

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def _postgres_admin():
    url = os.environ.get("AMHE_TEST_POSTGRES_URL", DEFAULT_POSTGRES)
    return create_engine(url, isolation_level="AUTOCOMMIT")


def _database_exists(admin, name: str) -> bool:
    with admin.connect() as conn:
        found = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        return found.first() is not None


def _postgres_url(admin, name: str) -> str:
    return make_url(admin.url).set(database=name).render_as_string(hide_password=False)


def _build(url: str, scale: int) -> None:
    print(f"Building the synthetic data at scale {scale}: {url}", flush=True)
    command = [sys.executable, "-m", "seed.synthetic", "--scale", str(scale)]
    subprocess.run([*command, "--database-url", url], cwd=ROOT, check=True)


def sqlite_copy(data_dir: Path, scale: int) -> str:
    """A fresh copy of the scale's SQLite synthetic database (built the first time)."""
    pristine = data_dir / f"synthetic-scale{scale}.sqlite"
    if not pristine.exists():
        building = pristine.with_suffix(".building")
        building.unlink(missing_ok=True)
        _build(f"sqlite:///{building}", scale)
        building.rename(pristine)
    copy = data_dir / f"run-scale{scale}.sqlite"
    for stale in data_dir.glob(f"run-scale{scale}.sqlite*"):
        stale.unlink()
    shutil.copyfile(pristine, copy)
    return f"sqlite:///{copy}"


def postgres_copy(scale: int) -> str:
    """A fresh copy (CREATE DATABASE ... TEMPLATE) of the scale's PostgreSQL database."""
    admin = _postgres_admin()
    pristine, copy = f"amhe_bench_scale{scale}", f"amhe_bench_run_scale{scale}"
    if not _database_exists(admin, pristine):
        building = f"{pristine}_building"
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{building}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{building}"'))
        _build(_postgres_url(admin, building), scale)
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{building}" RENAME TO "{pristine}"'))
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{copy}" TEMPLATE "{pristine}"'))
    admin.dispose()
    return _postgres_url(admin, copy)


def measure(engine: str, scale: int, url: str) -> dict:
    print(f"Measuring {engine} at scale {scale} ...", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "result.json"
        command = [sys.executable, "-m", "tests.benchmarks.measure", "--database-url", url]
        command += ["--engine", engine, "--scale", str(scale), "--out", str(out)]
        subprocess.run(command, cwd=ROOT, check=True)
        return json.loads(out.read_text())


def measure_browser(engine: str, scale: int, url: str, args: argparse.Namespace) -> dict:
    print(f"Measuring {engine} at scale {scale} in the browser ...", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "result.json"
        command = [sys.executable, "-m", "tests.benchmarks.browser", "--database-url", url]
        command += ["--engine", engine, "--scale", str(scale), "--out", str(out)]
        command += ["--rounds", str(args.rounds), "--soak-minutes", str(args.soak_minutes)]
        if args.post_script_gc:
            command += ["--post-script-gc", args.post_script_gc]
        subprocess.run(command, cwd=ROOT, check=True)
        return json.loads(out.read_text())


def browser_run(text: str) -> tuple[str, int]:
    """``sqlite:10`` -> ("sqlite", 10)."""
    engine, _, scale = text.partition(":")
    if engine not in ("sqlite", "postgresql") or not scale.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not engine:scale, e.g. sqlite:10")
    return engine, int(scale)


def run_browser(args: argparse.Namespace) -> int:
    results = []
    for engine, scale in args.browser_runs:
        url = sqlite_copy(args.data_dir, scale) if engine == "sqlite" else postgres_copy(scale)
        results.append(measure_browser(engine, scale, url, args))
    when = datetime.now().strftime("%Y-%m-%d %H:%M")
    report, failures = browser_report.markdown(results, machine(), when)
    args.browser_out.parent.mkdir(parents=True, exist_ok=True)
    args.browser_out.write_text(report, encoding="utf-8")
    args.browser_out.with_suffix(".json").write_text(json.dumps(results, indent=1), "utf-8")
    print(report)
    print(f"Written to {args.browser_out}")
    return failures


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GiB memory"
    except (OSError, ValueError, IndexError):
        pass
    return (
        f"{os.cpu_count()} cores ({cpu}){memory}, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The AMHE performance benchmark.")
    parser.add_argument("--engines", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--scales", nargs="+", type=int, default=[1, 10])
    parser.add_argument("--data-dir", type=Path, default=ROOT / "data" / "bench")
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "bench" / "benchmark.md")
    parser.add_argument("--browser", action="store_true", help="add the browser benchmark")
    parser.add_argument("--browser-only", action="store_true", help="only the browser one")
    parser.add_argument(
        "--browser-runs",
        nargs="+",
        type=browser_run,
        default=[("sqlite", 1), ("sqlite", 10), ("postgresql", 1)],
        help="engine:scale for the browser benchmark",
    )
    parser.add_argument("--browser-out", type=Path, default=ROOT / "data" / "bench" / "browser.md")
    parser.add_argument("--rounds", type=int, default=5, help="browser rounds (medians)")
    parser.add_argument("--post-script-gc", choices=("true", "false"), help="browser server's")
    parser.add_argument("--soak-minutes", type=float, default=0, help="browser, afterwards")
    args = parser.parse_args(argv)
    args.data_dir.mkdir(parents=True, exist_ok=True)
    if args.browser_only:
        return 1 if run_browser(args) else 0
    browser_failures = run_browser(args) if args.browser else 0
    results = []
    for engine in args.engines:
        for scale in args.scales:
            url = sqlite_copy(args.data_dir, scale) if engine == "sqlite" else postgres_copy(scale)
            results.append(measure(engine, scale, url))
    report, failures = markdown(results, machine(), datetime.now().strftime("%Y-%m-%d %H:%M"))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report, encoding="utf-8")
    (args.out.with_suffix(".json")).write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(report)
    print(f"Written to {args.out}")
    return 1 if failures or browser_failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
