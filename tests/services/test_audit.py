"""The audit trail: chain, verification, tamper detection, append-only at every level."""

from __future__ import annotations

import pytest
from dbtools import audit_triggers_lifted
from sqlalchemy import delete, event, text, update
from sqlalchemy.exc import DBAPIError

from factcheck.database import transaction
from factcheck.extensions import db
from factcheck.models import AuditEvent
from factcheck.services import audit


def _events(n, make_user):
    user = make_user("reviewer")
    for i in range(n):
        with transaction() as s:
            audit.record(s, user, "user.updated", "user", user.id, after={"i": i})
    return user


def test_chain_links_every_event(make_user, session):
    _events(3, make_user)
    events = session.query(AuditEvent).order_by(AuditEvent.seq).all()
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert events[0].prev_hash == audit.GENESIS
    for prev, ev in zip(events, events[1:], strict=False):
        assert ev.prev_hash == prev.hash
    result = audit.verify_chain(session)
    assert result.ok and result.events == len(events)
    assert audit.chain_head(session) == (events[-1].seq, events[-1].hash)


def test_rollback_leaves_no_event(make_user, session):
    user = make_user("reviewer")
    count = audit.count_events(session)
    with pytest.raises(RuntimeError), transaction() as s:
        audit.record(s, user, "user.updated", "user", user.id)
        raise RuntimeError("boom after the event")
    assert audit.count_events(session) == count


def test_orm_refuses_update_and_delete(make_user, session):
    _events(1, make_user)
    ev = session.query(AuditEvent).first()
    ev.action = "forged"
    with pytest.raises(PermissionError):
        session.flush()
    session.rollback()
    ev = session.query(AuditEvent).first()
    session.delete(ev)
    with pytest.raises(PermissionError):
        session.flush()
    session.rollback()
    with pytest.raises(PermissionError):
        session.execute(update(AuditEvent).values(action="x"))
    session.rollback()
    with pytest.raises(PermissionError):
        session.execute(delete(AuditEvent))
    session.rollback()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_events SET action = 'forged'",
        "DELETE FROM audit_events WHERE id = 1",
        "DELETE FROM audit_events",
    ],
)
def test_database_triggers_refuse_changes(make_user, sql):
    _events(2, make_user)
    with db.engine.connect() as conn, pytest.raises(DBAPIError, match="append-only"):
        conn.execute(text(sql))
        conn.commit()


def test_postgres_refuses_truncate(make_user):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("TRUNCATE exists on PostgreSQL only")
    _events(1, make_user)
    with db.engine.connect() as conn, pytest.raises(DBAPIError, match="append-only"):
        conn.execute(text("TRUNCATE audit_events"))


def test_verify_names_the_first_tampered_event(make_user, session):
    _events(5, make_user)
    target = session.query(AuditEvent).order_by(AuditEvent.seq).all()[3]
    with audit_triggers_lifted() as conn:
        conn.execute(
            text("UPDATE audit_events SET after = :a WHERE id = :id"),
            {"a": '{"i": 999}', "id": target.id},
        )
    session.rollback()  # end the test's read snapshot
    result = audit.verify_chain(session)
    assert not result.ok and result.first_bad_id == target.id
    assert "hash" in result.reason


def test_verify_with_head_detects_a_truncated_tail(make_user, session):
    _events(4, make_user)
    head = audit.chain_head(session)
    assert audit.verify_chain(session, head=head[1]).ok
    with audit_triggers_lifted() as conn:
        conn.execute(text("DELETE FROM audit_events WHERE seq = :s"), {"s": head[0]})
    session.rollback()
    assert audit.verify_chain(session).ok  # without an anchor a cut tail is invisible (documented)
    result = audit.verify_chain(session, head=head[1])
    assert not result.ok and "missing" in result.reason


def test_changes_keeps_only_what_changed():
    assert audit.changes({"a": 1, "b": 2}, {"a": 1, "b": 3}) == ({"b": 2}, {"b": 3})
    assert audit.changes(None, {"a": 1}) == (None, {"a": 1})


def test_fast_verification_path_matches_every_stored_event(make_user, session):
    """The verifier hashes stored JSON text directly; it must agree with the canonical form."""
    _events(3, make_user)
    with transaction() as s:
        audit.record(
            s,
            None,
            "user.updated",
            "user",
            None,
            after={"name": "Zoë “quoted” 日本", "n": [1, None, True]},
        )
    session.rollback()
    rows = (
        session.connection()
        .exec_driver_sql(
            "SELECT seq, created_at, actor_id, actor_label, action, target_type, target_id, article_id, "
            "CAST(before AS TEXT), CAST(after AS TEXT), request_id, client_addr, user_agent, prev_hash, hash, id "
            "FROM audit_events ORDER BY seq"
        )
        .fetchall()
    )
    for row in rows:
        created = audit.created_iso(row[audit.CREATED], session.get_bind().dialect.name)
        assert audit._fast_hash(row, created) == row[audit.HASH]


def _both(session, **kw):
    """Serial and chunked (3 events a chunk, 2 processes) verification of the same trail."""
    serial = audit.verify_chain(session, **kw)
    parallel = audit.verify_chain(session, processes=2, chunk=3, **kw)
    return serial, parallel


def test_parallel_verification_agrees(make_user, session):
    """The command line checks chunks of the chain in a pool; it must give the same answers."""
    _events(12, make_user)
    session.rollback()
    serial, parallel = _both(session)
    assert serial.ok and parallel == serial and serial.events == audit.count_events(session)
    head = audit.chain_head(session)[1]
    assert _both(session, head=head)[1].ok
    target = session.query(AuditEvent).order_by(AuditEvent.seq).all()[4]
    with audit_triggers_lifted() as conn:
        conn.execute(
            text("UPDATE audit_events SET action = 'forged' WHERE id = :id"), {"id": target.id}
        )
    session.rollback()
    serial, parallel = _both(session)
    assert not parallel.ok and parallel.first_bad_id == serial.first_bad_id == target.id
    assert parallel == serial


def test_verification_streams_the_trail(make_user, session):
    """The audit page and the API verify in a web worker: the trail is read in batches, not
    held whole (PostgreSQL's client-side result kept 1,000,000 events at once: 904 MiB)."""
    _events(3, make_user)
    session.rollback()
    reads = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        if "FROM audit_events" in statement and "ORDER BY seq" in statement:
            reads.append((context.execution_options.get("stream_results"), cursor))

    engine = session.get_bind()
    event.listen(engine, "after_cursor_execute", seen)
    try:
        assert audit.verify_chain(session).ok
    finally:
        event.remove(engine, "after_cursor_execute", seen)
    assert [streamed for streamed, _c in reads] == [True]
    if engine.dialect.name == "postgresql":
        import psycopg

        assert isinstance(reads[0][1], psycopg.ServerCursor)


TAMPER = {
    "delete_chunk_start": ["DELETE FROM audit_events WHERE seq = 7"],
    "delete_whole_chunk": ["DELETE FROM audit_events WHERE seq BETWEEN 4 AND 6"],
    "swap_across_chunks": [
        "UPDATE audit_events SET seq = -1 WHERE seq = 6",
        "UPDATE audit_events SET seq = 6 WHERE seq = 7",
        "UPDATE audit_events SET seq = 7 WHERE seq = -1",
    ],
    "seq_zero": ["UPDATE audit_events SET seq = 0 WHERE seq = 9"],
    "edit_last": ["UPDATE audit_events SET actor_label = 'x' WHERE seq = {last}"],
    "truncate_tail": ["DELETE FROM audit_events WHERE seq > {last} - 2"],
    "invalid_json": ["""UPDATE audit_events SET after = '{{"i": 1' WHERE seq = 8"""],
}


@pytest.mark.parametrize("tamper", sorted(TAMPER))
def test_parallel_verification_names_the_same_first_bad_event(make_user, session, tamper):
    """Tampering at and across chunk boundaries: the chunked check reports what one pass does."""
    _events(13, make_user)
    session.rollback()
    if tamper == "invalid_json" and session.get_bind().dialect.name == "postgresql":
        pytest.skip("PostgreSQL's json type refuses invalid text on write")
    last, head = audit.chain_head(session)
    with audit_triggers_lifted() as conn:
        for statement in TAMPER[tamper]:
            conn.execute(text(statement.format(last=last)))
    session.rollback()
    serial, parallel = _both(session, head=head)
    assert not serial.ok and serial.reason and parallel == serial
    if tamper == "invalid_json":
        assert "not valid JSON" in serial.reason and serial.first_bad_seq == 8


def test_record_refuses_an_action_outside_the_enum(make_user, session):
    """Action names come from one enum (AuditAction): a typo cannot reach the trail."""
    user = make_user("reviewer")
    count = audit.count_events(session)
    with pytest.raises(ValueError, match="AuditAction"), transaction() as s:
        audit.record(s, user, "user.updatd", "user", user.id)
    session.rollback()
    assert audit.count_events(session) == count
