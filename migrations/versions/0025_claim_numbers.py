"""claim numbers kept for the claim's life

Revision ID: 0025_claim_numbers
Revises: 0020_notifications
Create Date: 2026-12-02

claims.number: the claim's number in its article (issue #19 item 4), given once and never
changed by a split, merge, undo or corrected version. The claims made before get their
reading-order position among the article's current claims, then the orphans after them
(oldest first); (article_id, number) is unique. Nullable in the schema only: SQLite cannot
add NOT NULL to claims without a rebuild that trips the foreign keys pointing at it; the
app gives every new claim its number at the flush (models/claim.py).
"""
from alembic import op
import sqlalchemy as sa


revision = '0025_claim_numbers'
down_revision = '0020_notifications'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('claims', sa.Column('number', sa.Integer(), nullable=True))
    op.execute(
        "UPDATE claims SET number = (SELECT t.n FROM (SELECT id, ROW_NUMBER() OVER ("
        " PARTITION BY article_id"
        " ORDER BY CASE WHEN anchor = 'orphaned' THEN 1 ELSE 0 END, start_offset, id) AS n"
        " FROM claims) t WHERE t.id = claims.id)"
    )
    op.create_index('ux_claims_article_number', 'claims', ['article_id', 'number'], unique=True)


def downgrade():
    op.drop_index('ux_claims_article_number', table_name='claims')
    op.execute('ALTER TABLE claims DROP COLUMN number')
