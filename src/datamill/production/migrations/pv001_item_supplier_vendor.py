"""items: ``supplier_vendor_id``, the vendor who delivered the item (a collection vendor's
recordings), so the vendor's settlement sheets pay its accepted volume on the ``collect`` stage

Revision ID: pv001
Revises: pt001

Nullable, no foreign key (vendors are workforce's, as ``work_packages.vendor_id``): items
imported before it were no vendor's delivery.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "pv001"
down_revision = "pt001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # in place, not a batch copy: SQLite would drop and rebuild ``items``, which other tables'
    # foreign keys name (the downgrade's DROP TABLE items failed on them)
    op.add_column("items", sa.Column("supplier_vendor_id", sa.Integer(), nullable=True))
    op.create_index("ix_items_supplier_vendor_id", "items", ["supplier_vendor_id"])


def downgrade() -> None:
    op.drop_index("ix_items_supplier_vendor_id", table_name="items")
    op.drop_column("items", "supplier_vendor_id")
