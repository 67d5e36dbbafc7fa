"""collection: one re-record request per recorded item (unique subject, prompt and item)

Two requests for one item made at once (two visits of the subject's page, a reviewer's request
beside one) each read "none yet" and each inserted one: the subject saw the prompt listed twice
and the coordinator's count of open requests was too high. The rule the code always meant (one
request per subject, prompt and item, open or resolved; a new attempt is a new item) is now a
unique constraint.

A database that already holds such duplicates keeps one of each group, the open one if any is
open (the subject still has to record the prompt again), else the oldest; the others are
deleted (nothing refers to a request row). Rows without an item are left as they are (the
constraint lets them be). Downgrade drops the constraint; deleted duplicates stay deleted.

Revision ID: co003
Revises: co002
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "co003"
down_revision = "co002"
branch_labels = None
depends_on = None

_NAME = "uq_collection_rerecords_subject_row_id_prompt_id_item_id"


def _drop_duplicates() -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.text(
        "SELECT id, subject_row_id, prompt_id, item_id, resolved_at FROM collection_rerecords"
        " WHERE item_id IS NOT NULL ORDER BY id")).all()
    keep: dict[tuple[int, int, int], tuple[int, bool]] = {}  # group -> (id kept, it is open)
    drop: list[int] = []
    for row_id, subject_row_id, prompt_id, item_id, resolved_at in rows:
        group, is_open = (subject_row_id, prompt_id, item_id), resolved_at is None
        kept = keep.get(group)
        if kept is None:
            keep[group] = (row_id, is_open)
        elif is_open and not kept[1]:  # the open one stays: the prompt is still to record
            drop.append(kept[0])
            keep[group] = (row_id, True)
        else:
            drop.append(row_id)
    for start in range(0, len(drop), 500):
        conn.execute(sa.text("DELETE FROM collection_rerecords WHERE id IN :ids")
                     .bindparams(sa.bindparam("ids", expanding=True)),
                     {"ids": drop[start:start + 500]})


def upgrade() -> None:
    _drop_duplicates()
    with op.batch_alter_table("collection_rerecords") as batch:
        batch.create_unique_constraint(_NAME, ["subject_row_id", "prompt_id", "item_id"])


def downgrade() -> None:
    with op.batch_alter_table("collection_rerecords") as batch:
        batch.drop_constraint(_NAME, type_="unique")
