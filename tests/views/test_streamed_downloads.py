"""Streamed downloads over a real server (the bulk ZIP, the audit trail's export).

Their bodies are produced after the view returns. A server tears the request's app context
down by then, and the session with it: objects the view loaded (the signed-in account
above all) are detached. The test client hides this, because it reuses the test's own app
context; these tests serve the app from a thread, as in production. The bulk ZIP of a
real server failed this way until the stream read the account again.
"""

from __future__ import annotations

import http.client
import io
import json
import zipfile
from urllib.parse import urlencode

import pytest
from browser.chromium import serve
from sqlalchemy import inspect as sa_inspect

from factcheck.services import exports

PASSWORD = "correct-horse-battery"  # the conftest factories' password


def _get(base: str, path: str, headers: dict) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(base.removeprefix("http://"), timeout=30)
    try:
        conn.request("GET", path, headers=headers)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def _session_cookie(base: str, user) -> str:
    conn = http.client.HTTPConnection(base.removeprefix("http://"), timeout=30)
    try:
        conn.request("POST", "/login", body=urlencode({"email": user.email, "password": PASSWORD}),
                     headers={"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
        resp = conn.getresponse()
        resp.read()
        assert resp.status == 302, resp.status
        return resp.getheader("Set-Cookie").split(";", 1)[0]
    finally:
        conn.close()


RANGE = "since=2000-01-01&until=2999-12-31"


@pytest.fixture
def stream_actors(monkeypatch):
    """For each bulk ZIP streamed: was the account it was given detached (from a session
    already torn down)? Reading an attribute the commit expired then fails, unless some
    hook happened to reload it before the teardown (which made the failure intermittent)."""
    seen = []
    real = exports.stream_bulk_export

    def checking(session, *, actor, **kw):
        obj = getattr(actor, "_get_current_object", lambda: actor)()
        seen.append(sa_inspect(obj).detached)
        yield from real(session, actor=actor, **kw)

    monkeypatch.setattr(exports, "stream_bulk_export", checking)
    return seen


def test_bulk_zip_streams_over_a_real_server(
    app, make_user, make_article, review_all, token_for, stream_actors
):
    reviewer, lead = make_user("reviewer"), make_user("lead")
    articles = [make_article().id, make_article().id]
    for article_id in articles:
        review_all(article_id, reviewer, lead)
    with serve(app) as base:
        status, body = _get(base, f"/api/v1/exports?{RANGE}&format=json",
                            {"Authorization": f"Bearer {token_for(lead)}"})  # fmt: skip
        assert status == 200
        names = zipfile.ZipFile(io.BytesIO(body)).namelist()
        assert sorted(names) == sorted(
            ["manifest.json", *(f"factcheck-report-{a}-final.json" for a in articles)]
        )
        status, body = _get(base, f"/exports/bulk?{RANGE}&format=pdf",
                            {"Cookie": _session_cookie(base, lead)})  # fmt: skip
        assert status == 200
        manifest = json.loads(zipfile.ZipFile(io.BytesIO(body)).read("manifest.json"))
        assert [r["article_id"] for r in manifest["reports"]] == articles
    assert stream_actors == [False, False]  # the API's and the web page's, each attached


def test_audit_export_streams_over_a_real_server(app, make_user, make_article):
    lead = make_user("lead")
    make_article(actor=lead)
    with serve(app) as base:
        status, body = _get(
            base, "/audit/export?format=json", {"Cookie": _session_cookie(base, lead)}
        )
    assert status == 200
    events = [json.loads(line) for line in body.decode().splitlines()]
    assert events and {"seq", "action", "hash"} <= set(events[0])
