"""workforce: drop the single-column indexes that a unique constraint of the same table starts
with (wf_settlement_sheets.vendor_id, wf_hour_points.worker_id, wf_golden_tasks.test_id)

Each column leads the table's ``uq_`` constraint named beside it, so every lookup by it can use
that one, while each INSERT still paid for writing both. Downgrade creates them again.

Revision ID: wi001
Revises: wu001
"""
from __future__ import annotations

from alembic import op

revision = "wi001"
down_revision = "wu001"
branch_labels = None
depends_on = None

#: (table, index, its column, what covers it)
_COVERED = (
    ("wf_settlement_sheets", "ix_wf_settlement_sheets_vendor_id", "vendor_id",
     "uq_wf_settlement_sheets_vendor_id_period_key"),
    ("wf_hour_points", "ix_wf_hour_points_worker_id", "worker_id",
     "uq_wf_hour_points_worker_id_project_id_month"),
    ("wf_golden_tasks", "ix_wf_golden_tasks_test_id", "test_id",
     "uq_wf_golden_tasks_test_id_item_id"),
)


def upgrade() -> None:
    for table, index, _column, _cover in _COVERED:
        op.drop_index(index, table_name=table)


def downgrade() -> None:
    for table, index, column, _cover in _COVERED:
        op.create_index(index, table, [column], unique=False)
