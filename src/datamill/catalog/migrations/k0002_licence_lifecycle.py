"""catalog: a licence's expiry, renewal and revocation (catalog_licences)

``expires_on`` is the last day a licensee may download (NULL: no end date, as every licence
issued before this revision); ``renews_id`` names the licence a renewal follows;
``revoked_on`` and ``revoke_reason`` record a revocation. Existing rows keep NULL: nothing
about them changes.

Revision ID: k0002
Revises: k0001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "k0002"
down_revision = "k0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("catalog_licences") as batch:
        batch.add_column(sa.Column("expires_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("renews_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("revoked_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("revoke_reason", sa.Text(), nullable=True))
        batch.create_foreign_key(op.f("fk_catalog_licences_renews_id_catalog_licences"),
                                 "catalog_licences", ["renews_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("catalog_licences") as batch:
        batch.drop_constraint(op.f("fk_catalog_licences_renews_id_catalog_licences"),
                              type_="foreignkey")
        batch.drop_column("revoke_reason")
        batch.drop_column("revoked_on")
        batch.drop_column("renews_id")
        batch.drop_column("expires_on")
