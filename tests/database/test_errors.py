"""Database errors become domain errors by their code (SQLSTATE, SQLite result code), each
made for real where the database can be made to say it, never by their wording."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError, OperationalError

from factcheck.database import errors as db_errors
from factcheck.database import transaction, translate_db_error
from factcheck.errors import Conflict, InvalidInput, Unavailable
from factcheck.extensions import db
from factcheck.models import SystemActor, User
from factcheck.services import audit


def _dialect() -> str:
    return db.engine.dialect.name


def sqlite_only():
    if _dialect() != "sqlite":
        pytest.skip("SQLite result codes")


def postgres_only():
    if _dialect() != "postgresql":
        pytest.skip("PostgreSQL SQLSTATEs (FACTCHECK_TEST_DATABASE_URL)")


def _mapped(exc: DBAPIError):
    with pytest.raises((Conflict, InvalidInput, Unavailable)) as info:
        translate_db_error(exc)
    return info.value


# --------------------------------------------------------------------------- both databases


def test_unique_violation_is_a_conflict(app, make_user, snapshot):
    """SQLITE_CONSTRAINT_UNIQUE (2067) / 23505: the row someone else saved first."""
    user = make_user("reviewer")
    before = snapshot()
    with pytest.raises(Conflict) as info, transaction() as s:
        s.add(User(email=user.email, display_name="Twin", role="reviewer", password_hash="x"))
        s.flush()
    assert info.value.status == 409
    assert info.value.detail == db_errors.SAVED_MEANWHILE
    assert snapshot() == before


def test_the_real_unique_violation_carries_its_code(app, make_user):
    user = make_user("reviewer")
    session = db.session()
    session.add(User(email=user.email, display_name="Twin", role="reviewer", password_hash="x"))
    with pytest.raises(DBAPIError) as info:
        session.flush()
    session.rollback()
    orig = info.value.orig
    if _dialect() == "sqlite":
        assert orig.sqlite_errorname == "SQLITE_CONSTRAINT_UNIQUE"
    else:
        assert orig.sqlstate == "23505"
    assert isinstance(db_errors.classify(info.value), Conflict)


# --------------------------------------------------------------------------- SQLite


def test_sqlite_full_refuses_with_storage_full(app, make_user, snapshot):
    """SQLITE_FULL (13), made by capping the file with PRAGMA max_page_count."""
    sqlite_only()
    user = make_user("reviewer")
    before = snapshot()
    try:
        with pytest.raises(Unavailable) as info, transaction() as s:
            conn = s.connection()  # the unit's own connection: the cap holds for it alone
            pages = conn.exec_driver_sql("PRAGMA page_count").scalar()
            conn.exec_driver_sql(f"PRAGMA max_page_count = {pages + 1}")
            s.execute(text("UPDATE users SET display_name = :n WHERE id = :id"),
                      {"n": "x" * 200_000, "id": user.id})  # fmt: skip
    finally:
        db.session.remove()
        db.engine.dispose()  # the capped connection goes
    assert info.value.status == 503 and info.value.detail == "storage full, nothing was saved"
    assert snapshot() == before


def test_sqlite_busy_is_503(app, tmp_path):
    """SQLITE_BUSY (5): another process holds the write lock longer than busy_timeout."""
    sqlite_only()
    path = db.engine.url.database
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # a writer that does not take our queue (sqlite3, a backup)
    try:
        session = db.session()
        session.connection().exec_driver_sql("PRAGMA busy_timeout = 50")
        with pytest.raises(Unavailable) as info, transaction(session) as s:
            audit.record(s, SystemActor("test"), "user.updated", "user", None)
    finally:
        other.execute("ROLLBACK")
        other.close()
        db.session.remove()
        db.engine.dispose()  # the connection with the short busy_timeout
    assert info.value.status == 503
    assert info.value.detail == "the database is busy; nothing was saved, please retry"


def test_sqlite_cannot_open_is_unavailable(tmp_path):
    """SQLITE_CANTOPEN (14): the database file's folder is gone."""
    engine = create_engine(f"sqlite:///{tmp_path / 'missing' / 'factcheck.db'}")
    try:
        with pytest.raises(DBAPIError) as info:
            engine.connect()
    finally:
        engine.dispose()
    assert info.value.orig.sqlite_errorname == "SQLITE_CANTOPEN"
    mapped = _mapped(info.value)
    assert isinstance(mapped, Unavailable) and mapped.detail == db_errors.UNREACHABLE


# --------------------------------------------------------------------------- PostgreSQL


@pytest.fixture
def pg_probe(app):
    """A two-row table of its own, for errors two connections make together."""
    postgres_only()
    engine = create_engine(db.engine.url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS errors_probe")
        conn.exec_driver_sql("CREATE TABLE errors_probe (id int PRIMARY KEY, n int)")
        conn.exec_driver_sql("INSERT INTO errors_probe VALUES (1, 0), (2, 0)")
    yield engine
    with engine.connect() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS errors_probe")
    engine.dispose()


def test_postgres_serialization_failure_is_a_conflict(pg_probe):
    """40001: two SERIALIZABLE transactions wrote what the other read."""
    engine = create_engine(pg_probe.url, isolation_level="SERIALIZABLE")
    a, b = engine.connect(), engine.connect()
    try:
        a.execute(text("SELECT sum(n) FROM errors_probe")).scalar()
        b.execute(text("SELECT sum(n) FROM errors_probe")).scalar()
        a.execute(text("UPDATE errors_probe SET n = n + 1 WHERE id = 1"))
        b.execute(text("UPDATE errors_probe SET n = n + 1 WHERE id = 2"))
        a.commit()
        with pytest.raises(DBAPIError) as info:
            b.commit()
    finally:
        a.close()
        b.close()
        engine.dispose()
    assert info.value.orig.sqlstate == "40001"
    mapped = _mapped(info.value)
    assert isinstance(mapped, Conflict) and mapped.detail == db_errors.CONCURRENT


def test_postgres_deadlock_is_a_conflict(pg_probe):
    """40P01: each of two transactions waits for a row the other holds."""
    a, b = pg_probe.connect(), pg_probe.connect()
    caught: list[BaseException] = []
    try:
        for conn in (a, b):
            conn.exec_driver_sql("BEGIN")
            conn.exec_driver_sql("SET LOCAL deadlock_timeout = '50ms'")
        a.exec_driver_sql("UPDATE errors_probe SET n = 1 WHERE id = 1")
        b.exec_driver_sql("UPDATE errors_probe SET n = 1 WHERE id = 2")

        def cross(conn, row):
            try:
                conn.exec_driver_sql(f"UPDATE errors_probe SET n = 2 WHERE id = {row}")
            except DBAPIError as exc:
                caught.append(exc)
                conn.exec_driver_sql("ROLLBACK")

        threads = [threading.Thread(target=cross, args=(a, 2)),
                   threading.Thread(target=cross, args=(b, 1))]  # fmt: skip
        for t in threads:
            t.start()
            time.sleep(0.1)
        for t in threads:
            t.join(10)
    finally:
        for conn in (a, b):
            conn.exec_driver_sql("ROLLBACK")
            conn.close()
    assert len(caught) == 1 and caught[0].orig.sqlstate == "40P01"
    mapped = _mapped(caught[0])
    assert isinstance(mapped, Conflict) and mapped.detail == db_errors.CONCURRENT


def test_postgres_lock_timeout_is_busy(app, pg_probe, snapshot):
    """55P03: a lock the write needs is held elsewhere for longer than lock_timeout."""
    holder = pg_probe.connect()
    holder.exec_driver_sql("BEGIN")  # the probe's engine autocommits
    holder.execute(text("LOCK TABLE audit_events IN EXCLUSIVE MODE"))  # refuses INSERTs
    before = snapshot()
    try:
        session = db.session()
        session.execute(text("SET lock_timeout = '50ms'"))
        session.commit()
        with pytest.raises(Unavailable) as info, transaction(session) as s:
            audit.record(s, SystemActor("test"), "user.updated", "user", None)
    finally:
        holder.exec_driver_sql("ROLLBACK")
        holder.close()
        db.session.remove()
        db.engine.dispose()  # the connection with the short lock_timeout
    assert info.value.status == 503 and info.value.detail == db_errors.BUSY
    assert snapshot() == before


def test_postgres_statement_timeout_is_busy(app):
    """57014: a statement ran past statement_timeout."""
    postgres_only()
    session = db.session()
    try:
        session.execute(text("SET statement_timeout = '20ms'"))
        with pytest.raises(DBAPIError) as info:
            session.execute(text("SELECT pg_sleep(1)"))
    finally:
        session.rollback()
        db.session.remove()
        db.engine.dispose()
    assert info.value.orig.sqlstate == "57014"
    assert _mapped(info.value).detail == db_errors.BUSY


def test_postgres_terminated_connection_is_lost(app, pg_probe):
    """57P01 (or the bare lost socket after it): pg_terminate_backend."""
    session = db.session()
    pid = session.execute(text("SELECT pg_backend_pid()")).scalar()
    with pg_probe.connect() as killer:
        killer.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    try:
        with pytest.raises(DBAPIError) as info:
            session.execute(text("SELECT 1"))
    finally:
        session.rollback()
        db.session.remove()
    mapped = _mapped(info.value)
    assert isinstance(mapped, Unavailable) and mapped.detail == db_errors.LOST


def test_postgres_unreachable_server_is_unavailable():
    """No server answers (libpq fails before any SQLSTATE exists)."""
    engine = create_engine("postgresql+psycopg://postgres@127.0.0.1:1/none?connect_timeout=2")
    try:
        with pytest.raises(DBAPIError) as info:
            engine.connect()
    finally:
        engine.dispose()
    mapped = _mapped(info.value)
    assert isinstance(mapped, Unavailable) and mapped.detail == db_errors.UNREACHABLE


def test_postgres_nul_in_json_is_invalid_input(app):
    """22P05: \\u0000 cannot be stored in jsonb."""
    postgres_only()
    session = db.session()
    with pytest.raises(DBAPIError) as info:
        session.execute(text("SELECT CAST(:j AS jsonb)"), {"j": '{"a": "\\u0000"}'})
    session.rollback()
    assert info.value.orig.sqlstate == "22P05"
    mapped = _mapped(info.value)
    assert isinstance(mapped, InvalidInput) and mapped.status == 422


# --------------------------------------------------------------------------- codes, not words


def _psycopg(cls_name: str, message: str) -> DBAPIError:
    import psycopg.errors

    return OperationalError("INSERT", {}, getattr(psycopg.errors, cls_name)(message))


def _sqlite(code: int, name: str, message: str) -> DBAPIError:
    orig = sqlite3.OperationalError(message)
    orig.sqlite_errorcode, orig.sqlite_errorname = code, name
    return OperationalError("INSERT", {}, orig)


@pytest.mark.parametrize(
    ("error", "kind", "detail"),
    [
        # lc_messages = 'de_DE.UTF-8': PostgreSQL's own German wording, code unchanged
        (_psycopg("DiskFull", 'konnte Datei "base/1/2" nicht erweitern: Auf dem Gerät ist '
                  "kein Speicherplatz mehr verfügbar"), Unavailable, db_errors.FULL),
        (_psycopg("DeadlockDetected", "Verklemmung (Deadlock) entdeckt"), Conflict,
         db_errors.CONCURRENT),
        (_psycopg("SerializationFailure", "konnte Zugriff nicht serialisieren"), Conflict,
         db_errors.CONCURRENT),
        (_psycopg("LockNotAvailable", "Abbruch des Befehls wegen Zeitüberschreitung einer "
                  "Sperre"), Unavailable, db_errors.BUSY),
        (_psycopg("AdminShutdown", "Verbindung wird abgebrochen aufgrund von Anweisung des "
                  "Administrators"), Unavailable, db_errors.LOST),
        (_psycopg("UniqueViolation", "doppelter Schlüsselwert verletzt Unique-Constraint"),
         Conflict, db_errors.SAVED_MEANWHILE),
        (_sqlite(5, "SQLITE_BUSY", "Datenbank ist gesperrt"), Unavailable, db_errors.BUSY),
        (_sqlite(13, "SQLITE_FULL", "Datenbank oder Festplatte ist voll"), Unavailable,
         db_errors.FULL),
        (_sqlite(517, "SQLITE_BUSY_SNAPSHOT", "database is locked"), Unavailable,
         db_errors.BUSY),
    ],
    ids=lambda v: getattr(getattr(v, "orig", None), "sqlstate", None)
    or getattr(getattr(v, "orig", None), "sqlite_errorname", None) or "",
)  # fmt: skip
def test_a_localised_message_maps_by_its_code(error, kind, detail):
    mapped = _mapped(error)
    assert type(mapped) is kind and mapped.detail == detail


@pytest.mark.parametrize(
    "error",
    [
        # what the old text matching took for "busy", "full" and "deadlock": codes say otherwise
        _sqlite(1, "SQLITE_ERROR", "no such table: locked_and_busy"),
        _sqlite(1, "SQLITE_ERROR", "near 'full': syntax error"),
        _psycopg("UndefinedColumn", 'column "deadlock" does not exist'),
        _psycopg("SyntaxError", 'syntax error at or near "server closed"'),
    ],
    ids=["sqlite-locked", "sqlite-full", "pg-deadlock", "pg-server-closed"],
)
def test_wording_alone_maps_nothing(error):
    assert db_errors.classify(error) is None
    translate_db_error(error)  # raises nothing: the caller's 500


def test_a_read_outside_a_unit_maps_by_code_too(client, make_user, token_for, monkeypatch):
    """The app's DBAPIError handler: a busy SQLite (or a German PostgreSQL) is a 503."""
    from factcheck.services import articles

    def busy(*_a, **_kw):
        raise _sqlite(5, "SQLITE_BUSY", "Datenbank ist gesperrt")

    token = token_for(make_user("reviewer"))
    monkeypatch.setattr(articles, "list_articles", busy)
    resp = client.get("/api/v1/articles", headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 503
    assert resp.get_json()["detail"] == db_errors.BUSY
