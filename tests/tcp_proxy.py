"""A loopback TCP proxy a test controls, to cut and restore the app's database connection.

    with TcpProxy(5432) as proxy:              # listens on 127.0.0.1:proxy.port
        url = f"postgresql+psycopg://postgres@127.0.0.1:{proxy.port}/amhe_test"
        ...
        proxy.cut()       # every open connection closed; new ones closed at once
        proxy.hold()      # every open connection closed; new ones accepted, never answered
        proxy.restore()   # forwards again

Each accepted connection is forwarded to the target by two threads, one each way. A cut
is what the app sees when the database server goes away or restarts (its connections end,
and a new one is turned away); a hold is a database that packets no longer reach (a new
connection waits for an answer that never comes, until the client's own timeout).
"""

from __future__ import annotations

import contextlib
import socket
import threading
from types import TracebackType

CHUNK = 65536
#: How often the accepting thread looks whether the proxy was closed.
ACCEPT_POLL_S = 0.1

FORWARD = "forward"
CUT = "cut"
HOLD = "hold"


def _end(sock: socket.socket) -> None:
    """Close ``sock`` at once, waking any thread blocked reading it."""
    with contextlib.suppress(OSError):  # never connected, or already shut
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


class TcpProxy:
    """Forwards 127.0.0.1:``port`` to ``target_host``:``target_port`` until told not to."""

    def __init__(self, target_port: int, target_host: str = "127.0.0.1") -> None:
        self.target = (target_host, target_port)
        self.state = FORWARD
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(ACCEPT_POLL_S)
        self.port: int = self._listener.getsockname()[1]
        self._closed = threading.Event()
        self._acceptor = threading.Thread(target=self._accept_loop, daemon=True)
        self._acceptor.start()

    def cut(self) -> None:
        """End every open connection; from now on a new one is closed as soon as made."""
        self._switch(CUT)

    def hold(self) -> None:
        """End every open connection; from now on a new one is accepted and never answered."""
        self._switch(HOLD)

    def restore(self) -> None:
        """Forward new connections again (connections ended by a cut stay ended)."""
        self._switch(FORWARD)

    def close(self) -> None:
        """Stop listening and end every connection."""
        self._closed.set()
        self._switch(CUT)
        self._acceptor.join(timeout=5)
        self._listener.close()

    @property
    def open_connections(self) -> int:
        """How many sockets (either side of a forwarded connection, or held) are open."""
        with self._lock:
            return len(self._open)

    def __enter__(self) -> TcpProxy:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _switch(self, state: str) -> None:
        with self._lock:
            self.state = state
            ending = list(self._open) if state != FORWARD else []
            self._open.difference_update(ending)
        for sock in ending:
            _end(sock)

    def _accept_loop(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return  # the listener was closed
            self._take(client)

    def _take(self, client: socket.socket) -> None:
        """Forward, hold or turn away a new connection, as the proxy's state says."""
        client.settimeout(None)
        with self._lock:
            state = self.state
            if state == HOLD:
                self._open.add(client)
                return
        if state == CUT:
            _end(client)
            return
        try:
            upstream = socket.create_connection(self.target, timeout=5)
        except OSError:
            _end(client)
            return
        upstream.settimeout(None)
        with self._lock:
            if self.state != FORWARD:  # cut while connecting
                _end(client)
                _end(upstream)
                return
            self._open.update((client, upstream))
        for source, sink in ((client, upstream), (upstream, client)):
            threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        """Copy ``source`` to ``sink`` until either ends; then end both."""
        try:
            while data := source.recv(CHUNK):
                sink.sendall(data)
        except OSError:
            pass  # ended by a cut, or by the other side
        with self._lock:
            self._open.discard(source)
            self._open.discard(sink)
        _end(source)
        _end(sink)
