"""workforce: golden items mixed into production (rate per project, probes and their scores)

Revision ID: w0002
Revises: w0001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "w0002"
down_revision = "w0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wf_golden_mix",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("rate", sa.BigInteger(), nullable=False),
        sa.Column("set_by", sa.Integer(), nullable=True),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"],
                                name=op.f("fk_wf_golden_mix_project_id_projects")),
        sa.ForeignKeyConstraint(["set_by"], ["users.id"], name=op.f("fk_wf_golden_mix_set_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wf_golden_mix")),
        sa.UniqueConstraint("project_id", name=op.f("uq_wf_golden_mix_project_id")),
    )
    op.create_table(
        "wf_golden_probes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("golden_task_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(length=40), nullable=False),
        sa.Column("served_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answer_text", sa.Text(), nullable=True),
        sa.Column("score", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(["golden_task_id"], ["wf_golden_tasks.id"],
                                name=op.f("fk_wf_golden_probes_golden_task_id_wf_golden_tasks")),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"],
                                name=op.f("fk_wf_golden_probes_item_id_items")),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"],
                                name=op.f("fk_wf_golden_probes_project_id_projects")),
        sa.ForeignKeyConstraint(["worker_id"], ["wf_workers.id"],
                                name=op.f("fk_wf_golden_probes_worker_id_wf_workers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wf_golden_probes")),
        sa.UniqueConstraint("golden_task_id", "worker_id",
                            name=op.f("uq_wf_golden_probes_golden_task_id_worker_id")),
    )
    with op.batch_alter_table("wf_golden_probes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_wf_golden_probes_project_id"), ["project_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_wf_golden_probes_worker_id"), ["worker_id"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("wf_golden_probes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wf_golden_probes_worker_id"))
        batch_op.drop_index(batch_op.f("ix_wf_golden_probes_project_id"))
    op.drop_table("wf_golden_probes")
    op.drop_table("wf_golden_mix")
