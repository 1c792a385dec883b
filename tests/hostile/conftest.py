"""Fixtures for the hostile test plan (HOSTILE.md §3): figure lines, problem+json checks,
audit verification, a canary listener, a "public" raw-socket server and a live gunicorn.

Each case records one figure line through the ``figure`` fixture:
``ID | DB | cases | refused/accepted as expected | rows changed | audit verify | canary | notes``
and the lines are printed as a table at the end of the run (pytest_terminal_summary).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from livegunicorn import Gunicorn, http_request, migrate, server_env
from rawserver import RawServer, response
from settings_helpers import SettingsProxy
from sqlalchemy import text

from factcheck.extensions import db
from factcheck.services import audit

PG = bool(os.environ.get("FACTCHECK_TEST_DATABASE_URL"))
DB = "postgresql" if PG else "sqlite"
PUBLIC_IP = "127.0.0.5"
FIGURES: list[dict] = []

THREE = "Prices rose 5% in 2021. Unemployment fell to 3.9% in March. Exports doubled since 2019.\n"
LINK = {"url": "https://example.org/source", "title": "Source", "stance": "supports"}


# --------------------------------------------------------------------------- figures


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not FIGURES:
        return
    tr = terminalreporter
    tr.section(f"hostile figures ({DB})")
    tr.write_line(
        "ID | DB | cases | refused/accepted as expected | rows changed | audit verify | canary | notes"
    )
    for f in sorted(
        FIGURES, key=lambda f: (f["id"].split("-")[0], int(f["id"].split("-")[1][:2]), f["id"])
    ):
        tr.write_line(
            " | ".join(
                str(f[k]) for k in ("id", "db", "cases", "ok", "rows", "verify", "canary", "notes")
            )
        )
    out = os.environ.get("HOSTILE_FIGURES_FILE")
    if out:
        Path(out).write_text(json.dumps(FIGURES, indent=1, ensure_ascii=False))


@pytest.fixture
def figure():
    """figure(ID, cases=, ok=, rows=0, verify="-", canary="-", notes="") records one line."""

    def add(case_id: str, *, cases, ok, rows=0, verify="-", canary="-", notes=""):
        FIGURES.append(dict(id=case_id, db=DB, cases=cases, ok=ok, rows=rows, verify=verify,
                            canary=canary, notes=notes))  # fmt: skip

    return add


# --------------------------------------------------------------------------- helpers


@pytest.fixture(autouse=True)
def _fresh_context_per_request(fresh_contexts):
    """Each request runs in its own app context, as under a server."""


@pytest.fixture
def problem():
    """problem(resp, status, field=None): assert an RFC 9457 body; returns it."""

    def check(resp, status, field: str | None = None) -> dict:
        statuses = status if isinstance(status, tuple) else (status,)
        assert resp.status_code in statuses, (resp.status_code, resp.get_data(as_text=True)[:800])
        assert resp.mimetype == "application/problem+json", resp.mimetype
        body = resp.get_json()
        for key in ("type", "title", "status", "detail"):
            assert key in body, body
        if field is not None:
            assert field in (body.get("errors") or {}), body
        return body

    return check


@pytest.fixture
def verify(app):
    """verify() -> (ok, events); the whole chain recomputed."""

    def run(head: str | None = None):
        db.session.rollback()
        result = audit.verify_chain(db.session, head=head)
        db.session.rollback()
        return result

    return run


@pytest.fixture
def events(app):
    """events() -> number of audit events."""

    def count() -> int:
        db.session.rollback()
        n = db.session.execute(text("SELECT count(*) FROM audit_events")).scalar()
        db.session.rollback()
        return n

    return count


def diff(a: dict, b: dict) -> int:
    """How many snapshot entries changed (0 means nothing changed)."""
    return sum(1 for k in a if a[k] != b.get(k))


@pytest.fixture
def h():
    return SimpleNamespace(THREE=THREE, LINK=LINK, diff=diff, DB=DB, PG=PG, PUBLIC_IP=PUBLIC_IP,
                           response=response, RawServer=RawServer, http=http_request)  # fmt: skip


# --------------------------------------------------------------------------- raw sockets


@pytest.fixture
def canary():
    """A listener on 127.0.0.1 that must never be reached; yields the server."""
    server = RawServer("127.0.0.1", read_request=False)
    yield server
    server.close()


@pytest.fixture
def serve():
    """Start RawServers on the allowed "public" address 127.0.0.5; closed after the test."""
    servers: list[RawServer] = []

    def start(handler: Callable | None = None, **kwargs) -> RawServer:
        server = RawServer(kwargs.pop("host", PUBLIC_IP), handler, **kwargs)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


@pytest.fixture
def allow_public(app, monkeypatch):
    """Allow exactly 127.0.0.5 (and the given ports) through the fetch policy."""
    LIMITS = SettingsProxy(app)  # this app's settings only

    def allow(*ports: int):
        monkeypatch.setattr(LIMITS, "FETCH_ALLOWED_ADDRESSES", PUBLIC_IP)
        monkeypatch.setattr(LIMITS, "FETCH_ALLOWED_PORTS", ",".join(map(str, (80, 443, *ports))))

    return allow


# --------------------------------------------------------------------------- live gunicorn


@pytest.fixture
def live_server(app, tmp_path):
    """live_server(workers=4, extra_args=(), env=None) -> a started livegunicorn.Gunicorn
    on this test's database (migrated as an operator would)."""
    started: list[Gunicorn] = []
    uri = app.config["SQLALCHEMY_DATABASE_URI"]

    def start(workers: int = 4, extra_args=(), env=None) -> Gunicorn:
        environ = server_env(uri, tmp_path / "live-instance", **(env or {}))
        db.session.remove()
        migrate(environ)
        server = Gunicorn(environ, tmp_path / f"gunicorn-{len(started)}.log", workers=workers,
                          args=extra_args)  # fmt: skip
        started.append(server)
        return server.wait_ready()

    yield start
    for server in started:
        server.stop()
    db.session.remove()


class Api:
    """A JSON client with a bearer token (no OpenAPI check: hostile cases probe the edges)."""

    def __init__(self, client, token: str):
        self.client, self.token = client, token

    def __call__(self, method: str, path: str, json=None, headers=None, **kw):
        h = {"Authorization": f"Bearer {self.token}", **(headers or {})}
        return self.client.open("/api/v1" + path, method=method, json=json, headers=h, **kw)

    def get(self, path, **kw):
        return self("GET", path, **kw)

    def post(self, path, json=None, **kw):
        return self("POST", path, json=json, **kw)

    def put(self, path, json=None, **kw):
        return self("PUT", path, json=json, **kw)

    def patch(self, path, json=None, **kw):
        return self("PATCH", path, json=json, **kw)


@pytest.fixture
def api_as(client, token_for):
    """api_as(user) -> Api client authenticated with a fresh token of that user."""
    return lambda user: Api(client, token_for(user))
