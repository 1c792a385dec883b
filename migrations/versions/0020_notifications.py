"""notifications: the inbox, and which kinds each person gets by e-mail

Revision ID: 0020_notifications
Revises: 0019_user_locale
Create Date: 2026-12-02

notifications holds each person's notices (a claim assigned, returned, awaiting approval,
a conflict, due tomorrow, a new version, a mention); users.email_notices the kinds the
person also wants by e-mail (NULL: the default set).
"""
from alembic import op
import sqlalchemy as sa


revision = '0020_notifications'
down_revision = '0019_user_locale'
branch_labels = None
depends_on = None

KINDS = ('assigned', 'returned', 'approval', 'conflict', 'due_tomorrow',
         'new_version', 'mentioned')


def upgrade():
    op.add_column('users', sa.Column('email_notices', sa.JSON(), nullable=True))
    op.create_table(
        'notifications',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('article_id', sa.Integer(), nullable=True),
        sa.Column('claim_id', sa.Integer(), nullable=True),
        sa.Column('text', sa.Text(), nullable=True),
        sa.Column('dedup_key', sa.String(length=100), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('emailed_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_notifications_actor_id_users')),
        sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_notifications_article_id_articles'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_notifications_claim_id_claims'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notifications_user_id_users')),
        sa.CheckConstraint("kind IN (%s)" % ', '.join(f"'{k}'" for k in KINDS), name=op.f('ck_notifications_kind')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
        sa.UniqueConstraint('user_id', 'dedup_key', name='uq_notifications_dedup'),
    )
    op.create_index('ix_notifications_user_created', 'notifications', ['user_id', 'created_at'])
    op.create_index('ix_notifications_user_read', 'notifications', ['user_id', 'read_at'])


def downgrade():
    op.drop_index('ix_notifications_user_read', table_name='notifications')
    op.drop_index('ix_notifications_user_created', table_name='notifications')
    op.drop_table('notifications')
    op.execute('ALTER TABLE users DROP COLUMN email_notices')
