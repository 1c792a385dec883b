"""claim speaker type and confidence

Revision ID: 0018_claim_speaker_type
Revises: 0017_article_language
Create Date: 2026-12-02

claims.speaker_type (person, organization, document, unnamed) and
claims.speaker_confidence (0..1: how sure the splitter was; 1 once a person set or
confirmed the speaker). NULL for the claims made before, and for claims with no speaker.
"""
from alembic import op
import sqlalchemy as sa


revision = '0018_claim_speaker_type'
down_revision = '0017_article_language'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('claims', sa.Column('speaker_type', sa.String(length=16), nullable=True))
    op.add_column('claims', sa.Column('speaker_confidence', sa.Float(), nullable=True))


def downgrade():
    # Plain DROP COLUMN (SQLite 3.35+, PostgreSQL): a batch rebuild of claims would trip
    # the foreign keys of reviews and evidence that point at it.
    op.execute('ALTER TABLE claims DROP COLUMN speaker_confidence')
    op.execute('ALTER TABLE claims DROP COLUMN speaker_type')
