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
    # plain ADD COLUMNs (no batch rebuild: SQLite would drop and recreate the table, which the
    # transfer links reference, and refuse with a foreign-key error once licences exist)
    op.add_column("catalog_licences", sa.Column("expires_on", sa.Date(), nullable=True))
    op.add_column("catalog_licences", sa.Column("renews_id", sa.Integer(), nullable=True))
    op.add_column("catalog_licences", sa.Column("revoked_on", sa.Date(), nullable=True))
    op.add_column("catalog_licences", sa.Column("revoke_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    # plain DROP COLUMNs (SQLite 3.35+), for the same reason as above
    for column in ("revoke_reason", "revoked_on", "renews_id", "expires_on"):
        op.drop_column("catalog_licences", column)
