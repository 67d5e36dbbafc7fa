"""ledger: a receipt's own exchange rate and its realised exchange difference

``ledger_receipts.fx_rate``: the rate the cash in a foreign currency was converted at on the
day it was received (CNY per unit of the order's currency); empty: the order's rate.
``ledger_receipts.fx_difference``: the CNY the bank received less the receivable it settled (at
the order's rate): a realised exchange gain (+) or loss (−). Existing receipts have none.

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
    with op.batch_alter_table("ledger_receipts") as batch:
        batch.add_column(sa.Column("fx_rate", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("fx_difference", sa.BigInteger(), nullable=False,
                                   server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("ledger_receipts") as batch:
        batch.drop_column("fx_difference")
        batch.drop_column("fx_rate")
