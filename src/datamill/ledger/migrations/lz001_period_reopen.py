"""ledger: a closed period can be reopened (ledger_period_closes.reopened_by, reopened_at,
reopen_reason)

The latest closed month is reopened by finance with a reason (status ``reopened``); it is run
and confirmed again before it counts as closed. Existing periods were never reopened.

Revision ID: lz001
Revises: ly001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "lz001"
down_revision = "ly001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ledger_period_closes") as batch:
        batch.add_column(sa.Column("reopened_by", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("reopened_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("reopen_reason", sa.Text(), nullable=True))
        batch.create_foreign_key("fk_ledger_period_closes_reopened_by_users", "users",
                                 ["reopened_by"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("ledger_period_closes") as batch:
        batch.drop_constraint("fk_ledger_period_closes_reopened_by_users", type_="foreignkey")
        batch.drop_column("reopen_reason")
        batch.drop_column("reopened_at")
        batch.drop_column("reopened_by")
