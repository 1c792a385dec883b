"""user locale: the interface language each person chose on the account page

Revision ID: 0019_user_locale
Revises: 0018_claim_speaker_type
Create Date: 2026-12-02

users.locale holds one of the interface's languages (en, es, fr, de, pt); NULL, as for
every account made before, means "the browser's Accept-Language, else the desk default".
"""
from alembic import op
import sqlalchemy as sa


revision = '0019_user_locale'
down_revision = '0018_claim_speaker_type'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('users', sa.Column('locale', sa.String(length=8), nullable=True))


def downgrade():
    # Plain ALTER TABLE ... DROP COLUMN (SQLite >= 3.35): batch mode would copy the users
    # table, and dropping the old copy fires the foreign keys that point at it (as 0013).
    op.execute('ALTER TABLE users DROP COLUMN locale')
