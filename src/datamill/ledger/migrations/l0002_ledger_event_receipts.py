"""ledger: receipts of consumed cost events (settlement.confirmed, hour_points.booked)

Revision ID: l0002
Revises: l0001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "l0002"
down_revision = "l0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ledger_event_receipts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("domain_event_id", sa.Integer(), nullable=False),
        sa.Column("event_type", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("cost_id", sa.Integer(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["cost_id"], ["ledger_costs.id"],
                                name=op.f("fk_ledger_event_receipts_cost_id_ledger_costs")),
        sa.ForeignKeyConstraint(
            ["domain_event_id"], ["domain_events.id"],
            name=op.f("fk_ledger_event_receipts_domain_event_id_domain_events")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_event_receipts")),
        sa.UniqueConstraint("domain_event_id",
                            name=op.f("uq_ledger_event_receipts_domain_event_id")),
    )


def downgrade() -> None:
    op.drop_table("ledger_event_receipts")
