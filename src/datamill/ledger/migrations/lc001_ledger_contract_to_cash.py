"""ledger: contract to cash (contract approvals, amount and changes; invoices, receipts;
fixed-asset register; period-close runs)

Existing contracts keep their status (``signed``) and signed date; their amount stays empty
(no cap on their orders) until amended.

Revision ID: lc001
Revises: lx001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'lc001'
down_revision = 'lx001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ledger_period_closes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('report', sa.JSON(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('runs', sa.Integer(), nullable=False),
    sa.Column('prepared_by', sa.Integer(), nullable=True),
    sa.Column('reviewed_by', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['prepared_by'], ['users.id'], name=op.f('fk_ledger_period_closes_prepared_by_users')),
    sa.ForeignKeyConstraint(['reviewed_by'], ['users.id'], name=op.f('fk_ledger_period_closes_reviewed_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_period_closes')),
    sa.UniqueConstraint('period', name=op.f('uq_ledger_period_closes_period'))
    )
    op.create_table('ledger_contract_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('changed_on', sa.Date(), nullable=False),
    sa.Column('old_amount', sa.BigInteger(), nullable=True),
    sa.Column('new_amount', sa.BigInteger(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_ledger_contract_changes_actor_id_users')),
    sa.ForeignKeyConstraint(['contract_id'], ['ledger_contracts.id'], name=op.f('fk_ledger_contract_changes_contract_id_ledger_contracts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_contract_changes'))
    )
    with op.batch_alter_table('ledger_contract_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ledger_contract_changes_contract_id'), ['contract_id'], unique=False)

    op.create_table('ledger_fixed_assets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('annual_depreciation', sa.BigInteger(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=32), nullable=False),
    sa.Column('in_use_from', sa.Date(), nullable=False),
    sa.Column('in_use_to', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['ledger_projects.id'], name=op.f('fk_ledger_fixed_assets_project_id_ledger_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_fixed_assets')),
    sa.UniqueConstraint('code', name=op.f('uq_ledger_fixed_assets_code'))
    )
    with op.batch_alter_table('ledger_fixed_assets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ledger_fixed_assets_project_id'), ['project_id'], unique=False)

    op.create_table('ledger_invoices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=64), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('acceptance_id', sa.Integer(), nullable=True),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('vat', sa.BigInteger(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['acceptance_id'], ['ledger_acceptances.id'], name=op.f('fk_ledger_invoices_acceptance_id_ledger_acceptances')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_ledger_invoices_created_by_users')),
    sa.ForeignKeyConstraint(['order_id'], ['ledger_orders.id'], name=op.f('fk_ledger_invoices_order_id_ledger_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_invoices')),
    sa.UniqueConstraint('number', name=op.f('uq_ledger_invoices_number'))
    )
    with op.batch_alter_table('ledger_invoices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ledger_invoices_order_id'), ['order_id'], unique=False)

    op.create_table('ledger_receipts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=64), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=True),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_ledger_receipts_created_by_users')),
    sa.ForeignKeyConstraint(['invoice_id'], ['ledger_invoices.id'], name=op.f('fk_ledger_receipts_invoice_id_ledger_invoices')),
    sa.ForeignKeyConstraint(['order_id'], ['ledger_orders.id'], name=op.f('fk_ledger_receipts_order_id_ledger_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_receipts')),
    sa.UniqueConstraint('reference', name=op.f('uq_ledger_receipts_reference'))
    )
    with op.batch_alter_table('ledger_receipts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ledger_receipts_order_id'), ['order_id'], unique=False)

    with op.batch_alter_table('ledger_contracts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('amount', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('drafted_by', sa.Integer(), nullable=True))
        batch_op.alter_column('signed_on',
               existing_type=sa.DATE(),
               nullable=True)
        batch_op.create_foreign_key(batch_op.f('fk_ledger_contracts_drafted_by_users'), 'users', ['drafted_by'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('ledger_contracts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_ledger_contracts_drafted_by_users'), type_='foreignkey')
        batch_op.alter_column('signed_on',
               existing_type=sa.DATE(),
               nullable=False)
        batch_op.drop_column('drafted_by')
        batch_op.drop_column('amount')

    with op.batch_alter_table('ledger_receipts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_receipts_order_id'))

    op.drop_table('ledger_receipts')
    with op.batch_alter_table('ledger_invoices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_invoices_order_id'))

    op.drop_table('ledger_invoices')
    with op.batch_alter_table('ledger_fixed_assets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_fixed_assets_project_id'))

    op.drop_table('ledger_fixed_assets')
    with op.batch_alter_table('ledger_contract_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_contract_changes_contract_id'))

    op.drop_table('ledger_contract_changes')
    op.drop_table('ledger_period_closes')
