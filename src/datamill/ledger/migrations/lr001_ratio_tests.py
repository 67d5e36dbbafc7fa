"""ledger: annotation-output ratio self-tests and agreed ratios (ledger_ratio_tests); a budget
line keeps the ratio its hours come from (ledger_budget_lines.output_ratio, ratio_test_id)

Existing budget lines have no recorded ratio (NULL).

Revision ID: lr001
Revises: lz001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "lr001"
down_revision = "lz001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ledger_ratio_tests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("item_ids", sa.JSON(), nullable=False),
        sa.Column("worker_ids", sa.JSON(), nullable=False),
        sa.Column("participant_ids", sa.JSON(), nullable=False),
        sa.Column("items_measured", sa.Integer(), nullable=False),
        sa.Column("untimed", sa.Integer(), nullable=False),
        sa.Column("volume", sa.BigInteger(), nullable=True),
        sa.Column("work_ms", sa.BigInteger(), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("ratio", sa.BigInteger(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("measured_by", sa.Integer(), nullable=True),
        sa.Column("measured_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["project_id"], ["ledger_projects.id"],
                                name=op.f("fk_ledger_ratio_tests_project_id_ledger_projects")),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"],
                                name=op.f("fk_ledger_ratio_tests_created_by_users")),
        sa.ForeignKeyConstraint(["measured_by"], ["users.id"],
                                name=op.f("fk_ledger_ratio_tests_measured_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_ratio_tests")),
    )
    with op.batch_alter_table("ledger_ratio_tests") as batch:
        batch.create_index(batch.f("ix_ledger_ratio_tests_project_id"), ["project_id"],
                           unique=False)
    with op.batch_alter_table("ledger_budget_lines") as batch:
        batch.add_column(sa.Column("output_ratio", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("ratio_test_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_ledger_budget_lines_ratio_test_id_ledger_ratio_tests",
                                 "ledger_ratio_tests", ["ratio_test_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("ledger_budget_lines") as batch:
        batch.drop_constraint("fk_ledger_budget_lines_ratio_test_id_ledger_ratio_tests",
                              type_="foreignkey")
        batch.drop_column("ratio_test_id")
        batch.drop_column("output_ratio")
    with op.batch_alter_table("ledger_ratio_tests") as batch:
        batch.drop_index(batch.f("ix_ledger_ratio_tests_project_id"))
    op.drop_table("ledger_ratio_tests")
