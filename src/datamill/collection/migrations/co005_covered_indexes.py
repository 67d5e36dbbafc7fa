"""collection: drop the single-column indexes that another index of the same table starts with

``project_id`` of consent texts, prompts and subjects and ``subject_row_id`` of recordings and
re-record requests lead the table's ``uq_`` constraint named beside them, and recordings'
``project_id`` leads ``ix_collection_recordings_project_sha256`` (co004), so every lookup by
them can use the wider index, while each INSERT (an upload reserves a recording row) still paid
for writing both. Downgrade creates them again.

Revision ID: co005
Revises: co004
"""
from __future__ import annotations

from alembic import op

revision = "co005"
down_revision = "co004"
branch_labels = None
depends_on = None

#: (table, index, its column, what covers it)
_COVERED = (
    ("collection_consent_texts", "ix_collection_consent_texts_project_id", "project_id",
     "uq_collection_consent_texts_project_id_version"),
    ("collection_prompts", "ix_collection_prompts_project_id", "project_id",
     "uq_collection_prompts_project_id_position"),
    ("collection_subjects", "ix_collection_subjects_project_id", "project_id",
     "uq_collection_subjects_project_id_subject_id"),
    ("collection_recordings", "ix_collection_recordings_subject_row_id", "subject_row_id",
     "uq_collection_recordings_subject_row_id_prompt_id_attempt"),
    ("collection_recordings", "ix_collection_recordings_project_id", "project_id",
     "ix_collection_recordings_project_sha256"),
    ("collection_rerecords", "ix_collection_rerecords_subject_row_id", "subject_row_id",
     "uq_collection_rerecords_subject_row_id_prompt_id_item_id"),
)


def upgrade() -> None:
    for table, index, _column, _cover in _COVERED:
        op.drop_index(index, table_name=table)


def downgrade() -> None:
    for table, index, column, _cover in _COVERED:
        op.create_index(index, table, [column], unique=False)
