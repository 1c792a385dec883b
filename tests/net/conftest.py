"""Local hostile peers for the fetcher: a raw-socket "public" server on 127.0.0.5 and a canary.

Only 127.0.0.5 is allowed through FetchPolicy.allowed_addresses; the canary listens on
127.0.0.1, which must stay blocked, and counts every connection it receives.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from rawserver import RawServer, response

from factcheck.net.fetch import FetchPolicy

PUBLIC_IP = "127.0.0.5"


def answer(data: bytes) -> Callable:
    return lambda conn, server: conn.sendall(data)


@pytest.fixture
def serve():
    """Start RawServers on the "public" address; all are closed after the test."""
    servers: list[RawServer] = []

    def start(handler: Callable | None = None, **kwargs) -> RawServer:
        server = RawServer(kwargs.pop("host", PUBLIC_IP), handler, **kwargs)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


@pytest.fixture
def canary():
    """A listener on 127.0.0.1 that must never be reached."""
    server = RawServer("127.0.0.1", read_request=False)
    yield server
    server.close()
    assert server.connections == 0, "a blocked address was connected to"


@pytest.fixture
def connects(monkeypatch):
    """Every outbound connection the fetcher attempts, as (ip, port)."""
    attempts: list[tuple] = []
    real = socket.create_connection

    def counting(address, *args, **kwargs):
        attempts.append(address)
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", counting)
    return attempts


def policy(*ports: int, **kwargs) -> FetchPolicy:
    """Allow exactly 127.0.0.5 and the given ports; everything else in 127/8 stays blocked."""
    return FetchPolicy(allowed_addresses=(PUBLIC_IP,), allowed_ports=(80, 443, *ports), **kwargs)


def resolver_to(*answers: str, calls: list | None = None) -> Callable:
    """A getaddrinfo stand-in answering call N with answers[N] (the last one repeats)."""
    calls = [] if calls is None else calls

    def resolve(host, port, *args, **kwargs):
        calls.append(host)
        ip = answers[min(len(calls), len(answers)) - 1]
        family = socket.AF_INET6 if ":" in ip else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (ip, port))]

    return resolve


def elapsed(fn: Callable) -> float:
    start = time.monotonic()
    fn()
    return time.monotonic() - start


@pytest.fixture
def h():
    """The helpers above, for test modules (importlib mode cannot import conftest)."""
    return SimpleNamespace(
        PUBLIC_IP=PUBLIC_IP,
        answer=answer,
        elapsed=elapsed,
        policy=policy,
        resolver_to=resolver_to,
        response=response,
    )
