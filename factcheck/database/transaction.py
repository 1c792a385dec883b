"""The one unit-of-work helper entry points use: ``with transaction() as session: ...``."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from flask import has_request_context
from sqlalchemy import inspect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from factcheck.database.engine import begin_immediate, leave_queue, write_unit
from factcheck.database.errors import translate_db_error
from factcheck.errors import Conflict
from factcheck.extensions import db
from factcheck.services import sealing
from factcheck.settings import settings_of

log = logging.getLogger("factcheck.audit")


@contextmanager
def transaction(session: Session | None = None) -> Iterator[Session]:
    """One write unit of work: commit on success, roll back everything on any error."""
    if write_unit.get():
        raise RuntimeError("transaction() is not re-entrant: one unit of work per entry point")
    session = session or db.session()  # the request's Session behind the scoped proxy
    token = write_unit.set(True)
    try:
        try:
            if session.in_transaction() and session.get_transaction().is_active:
                _continue_as_write(session)
            else:
                session.rollback()  # nothing begun yet, or a failed read: start clean
                session.begin()
            _forget_events(session)
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            _forget_events(session)
            raise
    except StaleDataError:
        raise Conflict("someone else changed this meanwhile; reload and try again") from None
    except DBAPIError as exc:
        translate_db_error(exc)
        raise
    finally:
        leave_queue()  # normally left at the commit or rollback already
        write_unit.reset(token)
    _after_commit(session)


def _forget_events(session: Session) -> None:
    session.info.pop("audit_unsealed", None)
    session.info.pop("audit_head", None)


def _after_commit(session: Session) -> None:
    """The committed unit's events: sealed now if the sealer runs inline (PostgreSQL), and
    the head published to AUDIT_HEAD_FILE if one is set (SQLite seals in the writer)."""
    unsealed, head = session.info.pop("audit_unsealed", None), session.info.pop("audit_head", None)
    settings = settings_of(session)
    try:
        if unsealed and settings.AUDIT_SEALER == "inline":
            sealing.seal_all(session.get_bind(), head_file=settings.AUDIT_HEAD_FILE)
        elif head and settings.AUDIT_HEAD_FILE:
            sealing.publish_head(settings.AUDIT_HEAD_FILE, head)
    except Exception:  # the unit is committed: the next pass seals it, the next seal publishes
        log.exception("sealing or publishing the audit head after a commit failed")


def _continue_as_write(session: Session) -> None:
    """The request's read transaction becomes the unit of work, on the same connection.

    What the request read so far is expired (the service reloads what it needs), except
    the acting account, loaded for this request a moment ago: reloading it would be a
    query made inside the writers' turn. SQLite: the deferred read transaction ends and
    the write begins with BEGIN IMMEDIATE on the same connection (no pool round trip);
    PostgreSQL (READ COMMITTED): each statement already sees what others committed.
    """
    actor = _request_actor(session)
    for obj in list(session.identity_map.values()):
        if obj is not actor:
            session.expire(obj)
    conn = session.connection()  # if none was open yet, the begin event starts the write
    if conn.dialect.name == "sqlite" and not conn.info.get("immediate"):
        conn.exec_driver_sql("ROLLBACK")
        begin_immediate(conn)


def _request_actor(session: Session):
    """The request's signed-in account if this session holds it, else None."""
    if not has_request_context():
        return None
    from factcheck.web.auth import current_actor

    actor = current_actor()
    actor = getattr(actor, "_get_current_object", lambda: actor)()  # Flask-Login's proxy
    state = inspect(actor, raiseerr=False)
    return actor if state is not None and state.session is session else None
