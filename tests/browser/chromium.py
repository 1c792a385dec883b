"""The one browser set-up of the browser tests and of scripts/screenshots.py: Debian's
Chromium (never a downloaded browser), headless, without background network traffic."""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from pathlib import Path

from werkzeug.serving import make_server

CHROMIUM = os.environ.get("FACTCHECK_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]  # fmt: skip
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}


def available() -> bool:
    return Path(CHROMIUM).exists()


def launch(playwright):
    """Chromium with the shared flags."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)


def _static_read_whole(app):
    """Static files answered from memory, their file closed before the server writes.

    Werkzeug's development server closes a response only at the end of its ``finally``,
    after draining the socket; when the browser has already dropped the connection that
    drain raises first, and the open file of a static response is left for the garbage
    collector (a ResourceWarning in whichever test runs then)."""

    def wsgi(environ, start_response):
        body = app(environ, start_response)
        if not environ.get("PATH_INFO", "").startswith("/static/"):
            return body
        return read_whole(body)

    return wsgi


def read_whole(body) -> list[bytes]:
    """A WSGI response body read into memory, closed before anything is written."""
    try:
        return [b"".join(body)]
    finally:
        if hasattr(body, "close"):
            body.close()


@contextmanager
def serve(app):
    """Serve a Flask app on 127.0.0.1:<free port> from a thread; yields the base URL."""
    server = make_server("127.0.0.1", 0, _static_read_whole(app), threaded=True)
    handlers: list[threading.Thread] = []
    handle = server.process_request_thread

    def tracked(request, client_address):
        handlers.append(threading.current_thread())
        handle(request, client_address)

    server.process_request_thread = tracked
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        # Requests still in flight (a download's body streaming, a page's last poll) finish
        # and give their database connection back before the test disposes of the engine;
        # one left checked out was closed only by the garbage collector, later, as a
        # ResourceWarning in some other test.
        for handler in handlers:
            handler.join(timeout=10)
        server.server_close()
        thread.join(timeout=5)
