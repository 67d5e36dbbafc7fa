"""catalog: datasets, releases, licences, transfer links, retention (branch "catalog")

New tables only; no existing row changes. Rooted on the core schema; it needs the ledger's
customers, contracts and orders, hence ``depends_on``.

Revision ID: k0001
Revises: 0001

"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'k0001'
down_revision = '0001'
branch_labels = ('catalog',)
depends_on = ("m0001", "lc001")


def upgrade() -> None:
    op.create_table('catalog_customer_accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['ledger_customers.id'], name=op.f('fk_catalog_customer_accounts_customer_id_ledger_customers')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_catalog_customer_accounts_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalog_customer_accounts')),
    sa.UniqueConstraint('user_id', name=op.f('uq_catalog_customer_accounts_user_id'))
    )
    with op.batch_alter_table('catalog_customer_accounts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_catalog_customer_accounts_customer_id'), ['customer_id'], unique=False)

    op.create_table('catalog_datasets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('modality', sa.String(length=32), nullable=False),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('scenario', sa.String(length=64), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('planned_hours', sa.BigInteger(), nullable=True),
    sa.Column('budget', sa.BigInteger(), nullable=True),
    sa.Column('market_survey', sa.Text(), nullable=False),
    sa.Column('price', sa.BigInteger(), nullable=True),
    sa.Column('price_low', sa.BigInteger(), nullable=True),
    sa.Column('price_high', sa.BigInteger(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('copyright_no', sa.String(length=64), nullable=True),
    sa.Column('devices', sa.JSON(), nullable=False),
    sa.Column('listed', sa.Boolean(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('released_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_catalog_datasets_created_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalog_datasets')),
    sa.UniqueConstraint('name', name=op.f('uq_catalog_datasets_name'))
    )
    op.create_table('catalog_third_party',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('supplier', sa.String(length=200), nullable=False),
    sa.Column('contract_ref', sa.String(length=100), nullable=False),
    sa.Column('permanent', sa.Boolean(), nullable=False),
    sa.Column('sublicensable', sa.Boolean(), nullable=False),
    sa.Column('consent_basis', sa.Text(), nullable=False),
    sa.Column('cost', sa.BigInteger(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_catalog_third_party_created_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalog_third_party')),
    sa.UniqueConstraint('name', name=op.f('uq_catalog_third_party_name'))
    )
    op.create_table('catalog_releases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dataset_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('manifest_sha256', sa.String(length=64), nullable=False),
    sa.Column('path', sa.Text(), nullable=False),
    sa.Column('entry', sa.JSON(), nullable=False),
    sa.Column('datasheet', sa.JSON(), nullable=False),
    sa.Column('items', sa.Integer(), nullable=False),
    sa.Column('volume', sa.BigInteger(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_catalog_releases_created_by_users')),
    sa.ForeignKeyConstraint(['dataset_id'], ['catalog_datasets.id'], name=op.f('fk_catalog_releases_dataset_id_catalog_datasets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalog_releases')),
    sa.UniqueConstraint('dataset_id', 'version', name=op.f('uq_catalog_releases_dataset_id_version')),
    sa.UniqueConstraint('manifest_sha256', name=op.f('uq_catalog_releases_manifest_sha256'))
    )
    with op.batch_alter_table('catalog_releases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_catalog_releases_dataset_id'), ['dataset_id'], unique=False)

    op.create_table('catalog_third_party_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('third_party_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size_bytes', sa.BigInteger(), nullable=False),
    sa.Column('attributes', sa.JSON(), nullable=False),
    sa.Column('volume', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['third_party_id'], ['catalog_third_party.id'], name=op.f('fk_catalog_third_party_files_third_party_id_catalog_third_party')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalog_third_party_files')),
    sa.UniqueConstraint('third_party_id', 'filename', name=op.f('uq_catalog_third_party_files_third_party_id_filename'))
    )
    with op.batch_alter_table('catalog_third_party_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_catalog_third_party_files_sha256'), ['sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_catalog_third_party_files_third_party_id'), ['third_party_id'], unique=False)

    op.create_table('retention_deletions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('what', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size_bytes', sa.BigInteger(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('approved_by', sa.Integer(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['approved_by'], ['users.id'], name=op.f('fk_retention_deletions_approved_by_users')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_retention_deletions_project_id_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_retention_deletions'))
    )
    with op.batch_alter_table('retention_deletions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_retention_deletions_project_id'), ['project_id'], unique=False)

    op.create_table('retention_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('months', sa.Integer(), nullable=False),
    sa.Column('set_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['ledger_contracts.id'], name=op.f('fk_retention_settings_contract_id_ledger_contracts')),
    sa.ForeignKeyConstraint(['set_by'], ['users.id'], name=op.f('fk_retention_settings_set_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_retention_settings')),
    sa.UniqueConstraint('contract_id', name=op.f('uq_retention_settings_contract_id'))
    )
    op.create_table('catalog_licences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=16), nullable=False),
    sa.Column('dataset_id', sa.Integer(), nullable=False),
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('price', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('territory', sa.String(length=200), nullable=False),
    sa.Column('term', sa.String(length=200), nullable=False),
    sa.Column('usage_scope', sa.Text(), nullable=False),
    sa.Column('acceptance_criteria', sa.Text(), nullable=False),
    sa.Column('band_reason', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('delivered_on', sa.Date(), nullable=True),
    sa.Column('accepted_on', sa.Date(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_catalog_licences_created_by_users')),
    sa.ForeignKeyConstraint(['customer_id'], ['ledger_customers.id'], name=op.f('fk_catalog_licences_customer_id_ledger_customers')),
    sa.ForeignKeyConstraint(['dataset_id'], ['catalog_datasets.id'], name=op.f('fk_catalog_licences_dataset_id_catalog_datasets')),
    sa.ForeignKeyConstraint(['order_id'], ['ledger_orders.id'], name=op.f('fk_catalog_licences_order_id_ledger_orders')),
    sa.ForeignKeyConstraint(['release_id'], ['catalog_releases.id'], name=op.f('fk_catalog_licences_release_id_catalog_releases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalog_licences')),
    sa.UniqueConstraint('number', name=op.f('uq_catalog_licences_number'))
    )
    with op.batch_alter_table('catalog_licences', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_catalog_licences_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_catalog_licences_dataset_id'), ['dataset_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_catalog_licences_release_id'), ['release_id'], unique=False)

    op.create_table('catalog_sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dataset_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.Column('third_party_id', sa.Integer(), nullable=True),
    sa.Column('added_by', sa.Integer(), nullable=True),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['added_by'], ['users.id'], name=op.f('fk_catalog_sources_added_by_users')),
    sa.ForeignKeyConstraint(['batch_id'], ['batches.id'], name=op.f('fk_catalog_sources_batch_id_batches')),
    sa.ForeignKeyConstraint(['dataset_id'], ['catalog_datasets.id'], name=op.f('fk_catalog_sources_dataset_id_catalog_datasets')),
    sa.ForeignKeyConstraint(['third_party_id'], ['catalog_third_party.id'], name=op.f('fk_catalog_sources_third_party_id_catalog_third_party')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalog_sources'))
    )
    with op.batch_alter_table('catalog_sources', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_catalog_sources_dataset_id'), ['dataset_id'], unique=False)

    op.create_table('catalog_release_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('path', sa.Text(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.Column('third_party_file_id', sa.Integer(), nullable=True),
    sa.Column('owner', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_catalog_release_files_item_id_items')),
    sa.ForeignKeyConstraint(['release_id'], ['catalog_releases.id'], name=op.f('fk_catalog_release_files_release_id_catalog_releases')),
    sa.ForeignKeyConstraint(['third_party_file_id'], ['catalog_third_party_files.id'], name=op.f('fk_catalog_release_files_third_party_file_id_catalog_third_party_files')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalog_release_files'))
    )
    with op.batch_alter_table('catalog_release_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_catalog_release_files_release_id'), ['release_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_catalog_release_files_sha256'), ['sha256'], unique=False)

    op.create_table('catalog_transfer_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('licence_id', sa.Integer(), nullable=False),
    sa.Column('package_path', sa.Text(), nullable=False),
    sa.Column('package_sha256', sa.String(length=64), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('max_downloads', sa.Integer(), nullable=False),
    sa.Column('downloads', sa.Integer(), nullable=False),
    sa.Column('revoked', sa.Boolean(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_catalog_transfer_links_created_by_users')),
    sa.ForeignKeyConstraint(['licence_id'], ['catalog_licences.id'], name=op.f('fk_catalog_transfer_links_licence_id_catalog_licences')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalog_transfer_links'))
    )
    with op.batch_alter_table('catalog_transfer_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_catalog_transfer_links_licence_id'), ['licence_id'], unique=False)

    op.create_table('retention_holds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('set_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('released_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_retention_holds_item_id_items')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_retention_holds_project_id_projects')),
    sa.ForeignKeyConstraint(['set_by'], ['users.id'], name=op.f('fk_retention_holds_set_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_retention_holds'))
    )
    with op.batch_alter_table('retention_holds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_retention_holds_project_id'), ['project_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('retention_holds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_retention_holds_project_id'))

    op.drop_table('retention_holds')
    with op.batch_alter_table('catalog_transfer_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_catalog_transfer_links_licence_id'))

    op.drop_table('catalog_transfer_links')
    with op.batch_alter_table('catalog_release_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_catalog_release_files_sha256'))
        batch_op.drop_index(batch_op.f('ix_catalog_release_files_release_id'))

    op.drop_table('catalog_release_files')
    with op.batch_alter_table('catalog_sources', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_catalog_sources_dataset_id'))

    op.drop_table('catalog_sources')
    with op.batch_alter_table('catalog_licences', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_catalog_licences_release_id'))
        batch_op.drop_index(batch_op.f('ix_catalog_licences_dataset_id'))
        batch_op.drop_index(batch_op.f('ix_catalog_licences_customer_id'))

    op.drop_table('catalog_licences')
    op.drop_table('retention_settings')
    with op.batch_alter_table('retention_deletions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_retention_deletions_project_id'))

    op.drop_table('retention_deletions')
    with op.batch_alter_table('catalog_third_party_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_catalog_third_party_files_third_party_id'))
        batch_op.drop_index(batch_op.f('ix_catalog_third_party_files_sha256'))

    op.drop_table('catalog_third_party_files')
    with op.batch_alter_table('catalog_releases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_catalog_releases_dataset_id'))

    op.drop_table('catalog_releases')
    op.drop_table('catalog_third_party')
    op.drop_table('catalog_datasets')
    with op.batch_alter_table('catalog_customer_accounts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_catalog_customer_accounts_customer_id'))

    op.drop_table('catalog_customer_accounts')
