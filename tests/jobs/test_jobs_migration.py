"""Migration 0011_jobs: pending deliveries and open or failed render requests get their job,
and the history stays as it was (on a scratch SQLite database: both engines run the same
Core statements)."""

from __future__ import annotations

from pathlib import Path

from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from factcheck import create_app
from factcheck.extensions import db
from factcheck.models import RenderRequest, WebhookDelivery
from factcheck.services import render_requests

MIGRATIONS = str(Path(__file__).resolve().parents[2] / "migrations")
T = "'2026-11-01 10:00:00.000000'"
ROWS = [
    f"INSERT INTO users (id, email, display_name, role, password_hash, active, session_generation, created_at) VALUES (1, 'a@x', 'a', 'lead', 'h', 1, 1, {T})",
    *(f"INSERT INTO articles (id, title, raw_input, input_kind, body, boilerplate, status, created_by_id, created_at, version, current_version) VALUES ({a}, 't', 'x', 'text', 'x', '[]', 'in_review', 1, {T}, 1, 1)" for a in (1, 2)),
    f"INSERT INTO webhook_endpoints (id, url, secret, events, active, created_at) VALUES (1, 'https://e.example/x', 's', '[]', 1, {T})",
    *(f"INSERT INTO webhook_deliveries (id, delivery_id, endpoint_id, event, payload, status, attempts, next_attempt_at, created_at, last_error) VALUES ({i}, 'uuid-{i}', 1, 'claim.approved', '{{}}', '{status}', {n}, {T}, {T}, 'HTTP 500')"
      for i, status, n in ((1, "pending", 3), (2, "delivered", 1), (3, "failed", 8))),
    f"INSERT INTO render_requests (id, article_id, fmt, fingerprint, viewer_id, complete, claims, requested_at, started_at, error) VALUES (1, 1, 'pdf', 'f1', 1, 1, 3, {T}, {T}, NULL), (2, 2, 'pdf', 'f2', 1, 0, 4, {T}, NULL, 'RuntimeError: boom')",
]  # fmt: skip


def test_0011_moves_pending_work_into_jobs_and_back(tmp_path, monkeypatch):
    monkeypatch.setenv("FACTCHECK_INSTANCE_PATH", str(tmp_path))
    app = create_app({"TESTING": True, "SECRET_KEY": "x",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.db'}"})  # fmt: skip
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="0009")
        with db.engine.begin() as conn:
            for row in ROWS:
                conn.execute(text(row))
        upgrade(directory=MIGRATIONS, revision="0011_jobs")

        deliveries = db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)).all()
        assert [(d.status, d.job_id is not None) for d in deliveries] == [
            ("pending", True), ("delivered", False), ("failed", False)]  # fmt: skip
        job = deliveries[0].job
        assert (job.kind, job.payload, job.status, job.attempts, job.max_attempts) == (
            "webhook", {"delivery_id": "uuid-1"}, "queued", 3, 8)  # fmt: skip
        assert deliveries[0].next_attempt_at == job.run_at and job.last_error == "HTTP 500"
        states = [render_requests._state(r) for r in db.session.scalars(
            render_requests._requests().order_by(RenderRequest.id))]  # fmt: skip
        assert [(s.state, s.error) for s in states] == [
            ("queued", None),
            ("failed", "RuntimeError: boom"),
        ]  # the started one is queued again
        assert db.session.get(RenderRequest, 1).job.payload == {
            "article_id": 1, "fmt": "pdf", "fingerprint": "f1"}  # fmt: skip
        db.session.rollback()

        downgrade(directory=MIGRATIONS, revision="0009")
        with db.engine.connect() as conn:
            rows = conn.execute(text("SELECT id, error FROM render_requests ORDER BY id")).all()
            due = conn.execute(text("SELECT next_attempt_at FROM webhook_deliveries WHERE id = 1"))
            assert [tuple(r) for r in rows] == [(1, None), (2, "RuntimeError: boom")]
            assert due.scalar().startswith("2026-11-01 10:00:00")
        db.engine.dispose()
