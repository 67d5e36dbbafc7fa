"""tasks: kind ('work' or 'check'), unique per item, stage and kind

Revision ID: 0003
Revises: 0002
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tasks") as batch:
        batch.add_column(
            sa.Column("kind", sa.String(length=16), server_default="work", nullable=False)
        )
        batch.drop_constraint("uq_tasks_item_id_stage", type_="unique")
        batch.create_unique_constraint("uq_tasks_item_id_stage_kind", ["item_id", "stage", "kind"])


def downgrade() -> None:
    with op.batch_alter_table("tasks") as batch:
        batch.drop_constraint("uq_tasks_item_id_stage_kind", type_="unique")
        batch.create_unique_constraint("uq_tasks_item_id_stage", ["item_id", "stage"])
        batch.drop_column("kind")
