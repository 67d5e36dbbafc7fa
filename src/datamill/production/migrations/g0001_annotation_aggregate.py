"""annotations: aggregation method and confidence of an ``aggregate`` version

Revision ID: g0001
Revises: m0001

Two nullable columns; existing rows keep every value and get NULL (they are no aggregates).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "g0001"
down_revision = "m0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("annotations", sa.Column("aggregation_method", sa.String(length=32),
                                           nullable=True))
    op.add_column("annotations", sa.Column("confidence", sa.Double(), nullable=True))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute('ALTER TABLE annotations DROP COLUMN "confidence"')
        op.execute('ALTER TABLE annotations DROP COLUMN "aggregation_method"')
    else:
        op.drop_column("annotations", "confidence")
        op.drop_column("annotations", "aggregation_method")
