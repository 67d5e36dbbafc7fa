"""compliance: drop the single-column indexes that a unique constraint of the same table starts
with (project_members.project_id, consent_records.project_id, masked_texts.item_id and
masked_blobs.item_id)

Each column leads the table's ``uq_`` constraint named beside it, so every lookup by it can use
that one, while each INSERT still paid for writing both. Downgrade creates them again.

Revision ID: si001
Revises: sc001
"""
from __future__ import annotations

from alembic import op

revision = "si001"
down_revision = "sc001"
branch_labels = None
depends_on = None

#: (table, index, its column, what covers it)
_COVERED = (
    ("project_members", "ix_project_members_project_id", "project_id",
     "uq_project_members_project_id_user_id"),
    ("consent_records", "ix_consent_records_project_id", "project_id",
     "uq_consent_records_project_id_subject_id_scope"),
    ("masked_texts", "ix_masked_texts_item_id", "item_id", "uq_masked_texts_item_id_field"),
    ("masked_blobs", "ix_masked_blobs_item_id", "item_id",
     "uq_masked_blobs_item_id_sha256_original"),
)


def upgrade() -> None:
    for table, index, _column, _cover in _COVERED:
        op.drop_index(index, table_name=table)


def downgrade() -> None:
    for table, index, column, _cover in _COVERED:
        op.create_index(index, table, [column], unique=False)
