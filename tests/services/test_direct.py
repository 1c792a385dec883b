"""services/direct.py: a statement run on the driver's cursor reads and writes what
Connection.execute reads and writes (the same processors), in the same transaction; errors
are SQLAlchemy's; statement listeners see it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import bindparam, event, select
from sqlalchemy.exc import IntegrityError

from factcheck.extensions import db
from factcheck.models import AuditEvent, Claim, ClaimStatus, Review
from factcheck.services.direct import Direct

_reviews, _claims, _events = Review.__table__, Claim.__table__, AuditEvent.__table__


def test_rows_are_what_execute_reads(app, make_user, make_article):
    reviewer = make_user("reviewer")
    article = make_article(actor=reviewer)
    claim_id = article.claims[0].id
    stmt = select(_claims.c.id, _claims.c.status, _claims.c.created_at, _claims.c.verdicts_disagree,
                  _claims.c.reasons).where(_claims.c.id == bindparam("claim_id"))  # fmt: skip
    with app.app_context():
        conn = db.session.connection()
        ours = Direct(stmt).execute(conn, {"claim_id": claim_id}).first()
        theirs = conn.execute(stmt, {"claim_id": claim_id}).first()
        db.session.rollback()
    assert tuple(ours) == tuple(theirs) and ours._asdict() == theirs._asdict()
    assert ours.status is ClaimStatus.OPEN and ours.created_at.tzinfo is not None
    assert ours.verdicts_disagree is False


def test_writes_in_the_callers_transaction_with_its_processors(app, make_user, make_article):
    reviewer = make_user("reviewer")
    claim_id = make_article(actor=reviewer).claims[0].id
    now = datetime(2026, 12, 8, 1, 2, 3, 456789, tzinfo=UTC)
    insert = Direct(_reviews.insert().returning(_reviews.c.id),
                    ["claim_id", "reviewer_id", "verdict", "note", "created_at", "updated_at",
                     "version", "revised_after_seen"])  # fmt: skip
    seen = []
    with app.app_context():
        conn = db.session.connection()
        listen = lambda *a: seen.append(a[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listen)
        try:
            review_id = insert.execute(conn, {
                "claim_id": claim_id, "reviewer_id": reviewer.id, "verdict": "disputed",
                "note": "n", "created_at": now, "updated_at": now, "version": 1,
                "revised_after_seen": False}).scalar()  # fmt: skip
        finally:
            event.remove(db.engine, "before_cursor_execute", listen)
        row = conn.execute(select(_reviews).where(_reviews.c.id == review_id)).one()
        assert (row.verdict.value, row.created_at, row.revised_after_seen) == (
            "disputed",
            now,
            False,
        )
        with pytest.raises(IntegrityError):  # the same reviewer twice: the unique key
            insert.execute(conn, {
                "claim_id": claim_id, "reviewer_id": reviewer.id, "verdict": "disputed",
                "note": "n", "created_at": now, "updated_at": now, "version": 1,
                "revised_after_seen": False})  # fmt: skip
        db.session.rollback()
        assert db.session.scalar(select(Review.id).where(Review.id == review_id)) is None
    assert any(s.startswith("INSERT INTO reviews") for s in seen)


def test_json_is_written_in_canonical_form(app):
    insert = Direct(_events.insert(), ["created_at", "actor_label", "action", "target_type",
                                       "before", "after"])  # fmt: skip
    with app.app_context():
        conn = db.session.connection()
        insert.execute(conn, {"created_at": datetime.now(UTC), "actor_label": "t",
                              "action": "review.created", "target_type": "review",
                              "before": None, "after": {"b": 1, "a": "é"}})  # fmt: skip
        row = conn.execute(select(_events.c.after).order_by(_events.c.id.desc()).limit(1)).one()
        raw = conn.exec_driver_sql(
            "SELECT CAST(after AS TEXT) FROM audit_events ORDER BY id DESC LIMIT 1"
        ).scalar()
        db.session.rollback()
    assert row.after == {"a": "é", "b": 1} and raw == '{"a":"é","b":1}'
