"""collection: collection_recordings.duration_ms (an upload's length before its item exists)

An upload writes its recording row first, without an item, so that uploads at once count it in
the subject's quota cell; the length of the take (from its WAV header) counts toward the cell's
hours until the item carries its own. Existing rows keep NULL (they all have their item).

Revision ID: co002
Revises: co001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "co002"
down_revision = "co001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("collection_recordings") as batch:
        batch.add_column(sa.Column("duration_ms", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("collection_recordings") as batch:
        batch.drop_column("duration_ms")
