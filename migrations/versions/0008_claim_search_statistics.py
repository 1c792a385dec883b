"""claim search statistics readable by the app role (PostgreSQL)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27

"Previously checked" lookups leave out lexemes that ANALYZE's statistics of the search
index say are common. pg_stats shows an index expression's statistics only to roles that
may read the index's table column, which for an expression index is its owner: the app
role (README, "Production") saw none and ranked every shared word. A SECURITY DEFINER
function, owned by the migrating owner, hands out just those two arrays. SQLite: nothing.
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

CREATE = """
CREATE FUNCTION claim_search_common_lexemes(OUT elems text[], OUT freqs real[])
    RETURNS SETOF record
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats
    WHERE schemaname = {schema} AND tablename = 'ix_claims_approved_fts'
$$
"""


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        schema = bind.exec_driver_sql("SELECT quote_literal(current_schema())").scalar()
        op.execute(CREATE.format(schema=schema))


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION claim_search_common_lexemes()")
