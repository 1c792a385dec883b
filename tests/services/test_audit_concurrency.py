"""Concurrent writers keep one gapless, valid chain (no fork) on SQLite and PostgreSQL."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from factcheck.database import transaction
from factcheck.extensions import db
from factcheck.models import AuditEvent, Claim
from factcheck.services import audit, reviews

THREADS, ROUNDS = 8, 6


def test_concurrent_review_saves_keep_one_chain(app, make_user, make_article):
    article = make_article()
    claim_ids = [c.id for c in article.claims][:THREADS]
    reviewers = [make_user("reviewer") for _ in range(THREADS)]
    reviewer_ids = [r.id for r in reviewers]
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def work(i: int) -> None:
        with app.app_context():
            try:
                start.wait()
                from factcheck.models import User

                for n in range(ROUNDS):
                    actor = db.session.get(User, reviewer_ids[i])
                    with transaction() as s:
                        review = reviews.get_own_review(s, claim_ids[n % len(claim_ids)], actor.id)
                        reviews.submit_review(
                            s, actor=actor, claim_id=claim_ids[n % len(claim_ids)],
                            verdict=("confirmed", "unconfirmed", "disputed")[n % 3],
                            note=f"round {n}", version=review.version if review else None,
                        )  # fmt: skip
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                db.session.remove()

    before = audit.count_events(db.session)
    threads = [threading.Thread(target=work, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    db.session.rollback()  # end this thread's read snapshot (SQLite WAL) before counting
    # every save, and the article's own event when the first review moved it into review
    assert audit.count_events(db.session) == before + THREADS * ROUNDS + 1
    seqs = db.session.scalars(select(AuditEvent.seq).order_by(AuditEvent.seq)).all()
    assert seqs == list(range(1, len(seqs) + 1))  # gapless
    distinct_prev = db.session.scalar(select(func.count(func.distinct(AuditEvent.prev_hash))))
    assert distinct_prev == len(seqs)  # no fork: no two events share a predecessor
    assert audit.verify_chain(db.session).ok
    assert (
        db.session.scalar(select(func.count()).select_from(Claim).where(Claim.status == "reviewed"))
        >= 1
    )
