"""search over approved claims, for "previously checked" lookups

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26

SQLite: an FTS5 table holding the searchable wording (statement, else text) of approved
claims only, kept in sync by triggers as claims are approved, reopened, edited, deleted.
PostgreSQL: a partial GIN full-text index over approved claims' wording (English).
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SQLITE = [
    "CREATE VIRTUAL TABLE claims_fts USING fts5(body, tokenize='porter unicode61')",
    """CREATE TRIGGER claims_fts_insert AFTER INSERT ON claims WHEN new.status = 'approved' BEGIN
         INSERT INTO claims_fts(rowid, body) VALUES (new.id, coalesce(new.statement, new.text));
       END""",
    """CREATE TRIGGER claims_fts_update AFTER UPDATE OF status, text, statement ON claims BEGIN
         DELETE FROM claims_fts WHERE rowid = old.id;
         INSERT INTO claims_fts(rowid, body)
           SELECT new.id, coalesce(new.statement, new.text) WHERE new.status = 'approved';
       END""",
    """CREATE TRIGGER claims_fts_delete AFTER DELETE ON claims BEGIN
         DELETE FROM claims_fts WHERE rowid = old.id;
       END""",
    """INSERT INTO claims_fts(rowid, body)
       SELECT id, coalesce(statement, text) FROM claims WHERE status = 'approved'""",
]
POSTGRES = [
    """CREATE INDEX ix_claims_approved_fts ON claims
       USING gin (to_tsvector('english', coalesce(statement, text))) WHERE status = 'approved'""",
]


def upgrade():
    for statement in POSTGRES if op.get_bind().dialect.name == "postgresql" else SQLITE:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_claims_approved_fts")
    else:
        for name in ("claims_fts_insert", "claims_fts_update", "claims_fts_delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS claims_fts")
