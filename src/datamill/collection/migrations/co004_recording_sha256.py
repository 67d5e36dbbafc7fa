"""collection: collection_recordings.sha256 (a take's hash from the moment it is reserved)

The exact-copy check read the items' sha256, but an upload writes its item only after its
recording row is reserved and committed, so two uploads of the same bytes at once each found no
copy and both were imported. The row now carries the take's sha256, written under the
project's quota lock with the row itself, and the check reads it too; an index on (project,
sha256) keeps that read cheap. Existing rows take their item's sha256 (rows without an item, an
upload under way or abandoned, keep NULL). Downgrade drops the index and the column.

Revision ID: co004
Revises: co003
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "co004"
down_revision = "co003"
branch_labels = None
depends_on = None

_INDEX = "ix_collection_recordings_project_sha256"


def upgrade() -> None:
    with op.batch_alter_table("collection_recordings") as batch:
        batch.add_column(sa.Column("sha256", sa.String(length=64), nullable=True))
        batch.create_index(_INDEX, ["project_id", "sha256"], unique=False)
    op.execute(sa.text(
        "UPDATE collection_recordings SET sha256 = (SELECT NULLIF(items.sha256, '')"
        " FROM items WHERE items.id = collection_recordings.item_id)"
        " WHERE item_id IS NOT NULL"))


def downgrade() -> None:
    with op.batch_alter_table("collection_recordings") as batch:
        batch.drop_index(_INDEX)
        batch.drop_column("sha256")
