"""ledger: a receipt's own exchange rate, its realised exchange difference, and its reversal

``ledger_receipts.fx_rate``: the rate the cash in a foreign currency was converted at on the
day it was received (CNY per unit of the order's currency); empty: the order's rate.
``ledger_receipts.fx_difference``: the CNY the bank received less the receivable it settled (at
the order's rate): a realised exchange gain (+) or loss (−). Existing receipts have none.
``ledger_receipts.reverses_id``: the receipt a reversing (negative) receipt takes back, once.

Revision ID: lh303fx
Revises: lh302
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "lh303fx"
down_revision = "lh302"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ADD COLUMNs and a unique index, no foreign key (as lh302: no batch rebuild)
    op.add_column("ledger_receipts", sa.Column("fx_rate", sa.BigInteger(), nullable=True))
    op.add_column("ledger_receipts", sa.Column("fx_difference", sa.BigInteger(), nullable=False,
                                               server_default="0"))
    op.add_column("ledger_receipts", sa.Column("reverses_id", sa.Integer(), nullable=True))
    op.create_index(op.f("ix_ledger_receipts_reverses_id"), "ledger_receipts", ["reverses_id"],
                    unique=True)


def downgrade() -> None:
    op.drop_index(op.f("ix_ledger_receipts_reverses_id"), table_name="ledger_receipts")
    op.drop_column("ledger_receipts", "reverses_id")
    op.drop_column("ledger_receipts", "fx_difference")
    op.drop_column("ledger_receipts", "fx_rate")
