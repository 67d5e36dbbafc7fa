"""ledger: red-letter invoices (ledger_invoices.reverses_id)

An invoice issued in error is reversed in full by a red-letter invoice (红字发票) that names it;
its figures are the original's, negated. An invoice is reversed once (unique). Existing
invoices reverse none.

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
    with op.batch_alter_table("ledger_invoices") as batch:
        batch.add_column(sa.Column("reverses_id", sa.Integer(), nullable=True))
        batch.create_unique_constraint(batch.f("uq_ledger_invoices_reverses_id"),
                                       ["reverses_id"])
        batch.create_foreign_key(batch.f("fk_ledger_invoices_reverses_id_ledger_invoices"),
                                 "ledger_invoices", ["reverses_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("ledger_invoices") as batch:
        batch.drop_constraint(batch.f("fk_ledger_invoices_reverses_id_ledger_invoices"),
                              type_="foreignkey")
        batch.drop_constraint(batch.f("uq_ledger_invoices_reverses_id"), type_="unique")
        batch.drop_column("reverses_id")
