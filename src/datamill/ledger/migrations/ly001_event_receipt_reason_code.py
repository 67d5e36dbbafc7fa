"""ledger: ledger_event_receipts.reason_code and reason_params

A problem receipt keeps its error's stable code and the values its sentence names, so the
finance pages word the reason in the reader's language (the English sentence stays in
``reason``). Existing receipts keep no code: their pages show the stored sentence, and the
next sync that retries them records the code.

Revision ID: ly001
Revises: lc001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "ly001"
down_revision = "lc001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ledger_event_receipts") as batch:
        batch.add_column(sa.Column("reason_code", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("reason_params", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ledger_event_receipts") as batch:
        batch.drop_column("reason_params")
        batch.drop_column("reason_code")
