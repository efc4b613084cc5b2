"""The loopback proxy the outage tests cut and restore (tests/tcp_proxy.py), on an echo
server: it forwards, a cut ends open connections and turns new ones away, a hold leaves
new ones unanswered, and a restore forwards again."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from tests.tcp_proxy import TcpProxy


def _echo(server: socket.socket) -> None:
    while True:
        try:
            connection, _ = server.accept()
        except OSError:
            return
        threading.Thread(target=_repeat, args=(connection,), daemon=True).start()


def _repeat(connection: socket.socket) -> None:
    with connection:
        try:
            while data := connection.recv(1024):
                connection.sendall(data)
        except OSError:
            pass


@pytest.fixture
def proxy() -> Iterator[TcpProxy]:
    server = socket.create_server(("127.0.0.1", 0))
    threading.Thread(target=_echo, args=(server,), daemon=True).start()
    with TcpProxy(server.getsockname()[1]) as made:
        yield made
    server.close()


def _connect(proxy: TcpProxy) -> socket.socket:
    return socket.create_connection(("127.0.0.1", proxy.port), timeout=2)


def _echoes(sock: socket.socket, data: bytes = b"ping") -> bool:
    """Whether ``data`` comes back; False when the connection ended instead."""
    try:
        sock.sendall(data)
        return sock.recv(1024) == data
    except OSError:
        return False


def test_it_forwards_both_ways(proxy):
    with _connect(proxy) as sock:
        assert _echoes(sock, b"hello")
        assert _echoes(sock, b"x" * 100)


def test_a_cut_ends_open_connections_and_turns_new_ones_away(proxy):
    with _connect(proxy) as before:
        assert _echoes(before)
        proxy.cut()
        assert not _echoes(before)
    with _connect(proxy) as during:
        assert not _echoes(during)
    assert proxy.open_connections == 0


def test_a_restore_forwards_new_connections_again(proxy):
    proxy.cut()
    proxy.restore()
    with _connect(proxy) as after:
        assert _echoes(after)


def test_a_hold_accepts_new_connections_and_never_answers(proxy):
    proxy.hold()
    with _connect(proxy) as held:
        held.settimeout(0.3)
        held.sendall(b"anyone?")
        with pytest.raises(TimeoutError):
            held.recv(1024)
    proxy.restore()
    with _connect(proxy) as after:
        assert _echoes(after)
