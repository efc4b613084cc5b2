"""deploy/: the files an operator copies for several app processes behind nginx. Each
command they run exists, every setting the README lists is in the settings example, and
the proxy keeps a person on one process with its websocket."""

from __future__ import annotations

import configparser
import importlib
import re
import shlex
from pathlib import Path

import pytest

from db import health
from db.manage import _parser as manage_parser

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*"))
NGINX = (DEPLOY / "nginx" / "amhe.conf").read_text()


def unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read_string(path.read_text())
    return parser


def manage_commands() -> set[str]:
    sub = next(a for a in manage_parser()._actions if a.dest == "command")
    return set(sub.choices)


@pytest.mark.parametrize("path", UNITS, ids=lambda p: p.name)
def test_each_unit_runs_a_command_that_exists(path: Path):
    parsed = unit(path)
    if "Service" not in parsed:
        return
    words = shlex.split(parsed["Service"]["ExecStart"])
    assert words[0] == "/srv/amhe/.venv/bin/python" and words[1] == "-m", words
    module, rest = words[2], words[3:]
    importlib.import_module(module if module != "streamlit" else "streamlit.web.cli")
    if module == "db.manage":
        assert rest[0] in manage_commands(), rest
    if module == "streamlit":
        assert rest[:2] == ["run", "app.py"] and (ROOT / "app.py").exists()
    assert parsed["Service"]["EnvironmentFile"] == "/etc/amhe/amhe.env"


def test_migrations_run_once_before_the_app_processes():
    app = unit(DEPLOY / "systemd" / "amhe@.service")["Unit"]
    assert "amhe-migrate.service" in app["Requires"] and "amhe-migrate.service" in app["After"]
    migrate = unit(DEPLOY / "systemd" / "amhe-migrate.service")["Service"]
    assert migrate["Type"] == "oneshot"
    assert shlex.split(migrate["ExecStart"])[-1] == "upgrade"


def test_every_app_process_is_behind_the_proxy_and_health_is_where_it_listens():
    wanted = unit(DEPLOY / "systemd" / "amhe.target")["Unit"]["Wants"].split()
    ports = sorted(re.findall(r"amhe@(\d+)\.service", " ".join(wanted)))
    upstream = re.search(r"upstream amhe_app \{(.*?)\}", NGINX, re.S).group(1)
    assert sorted(re.findall(r"127\.0\.0\.1:(\d+);", upstream)) == ports and len(ports) >= 2
    health_unit = unit(DEPLOY / "systemd" / "amhe-health.service")["Service"]
    port = shlex.split(health_unit["ExecStart"])[-1]
    assert port == str(health.DEFAULT_PORT)
    assert f"server 127.0.0.1:{port};" in NGINX and "location = /health" in NGINX


def test_the_proxy_keeps_a_person_on_one_process_with_its_websocket():
    upstream = re.search(r"upstream amhe_app \{(.*?)\}", NGINX, re.S).group(1)
    assert "ip_hash;" in upstream or re.search(r"hash \$cookie_\w+", upstream)
    assert "proxy_set_header Upgrade $http_upgrade;" in NGINX
    assert "proxy_set_header Connection $connection_upgrade;" in NGINX
    assert "proxy_http_version 1.1;" in NGINX


def test_the_settings_example_has_every_setting_the_readme_lists():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Configuration for production", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"^\| `(AMHE_[A-Z_]+)`", section, re.M))
    assert {"AMHE_DATABASE_URL", "AMHE_COOKIE_KEY"} <= listed
    example = (DEPLOY / "amhe.env.example").read_text()
    named = set(re.findall(r"^#?(AMHE_[A-Z_]+)=", example, re.M))
    assert listed - {"AMHE_DEMO"} <= named, listed - named
    assert "deploy/" in readme, "the README points to deploy/"
