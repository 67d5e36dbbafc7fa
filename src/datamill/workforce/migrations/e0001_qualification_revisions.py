"""workforce: qualification tests can be revised (revision, retired golden tasks, attempt revision)

Existing tests are revision 1, their golden tasks stay in use, their attempts were against 1.

Revision ID: e0001
Revises: w0002
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "e0001"
down_revision = "w0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ADD COLUMN (no batch table copy): on SQLite a copy would have to drop tables that
    # golden tasks, probes and attempts reference
    op.add_column("wf_qualification_tests", sa.Column(
        "revision", sa.Integer(), nullable=False, server_default=sa.text("1")))
    op.add_column("wf_golden_tasks", sa.Column(
        "retired", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("wf_qualification_attempts", sa.Column(
        "test_revision", sa.Integer(), nullable=False, server_default=sa.text("1")))


def downgrade() -> None:
    with op.batch_alter_table("wf_qualification_attempts", schema=None) as batch_op:
        batch_op.drop_column("test_revision")
    with op.batch_alter_table("wf_golden_tasks", schema=None) as batch_op:
        batch_op.drop_column("retired")
    with op.batch_alter_table("wf_qualification_tests", schema=None) as batch_op:
        batch_op.drop_column("revision")
