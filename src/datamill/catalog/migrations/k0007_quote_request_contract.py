"""catalog: the contract drafted on an accepted custom-work offer (catalog_quote_requests)

``contract_id`` names the ledger contract drafted when the customer accepted an offer for
custom work (a draft awaiting its price and signing approvals; nothing signed). Requests
accepted before this revision have none: sales draft theirs by hand, as before. Batch rebuild
on SQLite: no other table references the quote requests.

Revision ID: k0007_quote_request_contract
Revises: k0006_quote_requests
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "k0007_quote_request_contract"
down_revision = "k0006_quote_requests"
branch_labels = None
depends_on = None

_T = "catalog_quote_requests"
_FK = "fk_catalog_quote_requests_contract_id_ledger_contracts"
_UQ = "uq_catalog_quote_requests_contract_id"


def upgrade() -> None:
    with op.batch_alter_table(_T) as batch:
        batch.add_column(sa.Column("contract_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(_FK, "ledger_contracts", ["contract_id"], ["id"])
        batch.create_unique_constraint(_UQ, ["contract_id"])


def downgrade() -> None:
    with op.batch_alter_table(_T) as batch:
        batch.drop_constraint(_UQ, type_="unique")
        batch.drop_constraint(_FK, type_="foreignkey")
        batch.drop_column("contract_id")
