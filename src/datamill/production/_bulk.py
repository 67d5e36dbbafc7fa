"""Bulk row inserts: ``COPY`` on PostgreSQL (psycopg), one executemany elsewhere (SQLite).

Both run inside the session's transaction, so a chunk is committed (or rolled back) with the
rest of the unit of work; nothing is half-inserted.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import JSON, Table, insert
from sqlalchemy.orm import Session

__all__ = ["insert_rows"]


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys) into ``table``; column defaults fill the rest."""
    if not rows:
        return
    conn = session.connection()
    if conn.dialect.name != "postgresql" or conn.dialect.driver != "psycopg":
        conn.execute(insert(table), list(rows))
        return
    names = list(rows[0])
    for col in table.columns:  # COPY knows no Python-side defaults: add them here
        if col.name not in names and col.default is not None and not col.primary_key:
            names.append(col.name)
    defaults = {
        c.name: c.default.arg for c in table.columns  # type: ignore[attr-defined]
        if c.name in names and c.default is not None and not c.primary_key
    }
    json_cols = {c.name for c in table.columns if isinstance(c.type, JSON)}

    def value(row: dict[str, Any], name: str) -> Any:
        if name in row:
            v = row[name]
        else:
            arg = defaults[name]
            v = arg(None) if callable(arg) else arg
        return json.dumps(v) if name in json_cols and v is not None else v

    raw = conn.connection.driver_connection
    cols = ", ".join(f'"{n}"' for n in names)
    with raw.cursor() as cur, cur.copy(f'COPY "{table.name}" ({cols}) FROM STDIN') as copy:  # type: ignore[union-attr]
        for row in rows:
            copy.write_row([value(row, n) for n in names])
