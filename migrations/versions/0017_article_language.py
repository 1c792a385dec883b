"""article language: the language an article is written in, and text search per language

Revision ID: 0017_article_language
Revises: 0015_report_provenance
Create Date: 2026-12-02

articles.language holds an ISO 639-1 code among the desk's languages (en, es, fr, de,
pt); every article imported before is English, as the splitter treated it. On PostgreSQL
the similar-claims lookup searches with the text search configuration of the claim's
language, so each configuration other than english (0003) gets its partial GIN index
over approved claims.
"""
import sqlalchemy as sa
from alembic import op

revision = '0017_article_language'
down_revision = '0015_report_provenance'
branch_labels = None
depends_on = None

CONFIGS = {"es": "spanish", "fr": "french", "de": "german", "pt": "portuguese"}


def upgrade():
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('language', sa.String(length=8), server_default='en', nullable=False)
        )
    if op.get_bind().dialect.name == "postgresql":
        for code, config in CONFIGS.items():
            op.execute(
                f"CREATE INDEX ix_claims_approved_fts_{code} ON claims USING gin "
                f"(to_tsvector('{config}', coalesce(statement, text))) WHERE status = 'approved'"
            )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for code in CONFIGS:
            op.execute(f"DROP INDEX IF EXISTS ix_claims_approved_fts_{code}")
    # Plain ALTER TABLE ... DROP COLUMN (SQLite >= 3.35): batch mode would copy the
    # articles table, and dropping the old copy fires the foreign keys that point at it.
    op.execute('ALTER TABLE articles DROP COLUMN language')
