"""ledger: the advance applied to an invoice (ledger_invoices.advance_applied, prepaid_applied)

``advance_applied`` (CNY excl. VAT, cents): the part of the order's advance invoices an
acceptance invoice's share was reduced by. Before, it was worked out when the invoice was issued
and only written in the audit record (``ledger.invoice.issued``), so the auditor's trace could
not show it; existing invoices take it from that record (0 where it names none).

``prepaid_applied`` (CNY incl. VAT, cents): the cash paid ahead of the invoices (an advance
received without an advance invoice) that settles the invoice. New: invoices issued before it
have 0 (none was applied when they were issued).

Revision ID: lh301
Revises: lz002
"""
from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from alembic import op

revision = "lh301"
down_revision = "lz002"
branch_labels = None
depends_on = None


def _cents(text: object) -> int | None:
    try:
        value = Decimal(str(text))
    except InvalidOperation:
        return None
    return int((value * 100).to_integral_value()) if value.is_finite() and value > 0 else None


def _backfill() -> None:
    """Each invoice's ``advance_applied`` (and ``prepaid_applied``, once recorded: a database
    taken down to lz002 and up again) from the audit record of its issue."""
    conn = op.get_bind()
    audit = sa.table("audit_records", sa.column("id", sa.Integer()),
                     sa.column("action", sa.String()), sa.column("object_id", sa.Integer()),
                     sa.column("data", sa.JSON()))
    invoices = sa.table("ledger_invoices", sa.column("order_id", sa.Integer()),
                        sa.column("number", sa.String()),
                        sa.column("advance_applied", sa.BigInteger()),
                        sa.column("prepaid_applied", sa.BigInteger()))
    rows = conn.execute(sa.select(audit.c.object_id, audit.c.data).where(
        audit.c.action == "ledger.invoice.issued").order_by(audit.c.id)).all()
    for order_id, data in rows:
        record = json.loads(data) if isinstance(data, str) else data
        if not isinstance(record, dict):
            continue
        values = {k: cents for k in ("advance_applied", "prepaid_applied")
                  if (cents := _cents(record.get(k))) is not None}
        if not values or not isinstance(record.get("number"), str):
            continue
        conn.execute(invoices.update().where(
            invoices.c.order_id == order_id, invoices.c.number == record["number"]).values(
            **values))


def upgrade() -> None:
    # plain ADD COLUMNs, their default kept (no batch rebuild: SQLite would drop and recreate
    # the table, which receipts reference, and refuse with a foreign-key error once a receipt
    # names an invoice)
    for column in ("advance_applied", "prepaid_applied"):
        op.add_column("ledger_invoices", sa.Column(column, sa.BigInteger(), nullable=False,
                                                   server_default="0"))
    _backfill()


def downgrade() -> None:
    # plain DROP COLUMNs (SQLite 3.35+), for the same reason as above
    for column in ("prepaid_applied", "advance_applied"):
        op.drop_column("ledger_invoices", column)
