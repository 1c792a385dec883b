"""review integrity: each review keeps its first submitted verdict, and whether it was revised after its author could see the others

Revision ID: 0014_review_integrity
Revises: 0013_auth_hardening
Create Date: 2026-12-02

Agreement between reviewers is computed on each reviewer's first submitted verdict of a
claim (blind review: a reviewer sees the others only once they submitted), so a revision
made after seeing them cannot turn a disagreement into agreement. reviews.first_verdict
and first_submitted_at keep that first verdict; reviews.revised_after_seen marks a review
revised while other reviews of the claim existed (its author could read them).

Backfill from the audit trail: the verdict of each review's "review.created" event and
its time (else, for rows the trail does not describe, the current verdict and created_at);
revised_after_seen is true when a "review.revised" event of the review came after another
review of the same claim was created. Plain ADD COLUMN on both databases (no table copy).
"""
from __future__ import annotations

import json

from alembic import op
import sqlalchemy as sa


revision = '0014_review_integrity'
down_revision = '0013_auth_hardening'
branch_labels = None
depends_on = None

REVIEWS = sa.table(
    'reviews',
    sa.column('id', sa.Integer), sa.column('claim_id', sa.Integer),
    sa.column('verdict', sa.String), sa.column('created_at', sa.DateTime(timezone=True)),
    sa.column('first_verdict', sa.String), sa.column('first_submitted_at', sa.DateTime(timezone=True)),
    sa.column('revised_after_seen', sa.Boolean),
)
EVENTS = sa.table(
    'audit_events',
    sa.column('id', sa.Integer), sa.column('action', sa.String), sa.column('target_type', sa.String),
    sa.column('target_id', sa.Integer), sa.column('after', sa.JSON),
    sa.column('created_at', sa.DateTime(timezone=True)),
)


def upgrade():
    op.add_column('reviews', sa.Column('first_verdict', sa.String(length=16), nullable=True))
    op.add_column('reviews', sa.Column('first_submitted_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('reviews', sa.Column('revised_after_seen', sa.Boolean(), server_default=sa.false(),
                                       nullable=False))
    _backfill(op.get_bind())


def _as_dict(value) -> dict:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return {}
    return value if isinstance(value, dict) else {}


def _naive(ts):
    return ts.replace(tzinfo=None) if ts is not None and ts.tzinfo is not None else ts


def _backfill(conn) -> None:
    reviews = conn.execute(sa.select(REVIEWS.c.id, REVIEWS.c.claim_id, REVIEWS.c.verdict,
                                     REVIEWS.c.created_at)).all()
    if not reviews:
        return
    created, revised = {}, {}
    rows = conn.execute(
        sa.select(EVENTS.c.target_id, EVENTS.c.action, EVENTS.c.after, EVENTS.c.created_at)
        .where(EVENTS.c.target_type == 'review', EVENTS.c.action.in_(['review.created', 'review.revised']))
        .order_by(EVENTS.c.id)
    )
    for target_id, action, after, at in rows:
        if action == 'review.created':
            created.setdefault(target_id, (_as_dict(after).get('verdict'), at))
        else:
            revised.setdefault(target_id, []).append(at)
    first_of_claim: dict[int, list] = {}
    for review_id, claim_id, _verdict, created_at in reviews:
        first_of_claim.setdefault(claim_id, []).append((review_id, created_at))
    for review_id, claim_id, verdict, created_at in reviews:
        first, at = created.get(review_id, (None, None))
        at = at or created_at
        others = [_naive(t) for r, t in first_of_claim[claim_id] if r != review_id and t is not None]
        seen = any(_naive(t) is not None and others and min(others) < _naive(t)
                   for t in revised.get(review_id, []))
        conn.execute(REVIEWS.update().where(REVIEWS.c.id == review_id).values(
            first_verdict=first if first in ('confirmed', 'unconfirmed', 'disputed') else verdict,
            first_submitted_at=at, revised_after_seen=seen))


def downgrade():
    for column in ('revised_after_seen', 'first_submitted_at', 'first_verdict'):
        op.execute(f'ALTER TABLE reviews DROP COLUMN {column}')
