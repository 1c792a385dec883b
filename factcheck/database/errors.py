"""What the database said, as the domain error a person can act on.

Read from the error's code, never from its text (a PostgreSQL with lc_messages set to
another language words every message differently): the SQLSTATE on PostgreSQL
(psycopg's ``sqlstate``), the result code on SQLite (``sqlite_errorcode``, Python 3.11+).
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, IntegrityError

from factcheck.errors import Conflict, FactcheckError, InvalidInput, Unavailable

LOST = "the database connection was lost; nothing was saved, please retry"
UNREACHABLE = "the database cannot be reached; nothing was saved, please retry"
BUSY = "the database is busy; nothing was saved, please retry"
FULL = "storage full, nothing was saved"
CONCURRENT = "a concurrent change conflicted with yours; reload and try again"
SAVED_MEANWHILE = (
    "a conflicting change was saved at the same time; nothing of yours was saved, retry"
)
NUL = "input contains NUL characters"

# PostgreSQL SQLSTATEs (Appendix A of its manual): whole codes first, then classes.
POSTGRES_CODES: dict[str, tuple[type[FactcheckError], str]] = {
    "23505": (Conflict, SAVED_MEANWHILE),  # unique_violation
    "40001": (Conflict, CONCURRENT),  # serialization_failure
    "40P01": (Conflict, CONCURRENT),  # deadlock_detected
    "55P03": (Unavailable, BUSY),  # lock_not_available (lock_timeout)
    "57014": (Unavailable, BUSY),  # query_canceled (statement_timeout)
    "53100": (Unavailable, FULL),  # disk_full
    "53300": (Unavailable, BUSY),  # too_many_connections
    "57P01": (Unavailable, LOST),  # admin_shutdown (pg_terminate_backend, a restart)
    "57P02": (Unavailable, LOST),  # crash_shutdown
    "57P03": (Unavailable, UNREACHABLE),  # cannot_connect_now (starting up)
    "22021": (InvalidInput, NUL),  # character_not_in_repertoire: a NUL byte in text
    "22P05": (InvalidInput, NUL),  # untranslatable_character: \u0000 in JSON
}
POSTGRES_CLASSES: dict[str, tuple[type[FactcheckError], str]] = {
    "08": (Unavailable, LOST),  # connection_exception
    "23": (Conflict, SAVED_MEANWHILE),  # integrity_constraint_violation
}

# SQLite primary result codes (https://sqlite.org/rescode.html); extended codes carry the
# primary one in their low byte (SQLITE_BUSY_SNAPSHOT = 517 = 5 | 2 << 8).
SQLITE_CODES: dict[int, tuple[type[FactcheckError], str]] = {
    5: (Unavailable, BUSY),  # SQLITE_BUSY: busy_timeout ran out
    6: (Unavailable, BUSY),  # SQLITE_LOCKED: a table locked within this process
    13: (Unavailable, FULL),  # SQLITE_FULL: disk or max_page_count full
    14: (Unavailable, UNREACHABLE),  # SQLITE_CANTOPEN: the file cannot be opened
    19: (Conflict, SAVED_MEANWHILE),  # SQLITE_CONSTRAINT (UNIQUE 2067, PRIMARYKEY 1555, ...)
}


def classify(exc: DBAPIError) -> FactcheckError | None:
    """The domain error for this database error, or None (a bug: a 500)."""
    orig = exc.orig
    sqlstate = getattr(orig, "sqlstate", None)  # psycopg (None: raised by the client)
    code = getattr(orig, "sqlite_errorcode", None)  # sqlite3
    found = None
    if isinstance(sqlstate, str):
        found = POSTGRES_CODES.get(sqlstate) or POSTGRES_CLASSES.get(sqlstate[:2])
    elif isinstance(code, int):
        found = SQLITE_CODES.get(code & 0xFF)
    if found is None and exc.connection_invalidated:
        found = (Unavailable, LOST)  # SQLAlchemy saw the connection die (no code to read)
    if found is None and _client_side_connection_error(orig, sqlstate):
        found = (Unavailable, UNREACHABLE)
    if found is None and isinstance(exc, IntegrityError):
        found = (Conflict, SAVED_MEANWHILE)  # any constraint, whatever the driver said
    if found is None:
        return None
    kind, detail = found
    return kind(detail)


def translate_db_error(exc: DBAPIError) -> None:
    """Raise the domain error a person can act on for what the database said, if any."""
    mapped = classify(exc)
    if mapped is not None:
        raise mapped from None


def _client_side_connection_error(orig, sqlstate) -> bool:
    """psycopg's OperationalError without a SQLSTATE: libpq could not connect or lost the
    server before it answered (no server message, so nothing but the class to go by)."""
    module = type(orig).__module__
    if not module.startswith("psycopg") or sqlstate is not None:
        return False
    import psycopg

    return isinstance(orig, psycopg.OperationalError | psycopg.InterfaceError)
