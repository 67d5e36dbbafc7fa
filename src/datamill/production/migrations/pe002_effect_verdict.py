"""effect_evaluations.verdict: each application-effect run judged against the spec's effect
threshold as it stood when it ran (pass, fail or no threshold, with the threshold and minimum
sample it was judged by), so a later spec change never re-judges an old run; earlier runs
keep NULL (no threshold was set then)

Revision ID: pe002
Revises: pe001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "pe002"
down_revision = "pe001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("effect_evaluations", sa.Column("verdict", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_column("effect_evaluations", "verdict")
