"""workforce: collected volume recovered when the customer refuses it
(``uq_wf_settlement_units_collected`` on item × stage × batch where ``user_id`` is NULL)

A recording the customer refused after its sheet was confirmed is recovered on the vendor's
next sheet, as task work is (wr001); accepted again in another batch, it is paid again, once,
so the unique key of a collected unit takes the batch, as ``(item, stage, user, batch)`` does.

Revision ID: wr002
Revises: wr001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "wr002"
down_revision = "wr001"
branch_labels = None
depends_on = None

_NO_PERSON = sa.text("user_id IS NULL")
_INDEX = "uq_wf_settlement_units_collected"


def upgrade() -> None:
    op.drop_index(_INDEX, table_name="wf_settlement_units")
    op.create_index(_INDEX, "wf_settlement_units", ["item_id", "stage", "batch_id"],
                    unique=True, sqlite_where=_NO_PERSON, postgresql_where=_NO_PERSON)


def downgrade() -> None:
    op.drop_index(_INDEX, table_name="wf_settlement_units")
    op.execute("DELETE FROM wf_settlement_units WHERE user_id IS NULL "
               "AND recovered_by_line_id IS NOT NULL")
    op.create_index(_INDEX, "wf_settlement_units", ["item_id", "stage"], unique=True,
                    sqlite_where=_NO_PERSON, postgresql_where=_NO_PERSON)
