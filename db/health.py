"""A health check for the reverse proxy: is the database reachable?

    python -m db.health [--host 127.0.0.1] [--port 8500] [--timeout 2]

Streamlit's own ``/_stcore/health`` says only that the app server is up. This small
process (standard library HTTP server, no Streamlit) answers ``GET /health`` (or ``/``)
with ``200 ok`` when ``SELECT 1`` succeeds on the app's database within the timeout, and
``503`` with a short reason otherwise. The database URL is read as the app reads it
(core.config.load_settings). Streamlit 1.67's ``st.App`` can add routes, but only when
the app itself is started through it (experimental); a separate process keeps app.py
and ``streamlit run`` as they are. See deploy/ and the README.
"""

from __future__ import annotations

import argparse
import math
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from core.config import ConfigError, load_settings

DEFAULT_PORT = 8500
DEFAULT_TIMEOUT = 2.0
PATHS = {"/", "/health", "/healthz"}


def probe_engine(url: str, timeout: float) -> Engine:
    """An engine that opens a fresh connection for every check (no pool to hide an
    outage), giving up on connecting and on the query after ``timeout`` seconds."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        return create_engine(
            parsed.set(drivername="postgresql+psycopg"),
            poolclass=NullPool,
            connect_args={
                "connect_timeout": max(1, math.ceil(timeout)),
                "options": f"-c statement_timeout={max(1, int(timeout * 1000))}",
            },
        )
    return create_engine(parsed, poolclass=NullPool, connect_args={"timeout": timeout})


def database_problem(engine: Engine, timeout: float) -> str | None:
    """None when ``SELECT 1`` answers within ``timeout`` seconds, else a short reason
    (never the URL or its password)."""
    outcome: list[str | None] = []

    def check() -> None:
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1")).scalar_one()
            outcome.append(None)
        except Exception as exc:  # pylint: disable=broad-exception-caught
            outcome.append(f"database unreachable ({type(exc).__name__})")

    worker = threading.Thread(target=check, daemon=True)
    worker.start()
    worker.join(timeout)
    if not outcome:
        return f"database did not answer within {timeout:g} s"
    return outcome[0]


def handler_for(problem: Callable[[], str | None]) -> type[BaseHTTPRequestHandler]:
    """A request handler answering 200 ok, or 503 and the reason ``problem`` gives."""

    class HealthHandler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._answer(with_body=True)

        def do_HEAD(self) -> None:
            self._answer(with_body=False)

        def _answer(self, *, with_body: bool) -> None:
            if self.path.split("?", 1)[0] not in PATHS:
                status, body = 404, "not found\n"
            else:
                reason = problem()
                status, body = (200, "ok\n") if reason is None else (503, f"{reason}\n")
            data = body.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if with_body:
                self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the proxy asks every few seconds."""

    return HealthHandler


def make_server(url: str, host: str, port: int, timeout: float) -> ThreadingHTTPServer:
    """The health server for the database at ``url`` (port 0: any free port)."""
    engine = probe_engine(url, timeout)
    server = ThreadingHTTPServer(
        (host, port), handler_for(lambda: database_problem(engine, timeout))
    )
    server.daemon_threads = True
    return server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m db.health", description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT)
    args = parser.parse_args(argv)
    try:
        url = load_settings(require_cookie_key=False).database_url
    except ConfigError as exc:
        parser.exit(2, f"{exc}\n")
    server = make_server(url, args.host, args.port, args.timeout)
    print(f"Health check on http://{args.host}:{server.server_address[1]}/health", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
