"""compliance: project_members.via_vendor_id, the vendor whose hand-off made a person a member

A worker moved away from a vendor kept every membership that vendor's hand-offs gave them, so
they could still open those projects. Memberships made before this revision have no vendor
recorded and stay as they are. Downgrade drops the column.

Revision ID: sm001
Revises: si001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "sm001"
down_revision = "si001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("project_members") as batch:
        batch.add_column(sa.Column("via_vendor_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("project_members") as batch:
        batch.drop_column("via_vendor_id")
