"""big desk indexes: a claim's history by target, and conflicts read from an index

Revision ID: 0028_bigdesk_indexes
Revises: 0027_claim_search
Create Date: 2026-12-04

Issue #21 item 5 (tests/benchmarks/bench_bigdesk.py, RESULTS.md). On a desk of 500,000
audit events the claim page's history (events whose target is the claim or one of its
reviews) read the whole trail: nothing indexed target_type/target_id. And the conflict
look-up (claims whose reviews disagree, for the navigation badge, the lead desk and the
"conflicts" filter) grouped every review by claim reading the table's rows; with
(claim_id, verdict) indexed it is an index-only pass. Plain CREATE INDEX (no batch): a
batch would rebuild audit_events on SQLite and drop its append-only triggers.
"""
from alembic import op


revision = '0028_bigdesk_indexes'
down_revision = '0027_claim_search'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_audit_events_target', 'audit_events', ['target_type', 'target_id'])
    op.create_index('ix_reviews_claim_verdict', 'reviews', ['claim_id', 'verdict'])


def downgrade():
    op.drop_index('ix_reviews_claim_verdict', table_name='reviews')
    op.drop_index('ix_audit_events_target', table_name='audit_events')
