"""workforce: pay recovered when the customer refuses settled work
(``wf_settlement_units.recovered_by_line_id``; unique per item × stage × person × batch)

An item the customer refused after its sheet was confirmed is recovered on the vendor's next
sheet: a negative line, which the unit names. The item reworked and accepted in another batch is
paid again (once), so the unique key of a unit takes the batch.

Revision ID: wr001
Revises: wb001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "wr001"
down_revision = "wb001"
branch_labels = None
depends_on = None

_OLD = "uq_wf_settlement_units_item_id_stage_user_id"
_NEW = "uq_wf_settlement_units_item_id_stage_user_id_batch_id"


def upgrade() -> None:
    with op.batch_alter_table("wf_settlement_units") as batch:
        batch.add_column(sa.Column("recovered_by_line_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_wf_settlement_units_recovered_by_line_id_wf_settlement_lines",
            "wf_settlement_lines", ["recovered_by_line_id"], ["id"])
        batch.drop_constraint(_OLD, type_="unique")
        batch.create_unique_constraint(_NEW, ["item_id", "stage", "user_id", "batch_id"])
    op.create_index("ix_wf_settlement_units_recovered_by_line_id", "wf_settlement_units",
                    ["recovered_by_line_id"])


def downgrade() -> None:
    op.drop_index("ix_wf_settlement_units_recovered_by_line_id",
                  table_name="wf_settlement_units")
    op.execute("DELETE FROM wf_settlement_units WHERE recovered_by_line_id IS NOT NULL")
    with op.batch_alter_table("wf_settlement_units") as batch:
        batch.drop_constraint(_NEW, type_="unique")
        batch.create_unique_constraint(_OLD, ["item_id", "stage", "user_id"])
        batch.drop_constraint("fk_wf_settlement_units_recovered_by_line_id_wf_settlement_lines",
                              type_="foreignkey")
        batch.drop_column("recovered_by_line_id")
