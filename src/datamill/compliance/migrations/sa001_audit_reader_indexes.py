"""compliance: indexes for reading the audit trail (audit_log's filters)

``ix_audit_records_actor_id_id`` serves "one person's records, newest first" (and its count)
without reading anyone else's; ``ix_audit_records_at`` serves a time range. Indexes only: no
row changes.

Revision ID: sa001
Revises: sy001
"""
from __future__ import annotations

from alembic import op

revision = "sa001"
down_revision = "sy001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_records") as batch:
        batch.create_index("ix_audit_records_actor_id_id", ["actor_id", "id"], unique=False)
        batch.create_index("ix_audit_records_at", ["at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("audit_records") as batch:
        batch.drop_index("ix_audit_records_at")
        batch.drop_index("ix_audit_records_actor_id_id")
