"""The README can never lie: its commands are the ones CI and the code use."""

from pathlib import Path

from db.manage import _parser

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def test_ci_runs_the_readme_test_command():
    assert "python dev.py test" in README
    assert "python3 dev.py test" in (ROOT / ".ci" / "run").read_text()


def test_every_manage_command_is_documented():
    usage = _parser().format_usage()  # "usage: python -m db.manage [-h] {upgrade,...} ..."
    commands = usage[usage.index("{") + 1 : usage.index("}")].split(",")
    assert "upgrade" in commands and "revision" in commands
    for name in commands:
        assert f"python -m db.manage {name}" in README, name


def test_every_setting_is_documented():
    source = (ROOT / "core" / "config.py").read_text()
    for variable in (
        "AMHE_DATABASE_URL",
        "AMHE_COOKIE_KEY",
        "AMHE_DEMO",
        "AMHE_DISCLOSURE_THRESHOLD",
    ):
        assert variable in source and variable in README
