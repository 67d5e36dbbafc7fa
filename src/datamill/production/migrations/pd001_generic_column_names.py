"""deliveries, annotations, web_drafts: modality-neutral column names

Revision ID: pd001
Revises: pc001

The columns kept the names of the first modality (speech). They are renamed in place, every
value kept (a rename, not a copy, so a large ``annotations`` table costs nothing):

- ``deliveries.delivered_utterances`` → ``delivered_items``; ``delivered_hours`` →
  ``delivered_volume`` (in the modality's unit: hours, images ...); ``accepted_utterances`` →
  ``accepted_items``; ``accepted_duration_ms`` → ``accepted_volume_base`` (in the modality's
  base unit: milliseconds, images ...).
- ``annotations.segments`` and ``web_drafts.segments`` → ``payload`` (the modality's document).

``ALTER TABLE ... RENAME COLUMN`` is the same statement on PostgreSQL and SQLite (3.25+).
"""
from __future__ import annotations

from alembic import op

revision = "pd001"
down_revision = "pc001"
branch_labels = None
depends_on = None

RENAMES: tuple[tuple[str, str, str], ...] = (
    ("deliveries", "delivered_utterances", "delivered_items"),
    ("deliveries", "delivered_hours", "delivered_volume"),
    ("deliveries", "accepted_utterances", "accepted_items"),
    ("deliveries", "accepted_duration_ms", "accepted_volume_base"),
    ("annotations", "segments", "payload"),
    ("web_drafts", "segments", "payload"),
)


def _rename(table: str, old: str, new: str) -> None:
    op.execute(f'ALTER TABLE "{table}" RENAME COLUMN "{old}" TO "{new}"')


def upgrade() -> None:
    for table, old, new in RENAMES:
        _rename(table, old, new)


def downgrade() -> None:
    for table, old, new in reversed(RENAMES):
        _rename(table, new, old)
