"""report provenance: where each article metadata field came from, and where it is published

Revision ID: 0015_report_provenance
Revises: 0014_review_integrity
Create Date: 2026-12-02

articles.meta_sources maps each metadata field (title, publisher, byline, published_at,
source_url) to where its value came from: "user", "page" (the HTML page's own metadata)
or "text" (found in the article's text). Articles made before have none recorded (NULL:
"not recorded", shown as such). articles.published_url is the public address of the
published fact-check (ClaimReview url), entered by the lead at approval.
"""
from alembic import op
import sqlalchemy as sa


revision = '0015_report_provenance'
down_revision = '0014_review_integrity'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('meta_sources', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('published_url', sa.String(length=2048), nullable=True))


def downgrade():
    # Plain ALTER TABLE ... DROP COLUMN (SQLite >= 3.35): batch mode would copy the table.
    for column in ('published_url', 'meta_sources'):
        op.execute(f'ALTER TABLE articles DROP COLUMN {column}')
