"""The floor: a bare Flask app doing a review save's transaction, measured by bench_floor.py.

    FACTCHECK_DATABASE_URL=sqlite:////tmp/x/bench.db .venv/bin/gunicorn -c gunicorn.conf.py \
        --pythonpath tests/benchmarks floor_app:app

It answers the PUT /api/v1/claims/<id>/reviews/me that bench_desk.py sends, on the
product's own schema (a database made by `flask db upgrade` with accounts and tokens),
with the product's gunicorn settings and the same statements as a product save, but no
ORM, no SQLAlchemy, no validation beyond the verdict, no Markdown, no permissions:

- outside the writers' turn: the bearer token's SHA-256 looked up joined to its account;
- the turn: SQLite, an flock beside the database then BEGIN IMMEDIATE (WAL,
  synchronous=FULL), as factcheck/database does; PostgreSQL, none (the product's writers
  take no desk-wide lock since the chain is sealed later, docs/audit-design.md);
- one SELECT of the claim and the caller's own review (SQLite: and the chain's head);
  the review upserted (INSERT … ON CONFLICT DO UPDATE); the claim's version bumped; the
  audit event inserted with its digest, SQLite: SHA-256-chained exactly as
  factcheck/services/audit.py hashes it, PostgreSQL: unsealed, for the product's sealer
  (gunicorn.conf.py starts it for this app too), so `audit verify` checks the floor's
  trail as well; COMMIT.

What is left is the price of Flask, gunicorn, the driver and the database: the ceiling
any implementation of this save could reach on this machine.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import sqlite3
import uuid
from datetime import UTC, datetime

from flask import Flask, jsonify, request

URL = os.environ["FACTCHECK_DATABASE_URL"]
PG = URL.startswith("postgres")
GENESIS = "0" * 64
VERDICTS = {"confirmed", "unconfirmed", "disputed"}
app = Flask(__name__)
_db: dict = {}  # this worker's connection (and SQLite's writers' lock file), opened lazily


def _sql(statement: str) -> str:
    return statement.replace("?", "%s") if PG else statement


TOKEN = _sql(
    "SELECT u.id, u.email, u.display_name FROM api_tokens t JOIN users u ON u.id = t.user_id "
    "WHERE t.token_hash = ? AND t.revoked_at IS NULL AND u.active"
)
HEAD = (
    "NULL, NULL "  # PostgreSQL: the sealer links the event
    if PG
    else "(SELECT seq FROM audit_events WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1), "
    "(SELECT hash FROM audit_events WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1) "
)
STATE = _sql(
    f"SELECT c.article_id, r.id, r.version, r.verdict, r.note, r.created_at, {HEAD}"
    "FROM claims c LEFT JOIN reviews r ON r.claim_id = c.id AND r.reviewer_id = ? WHERE c.id = ?"
)
UPSERT = _sql(
    "INSERT INTO reviews (claim_id, reviewer_id, verdict, note, created_at, updated_at, version) "
    "VALUES (?, ?, ?, ?, ?, ?, 1) ON CONFLICT (claim_id, reviewer_id) DO UPDATE SET "
    "verdict = excluded.verdict, note = excluded.note, updated_at = excluded.updated_at, "
    "version = reviews.version + 1 RETURNING id, version"
)
CLAIM = _sql("UPDATE claims SET version = version + 1, updated_at = ? WHERE id = ?")
COLUMNS = (
    "seq", "created_at", "actor_id", "actor_label", "action", "target_type", "target_id",
    "article_id", "before", "after", "request_id", "client_addr", "user_agent", "prev_hash",
)  # fmt: skip
WRITTEN = (*COLUMNS, "digest") if PG else (*COLUMNS, "digest", "hash", "entered_at", "sealed_at")
AUDIT = _sql(
    f"INSERT INTO audit_events ({', '.join(WRITTEN)}) VALUES ({', '.join('?' * len(WRITTEN))})"
)


def connection():
    """This worker's connection: opened after the fork, kept for the worker's life."""
    if "conn" not in _db:
        if PG:
            import psycopg

            _db["conn"] = psycopg.connect(URL.replace("postgresql+psycopg://", "postgresql://"))
        else:
            path = URL.removeprefix("sqlite:///")
            conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            for pragma in ("journal_mode=WAL", "synchronous=FULL", "busy_timeout=5000",
                           "foreign_keys=ON"):  # fmt: skip
                conn.execute(f"PRAGMA {pragma}")
            _db["conn"] = conn
            _db["queue"] = os.open(path + "-writers", os.O_RDWR | os.O_CREAT, 0o600)
    return _db["conn"]


def canonical(payload: dict) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def problem(status: int, detail: str):
    return jsonify({"status": status, "detail": detail}), status


@app.get("/healthz")
def healthz():
    connection().execute("SELECT 1").fetchone()
    if PG:
        connection().rollback()
    return "ok"


@app.put("/api/v1/claims/<int:claim_id>/reviews/me")
def put_my_review(claim_id: int):
    conn = connection()
    auth = request.headers.get("Authorization", "")
    digest = hashlib.sha256(auth.removeprefix("Bearer ").encode()).hexdigest()
    user = conn.execute(TOKEN, (digest,)).fetchone()
    if user is None:
        if PG:
            conn.rollback()
        return problem(401, "a valid bearer token is required")
    data = request.get_json(silent=True) or {}
    verdict, note = data.get("verdict"), data.get("note", "")
    if verdict not in VERDICTS or not isinstance(note, str):
        if PG:
            conn.rollback()
        return problem(422, "verdict must be confirmed, unconfirmed or disputed")
    _begin(conn)
    try:
        answer = _save(conn, user, claim_id, verdict, note, data.get("version"))
        conn.commit() if PG else conn.execute("COMMIT")
        return answer
    except BaseException:
        conn.rollback() if PG else conn.execute("ROLLBACK")
        raise
    finally:
        if not PG:
            fcntl.flock(_db["queue"], fcntl.LOCK_UN)


def _begin(conn) -> None:
    """The writers' turn, taken as the product takes it."""
    if PG:
        return  # no desk-wide lock: the first statement begins the transaction
    fcntl.flock(_db["queue"], fcntl.LOCK_EX)
    try:
        conn.execute("BEGIN IMMEDIATE")
    except BaseException:
        fcntl.flock(_db["queue"], fcntl.LOCK_UN)
        raise


def _save(conn, user, claim_id: int, verdict: str, note: str, version):
    state = conn.execute(STATE, (user[0], claim_id)).fetchone()
    if state is None:
        return problem(404, f"claim {claim_id} does not exist")
    article_id, review_id, current, old_verdict, old_note, created_at, head_seq, head_hash = state
    if review_id is not None and version is None:
        return problem(428, "send the version your change is based on")
    if review_id is not None and version != current:
        return problem(409, "someone else changed this meanwhile; reload and try again")
    now = datetime.now(UTC)
    stamp = now if PG else now.replace(tzinfo=None).isoformat(" ", "microseconds")
    review_id, version_now = conn.execute(
        UPSERT, (claim_id, user[0], verdict, note, stamp, stamp)
    ).fetchone()
    conn.execute(CLAIM, (stamp, claim_id))
    created = version_now == 1
    before, after = _changes(
        None if created else {"verdict": old_verdict, "note": old_note, "links": []},
        {"verdict": verdict, "note": note, "links": [], "claim_id": claim_id},
    )
    event = dict(zip(COLUMNS, (
        (head_seq or 0) + 1, now.isoformat().replace("+00:00", "Z"), user[0], user[1],
        "review.created" if created else "review.revised", "review", review_id, article_id,
        before, after, uuid.uuid4().hex, request.remote_addr,
        request.headers.get("User-Agent", "")[:500] or None, head_hash or GENESIS,
    ), strict=True))  # fmt: skip
    content = {k: v for k, v in event.items() if k not in ("seq", "prev_hash")}
    row = dict(event, created_at=stamp, entered_at=stamp, sealed_at=stamp,
               digest=hashlib.sha256(canonical(content).encode()).hexdigest())  # fmt: skip
    if PG:
        row["seq"] = row["prev_hash"] = None
    else:
        row["hash"] = hashlib.sha256(canonical(event).encode()).hexdigest()
    for key in ("before", "after"):
        row[key] = None if row[key] is None else canonical(row[key])
    conn.execute(AUDIT, tuple(row[c] for c in WRITTEN))
    body = {"id": review_id, "claim_id": claim_id, "reviewer_id": user[0], "reviewer": user[2],
            "verdict": verdict, "note": note, "links": [], "version": version_now,
            "created_at": _iso(created_at) if created_at else event["created_at"],
            "updated_at": event["created_at"]}  # fmt: skip
    response = jsonify(body)
    response.status_code = 201 if created else 200
    response.headers["ETag"] = f'"{version_now}"'
    return response


def _changes(before: dict | None, after: dict) -> tuple[dict | None, dict]:
    """What audit.changes keeps: the differing keys, or whole dicts for a creation."""
    if before is None:
        return None, after
    before = dict(before, claim_id=after["claim_id"])
    keys = [k for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


def _iso(value) -> str:
    if isinstance(value, str):  # SQLite's text form, UTC
        value = datetime.fromisoformat(value).replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
