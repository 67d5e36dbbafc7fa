"""catalog: how far each customer account has read its inbox (catalog_inbox_marks)

One row per account that has marked its inbox read: what happened after ``seen_at`` is
unread. Accounts without a row have read nothing yet.

Revision ID: k0008_inbox_marks
Revises: k0007_quote_request_contract
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "k0008_inbox_marks"
down_revision = "k0007_quote_request_contract"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "catalog_inbox_marks",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name="fk_catalog_inbox_marks_user_id_users"),
        sa.PrimaryKeyConstraint("user_id", name="pk_catalog_inbox_marks"),
    )


def downgrade() -> None:
    op.drop_table("catalog_inbox_marks")
