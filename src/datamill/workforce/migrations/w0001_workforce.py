"""workforce: vendors, workers, qualification, prices, settlement sheets, hour points

Revision ID: w0001
Revises: 0001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "w0001"
down_revision = "0001"
branch_labels = ("workforce",)
depends_on = None


def upgrade() -> None:
    op.create_table('wf_grades',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('point_rate', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wf_grades')),
    sa.UniqueConstraint('name', name=op.f('uq_wf_grades_name'))
    )
    op.create_table('wf_vendors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('licence_no', sa.String(length=64), nullable=True),
    sa.Column('contact', sa.String(length=200), nullable=True),
    sa.Column('agreement_no', sa.String(length=64), nullable=True),
    sa.Column('agreement_signed_on', sa.Date(), nullable=True),
    sa.Column('fee_rate', sa.BigInteger(), nullable=False),
    sa.Column('settlement_cycle', sa.String(length=16), nullable=False),
    sa.Column('qualified', sa.Boolean(), nullable=False),
    sa.Column('qualified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('qualification_note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wf_vendors')),
    sa.UniqueConstraint('name', name=op.f('uq_wf_vendors_name'))
    )
    op.create_table('wf_working_months',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('working_days', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wf_working_months')),
    sa.UniqueConstraint('month', name=op.f('uq_wf_working_months_month'))
    )
    op.create_table('wf_prices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('half_year', sa.String(length=6), nullable=False),
    sa.Column('vendor_id', sa.Integer(), nullable=True),
    sa.Column('stage', sa.String(length=32), nullable=False),
    sa.Column('modality', sa.String(length=32), nullable=False),
    sa.Column('language_group', sa.String(length=32), nullable=False),
    sa.Column('unit', sa.String(length=16), nullable=False),
    sa.Column('unit_price', sa.BigInteger(), nullable=False),
    sa.Column('reference_price', sa.BigInteger(), nullable=True),
    sa.Column('deviation', sa.BigInteger(), nullable=True),
    sa.Column('flagged', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_wf_prices_created_by_users')),
    sa.ForeignKeyConstraint(['vendor_id'], ['wf_vendors.id'], name=op.f('fk_wf_prices_vendor_id_wf_vendors')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wf_prices'))
    )
    op.create_index(op.f('ix_wf_prices_half_year'), 'wf_prices', ['half_year'], unique=False)
    op.create_table('wf_settlement_sheets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=64), nullable=False),
    sa.Column('vendor_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('corrects_sheet_id', sa.Integer(), nullable=True),
    sa.Column('cycle', sa.String(length=16), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('period_key', sa.String(length=40), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('fee_rate', sa.BigInteger(), nullable=False),
    sa.Column('fee', sa.BigInteger(), nullable=False),
    sa.Column('gross', sa.BigInteger(), nullable=False),
    sa.Column('tax_withheld', sa.BigInteger(), nullable=False),
    sa.Column('net_payable', sa.BigInteger(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('vendor_confirmed_by', sa.Integer(), nullable=True),
    sa.Column('vendor_confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('confirmed_by', sa.Integer(), nullable=True),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('settled_by', sa.Integer(), nullable=True),
    sa.Column('settled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('payment_ref', sa.String(length=100), nullable=True),
    sa.ForeignKeyConstraint(['confirmed_by'], ['users.id'], name=op.f('fk_wf_settlement_sheets_confirmed_by_users')),
    sa.ForeignKeyConstraint(['corrects_sheet_id'], ['wf_settlement_sheets.id'], name=op.f('fk_wf_settlement_sheets_corrects_sheet_id_wf_settlement_sheets')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_wf_settlement_sheets_created_by_users')),
    sa.ForeignKeyConstraint(['settled_by'], ['users.id'], name=op.f('fk_wf_settlement_sheets_settled_by_users')),
    sa.ForeignKeyConstraint(['vendor_confirmed_by'], ['users.id'], name=op.f('fk_wf_settlement_sheets_vendor_confirmed_by_users')),
    sa.ForeignKeyConstraint(['vendor_id'], ['wf_vendors.id'], name=op.f('fk_wf_settlement_sheets_vendor_id_wf_vendors')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wf_settlement_sheets')),
    sa.UniqueConstraint('number', name=op.f('uq_wf_settlement_sheets_number')),
    sa.UniqueConstraint('vendor_id', 'period_key', name=op.f('uq_wf_settlement_sheets_vendor_id_period_key'))
    )
    op.create_index(op.f('ix_wf_settlement_sheets_vendor_id'), 'wf_settlement_sheets', ['vendor_id'], unique=False)
    op.create_table('wf_vendor_evaluations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('vendor_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('metrics', sa.JSON(), nullable=False),
    sa.Column('score', sa.BigInteger(), nullable=False),
    sa.Column('rating', sa.String(length=8), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['vendor_id'], ['wf_vendors.id'], name=op.f('fk_wf_vendor_evaluations_vendor_id_wf_vendors')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wf_vendor_evaluations')),
    sa.UniqueConstraint('vendor_id', 'year', name=op.f('uq_wf_vendor_evaluations_vendor_id_year'))
    )
    op.create_table('wf_workers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('vendor_id', sa.Integer(), nullable=True),
    sa.Column('is_manager', sa.Boolean(), nullable=False),
    sa.Column('grade_id', sa.Integer(), nullable=True),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('modalities', sa.JSON(), nullable=False),
    sa.Column('domains', sa.JSON(), nullable=False),
    sa.Column('devices', sa.JSON(), nullable=False),
    sa.Column('identity_verified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('identity_ref', sa.String(length=64), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['grade_id'], ['wf_grades.id'], name=op.f('fk_wf_workers_grade_id_wf_grades')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_wf_workers_user_id_users')),
    sa.ForeignKeyConstraint(['vendor_id'], ['wf_vendors.id'], name=op.f('fk_wf_workers_vendor_id_wf_vendors')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wf_workers')),
    sa.UniqueConstraint('user_id', name=op.f('uq_wf_workers_user_id'))
    )
    op.create_index(op.f('ix_wf_workers_vendor_id'), 'wf_workers', ['vendor_id'], unique=False)
    op.create_table('wf_hour_points',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('worker_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('points', sa.BigInteger(), nullable=False),
    sa.Column('point_rate', sa.BigInteger(), nullable=False),
    sa.Column('cost', sa.BigInteger(), nullable=False),
    sa.Column('booked_by', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['booked_by'], ['users.id'], name=op.f('fk_wf_hour_points_booked_by_users')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_wf_hour_points_project_id_projects')),
    sa.ForeignKeyConstraint(['worker_id'], ['wf_workers.id'], name=op.f('fk_wf_hour_points_worker_id_wf_workers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wf_hour_points')),
    sa.UniqueConstraint('worker_id', 'project_id', 'month', name=op.f('uq_wf_hour_points_worker_id_project_id_month'))
    )
    op.create_index(op.f('ix_wf_hour_points_project_id'), 'wf_hour_points', ['project_id'], unique=False)
    op.create_index(op.f('ix_wf_hour_points_worker_id'), 'wf_hour_points', ['worker_id'], unique=False)
    op.create_table('wf_qualification_tests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('metric', sa.String(length=40), nullable=False),
    sa.Column('pass_threshold', sa.BigInteger(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_wf_qualification_tests_created_by_users')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_wf_qualification_tests_project_id_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wf_qualification_tests')),
    sa.UniqueConstraint('project_id', name=op.f('uq_wf_qualification_tests_project_id'))
    )
    op.create_table('wf_settlement_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sheet_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('stage', sa.String(length=32), nullable=True),
    sa.Column('worker_id', sa.Integer(), nullable=True),
    sa.Column('unit', sa.String(length=16), nullable=False),
    sa.Column('items', sa.Integer(), nullable=False),
    sa.Column('duration_ms', sa.BigInteger(), nullable=False),
    sa.Column('quantity', sa.BigInteger(), nullable=False),
    sa.Column('unit_price', sa.BigInteger(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_wf_settlement_lines_project_id_projects')),
    sa.ForeignKeyConstraint(['sheet_id'], ['wf_settlement_sheets.id'], name=op.f('fk_wf_settlement_lines_sheet_id_wf_settlement_sheets')),
    sa.ForeignKeyConstraint(['worker_id'], ['wf_workers.id'], name=op.f('fk_wf_settlement_lines_worker_id_wf_workers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wf_settlement_lines'))
    )
    op.create_index(op.f('ix_wf_settlement_lines_sheet_id'), 'wf_settlement_lines', ['sheet_id'], unique=False)
    op.create_table('wf_package_handoffs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('package_id', sa.Integer(), nullable=False),
    sa.Column('vendor_id', sa.Integer(), nullable=False),
    sa.Column('handed_by', sa.Integer(), nullable=True),
    sa.Column('handed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['handed_by'], ['users.id'], name=op.f('fk_wf_package_handoffs_handed_by_users')),
    sa.ForeignKeyConstraint(['package_id'], ['work_packages.id'], name=op.f('fk_wf_package_handoffs_package_id_work_packages')),
    sa.ForeignKeyConstraint(['vendor_id'], ['wf_vendors.id'], name=op.f('fk_wf_package_handoffs_vendor_id_wf_vendors')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wf_package_handoffs')),
    sa.UniqueConstraint('package_id', name=op.f('uq_wf_package_handoffs_package_id'))
    )
    op.create_index(op.f('ix_wf_package_handoffs_vendor_id'), 'wf_package_handoffs', ['vendor_id'], unique=False)
    op.create_table('wf_qualification_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('test_id', sa.Integer(), nullable=False),
    sa.Column('worker_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.BigInteger(), nullable=False),
    sa.Column('scores', sa.JSON(), nullable=False),
    sa.Column('passed', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['test_id'], ['wf_qualification_tests.id'], name=op.f('fk_wf_qualification_attempts_test_id_wf_qualification_tests')),
    sa.ForeignKeyConstraint(['worker_id'], ['wf_workers.id'], name=op.f('fk_wf_qualification_attempts_worker_id_wf_workers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wf_qualification_attempts'))
    )
    op.create_index(op.f('ix_wf_qualification_attempts_test_id'), 'wf_qualification_attempts', ['test_id'], unique=False)
    op.create_index(op.f('ix_wf_qualification_attempts_worker_id'), 'wf_qualification_attempts', ['worker_id'], unique=False)
    op.create_table('wf_golden_tasks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('test_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('reference_text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_wf_golden_tasks_item_id_items')),
    sa.ForeignKeyConstraint(['test_id'], ['wf_qualification_tests.id'], name=op.f('fk_wf_golden_tasks_test_id_wf_qualification_tests')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wf_golden_tasks')),
    sa.UniqueConstraint('test_id', 'item_id', name=op.f('uq_wf_golden_tasks_test_id_item_id'))
    )
    op.create_index(op.f('ix_wf_golden_tasks_test_id'), 'wf_golden_tasks', ['test_id'], unique=False)
    op.create_table('wf_settlement_units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sheet_id', sa.Integer(), nullable=False),
    sa.Column('line_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['batches.id'], name=op.f('fk_wf_settlement_units_batch_id_batches')),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_wf_settlement_units_item_id_items')),
    sa.ForeignKeyConstraint(['line_id'], ['wf_settlement_lines.id'], name=op.f('fk_wf_settlement_units_line_id_wf_settlement_lines')),
    sa.ForeignKeyConstraint(['sheet_id'], ['wf_settlement_sheets.id'], name=op.f('fk_wf_settlement_units_sheet_id_wf_settlement_sheets')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_wf_settlement_units_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wf_settlement_units')),
    sa.UniqueConstraint('item_id', 'stage', 'user_id', name=op.f('uq_wf_settlement_units_item_id_stage_user_id'))
    )
    op.create_index(op.f('ix_wf_settlement_units_sheet_id'), 'wf_settlement_units', ['sheet_id'], unique=False)


def downgrade() -> None:
    op.drop_table('wf_settlement_units')
    op.drop_table('wf_golden_tasks')
    op.drop_table('wf_qualification_attempts')
    op.drop_table('wf_package_handoffs')
    op.drop_table('wf_settlement_lines')
    op.drop_table('wf_qualification_tests')
    op.drop_table('wf_hour_points')
    op.drop_table('wf_workers')
    op.drop_table('wf_vendor_evaluations')
    op.drop_table('wf_settlement_sheets')
    op.drop_table('wf_prices')
    op.drop_table('wf_working_months')
    op.drop_table('wf_vendors')
    op.drop_table('wf_grades')
