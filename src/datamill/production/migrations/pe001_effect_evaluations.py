"""effect_evaluations: application-effect verifications of batches (a model evaluated on, or
trained and tested on, a seeded sample of a batch's items) and their reports

Revision ID: pe001
Revises: pw001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "pe001"
down_revision = "pw001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "effect_evaluations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("batch_id", sa.Integer(), sa.ForeignKey("batches.id"), nullable=False),
        sa.Column("project_id", sa.Integer(), sa.ForeignKey("projects.id"), nullable=False),
        sa.Column("created_by", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("method", sa.String(200), nullable=False),
        sa.Column("sample_size", sa.Integer(), nullable=False),
        sa.Column("batch_items", sa.Integer(), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("batch_status", sa.String(24), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_effect_evaluations_batch_id", "effect_evaluations", ["batch_id"])
    op.create_index("ix_effect_evaluations_project_id", "effect_evaluations", ["project_id"])


def downgrade() -> None:
    op.drop_index("ix_effect_evaluations_project_id", table_name="effect_evaluations")
    op.drop_index("ix_effect_evaluations_batch_id", table_name="effect_evaluations")
    op.drop_table("effect_evaluations")
