"""catalog: an out-of-band quote's expiry, withdrawal and voiding (catalog_band_quotes)

``expires_on`` is the last day a quote is decided or licenses (set from its validity in days
when quoted). A quote made before this revision gets the default validity from the day it was
made (``quoted_at`` + 30 days, UTC): an approved, unused quote older than that is expired at
once, as it would have been had it been made today. ``withdrawn_by``, ``withdrawn_at`` and
``withdraw_reason`` record a withdrawal by the quote's maker or a catalog manager;
``voided_at`` the moment a change of the dataset's price band voided a pending or approved,
unused quote. Batch rebuild on SQLite: no other table references the quotes.

Revision ID: k0005
Revises: k0004
"""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from alembic import op

revision = "k0005"
down_revision = "k0004"
branch_labels = None
depends_on = None

#: the validity given to the quotes made before this revision (band_quotes.QUOTE_VALID_DAYS)
_DEFAULT_DAYS = 30


def upgrade() -> None:
    with op.batch_alter_table("catalog_band_quotes") as batch:
        batch.add_column(sa.Column("expires_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("withdrawn_by", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("withdraw_reason", sa.Text(), nullable=True))
        batch.add_column(sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_foreign_key("fk_catalog_band_quotes_withdrawn_by_users", "users",
                                 ["withdrawn_by"], ["id"])
    quotes = sa.table("catalog_band_quotes", sa.column("id", sa.Integer()),
                      sa.column("quoted_at", sa.DateTime(timezone=True)),
                      sa.column("expires_on", sa.Date()))
    conn = op.get_bind()
    for qid, quoted_at in conn.execute(sa.select(quotes.c.id, quotes.c.quoted_at)).all():
        conn.execute(quotes.update().where(quotes.c.id == qid).values(
            expires_on=quoted_at.date() + timedelta(days=_DEFAULT_DAYS)))
    with op.batch_alter_table("catalog_band_quotes") as batch:
        batch.alter_column("expires_on", existing_type=sa.Date(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("catalog_band_quotes") as batch:
        batch.drop_constraint("fk_catalog_band_quotes_withdrawn_by_users", type_="foreignkey")
        for column in ("voided_at", "withdraw_reason", "withdrawn_at", "withdrawn_by",
                       "expires_on"):
            batch.drop_column(column)
