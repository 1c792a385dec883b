"""audit sealing: events are written unsealed and linked into the chain by one sealer

Revision ID: 0012_audit_sealing
Revises: 0011_jobs
Create Date: 2026-12-02

docs/audit-design.md. On PostgreSQL a writer inserts its event with no chain fields (no
desk-wide lock); the sealer sets seq, prev_hash, hash and sealed_at once, through
``audit_events_seal()`` (SECURITY DEFINER: the app role keeps SELECT and INSERT only),
and the UPDATE trigger lets exactly that change through: an unsealed row sealed once,
nothing else. SQLite seals in the writer's own transaction (its write turn serialises
writers anyway), so its triggers stay as they are. Nothing is rewritten: existing rows
are sealed already and keep their hashes.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_audit_sealing'
down_revision = '0011_jobs'
branch_labels = None
depends_on = None

UNSEALED = sa.text("seq IS NULL")

SQLITE_TRIGGERS = [
    """CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
    """CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
]

CONTENT = ("created_at", "actor_id", "actor_label", "action", "target_type", "target_id",
           "article_id", "request_id", "client_addr", "user_agent", "digest", "entered_at", "id")

PG_UP = [
    """CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP = 'UPDATE' AND OLD.seq IS NULL AND NEW.seq IS NOT NULL
            AND NEW.prev_hash IS NOT NULL AND NEW.hash IS NOT NULL AND NEW.sealed_at IS NOT NULL
            AND """ + " AND ".join(f"NEW.{c} IS NOT DISTINCT FROM OLD.{c}" for c in CONTENT) + """
            AND NEW.before::text IS NOT DISTINCT FROM OLD.before::text
            AND NEW.after::text IS NOT DISTINCT FROM OLD.after::text THEN
           RETURN NEW;  -- sealing an unsealed event, once
         END IF;
         RAISE EXCEPTION 'audit events are append-only';
       END $$""",
    """CREATE FUNCTION audit_events_insert_shape() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF (NEW.seq IS NULL) <> (NEW.hash IS NULL) OR (NEW.seq IS NULL) <> (NEW.prev_hash IS NULL)
            OR (NEW.seq IS NULL) <> (NEW.sealed_at IS NULL) THEN
           RAISE EXCEPTION 'audit events are inserted unsealed or sealed, never half';
         END IF;
         RETURN NEW;
       END $$""",
    """CREATE TRIGGER audit_events_insert_shape BEFORE INSERT ON audit_events
       FOR EACH ROW EXECUTE FUNCTION audit_events_insert_shape()""",
    # The sealer's one way in: seal unsealed rows (ids[i] gets seqs[i], prevs[i], hashes[i]);
    # returns how many it sealed. Runs as the owner, so the app role needs no UPDATE grant.
    """CREATE FUNCTION audit_events_seal(ids bigint[], seqs integer[], prevs text[], hashes text[])
       RETURNS integer LANGUAGE sql SECURITY DEFINER SET search_path FROM CURRENT AS $$
         WITH done AS (
           UPDATE audit_events e SET seq = v.seq, prev_hash = v.prev, hash = v.hash,
                  sealed_at = clock_timestamp()
             FROM unnest(ids, seqs, prevs, hashes) AS v(id, seq, prev, hash)
            WHERE e.id = v.id AND e.seq IS NULL RETURNING 1)
         SELECT count(*)::integer FROM done $$""",
]
PG_DOWN = [
    "DROP FUNCTION IF EXISTS audit_events_seal(bigint[], integer[], text[], text[])",
    "DROP TRIGGER IF EXISTS audit_events_insert_shape ON audit_events",
    "DROP FUNCTION IF EXISTS audit_events_insert_shape()",
    """CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'audit events are append-only'; END $$""",
]


def upgrade():
    postgres = op.get_bind().dialect.name == 'postgresql'
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('digest', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column(
            'entered_at', sa.DateTime(timezone=True), nullable=True,
            server_default=sa.text('clock_timestamp()') if postgres else None))
        batch_op.add_column(sa.Column('sealed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.alter_column('seq', existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column('prev_hash', existing_type=sa.String(length=64), nullable=True)
        batch_op.alter_column('hash', existing_type=sa.String(length=64), nullable=True)
        batch_op.create_index('ix_audit_events_unsealed', ['id'], unique=False,
                              postgresql_where=UNSEALED, sqlite_where=UNSEALED)
    if postgres:
        for statement in PG_UP:
            op.execute(statement)
    else:  # the batch recreated the table, and its triggers with it are gone
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade():
    postgres = op.get_bind().dialect.name == 'postgresql'
    if postgres:
        for statement in PG_DOWN:
            op.execute(statement)
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_unsealed', postgresql_where=UNSEALED,
                            sqlite_where=UNSEALED)
        batch_op.alter_column('hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('prev_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('seq', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('sealed_at')
        batch_op.drop_column('entered_at')
        batch_op.drop_column('digest')
    if not postgres:
        for statement in SQLITE_TRIGGERS:
            op.execute("DROP TRIGGER IF EXISTS " + statement.split()[2])
            op.execute(statement)

