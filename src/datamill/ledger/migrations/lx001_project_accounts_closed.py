"""ledger: projects.accounts_closed_on, the production-side fact of closed final accounts

Set by the ledger at final accounts so the workforce (which never imports the ledger) refuses
hour points and settlement lines for the project. Existing closed ledger projects are
back-filled from ``ledger_projects.closed_on``.

Revision ID: lx001
Revises: l0002
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "lx001"
down_revision = "l0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("projects") as batch:
        batch.add_column(sa.Column("accounts_closed_on", sa.Date(), nullable=True))
    op.execute(
        "UPDATE projects SET accounts_closed_on = ("
        " SELECT lp.closed_on FROM ledger_projects lp"
        " WHERE lp.production_project_id = projects.id AND lp.status = 'closed')"
        " WHERE id IN (SELECT production_project_id FROM ledger_projects"
        " WHERE status = 'closed')"
    )


def downgrade() -> None:
    with op.batch_alter_table("projects") as batch:
        batch.drop_column("accounts_closed_on")
