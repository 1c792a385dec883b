"""A pooled connection the server dropped is replaced at checkout, without a round trip
per request (engine._on_checkout, in place of SQLAlchemy's pool_pre_ping)."""

from __future__ import annotations

import socket

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DisconnectionError

from factcheck.database.engine import _on_checkout
from factcheck.extensions import db


class _Driver:
    """What _on_checkout reads of a driver connection: its socket and its own state."""

    def __init__(self, sock, closed=False):
        self.sock, self.closed, self.broken = sock, closed, False

    def fileno(self):
        return self.sock.fileno()


def test_an_idle_socket_passes_and_one_with_the_servers_goodbye_does_not():
    ours, server = socket.socketpair()
    try:
        _on_checkout(_Driver(ours), None, None)  # nothing to read: healthy, no statement sent
        server.sendall(b"E")  # a server's last message (FATAL 57P01) before it closes
        with pytest.raises(DisconnectionError):
            _on_checkout(_Driver(ours), None, None)
    finally:
        ours.close()
        server.close()
    with pytest.raises(DisconnectionError):
        _on_checkout(_Driver(ours), None, None)  # closed: no socket any more
    other, peer = socket.socketpair()
    peer.close()  # the peer hung up: readable (end of file)
    try:
        with pytest.raises(DisconnectionError):
            _on_checkout(_Driver(other), None, None)
        with pytest.raises(DisconnectionError):
            _on_checkout(_Driver(other, closed=True), None, None)
    finally:
        other.close()


def test_a_terminated_pooled_connection_is_replaced_and_a_healthy_one_kept(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL: SQLite's file cannot drop a connection")
    assert not db.engine.pool._pre_ping  # no statement per checkout
    with app.app_context():
        with db.engine.connect() as conn:
            pid = conn.execute(text("SELECT pg_backend_pid()")).scalar()
        with db.engine.connect() as conn:  # the same pooled connection, kept
            assert conn.execute(text("SELECT pg_backend_pid()")).scalar() == pid
        killer = create_engine(db.engine.url, isolation_level="AUTOCOMMIT")
        try:
            with killer.connect() as k:
                k.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        finally:
            killer.dispose()
        import time

        time.sleep(0.2)  # the server's goodbye reaches the pooled socket
        with db.engine.connect() as conn:  # a fresh connection, the request succeeds
            assert conn.execute(text("SELECT pg_backend_pid()")).scalar() != pid
