"""The audit chain sealed later (docs/audit-design.md): PostgreSQL writers take no desk-wide
lock and leave their event unsealed; the sealer links committed events in id order;
verify proves the sealed chain and that nothing waits unsealed past the limit."""

from __future__ import annotations

import threading
import time

import pytest
from settings_helpers import override_settings
from sqlalchemy import create_engine, select, text

from factcheck.database import transaction
from factcheck.extensions import db
from factcheck.jobs import seal
from factcheck.models import AuditEvent, SystemActor
from factcheck.services import audit, sealing
from factcheck.settings import app_settings

ACTOR = SystemActor("test")


def _pg(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: SQLite seals in the writer")


@pytest.fixture
def apart(app):
    """The sealer runs apart (as in production), not inline after each commit."""
    override_settings(app, AUDIT_SEALER="sealer")
    return app


def _event(n: int = 0) -> None:
    with transaction() as s:
        audit.record(s, ACTOR, "user.updated", "user", n, after={"n": n})


def _unsealed() -> int:
    db.session.rollback()
    return audit.count_unsealed(db.session)


def test_sqlite_seals_in_the_writer_and_postgres_leaves_it_to_the_sealer(apart):
    _event(1)
    row = db.session.scalars(select(AuditEvent)).one()
    assert row.digest and len(row.digest) == 64
    if db.engine.dialect.name == "sqlite":
        assert row.seq == 1 and row.hash and _unsealed() == 0
        return
    assert row.seq is None and row.hash is None and _unsealed() == 1
    result = audit.verify_chain(db.session)
    assert result.ok and result.events == 0 and result.unsealed == 1
    assert sealing.seal_all(db.engine) == 1
    db.session.rollback()
    row = db.session.scalars(select(AuditEvent)).one()
    assert row.seq == 1 and row.prev_hash == audit.GENESIS and row.sealed_at is not None
    result = audit.verify_chain(db.session)
    assert result.ok and result.events == 1 and result.unsealed == 0


def test_a_late_commit_is_sealed_next_at_a_higher_seq_and_a_rollback_stalls_nothing(apart):
    _pg(apart)
    engine = create_engine(db.engine.url)
    late = engine.connect()
    try:
        late.exec_driver_sql("BEGIN")
        late.execute(text(
            "INSERT INTO audit_events (created_at, actor_label, action, target_type, digest) "
            "VALUES (now(), 'late', 'user.updated', 'user', :d)"), {"d": "0" * 64})  # fmt: skip
        gap = engine.connect()
        gap.exec_driver_sql("BEGIN")
        gap.execute(text(
            "INSERT INTO audit_events (created_at, actor_label, action, target_type, digest) "
            "VALUES (now(), 'gap', 'user.updated', 'user', :d)"), {"d": "1" * 64})  # fmt: skip
        gap.exec_driver_sql("ROLLBACK")  # an id gap, never filled
        gap.close()
        _event(2)
        assert sealing.seal_all(db.engine) == 1  # the committed one; the open one is unseen
        late.exec_driver_sql("COMMIT")
        assert sealing.seal_all(db.engine) == 1
    finally:
        late.close()
        engine.dispose()
    db.session.rollback()
    rows = db.session.execute(select(AuditEvent.id, AuditEvent.seq, AuditEvent.actor_label)
                              .order_by(AuditEvent.seq)).all()  # fmt: skip
    assert [r.seq for r in rows] == [1, 2]
    assert rows[0].id > rows[1].id and rows[1].actor_label == "late"  # lower id, later seal
    result = audit.verify_chain(db.session)
    # The forged-by-hand late row has a made-up digest: sealed, its link holds, and verify
    # judges it by its hash like any other sealed event.
    assert result.ok and result.events == 2, result


def test_verify_fails_on_an_event_left_unsealed_past_the_limit(apart, runner):
    _pg(apart)
    _event(3)
    time.sleep(0.3)
    result = audit.verify_chain(db.session, limit=0.2)
    assert not result.ok and "unsealed for" in result.reason and result.first_bad_id
    out = runner.invoke(args=["audit", "verify", "--processes", "1"])
    assert out.exit_code == 0 and "1 awaiting the sealer" in out.output  # limit 10 s
    override_settings(apart, AUDIT_SEAL_LIMIT="0.1")
    out = runner.invoke(args=["audit", "verify", "--processes", "1"])
    assert out.exit_code == 1 and "unsealed for" in out.output, out.output
    assert runner.invoke(args=["audit", "seal"]).output.startswith("sealed 1; head 1 ")
    out = runner.invoke(args=["audit", "verify", "--processes", "1"])
    assert out.exit_code == 0 and out.output.strip() == "OK 1 events"


def test_an_unsealed_event_whose_content_changed_fails_verify(apart):
    _pg(apart)
    _event(4)
    with db.engine.begin() as conn:  # the owner, past the triggers
        conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
        conn.exec_driver_sql("UPDATE audit_events SET after = '{\"n\": 5}' WHERE seq IS NULL")
    result = audit.verify_chain(db.session)
    assert not result.ok and result.reason == "content does not match its digest (unsealed)"


@pytest.mark.parametrize("statement", [
    "UPDATE audit_events SET hash = 'x' WHERE seq IS NOT NULL",  # a sealed row
    "UPDATE audit_events SET seq = 99, prev_hash = 'p', hash = 'h', sealed_at = now(), "
    "actor_label = 'forged' WHERE seq IS NULL",  # a seal that also changes content
    "UPDATE audit_events SET after = '{}' WHERE seq IS NULL",  # content of an unsealed row
    "INSERT INTO audit_events (created_at, actor_label, action, target_type, seq, digest) "
    "VALUES (now(), 'x', 'user.updated', 'user', 50, 'd')",  # half sealed
])  # fmt: skip
def test_the_triggers_let_through_only_a_seal_of_an_unsealed_row(apart, statement):
    _pg(apart)
    _event(5)
    _event(6)
    sealing.seal_all(db.engine)
    _event(7)
    with pytest.raises(Exception, match="append-only|unsealed or sealed"), db.engine.begin() as c:
        c.exec_driver_sql(statement)
    with db.engine.begin() as conn:  # the function seals nothing twice
        sealed = conn.execute(text("SELECT audit_events_seal(ARRAY[1]::bigint[], ARRAY[77], "
                                   "ARRAY['p'], ARRAY['h'])")).scalar()  # fmt: skip
    assert sealed == 0
    sealing.seal_all(db.engine)
    assert audit.verify_chain(db.session).ok


def test_one_sealer_holds_the_lease_and_seals_within_a_second(apart):
    _pg(apart)
    settings = app_settings(apart)
    runs = [seal.start_thread(db.engine, settings) for _ in range(2)]
    try:
        time.sleep(0.5)
        with db.engine.connect() as conn:
            holders = conn.execute(text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                "AND objid = :k"), {"k": sealing.LEASE_KEY}).scalar()  # fmt: skip
        assert holders == 1
        for n in range(5):
            _event(10 + n)
        deadline = time.monotonic() + 1.0
        while _unsealed() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert _unsealed() == 0
    finally:
        for thread, stop in runs:
            stop.set()
            thread.join(5)
    lags = db.session.execute(text(
        "SELECT max(EXTRACT(EPOCH FROM sealed_at - entered_at)) FROM audit_events")).scalar()  # fmt: skip
    assert lags < 1.0 and audit.verify_chain(db.session).ok


def test_the_head_is_published_on_every_seal_and_verify_takes_a_digest(app, runner, tmp_path):
    head_file = tmp_path / "audit-head"
    override_settings(app, AUDIT_HEAD_FILE=str(head_file))
    _event(20)
    _event(21)  # inline sealing (tests) or SQLite's writer: published after the commit
    seq, hash_ = head_file.read_text().split()
    assert (int(seq), hash_) == audit.chain_head(db.session)
    assert runner.invoke(args=["audit", "verify", "--head", hash_]).exit_code == 0
    digest = db.session.scalar(select(AuditEvent.digest).order_by(AuditEvent.id.desc()))
    assert runner.invoke(args=["audit", "verify", "--head", digest]).exit_code == 0
    out = runner.invoke(args=["audit", "verify", "--head", "f" * 64])
    assert out.exit_code == 1 and "not found" in out.output


def test_the_sealer_command_on_sqlite_has_nothing_to_do(app, runner):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    out = runner.invoke(args=["audit", "seal"])
    assert out.exit_code == 0 and "nothing to do" in out.output


def test_writers_do_not_wait_for_each_other_on_postgres(apart):
    """Two units of work at once, each holding its transaction open after its event: the
    second commits while the first is still open (the old chain lock made it wait)."""
    _pg(apart)
    inside, release, order = threading.Event(), threading.Event(), []

    def slow():
        with apart.app_context(), transaction() as s:
            audit.record(s, ACTOR, "user.updated", "user", 1)
            inside.set()
            release.wait(5)
        order.append("slow")

    t = threading.Thread(target=slow)
    t.start()
    assert inside.wait(5)
    started = time.monotonic()
    _event(2)
    order.append("fast")
    waited = time.monotonic() - started
    release.set()
    t.join(5)
    assert order == ["fast", "slow"] and waited < 1.0
    sealing.seal_all(db.engine)
    assert audit.verify_chain(db.session).ok


def test_the_audit_page_and_api_show_an_event_awaiting_the_sealer(
    apart, make_user, login, client, api_as
):
    _pg(apart)
    admin = make_user("admin")
    sealing.seal_all(db.engine)
    _event(30)
    login(admin)
    page = client.get("/audit")
    assert page.status_code == 200 and "sealing…" in page.get_data(as_text=True)
    events = api_as(admin).get("/audit").get_json()["items"]
    assert events[0]["seq"] is None and events[0]["hash"] is None
    sealing.seal_all(db.engine)
    assert "sealing…" not in client.get("/audit").get_data(as_text=True)
