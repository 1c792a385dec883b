"""Engine tuning and the one unit-of-work helper entry points use.

SQLite (HOSTILE.md §2.7): WAL, synchronous=FULL, busy_timeout and foreign keys on every
connection; pysqlite's own transaction handling is switched off so that write units of
work begin with BEGIN IMMEDIATE (no SQLITE_BUSY_SNAPSHOT upgrades) and reads stay deferred.
PostgreSQL: writers take the audit chain's advisory lock first, so the chain has one order.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import has_request_context
from sqlalchemy import event, inspect
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from factcheck.errors import Conflict, InvalidInput, Unavailable
from factcheck.extensions import db
from factcheck.services import audit

_write_unit: ContextVar[bool] = ContextVar("write_unit", default=False)


@event.listens_for(Engine, "connect")
def _on_connect(dbapi_conn, _record) -> None:
    if type(dbapi_conn).__module__.startswith("sqlite3"):
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (see _on_begin)
        cur = dbapi_conn.cursor()
        for pragma in (
            "journal_mode=WAL",
            "synchronous=FULL",
            "busy_timeout=5000",
            "foreign_keys=ON",
        ):
            cur.execute(f"PRAGMA {pragma}")
        cur.close()


@event.listens_for(Engine, "begin")
def _on_begin(conn) -> None:
    if conn.dialect.name != "sqlite":
        return
    if not _write_unit.get():
        conn.exec_driver_sql("BEGIN")
        conn.info["immediate"] = False
        return
    _begin_immediate(conn)


def _begin_immediate(conn) -> None:
    _join_queue(conn.engine.url.database)  # the turn is taken here, as late as it can be
    try:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    except BaseException:
        _leave_queue()
        raise
    conn.info["immediate"] = True


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _on_end(_session) -> None:
    _leave_queue()  # right after the database's COMMIT or ROLLBACK: the next writer may begin


@contextmanager
def transaction(session: Session | None = None) -> Iterator[Session]:
    """One write unit of work: commit on success, roll back everything on any error."""
    if _write_unit.get():
        raise RuntimeError("transaction() is not re-entrant: one unit of work per entry point")
    session = session or db.session()  # the request's Session behind the scoped proxy
    token = _write_unit.set(True)
    try:
        try:
            if session.in_transaction() and session.get_transaction().is_active:
                _continue_as_write(session)
            else:
                session.rollback()  # nothing begun yet, or a failed read: start clean
                session.begin()
            audit.lock_chain(session)
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
    except StaleDataError:
        raise Conflict("someone else changed this meanwhile; reload and try again") from None
    except IntegrityError:
        raise Conflict(
            "a conflicting change was saved at the same time; nothing of yours was saved, retry"
        ) from None
    except DBAPIError as exc:
        translate_db_error(exc)
        raise
    finally:
        _leave_queue()  # normally left at the commit or rollback already
        _write_unit.reset(token)


def _continue_as_write(session: Session) -> None:
    """The request's read transaction becomes the unit of work, on the same connection.

    What the request read so far is expired (the service reloads what it needs), except
    the acting account, loaded for this request a moment ago: reloading it would be a
    query made inside the writers' turn. SQLite: the deferred read transaction ends and
    the write begins with BEGIN IMMEDIATE on the same connection (no pool round trip);
    PostgreSQL (READ COMMITTED): each statement already sees what others committed, and
    the unit queues on the chain's lock before its first statement.
    """
    actor = _request_actor(session)
    for obj in list(session.identity_map.values()):
        if obj is not actor:
            session.expire(obj)
    conn = session.connection()  # if none was open yet, the begin event starts the write
    if conn.dialect.name == "sqlite" and not conn.info.get("immediate"):
        conn.exec_driver_sql("ROLLBACK")
        _begin_immediate(conn)


def _request_actor(session: Session):
    """The request's signed-in account if this session holds it, else None."""
    if not has_request_context():
        return None
    from factcheck.web.auth import current_actor

    actor = current_actor()
    actor = getattr(actor, "_get_current_object", lambda: actor)()  # Flask-Login's proxy
    state = inspect(actor, raiseerr=False)
    return actor if state is not None and state.session is session else None


_queue_lock = threading.Lock()  # threads of one process share the lock file's description
_queue_fd: tuple[int, str, int] | None = None  # (pid, path, fd): one database per process
_queue_held: ContextVar[int | None] = ContextVar("writers_queue_held", default=None)


def _join_queue(database: str | None) -> None:
    """SQLite: writers on this machine wait their turn in the kernel (flock), not in SQLite.

    SQLite's busy handler polls: a writer that finds the database locked sleeps 1, 2, 5,
    10 … ms and wakes up well after the lock was freed, so under a burst of saves the
    workers sat idle between commits. An exclusive flock on a file beside the database
    wakes the next writer the moment the previous one commits, and the kernel releases it
    if its holder dies (kill -9). Processes that do not take it (sqlite3, a backup) still
    queue through busy_timeout. PostgreSQL queues on the chain's advisory lock instead.

    Taken just before BEGIN IMMEDIATE and left right after COMMIT (or ROLLBACK): the turn
    covers the database's write lock and nothing else (not the unit's input checks, not
    the pool's checkout, not the session's bookkeeping after the commit).
    """
    global _queue_fd
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    if _queue_held.get() is not None:
        return  # a second connection in one unit: SQLite's own lock (busy_timeout) decides
    path = database + "-writers"
    _queue_lock.acquire()
    try:
        if _queue_fd is None or _queue_fd[:2] != (os.getpid(), path):
            if _queue_fd is not None and _queue_fd[0] == os.getpid():
                os.close(_queue_fd[2])  # another database (tests): one lock file open at a time
            # opened again after a fork: a description shared with the parent would let
            # parent and child hold the lock at once
            _queue_fd = (os.getpid(), path, os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
        fcntl.flock(_queue_fd[2], fcntl.LOCK_EX)
    except BaseException:
        _queue_lock.release()
        raise
    _queue_held.set(_queue_fd[2])


def _leave_queue() -> None:
    fd = _queue_held.get()
    if fd is None:
        return
    _queue_held.set(None)
    try:
        fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        _queue_lock.release()


def translate_db_error(exc: DBAPIError) -> None:
    """Raise the domain error a person can act on for what the database said, if any."""
    message = str(exc.orig).lower()
    if exc.connection_invalidated or "terminat" in message or "server closed" in message:
        raise Unavailable(
            "the database connection was lost; nothing was saved, please retry"
        ) from None
    # Before "locked": PostgreSQL's deadlock detail says "blocked by process N".
    if "deadlock" in message or "could not serialize" in message:
        raise Conflict("a concurrent change conflicted with yours; reload and try again") from None
    if isinstance(exc, OperationalError):
        if "locked" in message or "busy" in message:
            raise Unavailable("the database is busy; nothing was saved, please retry") from None
        if "full" in message or "no space" in message:
            raise Unavailable("storage full, nothing was saved") from None
    if "null character" in message:
        raise InvalidInput("input contains NUL characters") from None
