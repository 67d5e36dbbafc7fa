"""collection: one subject per id whatever its letter case (unique project and lower(subject_id))

``collect invite`` looks a subject up by their id in any case (``spk01`` is ``SPK01``), but two
invitations made at once with ``SPK01`` and ``spk01`` each read "none yet" and each inserted a
subject: one person counted twice. A unique index on the project and the lower-cased id now
refuses the second (both databases lower-case ASCII letters alike).

A database that already holds two spellings of one id keeps them (their recordings and consent
name them): the index leaves out every such row but the first of its group, so no new spelling
of that id can be added either. Downgrade drops the index.

Revision ID: co006
Revises: co005
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "co006"
down_revision = "co005"
branch_labels = None
depends_on = None

_NAME = "uq_collection_subjects_project_id_lower_subject_id"


def upgrade() -> None:
    rows = op.get_bind().execute(sa.text(
        "SELECT id, project_id, lower(subject_id) FROM collection_subjects ORDER BY id")).all()
    first: set[tuple[int, str]] = set()
    later: list[int] = []  # a second spelling of an id already seen: left as it is
    for row_id, project_id, folded in rows:
        if (project_id, folded) in first:
            later.append(int(row_id))
        first.add((project_id, folded))
    where = f" WHERE id NOT IN ({', '.join(map(str, later))})" if later else ""
    op.execute(f"CREATE UNIQUE INDEX {_NAME} ON collection_subjects"
               f" (project_id, lower(subject_id)){where}")


def downgrade() -> None:
    op.drop_index(_NAME, table_name="collection_subjects")
