"""ledger: drop the single-column indexes that a unique constraint of the same table starts with
(ledger_budgets.project_id, ledger_budget_lines.budget_id)

Each column leads the table's ``uq_`` constraint named beside it, so every lookup by it can use
that one, while each INSERT still paid for writing both. Downgrade creates them again.

Revision ID: li001
Revises: lr001
"""
from __future__ import annotations

from alembic import op

revision = "li001"
down_revision = "lr001"
branch_labels = None
depends_on = None

#: (table, index, its column, what covers it)
_COVERED = (
    ("ledger_budgets", "ix_ledger_budgets_project_id", "project_id",
     "uq_ledger_budgets_project_id_version"),
    ("ledger_budget_lines", "ix_ledger_budget_lines_budget_id", "budget_id",
     "uq_ledger_budget_lines_budget_id_stage_category"),
)


def upgrade() -> None:
    for table, index, _column, _cover in _COVERED:
        op.drop_index(index, table_name=table)


def downgrade() -> None:
    for table, index, column, _cover in _COVERED:
        op.create_index(index, table, [column], unique=False)
