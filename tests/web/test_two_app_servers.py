"""Two app servers on one PostgreSQL database (PRODUCT.md §7, README "Production").

Two gunicorn processes (one worker each, own ports) share a scratch database migrated
once. A change made through one is read through the other, both ways, and writes through
both at once land in one audit chain: `flask audit verify` says OK, seq has no gaps and
the events of both servers' requests are in it.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import threading
from pathlib import Path

import pytest
from livegunicorn import ROOT, VENV_BIN, Gunicorn, migrate, server_env
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from factcheck import create_app
from factcheck.database import transaction
from factcheck.extensions import db
from factcheck.models import SystemActor
from factcheck.services import users
from factcheck.settings import normalise_database_url

PG_URL = os.environ.get("FACTCHECK_TEST_DATABASE_URL")
PASSWORD = "correct-horse-battery"
THREE = "Prices rose 5% in 2021. Unemployment fell to 3.9% in March. Exports doubled since 2019.\n"
LINK = {"url": "https://example.org/source", "title": "Source", "stance": "supports"}
SAVES = 20  # review saves per server in the concurrent part

pytestmark = pytest.mark.skipif(
    not PG_URL, reason="PostgreSQL only (FACTCHECK_TEST_DATABASE_URL): SQLite is one machine's file"
)


class Server(Gunicorn):
    """One gunicorn (one worker); api() tags each request with the server's name."""

    def __init__(self, name: str, env: dict, log: Path):
        super().__init__(env, log)
        self.name, self.calls = name, 0

    def api(self, method, path, body=None, token=None, request_id=None):
        """(status, parsed JSON or None); X-Request-ID `<name>-…`, User-Agent `server-<name>`."""
        self.calls += 1
        headers = {"User-Agent": f"server-{self.name}",
                   "X-Request-ID": request_id or f"{self.name}-{self.calls}"}  # fmt: skip
        status, resp_headers, raw = self.request(method, "/api/v1" + path, body, headers, token)
        ctype = resp_headers.get("Content-Type", "")
        return status, (json.loads(raw) if "json" in ctype and raw else None)


@pytest.fixture
def scratch(tmp_path, monkeypatch):
    """A fresh database of its own, migrated once; dropped afterwards."""
    name = f"factcheck_2srv_{secrets.token_hex(4)}"
    url = make_url(normalise_database_url(PG_URL)).set(database=name).render_as_string(False)
    env = server_env(url, tmp_path / "instance")
    monkeypatch.setenv("FACTCHECK_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.delenv("FACTCHECK_DATABASE_URL", raising=False)
    admin = create_engine(normalise_database_url(PG_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        migrate(env)
        yield url, env
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture
def servers(scratch, tmp_path):
    _url, env = scratch
    started = [Server(n, env, tmp_path / f"gunicorn-{n}.log") for n in ("a", "b")]
    try:
        for server in started:
            server.wait_ready()
        yield started
    finally:
        for server in started:
            server.stop()


def _accounts(url: str) -> dict[str, str]:
    """Two reviewers and a lead, with an API token each (made in-process, as the CLI does)."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test-secret",
                      "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 64})  # fmt: skip
    tokens = {}
    with app.app_context():
        with transaction() as s:
            for who, role in (("rev1", "reviewer"), ("rev2", "reviewer"), ("lead", "lead")):
                user = users.create_user(s, actor=SystemActor("test"), email=f"{who}@example.org",
                                         display_name=who, role=role, password=PASSWORD)  # fmt: skip
                tokens[who] = users.create_token(s, actor=SystemActor("test"), user_id=user.id,
                                                 name=who)[1]  # fmt: skip
        db.session.remove()
        db.engine.dispose()
    return tokens


def test_two_servers_share_one_database_and_one_chain(scratch, servers):
    url, env = scratch
    a, b = servers
    tok = _accounts(url)

    # a change through A is seen through B
    status, art = a.api("POST", "/articles", {"text": THREE, "title": "Two servers"}, tok["rev1"])
    assert status == 201, art
    c1, c2, c3 = (c["id"] for c in art["claims"])
    status, review = a.api("PUT", f"/claims/{c1}/reviews/me", {"verdict": "confirmed", "links": [LINK]}, tok["rev1"])  # fmt: skip
    assert status == 201, review
    status, seen = b.api("GET", f"/articles/{art['id']}", token=tok["lead"])
    assert status == 200 and seen["title"] == "Two servers", seen
    assert [c["status"] for c in seen["claims"] if c["id"] == c1] == ["reviewed"], seen["claims"]

    # a change through B is seen through A
    status, claim = b.api("GET", f"/claims/{c1}", token=tok["lead"])
    assert status == 200, claim
    status, claim = b.api("POST", f"/claims/{c1}/approve",
                          {"verdict": "confirmed", "note": "", "version": claim["version"]}, tok["lead"])  # fmt: skip
    assert status == 200 and claim["status"] == "approved", claim
    status, claim = a.api("GET", f"/claims/{c1}", token=tok["rev1"])
    assert status == 200 and claim["status"] == "approved" and claim["final_verdict"] == "confirmed"
    status, review = b.api("PUT", f"/claims/{c2}/reviews/me", {"verdict": "disputed", "links": [LINK]}, tok["rev1"])  # fmt: skip
    assert status == 201, review
    status, claim = a.api("GET", f"/claims/{c2}", token=tok["rev1"])
    assert status == 200 and claim["status"] == "reviewed", claim
    assert [(r["verdict"], r["version"]) for r in claim["reviews"]] == [
        ("disputed", review["version"])
    ]

    # live updates (issue #19 item 6): a page polling server B sees a change made through A
    changes = f"/api/v1/articles/{art['id']}/changes"
    status, headers, _raw = b.request("GET", changes, token=tok["lead"])
    tag = headers.get("ETag")
    assert status == 200 and tag, headers
    status, _h, _raw = b.request("GET", changes, headers={"If-None-Match": tag}, token=tok["lead"])
    assert status == 304  # nothing changed: nothing to send
    status, claim = a.api("GET", f"/claims/{c2}", token=tok["lead"])
    status, claim = a.api("POST", f"/claims/{c2}/return",
                          {"comment": "Which source?", "version": claim["version"]}, tok["lead"])  # fmt: skip
    assert status == 200 and claim["status"] == "returned", claim
    status, headers, raw = b.request(
        "GET", changes, headers={"If-None-Match": tag}, token=tok["lead"]
    )
    assert status == 200 and headers.get("ETag") != tag
    assert [c["status"] for c in json.loads(raw)["claims"] if c["id"] == c2] == ["returned"]

    # writes through both servers at once: two reviewers revise their reviews of one claim
    errors: list = []

    def saves(server: Server, who: str) -> None:
        version = None
        for i in range(SAVES):
            body = {"verdict": "confirmed" if i % 2 else "disputed", "note": f"{who} save {i}",
                    "links": [LINK], "version": version}  # fmt: skip
            if version is None:
                del body["version"]
            status, resp = server.api("PUT", f"/claims/{c3}/reviews/me", body, tok[who],
                                      request_id=f"{server.name}-save-{i}")  # fmt: skip
            if status not in (200, 201):
                errors.append((server.name, i, status, resp))
                return
            version = resp["version"]

    threads = [threading.Thread(target=saves, args=(a, "rev1")),
               threading.Thread(target=saves, args=(b, "rev2"))]  # fmt: skip
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors

    # one chain, verified by the command line (its own processes and connections)
    result = subprocess.run([str(VENV_BIN / "flask"), "--app", "factcheck", "audit", "verify"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert result.returncode == 0 and result.stdout.startswith("OK "), result.stdout + result.stderr
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT seq, request_id, user_agent FROM audit_events ORDER BY seq")
            ).all()
    finally:
        engine.dispose()
    assert result.stdout.split()[1] == str(len(rows))
    assert [r.seq for r in rows] == list(range(1, len(rows) + 1)), "seq has gaps"
    by_server = {name: [r for r in rows if r.user_agent == f"server-{name}"] for name in ("a", "b")}
    assert by_server["a"] and by_server["b"]
    for name in ("a", "b"):
        assert all(r.request_id.startswith(f"{name}-") for r in by_server[name])
        saved = [r for r in by_server[name] if r.request_id.startswith(f"{name}-save-")]
        assert len(saved) == SAVES, (name, len(saved))  # one event per save, none lost
    # the two servers' saves overlapped in time: their events interleave in the one chain
    saves_in_order = [r.request_id[0] for r in rows if "-save-" in (r.request_id or "")]
    switches = sum(1 for x, y in zip(saves_in_order, saves_in_order[1:], strict=False) if x != y)
    print(f"saves in chain order: {''.join(saves_in_order)} ({switches} switches)")
    assert switches >= 2, saves_in_order
