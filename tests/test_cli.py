"""The command line, through Flask's CLI runner: users, demo, import, export, audit, backup."""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import UTC, datetime

from dbtools import audit_triggers_lifted
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from factcheck.extensions import db
from factcheck.models import Article, AuditEvent, User
from factcheck.services import audit

SHORT = "Prices rose 5% in 2021, the bank said. Unemployment fell to 3.9% in March.\n"
FORMATS = ("html", "pdf", "md", "csv", "json", "claimreview", "w3c")


def _one_line_error(result) -> str:
    assert result.exit_code != 0, result.output
    err = (result.stderr or result.output).strip()
    assert err and "\n" not in err, err
    assert "Traceback" not in result.output
    return err


def _latest(action: str) -> AuditEvent | None:
    db.session.rollback()
    return db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq.desc())
    ).first()


# -- users ------------------------------------------------------------------------------


def test_users_create_with_password_stdin(runner, client, snapshot):
    result = runner.invoke(args=["users", "create", "New@Example.org", "--role", "lead", "--name", "New Lead",
                                 "--password-stdin"], input="a-long-password\n")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "new@example.org" in result.output and "password" not in result.stdout.replace(
        "--password", ""
    )
    db.session.rollback()
    user = db.session.scalar(select(User).where(User.email == "new@example.org"))
    assert user.role == "lead" and user.display_name == "New Lead"
    ev = _latest("user.created")
    assert ev.target_id == user.id and ev.actor_id is None and ev.actor_label.startswith("system:")
    resp = client.post(
        "/api/v1/tokens", json={"email": "new@example.org", "password": "a-long-password"}
    )
    assert resp.status_code == 201


def test_users_create_bad_input(runner, snapshot, subtests):
    before = snapshot()
    cases = [
        (
            ["users", "create", "not-an-email", "--role", "lead", "--password-stdin"],
            "a-long-password\n",
        ),
        (["users", "create", "x@example.org", "--role", "lead", "--password-stdin"], "short\n"),
        (
            ["users", "create", "x@example.org", "--role", "root", "--password-stdin"],
            "a-long-password\n",
        ),
        (["users", "create", "x@example.org", "--password-stdin"], "a-long-password\n"),
    ]
    for args, stdin in cases:
        with subtests.test(args=" ".join(args[2:])):
            result = runner.invoke(args=args, input=stdin)
            assert result.exit_code != 0
            assert "Traceback" not in result.output
            assert snapshot() == before


def test_users_create_duplicate(runner, make_user, snapshot):
    user = make_user("reviewer")
    before = snapshot()
    result = runner.invoke(args=["users", "create", user.email, "--role", "lead", "--password-stdin"],
                           input="a-long-password\n")  # fmt: skip
    assert "already exists" in _one_line_error(result)
    assert snapshot() == before


def test_users_token_works_against_the_api(runner, make_user, client):
    user = make_user("reviewer")
    result = runner.invoke(args=["users", "token", user.email, "--name", "ci"])
    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    assert re.fullmatch(r"fct_\S+", token)
    resp = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 200 and resp.get_json()["id"] == user.id
    after = _latest("token.created").after
    assert {k: after[k] for k in ("name", "user_id", "read_only")} == {
        "name": "ci", "user_id": user.id, "read_only": False}  # fmt: skip
    days = (datetime.fromisoformat(after["expires_at"]) - datetime.now(UTC)).days
    assert 88 <= days <= 90  # FACTCHECK_TOKEN_DEFAULT_DAYS


def test_users_token_expiry_and_read_only(runner, make_user, client, snapshot):
    user = make_user("reviewer")
    result = runner.invoke(
        args=["users", "token", user.email, "--expires-days", "0", "--read-only"]
    )
    assert result.exit_code == 0, result.output
    auth = {"Authorization": f"Bearer {result.stdout.strip()}"}
    assert _latest("token.created").after["expires_at"] is None  # 0: never ends
    assert client.get("/api/v1/me", headers=auth).status_code == 200
    before = snapshot()
    resp = client.post("/api/v1/articles", json={"text": "A claim."}, headers=auth)
    assert resp.status_code == 403 and "read-only" in resp.get_json()["detail"]
    assert snapshot() == before
    bad = runner.invoke(args=["users", "token", user.email, "--expires-days", "-1"])
    assert bad.exit_code != 0 and snapshot() == before


def test_users_reset_2fa(runner, make_user, snapshot):
    from factcheck.database import transaction
    from factcheck.models import utcnow
    from factcheck.services import second_factor

    user = make_user("lead")
    with transaction() as s:
        second_factor.start_setup(s, actor=s.get(User, user.id), authenticated_at=utcnow())
    before = snapshot()
    no_reason = runner.invoke(args=["users", "reset-2fa", user.email])
    assert no_reason.exit_code != 0 and snapshot() == before
    result = runner.invoke(args=["users", "reset-2fa", user.email, "--reason", "lost phone"])
    assert result.exit_code == 0, result.output
    event = _latest("auth.totp_reset")
    assert event.after == {"reason": "lost phone"} and event.actor_label.startswith("system:")
    db.session.expire_all()
    assert db.session.get(User, user.id).totp_secret is None
    again = runner.invoke(args=["users", "reset-2fa", user.email, "--reason", "again"])
    assert "not on" in _one_line_error(again)


def test_users_token_unknown_account(runner, snapshot):
    before = snapshot()
    assert "nobody@example.org" in _one_line_error(
        runner.invoke(args=["users", "token", "nobody@example.org"])
    )
    assert snapshot() == before


# -- demo ---------------------------------------------------------------------------------


def test_demo_is_idempotent(runner, snapshot, app):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "imported the demo article" in result.output
    for email in ("admin@example.org", "lead@example.org", "reviewer@example.org"):
        assert email in result.output
    db.session.rollback()
    articles = db.session.scalars(select(Article)).all()
    assert len(articles) == 1
    article = articles[0]
    assert article.claims
    assert not any("Join our" in c.text or "Telegram" in c.text for c in article.claims)
    assert "Join our" in article.body  # kept in the body, just not a claim
    for c in article.claims:
        assert article.body[c.start : c.end] == c.text
    roles = dict(db.session.execute(select(User.email, User.role)).all())
    assert roles["admin@example.org"] == "admin" and roles["lead@example.org"] == "lead"
    # the printed password works
    pw = re.search(r"admin@example\.org\s+(\S+)", result.output).group(1)
    assert (
        app.test_client()
        .post("/api/v1/tokens", json={"email": "admin@example.org", "password": pw})
        .status_code
        == 201
    )

    before = snapshot()
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0, again.output
    assert "imported" not in again.output
    assert snapshot() == before


# -- import / export --------------------------------------------------------------------


def test_import_a_text_file(runner, tmp_path):
    path = tmp_path / "story.txt"
    path.write_text(SHORT, encoding="utf-8")
    result = runner.invoke(args=["import", str(path), "--title", "From the shell"])
    assert result.exit_code == 0, result.output
    article_id = int(result.stdout.strip())
    db.session.rollback()
    article = db.session.get(Article, article_id)
    assert article.title == "From the shell" and article.filename == "story.txt" and article.claims
    assert _latest("article.imported").article_id == article_id


BAD_FILES = [
    ("missing.txt", None),
    ("picture.png", b"\x89PNG\r\n\x1a\n"),
    ("program.exe", b"MZ...."),
    ("empty.txt", b""),
    ("blank.txt", b"   \n\n "),
    ("latin1.txt", "Zürich rose 5%.".encode("latin-1")),
    ("nul.txt", b"Prices rose\x00 5%."),
]


def test_import_bad_file(runner, tmp_path, snapshot, subtests):
    before = snapshot()
    for name, content in BAD_FILES:
        with subtests.test(name=name):
            path = tmp_path / name
            if content is not None:
                path.write_bytes(content)
            _one_line_error(runner.invoke(args=["import", str(path)]))
            assert snapshot() == before


def test_export_to_a_file(runner, make_article, tmp_path, subtests):
    article = make_article(text=SHORT)
    for fmt in FORMATS:
        with subtests.test(fmt=fmt):
            out = tmp_path / f"report.{fmt}"
            result = runner.invoke(
                args=["export", str(article.id), "--format", fmt, "-o", str(out)]
            )
            if fmt == "claimreview":  # a draft has none: refused, nothing written
                assert result.exit_code == 1 and "not approved" in result.output
                assert not out.exists()
                continue
            assert result.exit_code == 0, result.output
            data = out.read_bytes()
            assert data
            if fmt in ("json", "claimreview", "w3c"):
                json.loads(data)
            if fmt in ("html", "md", "csv", "json"):
                assert b"DRAFT" in data or b"draft" in data
            if fmt == "pdf":
                assert data.startswith(b"%PDF")


def test_export_to_stdout(runner, make_article):
    article = make_article(text=SHORT)
    result = runner.invoke(args=["export", str(article.id), "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)


def test_export_bad_input(runner, make_article, tmp_path, subtests):
    article = make_article(text=SHORT)
    out = tmp_path / "out.bin"
    for args in (
        ["export", str(article.id), "--format", "docx"],
        ["export", "987654", "--format", "json"],
        ["export", "abc"],
    ):
        with subtests.test(args=" ".join(args)):
            result = runner.invoke(args=[*args, "-o", str(out)])
            assert result.exit_code != 0
            assert "Traceback" not in result.output
            assert not out.exists()


# -- audit ------------------------------------------------------------------------------


def test_audit_verify_and_tamper(runner, make_article):
    make_article(text=SHORT)
    make_article(text=SHORT)
    db.session.rollback()
    n = audit.count_events(db.session)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and result.stdout.strip() == f"OK {n} events"
    head = runner.invoke(args=["audit", "head"])
    assert head.exit_code == 0
    seq, digest = head.stdout.split()
    assert int(seq) == n and re.fullmatch(r"[0-9a-f]{64}", digest)
    assert runner.invoke(args=["audit", "verify", "--head", digest]).exit_code == 0

    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
    target = events[2]
    db.session.rollback()
    with audit_triggers_lifted() as conn:
        conn.execute(
            text("UPDATE audit_events SET actor_label = 'someone-else' WHERE id = :id"),
            {"id": target.id},
        )
    db.session.rollback()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"id={target.id}" in result.output and "FAIL" in result.output


def test_audit_verify_head_detects_a_cut_tail(runner, make_article):
    make_article(text=SHORT)
    db.session.rollback()
    seq, digest = runner.invoke(args=["audit", "head"]).stdout.split()
    with audit_triggers_lifted() as conn:
        conn.execute(text("DELETE FROM audit_events WHERE seq = :s"), {"s": int(seq)})
    db.session.rollback()
    assert (
        runner.invoke(args=["audit", "verify"]).exit_code == 0
    )  # documented: no anchor, no detection
    result = runner.invoke(args=["audit", "verify", "--head", digest])
    assert result.exit_code == 1 and "missing" in result.output


def test_audit_head_of_empty_trail(runner):
    result = runner.invoke(args=["audit", "head"])
    assert result.exit_code == 0 and result.stdout.startswith("0")


# -- backup -----------------------------------------------------------------------------


def test_backup(runner, make_article, tmp_path):
    make_article(text=SHORT)
    target = tmp_path / "backup.db"
    result = runner.invoke(args=["backup", str(target)])
    if db.engine.dialect.name == "postgresql":
        assert "pg_dump" in _one_line_error(result)
        assert not target.exists()
        return
    assert result.exit_code == 0, result.output
    with sqlite3.connect(target) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 1
    engine = create_engine(f"sqlite:///{target}")
    try:
        with Session(engine) as s:
            copy = audit.verify_chain(s)
            assert copy.ok and copy.events == audit.count_events(db.session)
    finally:
        engine.dispose()
    # an existing file is never overwritten
    again = runner.invoke(args=["backup", str(target)])
    assert "exists" in _one_line_error(again)
