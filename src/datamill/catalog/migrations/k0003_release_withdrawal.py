"""catalog: a release's withdrawal (catalog_releases.withdrawn_on, withdraw_reason)

A withdrawn release is neither licensed nor delivered any more. Existing rows keep NULL (not
withdrawn). Plain ALTER TABLEs: SQLite cannot rebuild a table other tables reference.

Revision ID: k0003
Revises: k0002
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "k0003"
down_revision = "k0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("catalog_releases", sa.Column("withdrawn_on", sa.Date(), nullable=True))
    op.add_column("catalog_releases", sa.Column("withdraw_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    for column in ("withdraw_reason", "withdrawn_on"):
        op.drop_column("catalog_releases", column)
