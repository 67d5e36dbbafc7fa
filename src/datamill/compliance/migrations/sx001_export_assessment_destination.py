"""compliance: an export assessment names the destination it assessed

``export_assessments.destination`` (ISO alpha-2, nullable): an approval covers deliveries to
that destination only, so a project whose destination changes needs a new one. Existing
assessments get their project's current destination when the flag has not changed since
(``export_settings.set_at`` no later than ``assessed_at``, project flagged cross-border);
the others keep NULL, so a destination changed after them needs a new assessment.

Revision ID: sx001
Revises: sa001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "sx001"
down_revision = "sa001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("export_assessments") as batch:
        batch.add_column(sa.Column("destination", sa.String(length=2), nullable=True))
    op.execute(sa.text(
        "UPDATE export_assessments SET destination = ("
        " SELECT s.destination FROM export_settings s"
        " WHERE s.project_id = export_assessments.project_id AND s.cross_border"
        " AND s.set_at <= export_assessments.assessed_at)"))


def downgrade() -> None:
    with op.batch_alter_table("export_assessments") as batch:
        batch.drop_column("destination")
