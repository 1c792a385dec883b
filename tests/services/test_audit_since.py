"""Incremental verification from a kept head (`audit verify --since-head`, issue #21 item 5)."""

from __future__ import annotations

from dbtools import audit_triggers_lifted
from sqlalchemy import text

from factcheck.database import transaction
from factcheck.extensions import db
from factcheck.services import audit, sealing


def _events(n, user):
    for i in range(n):
        with transaction() as s:
            audit.record(s, user, "user.updated", "user", user.id, after={"i": i})
    sealing.seal_all(db.engine)  # PostgreSQL: link them into the chain (SQLite: sealed already)


def _kept(session, make_user, before=3):
    user = make_user("reviewer")
    _events(before, user)
    head = audit.chain_head(session)
    session.rollback()
    return user, head


def test_since_head_checks_only_the_new_events_and_gives_the_next_head(make_user, session):
    user, head = _kept(session, make_user)
    _events(4, user)
    session.rollback()
    result = audit.verify_since(session, head)
    assert result.ok and result.events == 4
    assert (result.head_seq, result.head_hash) == audit.chain_head(session)
    assert result.head_seq == head[0] + 4
    nothing_new = audit.verify_since(session, audit.chain_head(session))
    assert nothing_new.ok and nothing_new.events == 0
    assert (nothing_new.head_seq, nothing_new.head_hash) == audit.chain_head(session)


def test_since_head_names_a_tampered_event_after_the_head(make_user, session):
    user, head = _kept(session, make_user)
    _events(3, user)
    target = session.execute(
        text("SELECT id FROM audit_events WHERE seq = :s"), {"s": head[0] + 2}
    ).scalar()
    with audit_triggers_lifted() as conn:
        conn.execute(
            text("UPDATE audit_events SET after = :a WHERE id = :id"),
            {"a": '{"i": 999}', "id": target},
        )
    session.rollback()
    result = audit.verify_since(session, head)
    assert not result.ok and result.first_bad_id == target and "hash" in result.reason
    assert result.events == 1  # the one event between the head and the forged one


def test_since_head_refuses_a_rewritten_or_missing_head(make_user, session):
    user, head = _kept(session, make_user)
    _events(2, user)
    session.rollback()
    forged = audit.verify_since(session, (head[0], "f" * 64))
    assert not forged.ok and "rewritten" in forged.reason
    beyond = audit.verify_since(session, (head[0] + 50, head[1]))
    assert not beyond.ok and "not found" in beyond.reason
    with audit_triggers_lifted() as conn:  # the kept event itself cut off with the tail
        conn.execute(text("DELETE FROM audit_events WHERE seq >= :s"), {"s": head[0]})
    session.rollback()
    cut = audit.verify_since(session, head)
    assert not cut.ok and "missing" in cut.reason


def test_since_head_does_not_reread_the_verified_past(make_user, session):
    """What the full verification is for: an event before the kept head is not read again."""
    user, head = _kept(session, make_user)
    _events(2, user)
    with audit_triggers_lifted() as conn:
        conn.execute(text("UPDATE audit_events SET after = :a WHERE seq = 1"), {"a": '{"i": 7}'})
    session.rollback()
    assert audit.verify_since(session, head).ok
    assert not audit.verify_chain(session).ok


def test_cli_since_head_inline_and_from_the_head_file(make_user, session, runner, tmp_path):
    user, head = _kept(session, make_user)
    _events(2, user)
    session.rollback()
    out = runner.invoke(args=["audit", "verify", "--since-head", f"{head[0]} {head[1]}"])
    assert out.exit_code == 0, out.output
    lines = out.output.strip().splitlines()
    assert lines[0] == f"OK 2 events after seq {head[0]}"
    new = audit.chain_head(session)
    assert lines[1] == f"{new[0]} {new[1]}"  # the head to keep for the next run
    kept = tmp_path / "audit-head"
    kept.write_text(lines[1] + "\n")
    again = runner.invoke(args=["audit", "verify", "--since-head", str(kept)])
    assert again.exit_code == 0 and f"OK 0 events after seq {new[0]}" in again.output
    bad = runner.invoke(args=["audit", "verify", "--since-head", f"{head[0]} {'0' * 64}"])
    assert bad.exit_code == 1 and "rewritten" in bad.output
    junk = runner.invoke(args=["audit", "verify", "--since-head", "12"])
    assert junk.exit_code == 2 and "SEQ HASH" in junk.output
