"""catalog: customers' requests for a quote and sales' answers (catalog_quote_requests)

A customer asks for a quote on a catalog dataset (or for custom work described in text); a
salesperson answers with an offer (an out-of-band price rides on an approved
``catalog_band_quotes`` row) or declines; the customer accepts (or withdraws the request), and
the licence issued on the request is recorded. A new table: nothing existing changes.

Revision ID: k0006_quote_requests
Revises: k0005
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "k0006_quote_requests"
down_revision = "k0005"
branch_labels = None
depends_on = None

_T = "catalog_quote_requests"


def _fk(column: str, target: str) -> sa.ForeignKeyConstraint:
    table = target.split(".")[0]
    return sa.ForeignKeyConstraint([column], [target], name=op.f(f"fk_{_T}_{column}_{table}"))


def upgrade() -> None:
    op.create_table(
        _T,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("dataset_id", sa.Integer(), nullable=True),
        sa.Column("intended_use", sa.Text(), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("custom_work", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("requested_by", sa.Integer(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("price", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("fx_rate", sa.BigInteger(), nullable=True),
        sa.Column("territory", sa.String(length=200), nullable=True),
        sa.Column("term", sa.String(length=200), nullable=True),
        sa.Column("acceptance_criteria", sa.Text(), nullable=True),
        sa.Column("offer_note", sa.Text(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("band_quote_id", sa.Integer(), nullable=True),
        sa.Column("answered_by", sa.Integer(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decline_reason", sa.Text(), nullable=True),
        sa.Column("accepted_by", sa.Integer(), nullable=True),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("licence_id", sa.Integer(), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdraw_reason", sa.Text(), nullable=True),
        _fk("customer_id", "ledger_customers.id"),
        _fk("dataset_id", "catalog_datasets.id"),
        _fk("requested_by", "users.id"),
        _fk("band_quote_id", "catalog_band_quotes.id"),
        _fk("answered_by", "users.id"),
        _fk("accepted_by", "users.id"),
        _fk("licence_id", "catalog_licences.id"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{_T}")),
        sa.UniqueConstraint("licence_id", name=op.f(f"uq_{_T}_licence_id")),
    )
    op.create_index(op.f(f"ix_{_T}_customer_id"), _T, ["customer_id"], unique=False)
    op.create_index(op.f(f"ix_{_T}_dataset_id"), _T, ["dataset_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f(f"ix_{_T}_dataset_id"), table_name=_T)
    op.drop_index(op.f(f"ix_{_T}_customer_id"), table_name=_T)
    op.drop_table(_T)
