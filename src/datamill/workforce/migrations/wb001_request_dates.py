"""workforce: a purchase request records the day it is dated and why it is back-dated
(wf_purchase_requests.requested_on, backdate_reason)

A request dated more than a week before the day it is raised needs a written reason, which
its signers see; requests raised before this revision keep both empty.

Revision ID: wb001
Revises: wi001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "wb001"
down_revision = "wi001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("wf_purchase_requests") as batch:
        batch.add_column(sa.Column("requested_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("backdate_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("wf_purchase_requests") as batch:
        batch.drop_column("backdate_reason")
        batch.drop_column("requested_on")
