"""compliance: item_classification (item-level sensitivity within a project)

A new table: existing items keep their project's level (no row means "as the project").

Revision ID: sy001
Revises: c0001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "sy001"
down_revision = "c0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "item_classification",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("set_by", sa.Integer(), nullable=True),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"],
                                name=op.f("fk_item_classification_item_id_items")),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"],
                                name=op.f("fk_item_classification_project_id_projects")),
        sa.ForeignKeyConstraint(["set_by"], ["users.id"],
                                name=op.f("fk_item_classification_set_by_users")),
        sa.PrimaryKeyConstraint("item_id", name=op.f("pk_item_classification")),
    )
    with op.batch_alter_table("item_classification") as batch:
        batch.create_index(batch.f("ix_item_classification_project_id"), ["project_id"],
                           unique=False)


def downgrade() -> None:
    with op.batch_alter_table("item_classification") as batch:
        batch.drop_index(batch.f("ix_item_classification_project_id"))
    op.drop_table("item_classification")
