"""web_drafts: workbench drafts (now the production domain's Draft; revision id and branch kept)

Revision ID: u0001
Revises: 0001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "u0001"
down_revision = "0001"
branch_labels = ("web",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=False),
        sa.Column("segments", sa.JSON(), nullable=False),
        sa.Column("time_spent_ms", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["task_id"], ["tasks.id"], name=op.f("fk_web_drafts_task_id_tasks")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_web_drafts_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_drafts")),
        sa.UniqueConstraint("task_id", "user_id", name=op.f("uq_web_drafts_task_id_user_id")),
    )
    with op.batch_alter_table("web_drafts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_web_drafts_task_id"), ["task_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("web_drafts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_web_drafts_task_id"))
    op.drop_table("web_drafts")
