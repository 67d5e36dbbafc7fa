"""production: drop the single-column indexes that another index of the same table starts with

Each of these indexes is the leading column of a unique constraint or a wider index on its table
(``ix_tasks_project_id`` of ``ix_tasks_claim``: project_id, stage, status, id; the others of
the ``uq_`` constraint named beside them), so every lookup by that column can use the wider one,
while each INSERT still paid for writing them: on the claim and submit path that is an index
entry fewer per task, annotation and assignment. Downgrade creates them again.

Revision ID: pi002
Revises: pi001 (and needs u0001, which made web_drafts)
"""
from __future__ import annotations

from alembic import op

revision = "pi002"
down_revision = "pi001"
branch_labels = None
depends_on = "u0001"

#: (table, index, its column, what covers it)
_COVERED = (
    ("check_results", "ix_check_results_item_id", "item_id", "uq_check_results_item_id_name"),
    ("inspection_samples", "ix_inspection_samples_inspection_id", "inspection_id",
     "uq_inspection_samples_inspection_id_item_id"),
    ("tasks", "ix_tasks_project_id", "project_id", "ix_tasks_claim"),
    ("annotations", "ix_annotations_item_id", "item_id", "uq_annotations_item_id_version"),
    ("task_assignments", "ix_task_assignments_task_id", "task_id",
     "uq_task_assignments_task_id_user_id"),
    ("batch_items", "ix_batch_items_batch_id", "batch_id", "uq_batch_items_batch_id_item_id"),
    ("web_drafts", "ix_web_drafts_task_id", "task_id", "uq_web_drafts_task_id_user_id"),
    ("project_speakers", "ix_project_speakers_project_id", "project_id",
     "uq_project_speakers_project_id_code"),
)


def upgrade() -> None:
    for table, index, _column, _cover in _COVERED:
        op.drop_index(index, table_name=table)


def downgrade() -> None:
    for table, index, column, _cover in _COVERED:
        op.create_index(index, table, [column], unique=False)
