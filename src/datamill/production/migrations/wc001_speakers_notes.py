"""project_speakers (a project's closed speaker list) and annotation_notes (the annotator's
comment to the reviewer and the item-level "cannot transcribe" flag of a submission)

Revision ID: wc001
Revises: px002

Both tables are new: existing rows are untouched (no list = speakers stay free text).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "wc001"
down_revision = "px002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "project_speakers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("colour", sa.String(length=7), nullable=False),
        sa.Column("hotkey", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"],
                                name=op.f("fk_project_speakers_project_id_projects")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_speakers")),
        sa.UniqueConstraint("project_id", "code", name=op.f("uq_project_speakers_project_id_code")),
    )
    op.create_index(op.f("ix_project_speakers_project_id"), "project_speakers", ["project_id"])
    op.create_table(
        "annotation_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("annotation_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("item_flag", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["annotation_id"], ["annotations.id"],
                                name=op.f("fk_annotation_notes_annotation_id_annotations")),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"],
                                name=op.f("fk_annotation_notes_item_id_items")),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"],
                                name=op.f("fk_annotation_notes_author_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_annotation_notes")),
        sa.UniqueConstraint("annotation_id", name=op.f("uq_annotation_notes_annotation_id")),
    )
    op.create_index(op.f("ix_annotation_notes_item_id"), "annotation_notes", ["item_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_annotation_notes_item_id"), table_name="annotation_notes")
    op.drop_table("annotation_notes")
    op.drop_index(op.f("ix_project_speakers_project_id"), table_name="project_speakers")
    op.drop_table("project_speakers")
