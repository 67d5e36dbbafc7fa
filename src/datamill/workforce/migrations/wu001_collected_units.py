"""workforce: a settlement unit of collected volume names no person
(``wf_settlement_units.user_id`` nullable; one such unit per item and stage)

A collection vendor is paid for the accepted recordings it delivered (``items.
supplier_vendor_id``), not for a person's task: the unit's ``user_id`` is NULL, and the
partial unique index ``uq_wf_settlement_units_collected`` (item, stage where ``user_id`` is
NULL) keeps such an item paid once, as ``(item, stage, user)`` does for task work.

Revision ID: wu001
Revises: wv001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "wu001"
down_revision = "wv001"
branch_labels = None
depends_on = None

_NO_PERSON = sa.text("user_id IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("wf_settlement_units") as batch:
        batch.alter_column("user_id", existing_type=sa.Integer(), nullable=True)
    op.create_index("uq_wf_settlement_units_collected", "wf_settlement_units",
                    ["item_id", "stage"], unique=True, sqlite_where=_NO_PERSON,
                    postgresql_where=_NO_PERSON)


def downgrade() -> None:
    op.drop_index("uq_wf_settlement_units_collected", table_name="wf_settlement_units")
    op.execute("DELETE FROM wf_settlement_units WHERE user_id IS NULL")
    with op.batch_alter_table("wf_settlement_units") as batch:
        batch.alter_column("user_id", existing_type=sa.Integer(), nullable=False)
