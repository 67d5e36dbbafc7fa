"""prompt_check_calibrations: per-project thresholds of the read-speech prompt check

Revision ID: pc001
Revises: wc001

A new table; nothing existing changes (projects without a row keep the spec's or the default
thresholds).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "pc001"
down_revision = "wc001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "prompt_check_calibrations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("project_id", sa.Integer(), sa.ForeignKey("projects.id"), nullable=False),
        sa.Column("reject_below", sa.Double(), nullable=False),
        sa.Column("pass_from", sa.Double(), nullable=False),
        sa.Column("n_good", sa.Integer(), nullable=False),
        sa.Column("n_bad", sa.Integer(), nullable=False),
        sa.Column("max_false_reject", sa.Double(), nullable=False),
        sa.Column("min_catch", sa.Double(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index(
        "ix_prompt_check_calibrations_project_id", "prompt_check_calibrations", ["project_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_prompt_check_calibrations_project_id", "prompt_check_calibrations")
    op.drop_table("prompt_check_calibrations")
