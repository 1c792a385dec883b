"""search vectors kept in columns (PostgreSQL): ranking reads them instead of re-parsing

Revision ID: 0030_search_vectors
Revises: 0029_verdicts_disagree
Create Date: 2026-12-07

Issue #21 item 5 (tests/benchmarks/bench_bigdesk.py, RESULTS.md). 0027 indexed the search
text of claims and review notes as GIN expression indexes; the index finds the rows, but
ranking them (ts_rank) needs each hit's tsvector, and PostgreSQL rebuilt it from the text
for every hit: a common word's 14,000 hits at 100,000 claims took 560 ms to rank, 34 ms from
a stored vector. Now claims.search_vector and reviews.search_vector are generated columns
(STORED: computed on write, by the same expression) and the GIN indexes are on them, under
the same names. The app never writes or loads them (the models do not map them); search
reads them by name (services/search.py). SQLite keeps its FTS5 table (0027): nothing to do.

The upgrade rewrites both tables (every row's vector is computed once): about 20 s per
100,000 claims on a loaded two-core machine; plan it for a quiet hour on a big desk.
"""

from alembic import op

revision = "0030_search_vectors"
down_revision = "0029_verdicts_disagree"
branch_labels = None
depends_on = None

CLAIM = (
    "to_tsvector('simple', claim_search_fold(coalesce(text, '') || ' ' || "
    "coalesce(statement, '') || ' ' || coalesce(speaker, '')))"
)
NOTE = "to_tsvector('simple', claim_search_fold(note))"


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, expression in (("claims", CLAIM), ("reviews", NOTE)):
        op.execute(f"DROP INDEX IF EXISTS ix_claim_search_{table}")
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN search_vector tsvector"
            f" GENERATED ALWAYS AS ({expression}) STORED"
        )
        op.execute(f"CREATE INDEX ix_claim_search_{table} ON {table} USING gin (search_vector)")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, expression in (("claims", CLAIM), ("reviews", NOTE)):
        op.execute(f"ALTER TABLE {table} DROP COLUMN search_vector")  # and its index
        op.execute(f"CREATE INDEX ix_claim_search_{table} ON {table} USING gin ({expression})")
