"""import_runs: ``options`` (in place, URL roots), so a resumed run imports the same way

Revision ID: px002
Revises: px001

Nullable: existing runs (copy imports) keep ``NULL``, which means "copy into the blob store".
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "px002"
down_revision = "px001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("import_runs", sa.Column("options", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_column("import_runs", "options")
