"""The proxy's health check (db.health): 200 when the database answers, 503 when not."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager

import pytest

from core.config import PROJECT_ROOT
from db.health import make_server


@contextmanager
def serving(url: str, timeout: float = 2.0):
    server = make_server(url, "127.0.0.1", 0, timeout)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def get(address: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(address, timeout=15) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_reachable_database_is_ok(engine):
    url = engine.url.render_as_string(hide_password=False)
    with serving(url) as address:
        assert get(f"{address}/health") == (200, "ok\n")
        assert get(address + "/") == (200, "ok\n")
        assert get(f"{address}/other")[0] == 404


def test_an_unreachable_database_is_503_with_a_short_reason():
    url = f"postgresql+psycopg://postgres:secret-word@127.0.0.1:{_closed_port()}/amhe"
    with serving(url) as address:
        started = time.monotonic()
        status, body = get(f"{address}/health")
    assert status == 503
    assert body.startswith("database unreachable")
    assert "secret-word" not in body and "127.0.0.1" not in body
    assert time.monotonic() - started < 10


def test_a_database_that_never_answers_is_503_within_the_timeout():
    # A listening socket that accepts and says nothing: the connection hangs.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"postgresql+psycopg://postgres@127.0.0.1:{silent.getsockname()[1]}/amhe"
        with serving(url, timeout=1.0) as address:
            started = time.monotonic()
            status, body = get(f"{address}/health")
            took = time.monotonic() - started
    assert status == 503
    assert "did not answer within 1 s" in body
    assert took < 5


def test_the_command_reads_the_database_url_as_the_app_does(engine, tmp_path):
    url = engine.url.render_as_string(hide_password=False)
    port = _closed_port()
    env = {**os.environ, "AMHE_DATABASE_URL": url, "AMHE_DEMO": "0"}
    env.pop("AMHE_COOKIE_KEY", None)  # not needed: the health check signs nobody in
    process = subprocess.Popen(
        [sys.executable, "-m", "db.health", "--port", str(port)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                assert get(f"http://127.0.0.1:{port}/health") == (200, "ok\n")
                break
            except urllib.error.URLError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"db.health did not start: {process.stdout.read()}")
                time.sleep(0.2)
    finally:
        process.terminate()
        process.wait(timeout=10)
