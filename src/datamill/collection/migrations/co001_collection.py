"""collection: consent texts, subjects, invitation links, prompts, recordings, re-record
requests (branch "collection")

New tables only; no existing row changes. Rooted on the core schema; it needs production's
projects and items and compliance's consent records, hence ``depends_on``.

Revision ID: co001
Revises: 0001

"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'co001'
down_revision = '0001'
branch_labels = ('collection',)
depends_on = ("m0001", "c0001")


def upgrade() -> None:
    op.create_table('collection_consent_texts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_collection_consent_texts_created_by_users')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_collection_consent_texts_project_id_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_collection_consent_texts')),
    sa.UniqueConstraint('project_id', 'version', name=op.f('uq_collection_consent_texts_project_id_version'))
    )
    op.create_index(op.f('ix_collection_consent_texts_project_id'), 'collection_consent_texts', ['project_id'], unique=False)
    op.create_table('collection_prompts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_collection_prompts_project_id_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_collection_prompts')),
    sa.UniqueConstraint('project_id', 'position', name=op.f('uq_collection_prompts_project_id_position'))
    )
    op.create_index(op.f('ix_collection_prompts_project_id'), 'collection_prompts', ['project_id'], unique=False)
    op.create_table('collection_subjects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('subject_id', sa.String(length=100), nullable=False),
    sa.Column('demographics', sa.JSON(), nullable=False),
    sa.Column('consent_id', sa.Integer(), nullable=True),
    sa.Column('consent_text_id', sa.Integer(), nullable=True),
    sa.Column('signature', sa.String(length=200), nullable=True),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('enrolled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['consent_id'], ['consent_records.id'], name=op.f('fk_collection_subjects_consent_id_consent_records')),
    sa.ForeignKeyConstraint(['consent_text_id'], ['collection_consent_texts.id'], name=op.f('fk_collection_subjects_consent_text_id_collection_consent_texts')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_collection_subjects_project_id_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_collection_subjects')),
    sa.UniqueConstraint('project_id', 'subject_id', name=op.f('uq_collection_subjects_project_id_subject_id'))
    )
    op.create_index(op.f('ix_collection_subjects_project_id'), 'collection_subjects', ['project_id'], unique=False)
    op.create_table('collection_invites',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('subject_row_id', sa.Integer(), nullable=False),
    sa.Column('token_sha256', sa.String(length=64), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_collection_invites_created_by_users')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_collection_invites_project_id_projects')),
    sa.ForeignKeyConstraint(['subject_row_id'], ['collection_subjects.id'], name=op.f('fk_collection_invites_subject_row_id_collection_subjects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_collection_invites')),
    sa.UniqueConstraint('token_sha256', name=op.f('uq_collection_invites_token_sha256'))
    )
    op.create_index(op.f('ix_collection_invites_project_id'), 'collection_invites', ['project_id'], unique=False)
    op.create_index(op.f('ix_collection_invites_subject_row_id'), 'collection_invites', ['subject_row_id'], unique=False)
    op.create_table('collection_recordings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('subject_row_id', sa.Integer(), nullable=False),
    sa.Column('prompt_id', sa.Integer(), nullable=False),
    sa.Column('attempt', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.Column('consent_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['consent_id'], ['consent_records.id'], name=op.f('fk_collection_recordings_consent_id_consent_records')),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_collection_recordings_item_id_items')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_collection_recordings_project_id_projects')),
    sa.ForeignKeyConstraint(['prompt_id'], ['collection_prompts.id'], name=op.f('fk_collection_recordings_prompt_id_collection_prompts')),
    sa.ForeignKeyConstraint(['subject_row_id'], ['collection_subjects.id'], name=op.f('fk_collection_recordings_subject_row_id_collection_subjects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_collection_recordings')),
    sa.UniqueConstraint('subject_row_id', 'prompt_id', 'attempt', name=op.f('uq_collection_recordings_subject_row_id_prompt_id_attempt'))
    )
    op.create_index(op.f('ix_collection_recordings_item_id'), 'collection_recordings', ['item_id'], unique=False)
    op.create_index(op.f('ix_collection_recordings_project_id'), 'collection_recordings', ['project_id'], unique=False)
    op.create_index(op.f('ix_collection_recordings_subject_row_id'), 'collection_recordings', ['subject_row_id'], unique=False)
    op.create_table('collection_rerecords',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('subject_row_id', sa.Integer(), nullable=False),
    sa.Column('prompt_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('requested_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_collection_rerecords_item_id_items')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_collection_rerecords_project_id_projects')),
    sa.ForeignKeyConstraint(['prompt_id'], ['collection_prompts.id'], name=op.f('fk_collection_rerecords_prompt_id_collection_prompts')),
    sa.ForeignKeyConstraint(['requested_by'], ['users.id'], name=op.f('fk_collection_rerecords_requested_by_users')),
    sa.ForeignKeyConstraint(['subject_row_id'], ['collection_subjects.id'], name=op.f('fk_collection_rerecords_subject_row_id_collection_subjects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_collection_rerecords'))
    )
    op.create_index(op.f('ix_collection_rerecords_project_id'), 'collection_rerecords', ['project_id'], unique=False)
    op.create_index(op.f('ix_collection_rerecords_subject_row_id'), 'collection_rerecords', ['subject_row_id'], unique=False)


def downgrade() -> None:
    for table in ('collection_rerecords', 'collection_recordings', 'collection_invites',
                  'collection_subjects', 'collection_prompts', 'collection_consent_texts'):
        op.drop_table(table)
