"""enum columns: status, verdict, role and stance checked by their Enum types' constraints

Revision ID: 0010_enum_columns
Revises: 0009
Create Date: 2026-12-02

The models now declare these columns as SQLAlchemy Enums (stored as the same strings, in
VARCHAR(16)), whose CHECK constraints are named by the metadata's naming convention. This
replaces the CHECK constraints written by hand in 0001 with the Enums' own: the same names
(ck_<table>_<enum name>) and the vocabulary spelled once, from the Python enums' values as
they are at this revision (frozen here, as a migration must be).

SQLite cannot alter a constraint, so batch mode copies each table into a new one; dropping
the old copy would fire the foreign keys of the rows that reference it, so they are off for
the copy (and checked afterwards), and the claim search triggers of 0003, which live on the
claims table, are made again on the new one.
"""
from alembic import op
import sqlalchemy as sa


revision = "0010_enum_columns"
down_revision = "0009"
branch_labels = None
depends_on = None

ROLE = ("reviewer", "lead", "admin")
ARTICLE_STATUS = ("draft", "in_review", "approved")
CLAIM_STATUS = ("open", "reviewed", "approved", "returned", "excluded")
VERDICT = ("confirmed", "unconfirmed", "disputed")
STANCE = ("supports", "contradicts", "context")

# (table, constraint name as the convention makes it, column, values, the 0001 condition)
CHECKS = [
    ("users", "ck_users_role", "role", ROLE, "role IN ('reviewer', 'lead', 'admin')"),
    ("articles", "ck_articles_status", "status", ARTICLE_STATUS,
     "status IN ('draft', 'in_review', 'approved')"),
    ("claims", "ck_claims_status", "status", CLAIM_STATUS,
     "status IN ('open', 'reviewed', 'approved', 'returned', 'excluded')"),
    ("claims", "ck_claims_verdict", "final_verdict", VERDICT,
     "final_verdict IS NULL OR final_verdict IN ('confirmed', 'unconfirmed', 'disputed')"),
    ("reviews", "ck_reviews_verdict", "verdict", VERDICT,
     "verdict IN ('confirmed', 'unconfirmed', 'disputed')"),
    ("evidence_links", "ck_evidence_links_stance", "stance", STANCE,
     "stance IN ('supports', 'contradicts', 'context')"),
]


def _enum_condition(column: str, values) -> str:
    """The condition SQLAlchemy's non-native Enum writes: the column IN its values."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _replace(conditions) -> None:
    """conditions: (table, name, condition) in CHECKS order; one copy per table on SQLite."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        _foreign_keys("OFF")
    tables = dict.fromkeys(table for table, _name, _cond in conditions)
    for table in tables:
        with op.batch_alter_table(table, recreate="always" if sqlite else "auto") as batch_op:
            for t, name, condition in conditions:
                if t == table:
                    batch_op.drop_constraint(op.f(name), type_="check")
                    batch_op.create_check_constraint(op.f(name), condition)
    if sqlite:
        _claim_search_triggers()
        problems = op.get_bind().exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise RuntimeError(f"foreign keys broken by the table copies: {problems}")
        _foreign_keys("ON")


def _foreign_keys(state: str) -> None:
    """SQLite ignores PRAGMA foreign_keys inside a transaction: end the one Alembic's
    connection is in (SQLite's DDL is not transactional here anyway), switch, begin anew."""
    conn = op.get_bind()
    if conn.in_transaction():
        conn.exec_driver_sql("COMMIT")
        conn.exec_driver_sql(f"PRAGMA foreign_keys={state}")
        conn.exec_driver_sql("BEGIN")
    else:
        conn.exec_driver_sql(f"PRAGMA foreign_keys={state}")


# Migration 0003's triggers, as it wrote them: they go with the claims table's old copy.
CLAIM_SEARCH_TRIGGERS = [
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
]


def _claim_search_triggers() -> None:
    """Make 0003's triggers again on the new copy of the claims table."""
    for statement in CLAIM_SEARCH_TRIGGERS:
        op.execute(statement)


def upgrade():
    _replace([(t, name, _enum_condition(col, values)) for t, name, col, values, _old in CHECKS])


def downgrade():
    _replace([(t, name, old) for t, name, _col, _values, old in CHECKS])
