"""auth hardening: single-use TOTP steps, token expiry and scope, sign-in failure counts

Revision ID: 0013_auth_hardening
Revises: 0011_jobs
Create Date: 2026-12-02

users.totp_last_step keeps the last accepted TOTP time step (a code is accepted once);
api_tokens get an expiry (NULL: never, as every token made before) and a read-only flag
(false for the tokens made before); sign_in_failures is what the per-client and
per-address sign-in limits count. Recovery codes are now kept with Argon2: the SHA-256
ones made before are dropped (the accounts keep their authenticator app, an admin can
reset two-step sign-in, and new codes come with the next set-up).
"""
from alembic import op
import sqlalchemy as sa


revision = '0013_auth_hardening'
down_revision = '0012_audit_sealing'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_last_step', sa.Integer(), nullable=True))
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column('read_only', sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.create_table('sign_in_failures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email_key', sa.String(length=64), nullable=False),
    sa.Column('client', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('password', 'code')", name=op.f('ck_sign_in_failures_kind')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_failures'))
    )
    with op.batch_alter_table('sign_in_failures', schema=None) as batch_op:
        batch_op.create_index('ix_sign_in_failures_client', ['client', 'created_at'], unique=False)
        batch_op.create_index('ix_sign_in_failures_email_key', ['email_key', 'created_at'], unique=False)
    users = sa.table('users', sa.column('recovery_codes', sa.JSON))
    op.execute(users.update().where(users.c.recovery_codes.isnot(None)).values(recovery_codes=sa.null()))


def downgrade():
    with op.batch_alter_table('sign_in_failures', schema=None) as batch_op:
        batch_op.drop_index('ix_sign_in_failures_email_key')
        batch_op.drop_index('ix_sign_in_failures_client')
    op.drop_table('sign_in_failures')
    # Plain ALTER TABLE ... DROP COLUMN (SQLite >= 3.35): batch mode would copy the users
    # table, and dropping the old copy fires the foreign keys that point at it.
    for table, column in (('api_tokens', 'read_only'), ('api_tokens', 'expires_at'),
                          ('users', 'totp_last_step')):
        op.execute(f'ALTER TABLE {table} DROP COLUMN {column}')
