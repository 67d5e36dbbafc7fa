"""workforce: a vendor's debt carried forward (``wf_settlement_offsets``)

A confirmed sheet whose net payable is negative (a recovery larger than the period's pay) is a
debt of the vendor; the vendor's next sheets deduct it from their net payable, each deduction
one row here (which debt, against which sheet, how much). Existing sheets offset nothing.

Revision ID: wr003
Revises: wr002
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "wr003"
down_revision = "wr002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wf_settlement_offsets",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("debt_sheet_id", sa.Integer(), sa.ForeignKey("wf_settlement_sheets.id"),
                  nullable=False),
        sa.Column("sheet_id", sa.Integer(), sa.ForeignKey("wf_settlement_sheets.id"),
                  nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("debt_sheet_id", "sheet_id"),
    )
    op.create_index("ix_wf_settlement_offsets_sheet_id", "wf_settlement_offsets", ["sheet_id"])


def downgrade() -> None:
    op.drop_index("ix_wf_settlement_offsets_sheet_id", table_name="wf_settlement_offsets")
    op.drop_table("wf_settlement_offsets")
