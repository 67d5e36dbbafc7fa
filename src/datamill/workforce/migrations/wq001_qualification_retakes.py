"""workforce: qualification retakes are limited (max attempts, cool-down) and can be granted

Existing tests get the defaults: 3 attempts a worker, no cool-down; past attempts count.

Revision ID: wq001
Revises: wp001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "wq001"
down_revision = "wp001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ADD COLUMN (no batch table copy), as e0001
    op.add_column("wf_qualification_tests", sa.Column(
        "max_attempts", sa.Integer(), nullable=False, server_default=sa.text("3")))
    op.add_column("wf_qualification_tests", sa.Column(
        "cooldown_minutes", sa.Integer(), nullable=False, server_default=sa.text("0")))
    op.create_table(
        "wf_qualification_grants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("test_id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("granted_by", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["granted_by"], ["users.id"],
                                name=op.f("fk_wf_qualification_grants_granted_by_users")),
        sa.ForeignKeyConstraint(
            ["test_id"], ["wf_qualification_tests.id"],
            name=op.f("fk_wf_qualification_grants_test_id_wf_qualification_tests")),
        sa.ForeignKeyConstraint(["worker_id"], ["wf_workers.id"],
                                name=op.f("fk_wf_qualification_grants_worker_id_wf_workers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wf_qualification_grants")),
    )
    op.create_index(op.f("ix_wf_qualification_grants_test_id"), "wf_qualification_grants",
                    ["test_id"], unique=False)
    op.create_index(op.f("ix_wf_qualification_grants_worker_id"), "wf_qualification_grants",
                    ["worker_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_wf_qualification_grants_worker_id"),
                  table_name="wf_qualification_grants")
    op.drop_index(op.f("ix_wf_qualification_grants_test_id"),
                  table_name="wf_qualification_grants")
    op.drop_table("wf_qualification_grants")
    with op.batch_alter_table("wf_qualification_tests", schema=None) as batch_op:
        batch_op.drop_column("cooldown_minutes")
        batch_op.drop_column("max_attempts")
