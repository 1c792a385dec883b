"""Helpers for the JSON API tests: problem+json checks and audit-trail reads."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from werkzeug.http import HTTP_STATUS_CODES

from factcheck.errors import PROBLEM_TYPES, problem_type
from factcheck.extensions import db
from factcheck.models import AuditEvent

REGISTERED = {problem_type(slug) for slug in PROBLEM_TYPES}
SHORT = "Prices rose 5% in 2021, the bank said. Unemployment fell to 3.9% in March.\n"
LINK = {"url": "https://example.org/source", "title": "Source", "stance": "supports"}


@pytest.fixture(autouse=True)
def _fresh_context_per_request(fresh_contexts):
    """Every request in these tests runs in its own app context (see tests/conftest.py)."""


@pytest.fixture
def problem():
    """problem(resp, status, field=None): assert an RFC 9457 body; returns it."""

    def check(resp, status: int, field: str | None = None) -> dict:
        assert resp.status_code == status, resp.get_data(as_text=True)[:800]
        assert resp.mimetype == "application/problem+json"
        body = resp.get_json()
        for key in ("type", "title", "status", "detail"):
            assert key in body, body
        assert body["status"] == status
        # RFC 9457: about:blank only with the status's own phrase; else a registered type
        if body["type"] == "about:blank":
            assert body["title"] == HTTP_STATUS_CODES[status], body
        else:
            assert body["type"] in REGISTERED, body
        if status == 401:  # RFC 9110 §15.5.2
            assert resp.headers["WWW-Authenticate"].startswith("Bearer"), resp.headers
        if field is not None:
            assert field in (body.get("errors") or {}), body
        return body

    return check


@pytest.fixture
def audit_mark(app):
    """audit_mark() -> the latest seq (0 for none); pass it to new_events()."""

    def mark() -> int:
        db.session.rollback()
        return db.session.scalar(select(func.coalesce(func.max(AuditEvent.seq), 0)))

    return mark


@pytest.fixture
def new_events(app):
    """new_events(since) -> [AuditEvent] recorded after seq `since`, oldest first."""

    def get(since: int) -> list[AuditEvent]:
        db.session.rollback()
        return list(
            db.session.scalars(
                select(AuditEvent).where(AuditEvent.seq > since).order_by(AuditEvent.seq)
            )
        )

    return get


@pytest.fixture
def short_article(make_article):
    """A two-claim article (fast to approve end to end)."""
    return lambda actor=None: make_article(text=SHORT, actor=actor)
