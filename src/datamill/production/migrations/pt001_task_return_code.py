"""task_assignments: ``return_code`` and ``return_params``, why a task came back as a code and
its values (a page words them in its reader's language; ``return_reason`` stays the English
sentence)

Revision ID: pt001
Revises: pr001

Nullable: tasks returned before it carry only their sentence (pages word those as before).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "pt001"
down_revision = "pr001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("task_assignments") as batch:
        batch.add_column(sa.Column("return_code", sa.String(32), nullable=True))
        batch.add_column(sa.Column("return_params", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("task_assignments") as batch:
        batch.drop_column("return_params")
        batch.drop_column("return_code")
