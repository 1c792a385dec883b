"""Local hostile peers for the fetcher: a raw-socket "public" server on 127.0.0.5 and a canary.

Only 127.0.0.5 is allowed through FetchPolicy.allowed_addresses; the canary listens on
127.0.0.1, which must stay blocked, and counts every connection it receives.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from types import SimpleNamespace

import pytest

from factcheck.ingest.fetch import FetchPolicy

PUBLIC_IP = "127.0.0.5"


class RawServer:
    """A threaded TCP server; ``handler(conn, server)`` writes whatever bytes a test wants."""

    def __init__(self, host: str, handler: Callable | None = None, *, read_request: bool = True):
        self.handler = handler or (lambda conn, server: None)
        self.read_request = read_request
        self.requests: list[bytes] = []
        self.connections = 0
        self.stop = threading.Event()
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind((host, 0))
        self.listener.listen(32)
        self.listener.settimeout(0.05)
        self.host, self.port = self.listener.getsockname()
        self.threads = [threading.Thread(target=self._accept_loop, daemon=True)]
        self.threads[0].start()

    def url(self, path: str = "/", host: str | None = None) -> str:
        return f"http://{host or self.host}:{self.port}{path}"

    def _accept_loop(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            worker = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self.threads.append(worker)
            worker.start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            try:
                conn.settimeout(5)
                if self.read_request:
                    data = b""
                    while b"\r\n\r\n" not in data and len(data) < 65536:
                        chunk = conn.recv(4096)
                        if not chunk:
                            break
                        data += chunk
                    self.requests.append(data)
                self.handler(conn, self)
            except OSError:
                pass  # the client hung up, as it should when it gives up

    def sleep(self, seconds: float) -> bool:
        """Wait; False when the test is over (so endless handlers end)."""
        return not self.stop.wait(seconds)

    def close(self) -> None:
        self.stop.set()
        self.listener.close()
        for thread in self.threads:
            thread.join(timeout=5)


def response(
    status: int = 200, body: bytes = b"", headers: dict | None = None, *, reason: str = "X"
) -> bytes:
    """A complete HTTP/1.1 response with Content-Length unless headers say otherwise."""
    headers = {"Content-Type": "text/html; charset=utf-8", **(headers or {})}
    if "Transfer-Encoding" not in headers and "Content-Length" not in headers:
        headers["Content-Length"] = str(len(body))
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items() if v is not None)
    return f"HTTP/1.1 {status} {reason}\r\n{head}\r\n".encode("latin-1") + body


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
