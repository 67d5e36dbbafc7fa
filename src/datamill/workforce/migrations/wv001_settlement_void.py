"""workforce: a settlement sheet can be voided (wf_settlement_sheets.void_reason, voided_by,
voided_at)

A sheet drafted or confirmed but not paid is voided with a reason; its status becomes
``voided`` and the work it covered is payable again. Existing sheets are not voided.

Revision ID: wv001
Revises: wq001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "wv001"
down_revision = "wq001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("wf_settlement_sheets") as batch:
        batch.add_column(sa.Column("void_reason", sa.Text(), nullable=True))
        batch.add_column(sa.Column("voided_by", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_foreign_key("fk_wf_settlement_sheets_voided_by_users", "users",
                                 ["voided_by"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("wf_settlement_sheets") as batch:
        batch.drop_constraint("fk_wf_settlement_sheets_voided_by_users", type_="foreignkey")
        batch.drop_column("voided_at")
        batch.drop_column("voided_by")
        batch.drop_column("void_reason")
