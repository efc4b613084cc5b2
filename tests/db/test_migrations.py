"""A database made at the first schema revision and filled with data upgrades to the
latest revision with nothing lost, on both engines; two processes upgrading one new
PostgreSQL database at once upgrade it once."""

import pytest
from sqlalchemy import MetaData, inspect, select, text

from db.engine import current_revision, upgrade_schema
from db.models import Base
from seed.demo import seed_demo_if_empty


def every_table(engine, metadata: MetaData) -> dict[str, list[tuple]]:
    with engine.connect() as connection:
        return {
            name: sorted(tuple(str(v) for v in row) for row in connection.execute(select(table)))
            for name, table in metadata.tables.items()
        }


def _before_national_bodies(table: str, row, national_meetings: set[int]) -> bool:
    """False for a national body's meeting and its decisions (rows no revision before
    0012 can hold)."""
    if table == "forum_meeting":
        return row["id"] not in national_meetings
    if table == "meeting_decision":
        return row["meeting_id"] not in national_meetings
    return True


def fill_first_revision(engine, source) -> MetaData:
    """The demo data (made on the latest schema in ``source``) copied into a database at
    revision 0001, column by column, as far as that revision has the columns."""
    old = MetaData()
    old.reflect(engine)
    old.remove(old.tables["alembic_version"])
    with source.connect() as reading, engine.begin() as writing:
        # Meetings of national bodies (migration 0012) cannot exist before it.
        meetings = Base.metadata.tables["forum_meeting"]
        national_meetings = set(
            reading.execute(select(meetings.c.id).where(meetings.c.body_id.is_not(None))).scalars()
        )
        for table in Base.metadata.sorted_tables:
            if table.name not in old.tables:
                continue
            target = old.tables[table.name]
            columns = [c for c in table.columns if c.name in target.columns]
            rows = [
                dict(r._mapping)
                for r in reading.execute(select(*columns))
                if _before_national_bodies(table.name, r._mapping, national_meetings)
            ]
            if rows:
                writing.execute(target.insert(), rows)
        if writing.dialect.name == "postgresql":
            # The rows came with their ids: move each id sequence past them, as a
            # database that made the rows itself would have it.
            for name, target in old.tables.items():
                if "id" in target.columns and target.c.id.primary_key:
                    writing.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                            f"COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)"
                        )
                    )
    return old


def test_upgrade_from_the_first_revision_keeps_every_row(database_kind):
    if database_kind.unavailable:
        pytest.skip(database_kind.unavailable)
    _url, source = database_kind.new()
    upgrade_schema(source)
    seed_demo_if_empty(source)
    _url, engine = database_kind.new()
    upgrade_schema(engine, "0001")
    assert current_revision(engine) == "0001"
    old = fill_first_revision(engine, source)
    before = every_table(engine, old)
    assert sum(len(rows) for rows in before.values()) > 10_000
    upgrade_schema(engine)
    assert current_revision(engine) != "0001"
    after = every_table(engine, old)
    # Nothing lost or changed; data migrations only add their own audit events.
    events_after, events_before = set(after.pop("audit_event")), set(before.pop("audit_event"))
    assert events_before <= events_after
    assert after == before
    added = events_after - events_before
    assert all(row[3].startswith("system (migration") for row in added)
    indexes = {i["name"] for i in inspect(engine).get_indexes("audit_event")}
    assert "ix_audit_event_type_region_id" in indexes


def test_metrics_count_people_unless_they_count_events_or_organisations(database_kind):
    """Migration 0006: every existing metric is taken to count people (the safe reading)
    except the national core metrics that count agreements, organisations, sessions and
    events."""
    if database_kind.unavailable:
        pytest.skip(database_kind.unavailable)
    _url, source = database_kind.new()
    upgrade_schema(source)
    seed_demo_if_empty(source)
    _url, engine = database_kind.new()
    upgrade_schema(engine, "0005")
    fill_first_revision(engine, source)
    upgrade_schema(engine)
    metric = Base.metadata.tables["metric"]
    with engine.connect() as connection:
        flags = {r.code: r.counts_people for r in connection.execute(select(metric))}
    assert {code for code, people in flags.items() if not people} == {
        "PW01",
        "PW02",
        "CP01",
        "CL01",
    }


def test_organisation_wide_actions_and_plan_titles_are_migrated(database_kind):
    """Migration 0007: LG1, WF2 and WF3 become organisation-wide (a region's earlier copy
    keeps its row and history but leaves the region's plan); SD3's and MH2's titles say
    what the plan says wherever they are still the first seed's words; every region
    starts with no project aim of its own and every action's themes unconfirmed."""
    from sqlalchemy import func
    from sqlalchemy.orm import Session

    from db import plan

    if database_kind.unavailable:
        pytest.skip(database_kind.unavailable)
    _url, source = database_kind.new()
    upgrade_schema(source)
    seed_demo_if_empty(source)
    _url, engine = database_kind.new()
    upgrade_schema(engine, "0006")
    old = fill_first_revision(engine, source)
    action = old.tables["plan_action"]
    titles = {
        "SD3": "Use feedback from ICBs, councils and culturally appropriate advocacy",
        "MH2": "AMHE Plan in Operations plans, with 3 place-based projects",
    }
    with engine.begin() as connection:
        for code, title in titles.items():
            connection.execute(action.update().where(action.c.code == code).values(title=title))
        london = connection.scalar(
            select(old.tables["region"].c.id).where(old.tables["region"].c.code == "london")
        )
        # London reworded its SD3 copy: its own words are kept.
        connection.execute(
            action.update()
            .where(action.c.code == "SD3", action.c.region_id == london)
            .values(title="London's own SD3")
        )
        # A copy of LG1, as the demo made before LG1 was organisation-wide.
        lg1 = (
            connection.execute(
                select(action).where(action.c.code == "LG1", action.c.region_id.is_(None))
            )
            .one()
            ._asdict()
        )
        copy = {**lg1, "region_id": london, "template_id": lg1["id"], "owner": "Regional lead"}
        del copy["id"]
        copy_id = connection.execute(action.insert().values(copy)).inserted_primary_key[0]
        events = connection.scalar(select(func.count()).select_from(old.tables["audit_event"]))

    upgrade_schema(engine)
    plan_action = Base.metadata.tables["plan_action"]
    with engine.connect() as connection:
        rows = connection.execute(select(plan_action)).all()
        audit = Base.metadata.tables["audit_event"]
        added = connection.execute(select(audit).where(audit.c.id > 0)).all()[events:]
        aims = connection.execute(select(Base.metadata.tables["region"].c.project_aim)).all()
    wide = {r.code for r in rows if r.organisation_wide}
    assert wide == {"LG1", "WF2", "WF3"}
    assert all(r.region_id is None for r in rows if r.organisation_wide)
    sd3 = {r.title for r in rows if r.code == "SD3"}
    assert sd3 == {
        "London's own SD3",
        "Work closely with councils, ICBs and ICSs; use feedback from culturally "
        "appropriate advocacy services",
    }
    assert {r.title for r in rows if r.code == "MH2"} == {
        "AMHE Plan in Operations plans, with at least three place-based projects"
    }
    assert all(r.themes_confirmed_at is None for r in rows)
    assert all(aim is None for (aim,) in aims)
    assert {e.username for e in added} == {"system (migration 0007)"}
    assert sum(1 for e in added if e.after == {"organisation_wide": True}) == 3
    renamed = sum(1 for r in rows if r.code in titles and not r.title.startswith("London"))
    assert sum(1 for e in added if "title" in (e.after or {})) == renamed
    with Session(engine) as session:
        assert any(r.id == copy_id for r in rows)  # kept, with its history
        assert plan.superseded_copies(session, london)["id"].tolist() == [copy_id]
        assert copy_id not in plan.region_actions(session, london)["id"].tolist()


def test_the_models_and_the_migrations_agree(engine):
    """A database upgraded to the newest revision is what db/models.py describes: a
    change to the models needs its migration (python -m db.manage revision -m ...)."""
    from db.engine import schema_differences

    assert schema_differences(engine) == []


def test_manage_revision_writes_the_next_migration_from_the_models(tmp_path, capsys, monkeypatch):
    """``python -m db.manage revision`` numbers the migration after the newest and finds
    what the models add (here a table added for the test), in the repository's style."""
    import shutil
    import subprocess
    import sys

    from sqlalchemy import Column, Integer, String, Table

    from db import manage
    from db.engine import MIGRATIONS_DIR, new_revision

    migrations = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, migrations, ignore=shutil.ignore_patterns("__pycache__"))
    newest = max(p.name[:4] for p in (migrations / "versions").glob("[0-9]*.py"))
    number = f"{int(newest) + 1:04d}"

    probe = Table(
        "migration_probe",
        Base.metadata,
        Column("id", Integer, primary_key=True),
        Column("name", String(20)),
    )
    try:
        path, changed = new_revision("add the probe", migrations)
    finally:
        Base.metadata.remove(probe)
    assert changed
    assert path.name == f"{number}_add_the_probe.py"
    source = path.read_text()
    assert f'revision: str = "{number}"' in source
    assert f'down_revision: str | Sequence[str] | None = "{newest}"' in source
    assert 'create_table(\n        "migration_probe"' in source
    assert 'drop_table("migration_probe")' in source
    ruff = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", str(path)], capture_output=True
    )
    assert ruff.returncode == 0, ruff.stdout

    # The command line: the models without the probe now drop the table again.
    path.unlink()
    monkeypatch.setattr(manage, "new_revision", lambda message: new_revision(message, migrations))
    assert manage.main(["revision", "-m", "Nothing new"]) == 0
    written = next((migrations / "versions").glob(f"{number}_*.py"))
    assert written.name == f"{number}_nothing_new.py"
    assert "it is empty" in capsys.readouterr().out


#: How long the upgrade processes get to start and ask for the migrations' lock, and
#: then to finish.
PROCESS_TIMEOUT_S = 120


def _upgrade_lock() -> int:
    """db/migrations/env.py's UPGRADE_LOCK (env.py runs Alembic when imported)."""
    import re

    from db.engine import MIGRATIONS_DIR

    source = (MIGRATIONS_DIR / "env.py").read_text()
    found = re.search(r"^UPGRADE_LOCK = (0x[0-9A-Fa-f]+)$", source, re.MULTILINE)
    assert found, "db/migrations/env.py no longer defines UPGRADE_LOCK = 0x..."
    return int(found.group(1), 16)


def _finished_output(processes) -> str:
    return "\n".join(
        f"--- upgrade process {n} (exit code {p.returncode}):\n{p.communicate()[0]}"
        for n, p in enumerate(processes, 1)
        if p.poll() is not None
    )


def _wait_until_both_wait_for(holder, lock: int, database: str, processes) -> None:
    """Return once both ``processes`` are waiting for the advisory ``lock`` (which the
    connection ``holder`` holds) in ``database``."""
    import time

    waiting_query = text(
        "SELECT count(*) FROM pg_locks JOIN pg_database ON pg_database.oid = pg_locks.database"
        " WHERE locktype = 'advisory' AND NOT granted AND datname = :name"
        " AND classid = :high AND objid = :low"
    )
    key = {"name": database, "high": lock >> 32, "low": lock & 0xFFFFFFFF}
    deadline = time.monotonic() + PROCESS_TIMEOUT_S
    while True:
        waiting = holder.execute(waiting_query, key).scalar_one()
        holder.commit()
        if waiting == len(processes):
            return
        if any(p.poll() is not None for p in processes):
            pytest.fail(
                "An upgrade process ended while the test held the migrations' lock, before "
                f"both were waiting for it:\n{_finished_output(processes)}",
                pytrace=False,
            )
        if time.monotonic() > deadline:
            pytest.fail(
                f"After {PROCESS_TIMEOUT_S} s only {waiting} of the {len(processes)} upgrade "
                "processes were waiting for the migrations' advisory lock.",
                pytrace=False,
            )
        time.sleep(0.2)


def test_two_processes_upgrading_one_new_database_at_once_upgrade_it_once(tmp_path):
    """``python -m db.manage upgrade`` run twice at once, as two processes, on one new
    PostgreSQL database (as two app hosts starting together would): both succeed, the
    schema is at the newest revision once and the reference data is loaded once.

    The test holds the migrations' advisory lock until both processes are waiting for
    it, so that they really do ask at the same moment; then it lets them go."""
    import subprocess
    import sys

    from alembic.script import ScriptDirectory
    from sqlalchemy import func
    from sqlalchemy.orm import Session

    from db.engine import MIGRATIONS_DIR
    from db.models import ActionArea, Characteristic, PlanAction, Region, Theme
    from seed import reference as ref
    from tests.conftest import DatabaseMaker, skip_or_fail

    lock = _upgrade_lock()
    maker = DatabaseMaker("postgresql", tmp_path)
    if maker.unavailable:
        skip_or_fail(maker.unavailable)
    processes: list[subprocess.Popen] = []
    try:
        url, engine = maker.new()
        command = [sys.executable, "-m", "db.manage", "--database-url", url, "upgrade"]
        with engine.connect() as holder:
            holder.execute(text("SELECT pg_advisory_lock(:key)"), {"key": lock})
            holder.commit()
            processes = [
                subprocess.Popen(
                    command,
                    cwd=MIGRATIONS_DIR.parents[1],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                )
                for _ in range(2)
            ]
            _wait_until_both_wait_for(holder, lock, url.rsplit("/", 1)[1], processes)
            holder.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": lock})
            holder.commit()
        for number, process in enumerate(processes, 1):
            try:
                output = process.communicate(timeout=PROCESS_TIMEOUT_S)[0]
            except subprocess.TimeoutExpired:
                process.kill()
                output = process.communicate()[0]
                pytest.fail(
                    f"Upgrade process {number} took over {PROCESS_TIMEOUT_S} s after the "
                    f"lock was let go:\n{output}",
                    pytrace=False,
                )
            assert process.returncode == 0, (
                f"Upgrade process {number} exited with code {process.returncode}:\n{output}"
            )

        head = ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()
        with Session(engine) as session:
            versions = session.scalars(text("SELECT version_num FROM alembic_version")).all()
            assert versions == [head], f"alembic_version holds {versions}, not {head!r} once"
            for model, expected in (
                (Theme, len(ref.ALL_THEMES)),
                (ActionArea, len(ref.ACTION_AREAS)),
                (Region, len(ref.REGIONS)),
                (Characteristic, len(ref.CHARACTERISTICS)),
                (PlanAction, len(ref.PLAN_ACTIONS)),
            ):
                count = session.scalar(select(func.count()).select_from(model))
                assert count == expected, (
                    f"{count} rows in {model.__tablename__}, not {expected}: the reference "
                    "data was loaded more than once, or not at all"
                )
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)
        maker.close()
