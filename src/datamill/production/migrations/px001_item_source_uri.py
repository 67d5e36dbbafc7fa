"""items: ``source_uri`` for items registered in place (bytes stay where the manifest names them)

Revision ID: px001
Revises: m0001

A nullable column: existing rows (bytes in the blob store) keep ``NULL`` and are read as before.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "px001"
down_revision = "m0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("items", sa.Column("source_uri", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("items", "source_uri")
