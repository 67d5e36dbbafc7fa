"""collection: one subject per id whatever its case, width or script, alike on both databases

co006's unique index on ``lower(subject_id)`` folded ASCII letters only on SQLite (``Ärzte01``
and ``ärzte01`` were two subjects there, one on PostgreSQL, whose ``lower`` folds Unicode), and
neither database took full-width ``ＳＰＫ０１`` for ``SPK01``, which quotas count as one speaker.
A ``subject_key`` column now holds the id's NFKC form case-folded
(:func:`datamill.collection.models.subject_key`, computed in Python, so both databases hold the
same key), and a unique index on the project and the key replaces co006's.

Older rows whose keys collide keep their spellings (their recordings and consent name them):
the index leaves out every such row but the first of its group, as co006 did. Downgrade drops
the column and the index and makes co006's index again.

Revision ID: co007
Revises: co006
"""
from __future__ import annotations

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "co007"
down_revision = "co006"
branch_labels = None
depends_on = None

_OLD = "uq_collection_subjects_project_id_lower_subject_id"
_NAME = "uq_collection_subjects_project_id_subject_key"


def _key(subject_id: str) -> str:
    # as datamill.collection.models.subject_key is today (a migration never changes later)
    return unicodedata.normalize("NFKC", subject_id).strip().casefold()


def upgrade() -> None:
    op.add_column("collection_subjects", sa.Column("subject_key", sa.String(400), nullable=True))
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT id, project_id, subject_id FROM collection_subjects ORDER BY id")).all()
    first: set[tuple[int, str]] = set()
    later: list[int] = []  # a second spelling of an id already seen: left as it is
    for row_id, project_id, subject_id in rows:
        key = _key(str(subject_id))
        bind.execute(sa.text("UPDATE collection_subjects SET subject_key = :k WHERE id = :i"),
                     {"k": key, "i": row_id})
        if (project_id, key) in first:
            later.append(int(row_id))
        first.add((project_id, key))
    op.drop_index(_OLD, table_name="collection_subjects")
    where = f" WHERE id NOT IN ({', '.join(map(str, later))})" if later else ""
    op.execute(f"CREATE UNIQUE INDEX {_NAME} ON collection_subjects"
               f" (project_id, subject_key){where}")


def downgrade() -> None:
    op.drop_index(_NAME, table_name="collection_subjects")
    with op.batch_alter_table("collection_subjects") as batch:
        batch.drop_column("subject_key")
    rows = op.get_bind().execute(sa.text(
        "SELECT id, project_id, lower(subject_id) FROM collection_subjects ORDER BY id")).all()
    first: set[tuple[int, str]] = set()
    later: list[int] = []
    for row_id, project_id, folded in rows:
        if (project_id, folded) in first:
            later.append(int(row_id))
        first.add((project_id, folded))
    where = f" WHERE id NOT IN ({', '.join(map(str, later))})" if later else ""
    op.execute(f"CREATE UNIQUE INDEX {_OLD} ON collection_subjects"
               f" (project_id, lower(subject_id)){where}")
