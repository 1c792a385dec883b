"""Test helpers that reach under the app: lift the audit trail's triggers to tamper with it.

Only tamper-detection tests use this; the app role can never do it (HOSTILE FLT-07).
"""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import text

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
