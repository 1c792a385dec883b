"""claims.verdicts_disagree: whether a claim's reviews disagree, kept on the claim

Revision ID: 0029_verdicts_disagree
Revises: 0028_bigdesk_indexes
Create Date: 2026-12-07

Issue #21 item 5 (tests/benchmarks/bench_bigdesk.py, RESULTS.md). The navigation badge
(on every page a lead sees), the lead desk and the "conflicts" filter asked which claims
have reviews that disagree by grouping every review of the desk by claim
(``GROUP BY claim_id HAVING count(DISTINCT verdict) > 1``): 250-530 ms per count at
300,000 reviews, and an index cannot make a grouping O(1). The answer is now kept on the
claim: ``verdicts_disagree`` is true exactly when the claim's reviews carry more than one
distinct verdict; the one statement that writes reviews (services/reviews.submit_review,
``_UPDATE_CLAIM``) sets it from the claim's reviews in the same transaction, and a claim's
reviews leave only with the claim. ``ix_claims_status_disagree`` (status, verdicts_disagree,
article_id, start_offset) turns the badge's counts into index range scans and gives the lead
desk's sections (awaiting approval, conflicts) a page in their order without a sort; and
``ix_assignments_due`` (due_on, article_id, id) lets the overdue section walk the
assignments in due order and stop at the page's end (136,000 overdue rows at 100,000
claims were joined and sorted to show 500). ``ix_claims_status`` goes: the new index starts
with status and serves every look-up by status (PostgreSQL planned the badge's counts on
the narrower one and read the table's rows to check the flag).

Backfilled from the reviews by the same grouping. Plain ADD COLUMN and CREATE INDEX (no
batch): a batch would rebuild claims on SQLite and drop its search triggers.
"""

import sqlalchemy as sa
from alembic import op

revision = "0029_verdicts_disagree"
down_revision = "0028_bigdesk_indexes"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "claims",
        sa.Column("verdicts_disagree", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.execute(
        "UPDATE claims SET verdicts_disagree = true WHERE id IN ("
        " SELECT claim_id FROM reviews GROUP BY claim_id HAVING count(DISTINCT verdict) > 1)"
    )
    op.create_index(
        "ix_claims_status_disagree",
        "claims",
        ["status", "verdicts_disagree", "article_id", "start_offset"],
    )
    op.create_index("ix_assignments_due", "assignments", ["due_on", "article_id", "id"])
    # its first column: every status look-up reads it; one index less for each write
    op.drop_index("ix_claims_status", table_name="claims")


def downgrade():
    op.create_index("ix_claims_status", "claims", ["status"])
    op.drop_index("ix_assignments_due", table_name="assignments")
    op.drop_index("ix_claims_status_disagree", table_name="claims")
    with op.batch_alter_table("claims", recreate="never") as batch:
        batch.drop_column("verdicts_disagree")
