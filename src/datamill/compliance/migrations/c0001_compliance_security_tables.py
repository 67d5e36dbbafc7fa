"""compliance (branch "compliance"): data keys, classification, clearance, cross-border export,
surveying qualification, subjects' consent, desensitized derivatives

New tables only; no existing row changes.

Revision ID: c0001
Revises: 0001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'c0001'
down_revision = '0001'
branch_labels = ('compliance',)
depends_on = None


def upgrade() -> None:

    op.create_table('export_rules',
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('requirement', sa.String(length=32), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('country', name=op.f('pk_export_rules'))
    )
    op.create_table('project_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=64), nullable=False),
    sa.Column('key_id', sa.String(length=64), nullable=False),
    sa.Column('master_key_id', sa.String(length=64), nullable=False),
    sa.Column('wrapped', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('rotated_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_keys')),
    sa.UniqueConstraint('scope', name=op.f('uq_project_keys_scope'))
    )
    op.create_table('surveying_qualifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('vendor_id', sa.Integer(), nullable=True),
    sa.Column('grade', sa.String(length=16), nullable=False),
    sa.Column('certificate_no', sa.String(length=64), nullable=False),
    sa.Column('valid_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_surveying_qualifications_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_surveying_qualifications'))
    )
    with op.batch_alter_table('surveying_qualifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_surveying_qualifications_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_surveying_qualifications_vendor_id'), ['vendor_id'], unique=False)

    op.create_table('user_clearance',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('set_by', sa.Integer(), nullable=True),
    sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['set_by'], ['users.id'], name=op.f('fk_user_clearance_set_by_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_clearance_user_id_users')),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_user_clearance'))
    )
    op.create_table('consent_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('subject_id', sa.String(length=100), nullable=False),
    sa.Column('scope', sa.String(length=64), nullable=False),
    sa.Column('given_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_consent_records_project_id_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_records')),
    sa.UniqueConstraint('project_id', 'subject_id', 'scope', name=op.f('uq_consent_records_project_id_subject_id_scope'))
    )
    with op.batch_alter_table('consent_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consent_records_project_id'), ['project_id'], unique=False)

    op.create_table('export_assessments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('conclusion', sa.String(length=16), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('assessed_by', sa.Integer(), nullable=False),
    sa.Column('assessed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assessed_by'], ['users.id'], name=op.f('fk_export_assessments_assessed_by_users')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_export_assessments_project_id_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_export_assessments'))
    )
    with op.batch_alter_table('export_assessments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_export_assessments_project_id'), ['project_id'], unique=False)

    op.create_table('export_settings',
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('cross_border', sa.Boolean(), nullable=False),
    sa.Column('destination', sa.String(length=2), nullable=True),
    sa.Column('set_by', sa.Integer(), nullable=True),
    sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_export_settings_project_id_projects')),
    sa.ForeignKeyConstraint(['set_by'], ['users.id'], name=op.f('fk_export_settings_set_by_users')),
    sa.PrimaryKeyConstraint('project_id', name=op.f('pk_export_settings'))
    )
    op.create_table('project_classification',
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('set_by', sa.Integer(), nullable=True),
    sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_classification_project_id_projects')),
    sa.ForeignKeyConstraint(['set_by'], ['users.id'], name=op.f('fk_project_classification_set_by_users')),
    sa.PrimaryKeyConstraint('project_id', name=op.f('pk_project_classification'))
    )
    op.create_table('surveying_requirements',
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_surveying_requirements_project_id_projects')),
    sa.PrimaryKeyConstraint('project_id', name=op.f('pk_surveying_requirements'))
    )
    op.create_table('consent_flags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consent_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('delivery_id', sa.Integer(), nullable=True),
    sa.Column('flagged_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['consent_id'], ['consent_records.id'], name=op.f('fk_consent_flags_consent_id_consent_records')),
    sa.ForeignKeyConstraint(['delivery_id'], ['deliveries.id'], name=op.f('fk_consent_flags_delivery_id_deliveries')),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_consent_flags_item_id_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_flags'))
    )
    with op.batch_alter_table('consent_flags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consent_flags_consent_id'), ['consent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consent_flags_item_id'), ['item_id'], unique=False)

    op.create_table('masked_blobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('sha256_original', sa.String(length=64), nullable=False),
    sa.Column('sha256_masked', sa.String(length=64), nullable=False),
    sa.Column('regions', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_masked_blobs_item_id_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_masked_blobs')),
    sa.UniqueConstraint('item_id', 'sha256_original', name=op.f('uq_masked_blobs_item_id_sha256_original'))
    )
    with op.batch_alter_table('masked_blobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_masked_blobs_item_id'), ['item_id'], unique=False)

    op.create_table('masked_texts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('field', sa.String(length=32), nullable=False),
    sa.Column('masked', sa.Text(), nullable=False),
    sa.Column('kinds', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_masked_texts_item_id_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_masked_texts')),
    sa.UniqueConstraint('item_id', 'field', name=op.f('uq_masked_texts_item_id_field'))
    )
    with op.batch_alter_table('masked_texts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_masked_texts_item_id'), ['item_id'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('masked_texts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_masked_texts_item_id'))

    op.drop_table('masked_texts')
    with op.batch_alter_table('masked_blobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_masked_blobs_item_id'))

    op.drop_table('masked_blobs')
    with op.batch_alter_table('consent_flags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consent_flags_item_id'))
        batch_op.drop_index(batch_op.f('ix_consent_flags_consent_id'))

    op.drop_table('consent_flags')
    op.drop_table('surveying_requirements')
    op.drop_table('project_classification')
    op.drop_table('export_settings')
    with op.batch_alter_table('export_assessments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_export_assessments_project_id'))

    op.drop_table('export_assessments')
    with op.batch_alter_table('consent_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consent_records_project_id'))

    op.drop_table('consent_records')
    op.drop_table('user_clearance')
    with op.batch_alter_table('surveying_qualifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_surveying_qualifications_vendor_id'))
        batch_op.drop_index(batch_op.f('ix_surveying_qualifications_user_id'))

    op.drop_table('surveying_qualifications')
    op.drop_table('project_keys')
    op.drop_table('export_rules')

