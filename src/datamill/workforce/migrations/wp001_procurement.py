"""workforce: procurement — annual budget, purchase requests + approvals, framework agreements, POs

New tables only; no existing row changes.

Revision ID: wp001
Revises: e0001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "wp001"
down_revision = "e0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('wf_framework_agreements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=64), nullable=False),
    sa.Column('vendor_id', sa.Integer(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=False),
    sa.Column('settlement_method', sa.String(length=32), nullable=False),
    sa.Column('terms', sa.Text(), nullable=False),
    sa.Column('prices', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('approved_by', sa.Integer(), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['approved_by'], ['users.id'], name=op.f('fk_wf_framework_agreements_approved_by_users')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_wf_framework_agreements_created_by_users')),
    sa.ForeignKeyConstraint(['vendor_id'], ['wf_vendors.id'], name=op.f('fk_wf_framework_agreements_vendor_id_wf_vendors')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wf_framework_agreements')),
    sa.UniqueConstraint('number', name=op.f('uq_wf_framework_agreements_number'))
    )
    op.create_index(op.f('ix_wf_framework_agreements_vendor_id'), 'wf_framework_agreements', ['vendor_id'], unique=False)
    op.create_table('wf_procurement_approvals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject_type', sa.String(length=16), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('approval_role', sa.String(length=32), nullable=False),
    sa.Column('approver_id', sa.Integer(), nullable=False),
    sa.Column('decision', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['approver_id'], ['users.id'], name=op.f('fk_wf_procurement_approvals_approver_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wf_procurement_approvals')),
    sa.UniqueConstraint('subject_type', 'subject_id', 'level', name=op.f('uq_wf_procurement_approvals_subject_type_subject_id_level'))
    )
    op.create_table('wf_procurement_approvers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('approval_role', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_wf_procurement_approvers_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wf_procurement_approvers')),
    sa.UniqueConstraint('user_id', name=op.f('uq_wf_procurement_approvers_user_id'))
    )
    op.create_table('wf_procurement_budgets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('department', sa.String(length=64), nullable=False),
    sa.Column('collection_quantity', sa.BigInteger(), nullable=False),
    sa.Column('collection_price', sa.BigInteger(), nullable=False),
    sa.Column('collection_amount', sa.BigInteger(), nullable=False),
    sa.Column('labelling_quantity', sa.BigInteger(), nullable=False),
    sa.Column('labelling_price', sa.BigInteger(), nullable=False),
    sa.Column('labelling_amount', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_wf_procurement_budgets_created_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wf_procurement_budgets')),
    sa.UniqueConstraint('year', 'department', name=op.f('uq_wf_procurement_budgets_year_department'))
    )
    op.create_table('wf_purchase_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('department', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('vendor_id', sa.Integer(), nullable=True),
    sa.Column('stage', sa.String(length=32), nullable=False),
    sa.Column('modality', sa.String(length=32), nullable=False),
    sa.Column('language_group', sa.String(length=32), nullable=False),
    sa.Column('unit', sa.String(length=16), nullable=False),
    sa.Column('quantity', sa.BigInteger(), nullable=False),
    sa.Column('unit_price', sa.BigInteger(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('reference_price', sa.BigInteger(), nullable=True),
    sa.Column('deviation', sa.BigInteger(), nullable=True),
    sa.Column('flagged', sa.Boolean(), nullable=False),
    sa.Column('deviation_reason', sa.Text(), nullable=True),
    sa.Column('over_budget', sa.Boolean(), nullable=False),
    sa.Column('chain', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('combined_into_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['combined_into_id'], ['wf_purchase_requests.id'], name=op.f('fk_wf_purchase_requests_combined_into_id_wf_purchase_requests')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_wf_purchase_requests_created_by_users')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_wf_purchase_requests_project_id_projects')),
    sa.ForeignKeyConstraint(['vendor_id'], ['wf_vendors.id'], name=op.f('fk_wf_purchase_requests_vendor_id_wf_vendors')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wf_purchase_requests')),
    sa.UniqueConstraint('number', name=op.f('uq_wf_purchase_requests_number'))
    )
    op.create_table('wf_purchase_orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('vendor_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=True),
    sa.Column('stage', sa.String(length=32), nullable=False),
    sa.Column('unit', sa.String(length=16), nullable=False),
    sa.Column('quantity', sa.BigInteger(), nullable=False),
    sa.Column('unit_price', sa.BigInteger(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['wf_framework_agreements.id'], name=op.f('fk_wf_purchase_orders_agreement_id_wf_framework_agreements')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_wf_purchase_orders_created_by_users')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_wf_purchase_orders_project_id_projects')),
    sa.ForeignKeyConstraint(['request_id'], ['wf_purchase_requests.id'], name=op.f('fk_wf_purchase_orders_request_id_wf_purchase_requests')),
    sa.ForeignKeyConstraint(['vendor_id'], ['wf_vendors.id'], name=op.f('fk_wf_purchase_orders_vendor_id_wf_vendors')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wf_purchase_orders')),
    sa.UniqueConstraint('number', name=op.f('uq_wf_purchase_orders_number'))
    )
    op.create_index(op.f('ix_wf_purchase_orders_project_id'), 'wf_purchase_orders', ['project_id'], unique=False)
    op.create_index(op.f('ix_wf_purchase_orders_vendor_id'), 'wf_purchase_orders', ['vendor_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_wf_purchase_orders_vendor_id'), table_name='wf_purchase_orders')
    op.drop_index(op.f('ix_wf_purchase_orders_project_id'), table_name='wf_purchase_orders')
    op.drop_table('wf_purchase_orders')
    op.drop_table('wf_purchase_requests')
    op.drop_table('wf_procurement_budgets')
    op.drop_table('wf_procurement_approvers')
    op.drop_table('wf_procurement_approvals')
    op.drop_index(op.f('ix_wf_framework_agreements_vendor_id'), table_name='wf_framework_agreements')
    op.drop_table('wf_framework_agreements')
