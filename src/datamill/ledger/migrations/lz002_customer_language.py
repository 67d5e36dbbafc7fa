"""ledger: a customer's language (ledger_customers.language)

The language the customer's people read what datamill shows and sends them in (``en`` or
``zh-CN``): their pages when their own browser chose none, and the documents made for them.
Existing customers have none (their readers' browsers decide, as before).

Revision ID: lz002
Revises: lz001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "lz002"
down_revision = "lz001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ledger_customers") as batch:
        batch.add_column(sa.Column("language", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ledger_customers") as batch:
        batch.drop_column("language")
