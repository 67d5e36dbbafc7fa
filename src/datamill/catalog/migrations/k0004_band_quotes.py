"""catalog: out-of-band quotes awaiting a second person's approval (catalog_band_quotes)

A licence priced outside its dataset's band is issued only on a quote another person approved
(the decision is a step in ``ledger_approvals``, subject ``band_quote``). A new table: nothing
existing changes; licences issued before this revision keep their recorded band reason.

Revision ID: k0004
Revises: k0003
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "k0004"
down_revision = "k0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "catalog_band_quotes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dataset_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("price", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("fx_rate", sa.BigInteger(), nullable=True),
        sa.Column("band_low", sa.BigInteger(), nullable=True),
        sa.Column("band_high", sa.BigInteger(), nullable=True),
        sa.Column("band_currency", sa.String(length=3), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("quoted_by", sa.Integer(), nullable=False),
        sa.Column("quoted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("licence_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["customer_id"], ["ledger_customers.id"],
                                name=op.f("fk_catalog_band_quotes_customer_id_ledger_customers")),
        sa.ForeignKeyConstraint(["dataset_id"], ["catalog_datasets.id"],
                                name=op.f("fk_catalog_band_quotes_dataset_id_catalog_datasets")),
        sa.ForeignKeyConstraint(["decided_by"], ["users.id"],
                                name=op.f("fk_catalog_band_quotes_decided_by_users")),
        sa.ForeignKeyConstraint(["licence_id"], ["catalog_licences.id"],
                                name=op.f("fk_catalog_band_quotes_licence_id_catalog_licences")),
        sa.ForeignKeyConstraint(["quoted_by"], ["users.id"],
                                name=op.f("fk_catalog_band_quotes_quoted_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalog_band_quotes")),
        sa.UniqueConstraint("licence_id", name=op.f("uq_catalog_band_quotes_licence_id")),
    )
    op.create_index(op.f("ix_catalog_band_quotes_customer_id"), "catalog_band_quotes",
                    ["customer_id"], unique=False)
    op.create_index(op.f("ix_catalog_band_quotes_dataset_id"), "catalog_band_quotes",
                    ["dataset_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_catalog_band_quotes_dataset_id"), table_name="catalog_band_quotes")
    op.drop_index(op.f("ix_catalog_band_quotes_customer_id"), table_name="catalog_band_quotes")
    op.drop_table("catalog_band_quotes")
