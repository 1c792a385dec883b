"""Engine tuning and the one unit-of-work helper entry points use.

SQLite (HOSTILE.md §2.7): WAL, synchronous=FULL, busy_timeout and foreign keys on every
connection; pysqlite's own transaction handling is switched off so that write units of
work begin with BEGIN IMMEDIATE (no SQLITE_BUSY_SNAPSHOT upgrades) and reads stay deferred.
PostgreSQL: writers take the audit chain's advisory lock first, so the chain has one order.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from .errors import Conflict, InvalidInput, Unavailable
from .extensions import db
from .services import audit

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
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE" if _write_unit.get() else "BEGIN")


@contextmanager
def transaction(session: Session | None = None) -> Iterator[Session]:
    """One write unit of work: commit on success, roll back everything on any error."""
    if _write_unit.get():
        raise RuntimeError("transaction() is not re-entrant: one unit of work per entry point")
    session = session or db.session()  # the request's Session behind the scoped proxy
    if session.in_transaction():
        session.rollback()  # end the deferred read transaction; the service reloads what it needs
    token = _write_unit.set(True)
    try:
        with session.begin():
            audit.lock_chain(session)
            yield session
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
        _write_unit.reset(token)


def translate_db_error(exc: DBAPIError) -> None:
    """Raise the domain error a person can act on for what the database said, if any."""
    message = str(exc.orig).lower()
    if exc.connection_invalidated or "terminat" in message or "server closed" in message:
        raise Unavailable(
            "the database connection was lost; nothing was saved, please retry"
        ) from None
    if isinstance(exc, OperationalError):
        if "locked" in message or "busy" in message:
            raise Unavailable("the database is busy; nothing was saved, please retry") from None
        if "full" in message or "no space" in message:
            raise Unavailable("storage full, nothing was saved") from None
    if "deadlock" in message or "could not serialize" in message:
        raise Conflict("a concurrent change conflicted with yours; reload and try again") from None
    if "null character" in message:
        raise InvalidInput("input contains NUL characters") from None
