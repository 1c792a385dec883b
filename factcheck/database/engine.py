"""Engine tuning and the SQLite writers' turn.

SQLite (HOSTILE.md §2.7): WAL, synchronous=FULL, busy_timeout and foreign keys on every
connection; pysqlite's own transaction handling is switched off so that write units of
work begin with BEGIN IMMEDIATE (no SQLITE_BUSY_SNAPSHOT upgrades) and reads stay deferred.
PostgreSQL: writers take the audit chain's advisory lock first (transaction.py), so the
chain has one order.

Nothing is registered on import: ``install(engine)`` tunes one engine (create_app's
register_database step calls it for the app's engines) and ``watch(sessions)`` makes a
session factory leave the writers' turn right after its COMMIT or ROLLBACK.
"""

from __future__ import annotations

import fcntl
import os
import select
import threading
from contextvars import ContextVar

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError

SQLITE_PRAGMAS = ("journal_mode=WAL", "synchronous=FULL", "busy_timeout=5000", "foreign_keys=ON")

# Set by transaction() for the span of one write unit of work.
write_unit: ContextVar[bool] = ContextVar("write_unit", default=False)


def install(engine: Engine) -> None:
    """Tune ``engine`` (once): SQLite pragmas per connection, and our own BEGIN; a server
    database's pooled connections are checked for a lost server at each checkout."""
    hooks = [("connect", _on_connect), ("begin", _on_begin)]
    if engine.dialect.name != "sqlite":
        hooks.append(("checkout", _on_checkout))
    for name, fn in hooks:
        if not event.contains(engine, name, fn):
            event.listen(engine, name, fn)


def _on_checkout(dbapi_conn, _record, _proxy) -> None:
    """A pooled connection the server has dropped is replaced before the request uses it.

    An idle connection has nothing to read: a server that ends the session (a restart,
    pg_terminate_backend, an idle timeout) sends its last message and closes the socket,
    which then polls readable. One poll(2) of the socket, no round trip (SQLAlchemy's
    pool_pre_ping sends a statement per checkout, a round trip on every request); on
    anything to read, or a connection the driver knows broken, the pool discards it and
    checks out another (HOSTILE FLT-03: the next request succeeds).
    """
    if getattr(dbapi_conn, "closed", False) or getattr(dbapi_conn, "broken", False):
        raise DisconnectionError("the connection was closed")
    try:
        poller = select.poll()
        poller.register(dbapi_conn.fileno(), select.POLLIN | select.POLLPRI)
        lost = bool(poller.poll(0))
    except (OSError, ValueError) as exc:  # no socket any more
        raise DisconnectionError("the connection has no socket") from exc
    if lost:
        raise DisconnectionError("the server closed the connection")


def watch(sessions) -> None:
    """Sessions of this factory (a sessionmaker or scoped_session) leave the writers'
    turn right after the database's COMMIT or ROLLBACK (once)."""
    for name in ("after_commit", "after_rollback"):
        if not event.contains(sessions, name, _on_end):
            event.listen(sessions, name, _on_end)


def _on_connect(dbapi_conn, _record) -> None:
    if type(dbapi_conn).__module__.startswith("sqlite3"):
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (see _on_begin)
        cur = dbapi_conn.cursor()
        for pragma in SQLITE_PRAGMAS:
            cur.execute(f"PRAGMA {pragma}")
        cur.close()


def _on_begin(conn) -> None:
    if conn.dialect.name != "sqlite":
        return
    if not write_unit.get():
        conn.exec_driver_sql("BEGIN")
        conn.info["immediate"] = False
        return
    begin_immediate(conn)


def begin_immediate(conn) -> None:
    join_queue(conn.engine.url.database)  # the turn is taken here, as late as it can be
    try:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    except BaseException:
        leave_queue()
        raise
    conn.info["immediate"] = True


def _on_end(_session) -> None:
    leave_queue()  # right after the database's COMMIT or ROLLBACK: the next writer may begin


_queue_lock = threading.Lock()  # threads of one process share the lock file's description
_queue_fd: tuple[int, str, int] | None = None  # (pid, path, fd): one database per process
_queue_held: ContextVar[int | None] = ContextVar("writers_queue_held", default=None)


def join_queue(database: str | None) -> None:
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


def leave_queue() -> None:
    fd = _queue_held.get()
    if fd is None:
        return
    _queue_held.set(None)
    try:
        fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        _queue_lock.release()
