"""deliveries: ``refused_items``, the items a customer's acceptance names as refused

Revision ID: pr001
Revises: pd001

Nullable: acceptances recorded before it named no items (``NULL``: none named).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "pr001"
down_revision = "pd001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("deliveries", sa.Column("refused_items", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_column("deliveries", "refused_items")
