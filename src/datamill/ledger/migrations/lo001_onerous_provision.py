"""ledger: ledger_impairments.onerous and onerous_change (the onerous-contract provision)

An impairment test writes the WIP down by at most its balance; a loss expected beyond it is an
onerous-contract provision, kept apart. Tests stored before kept no onerous part (0).

Revision ID: lo001
Revises: li001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "lo001"
down_revision = "li001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ledger_impairments") as batch:
        batch.add_column(sa.Column("onerous", sa.BigInteger(), nullable=False,
                                   server_default="0"))
        batch.add_column(sa.Column("onerous_change", sa.BigInteger(), nullable=False,
                                   server_default="0"))
    with op.batch_alter_table("ledger_impairments") as batch:  # rows to come give their own
        batch.alter_column("onerous", server_default=None)
        batch.alter_column("onerous_change", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("ledger_impairments") as batch:
        batch.drop_column("onerous_change")
        batch.drop_column("onerous")
