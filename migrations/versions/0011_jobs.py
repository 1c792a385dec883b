"""jobs: one job queue for webhook sends and PDF renders

Revision ID: 0011_jobs
Revises: 0009
Create Date: 2026-12-02

The jobs table schedules the work (when, which worker holds it, attempts, the last
error); webhook_deliveries stays the per-endpoint delivery history, pointing at the job
that sends it (its next_attempt_at is the job's run_at now), and render_requests the
report content asked for, whose state (queued, rendering, failed and why) is its job's.
Pending deliveries and open or failed render requests get their job here.
"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_jobs'
down_revision = '0010_enum_columns'
branch_labels = None
depends_on = None

WEBHOOK_ATTEMPTS = 8
RENDER_ATTEMPTS = 2

jobs = sa.Table(  # a Table, not a table(): inserts return the new id
    'jobs', sa.MetaData(),
    sa.Column('id', sa.Integer, primary_key=True), sa.Column('kind', sa.String),
    sa.Column('payload', sa.JSON), sa.Column('status', sa.String),
    sa.Column('run_at', sa.DateTime(timezone=True)), sa.Column('attempts', sa.Integer),
    sa.Column('max_attempts', sa.Integer), sa.Column('last_error', sa.Text),
    sa.Column('created_at', sa.DateTime(timezone=True)),
    sa.Column('finished_at', sa.DateTime(timezone=True)),
)
deliveries = sa.table(
    'webhook_deliveries',
    sa.column('id', sa.Integer), sa.column('delivery_id', sa.String), sa.column('status', sa.String),
    sa.column('attempts', sa.Integer), sa.column('next_attempt_at', sa.DateTime(timezone=True)),
    sa.column('last_error', sa.Text), sa.column('created_at', sa.DateTime(timezone=True)),
    sa.column('job_id', sa.Integer),
)
requests = sa.table(
    'render_requests',
    sa.column('id', sa.Integer), sa.column('article_id', sa.Integer), sa.column('fmt', sa.String),
    sa.column('fingerprint', sa.String), sa.column('viewer_id', sa.Integer),
    sa.column('requested_at', sa.DateTime(timezone=True)), sa.column('error', sa.String),
    sa.column('started_at', sa.DateTime(timezone=True)), sa.column('job_id', sa.Integer),
)


def _open(status):
    where = sa.text(f"status = '{status}'")
    return {'postgresql_where': where, 'sqlite_where': where}


def upgrade():
    op.create_table('jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('run_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('max_attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('lease_owner', sa.String(length=100), nullable=True),
    sa.Column('lease_expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name=op.f('ck_jobs_status')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jobs'))
    )
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.create_index('ix_jobs_queued', ['run_at'], unique=False, **_open('queued'))
        batch_op.create_index('ix_jobs_running', ['kind', 'lease_expires_at'], unique=False, **_open('running'))

    conn = op.get_bind()
    now = datetime.now(UTC)

    # Webhook deliveries: the pending ones get the job that sends them.
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('job_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_webhook_deliveries_job_id'), ['job_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_webhook_deliveries_job_id_jobs'), 'jobs', ['job_id'], ['id'], ondelete='SET NULL')
    pending = conn.execute(sa.select(deliveries).where(deliveries.c.status == 'pending')).all()
    for d in pending:
        job_id = conn.execute(jobs.insert().values(
            kind='webhook', payload={'delivery_id': d.delivery_id}, status='queued',
            run_at=d.next_attempt_at, attempts=d.attempts,
            max_attempts=max(WEBHOOK_ATTEMPTS, d.attempts + 1), last_error=d.last_error,
            created_at=d.created_at,
        )).inserted_primary_key[0]
        conn.execute(deliveries.update().where(deliveries.c.id == d.id).values(job_id=job_id))
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_webhook_deliveries_due')
        batch_op.drop_column('next_attempt_at')

    # Render requests: each gets its job (queued again if a renderer had started it).
    with op.batch_alter_table('render_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('job_id', sa.Integer(), nullable=True))
    for r in conn.execute(sa.select(requests)).all():
        failed = r.error is not None
        job_id = conn.execute(jobs.insert().values(
            kind='render', payload={'article_id': r.article_id, 'fmt': r.fmt, 'fingerprint': r.fingerprint},
            status='failed' if failed else 'queued', run_at=r.requested_at, attempts=1 if failed else 0,
            max_attempts=RENDER_ATTEMPTS, last_error=r.error, created_at=r.requested_at,
            finished_at=now if failed else None,
        )).inserted_primary_key[0]
        conn.execute(requests.update().where(requests.c.id == r.id).values(job_id=job_id))
    with op.batch_alter_table('render_requests', schema=None) as batch_op:
        batch_op.alter_column('job_id', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('viewer_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_index(batch_op.f('ix_render_requests_job_id'), ['job_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_render_requests_job_id_jobs'), 'jobs', ['job_id'], ['id'], ondelete='CASCADE')
        batch_op.drop_column('error')
        batch_op.drop_column('started_at')
        batch_op.drop_column('requested_at')


def downgrade():
    conn = op.get_bind()
    now = datetime.now(UTC)

    with op.batch_alter_table('render_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('requested_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('started_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('error', sa.String(length=500), nullable=True))
    conn.execute(requests.delete().where(requests.c.viewer_id.is_(None)))  # the desk's own
    for r in conn.execute(sa.select(requests.c.id, jobs.c.created_at, jobs.c.status, jobs.c.last_error)
                          .join(jobs, jobs.c.id == requests.c.job_id)).all():
        error = (r.last_error or 'the render failed')[:500] if r.status == 'failed' else None
        conn.execute(requests.update().where(requests.c.id == r.id).values(requested_at=r.created_at, error=error))
    with op.batch_alter_table('render_requests', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_render_requests_job_id_jobs'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_render_requests_job_id'))
        batch_op.alter_column('requested_at', existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.alter_column('viewer_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('job_id')

    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True))
    for d in conn.execute(sa.select(deliveries.c.id, jobs.c.run_at)
                          .join(jobs, jobs.c.id == deliveries.c.job_id)).all():
        conn.execute(deliveries.update().where(deliveries.c.id == d.id).values(next_attempt_at=d.run_at))
    conn.execute(deliveries.update().where(deliveries.c.next_attempt_at.is_(None)).values(next_attempt_at=now))
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_webhook_deliveries_job_id_jobs'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_webhook_deliveries_job_id'))
        batch_op.alter_column('next_attempt_at', existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.create_index('ix_webhook_deliveries_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.drop_column('job_id')

    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_jobs_running', **_open('running'))
        batch_op.drop_index('ix_jobs_queued', **_open('queued'))
    op.drop_table('jobs')
