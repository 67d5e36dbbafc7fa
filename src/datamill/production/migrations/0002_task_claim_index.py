"""tasks and packages: indexes for claiming the next open task in id order

Revision ID: 0002
Revises: 0001
"""
from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_tasks_claim", "tasks", ["project_id", "stage", "status", "id"], unique=False
    )
    op.create_index(
        "ix_work_packages_assignee_id", "work_packages", ["assignee_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_work_packages_assignee_id", table_name="work_packages")
    op.drop_index("ix_tasks_claim", table_name="tasks")
