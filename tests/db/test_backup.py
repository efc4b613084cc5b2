"""Backup and restore round trip on both engines: every table comes back the same."""

from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from db.backup import backup, restore
from db.manage import main as manage
from db.models import Base, FeedbackItem, MetricValue


def every_table(engine) -> dict[str, list[tuple]]:
    with engine.connect() as connection:
        return {
            name: sorted(
                tuple(str(v) for v in row) for row in connection.execute(select(table)).all()
            )
            for name, table in Base.metadata.tables.items()
        }


def test_round_trip_restores_every_table(demo_engine, tmp_path):
    original = every_table(demo_engine)
    path = tmp_path / "amhe.backup"
    backup(demo_engine, path)
    assert path.stat().st_size > 0
    with Session(demo_engine) as session, session.begin():
        session.execute(delete(FeedbackItem))
        session.execute(text("UPDATE metric_value SET value = -1"))
    assert every_table(demo_engine) != original
    restore(demo_engine, path)
    assert every_table(demo_engine) == original
    with Session(demo_engine) as session:
        assert session.scalar(select(MetricValue.value).limit(1)) != -1


def test_command_line_backup_and_restore(demo_engine, tmp_path, capsys):
    url = demo_engine.url.render_as_string(hide_password=False)
    path = tmp_path / "cli.backup"
    assert manage(["--database-url", url, "backup", str(path)]) == 0
    assert manage(["--database-url", url, "restore", str(path)]) == 0
    assert manage(["--database-url", url, "restore", str(tmp_path / "missing")]) == 1
    assert "no backup file" in capsys.readouterr().err
