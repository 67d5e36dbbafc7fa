"""items: ``superseded_by``, the item that replaced this one (a subject's re-recording of the
same prompt), set with the item status ``superseded``

Revision ID: pw001
Revises: pv001

Nullable, no foreign key: items stored before it were replaced by none. The status needs no
schema change (a string column).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "pw001"
down_revision = "pv001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # in place, not a batch copy: SQLite would drop and rebuild ``items``, which other tables'
    # foreign keys name (see pv001)
    op.add_column("items", sa.Column("superseded_by", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column("items", "superseded_by")
