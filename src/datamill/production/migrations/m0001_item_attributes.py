"""items: modality attributes (JSON) and a generic volume instead of audio columns

Revision ID: m0001
Revises: i0001

Existing rows keep every value: ``duration_ms``, ``sample_rate_hz``, ``channels``,
``bit_depth``, ``speaker_id``, ``gender``, ``age``, ``accent``, ``device`` and ``environment``
move into ``attributes`` (keys with no value are left out), and ``volume`` is the duration in
milliseconds (speech's base unit of volume). Downgrading moves them back.

On SQLite the columns are added and dropped in place (``ALTER TABLE ... DROP COLUMN``, SQLite
3.35+) rather than by rebuilding ``items``: a rebuild drops the table, which foreign-key
enforcement refuses while other tables' rows point at items.
"""
from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "m0001"
down_revision = "i0001"
branch_labels = None
depends_on = None

_MOVED: tuple[tuple[str, Any], ...] = (
    ("duration_ms", sa.Integer()),
    ("sample_rate_hz", sa.Integer()),
    ("channels", sa.Integer()),
    ("bit_depth", sa.Integer()),
    ("speaker_id", sa.String(length=100)),
    ("gender", sa.String(length=16)),
    ("age", sa.Integer()),
    ("accent", sa.String(length=100)),
    ("device", sa.String(length=100)),
    ("environment", sa.String(length=100)),
)
_NAMES = [name for name, _ in _MOVED]
_CHUNK = 1000


def _items() -> sa.TableClause:
    return sa.table(
        "items", sa.column("id", sa.Integer()), sa.column("attributes", sa.JSON()),
        sa.column("volume", sa.BigInteger()), *(sa.column(n, t) for n, t in _MOVED),
    )


def _drop(name: str) -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f'ALTER TABLE items DROP COLUMN "{name}"')
    else:
        op.drop_column("items", name)


def _attrs(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        return dict(json.loads(value))
    return dict(value or {})


def upgrade() -> None:
    op.add_column("items", sa.Column("attributes", sa.JSON(), nullable=False,
                                     server_default=sa.text("'{}'")))
    op.add_column("items", sa.Column("volume", sa.BigInteger(), nullable=True))
    conn = op.get_bind()
    items = _items()
    last = 0
    while True:
        rows = conn.execute(
            sa.select(items.c.id, *(items.c[n] for n in _NAMES))
            .where(items.c.id > last).order_by(items.c.id).limit(_CHUNK)
        ).all()
        if not rows:
            break
        for row in rows:
            values = dict(zip(_NAMES, row[1:], strict=True))
            attributes = {k: v for k, v in values.items() if v is not None}
            conn.execute(
                items.update().where(items.c.id == row[0])
                .values(attributes=attributes, volume=values["duration_ms"])
            )
        last = rows[-1][0]
    for name in _NAMES:
        _drop(name)


def downgrade() -> None:
    for name, type_ in _MOVED:
        op.add_column("items", sa.Column(name, type_, nullable=True))
    conn = op.get_bind()
    items = _items()
    for item_id, attributes in conn.execute(sa.select(items.c.id, items.c.attributes)).all():
        attrs = _attrs(attributes)
        values = {n: attrs.get(n) for n in _NAMES}
        conn.execute(items.update().where(items.c.id == item_id).values(**values))
    _drop("volume")
    _drop("attributes")
