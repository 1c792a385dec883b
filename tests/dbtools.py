"""Test helpers that reach under the app: lift the audit trail's triggers to tamper with it
(only tamper-detection tests; the app role can never do it, HOSTILE FLT-07), and record
the SQL statements a block sends, and run calls in threads at the same instant (race).
"""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event, text

from factcheck.extensions import db


@contextmanager
def audit_triggers_lifted():
    """A connection (in a transaction) on which UPDATE/DELETE of audit rows is possible."""
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
            yield conn
            conn.execute(text("ALTER TABLE audit_events ENABLE TRIGGER USER"))
        else:  # SQLite triggers cannot be disabled: drop them in this test's database copy
            conn.execute(text("DROP TRIGGER audit_events_no_update"))
            conn.execute(text("DROP TRIGGER audit_events_no_delete"))
            yield conn


@contextmanager
def count_queries():
    """Collect every SQL statement sent through db.engine inside the block."""
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def race(app, calls):
    """Run the calls (each given a session) at the same instant in threads with their own
    sessions and transactions; per call "ok" or the exception it raised."""
    import threading

    from factcheck.database import transaction

    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        with app.app_context():
            try:
                barrier.wait()
                with transaction() as s:
                    call(s)
                results[i] = "ok"
            except BaseException as exc:  # noqa: BLE001 - surfaced by the caller's assertions
                results[i] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results
