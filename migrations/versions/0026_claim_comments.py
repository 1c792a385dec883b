"""claim comments: a discussion thread per claim

Revision ID: 0026_claim_comments
Revises: 0025_claim_numbers
Create Date: 2026-12-03

claim_comments holds each claim's discussion (issue #19 item 7): Markdown source, the
author, when it was written, edited and (softly) deleted.
"""
from alembic import op
import sqlalchemy as sa


revision = '0026_claim_comments'
down_revision = '0025_claim_numbers'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'claim_comments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('claim_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('edited_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_claim_comments_author_id_users')),
        sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_claim_comments_claim_id_claims'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_comments')),
    )
    op.create_index('ix_claim_comments_claim_created', 'claim_comments', ['claim_id', 'created_at'])
    op.create_index(op.f('ix_claim_comments_author_id'), 'claim_comments', ['author_id'])


def downgrade():
    op.drop_index(op.f('ix_claim_comments_author_id'), table_name='claim_comments')
    op.drop_index('ix_claim_comments_claim_created', table_name='claim_comments')
    op.drop_table('claim_comments')
