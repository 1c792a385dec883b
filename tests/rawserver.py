"""Hostile network peers for tests: a raw TCP server that writes whatever bytes a test
wants (stalls, drips, endless bodies, odd redirects), and a response builder. Shared by
tests/net and tests/hostile."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable


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
