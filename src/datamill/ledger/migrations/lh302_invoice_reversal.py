"""ledger: red-letter invoices (ledger_invoices.reverses_id)

An invoice issued in error is reversed in full by a red-letter invoice (红字发票) that names it;
its figures are the original's, negated. An invoice is reversed once (a unique index; no
foreign key, as ``catalog_licences.renews_id``). Existing invoices reverse none.

Revision ID: lh302
Revises: lh301
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "lh302"
down_revision = "lh301"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a plain ADD COLUMN and a unique index, no foreign key (no batch rebuild: SQLite would drop
    # and recreate the table, which receipts reference, and refuse with a foreign-key error)
    op.add_column("ledger_invoices", sa.Column("reverses_id", sa.Integer(), nullable=True))
    op.create_index(op.f("ix_ledger_invoices_reverses_id"), "ledger_invoices", ["reverses_id"],
                    unique=True)


def downgrade() -> None:
    op.drop_index(op.f("ix_ledger_invoices_reverses_id"), table_name="ledger_invoices")
    op.drop_column("ledger_invoices", "reverses_id")
