"""Bulk row inserts: ``COPY`` on PostgreSQL (psycopg), one executemany elsewhere (SQLite).

Both run inside the session's transaction, so a chunk is committed (or rolled back) with the
rest of the unit of work; nothing is half-inserted. :func:`insert_rows` takes dicts;
:class:`TupleInsert` takes tuples whose values are already in the database's form (constants
converted once, JSON serialised once a row), for the 100k-row register-in-place import where
SQLAlchemy's per-row, per-column bind processing was a fifth of the time.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Sequence
from typing import Any, Literal

from sqlalchemy import JSON, Table, insert
from sqlalchemy.orm import Session

from datamill.core.jsontext import dumps_function

__all__ = ["TupleInsert", "insert_rows"]


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


class TupleInsert:
    """Rows of fixed columns inserted as tuples, in the session's transaction.

    Values must be what the database driver takes: get a constant through :meth:`value` once
    (a datetime becomes SQLite's text form, a dict JSON text) and serialise a varying JSON value
    with :meth:`json`. On SQLite the tuples go to the driver's ``executemany``, on PostgreSQL
    (psycopg) to ``COPY``; with any other driver they are bound through SQLAlchemy as usual.
    """

    def __init__(self, session: Session, table: Table, names: Sequence[str]) -> None:
        self._session = session
        self._table = table
        self._names = list(names)
        conn = session.connection()
        self._dialect = conn.dialect
        self._mode: Literal["sqlite", "copy", "generic"] = (
            "sqlite" if conn.dialect.name == "sqlite" and conn.dialect.driver == "pysqlite"
            else "copy" if conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg"
            else "generic"
        )
        #: what SQLAlchemy's JSON type serialises with on this engine (json.dumps' text by
        #: default, from one encoder made once: see datamill.core.jsontext)
        self._dumps: Any = getattr(conn.dialect, "_json_serializer", None) or dumps_function()
        self._rows: list[tuple[Any, ...]] = []  # appended, not yet inserted (not PostgreSQL)
        self._copy: Any = None  # the open COPY (PostgreSQL), closed with _stack
        self._stack: contextlib.ExitStack | None = None

    def _processor(self, name: str) -> Any:
        return self._table.c[name].type._cached_bind_processor(self._dialect)  # noqa: SLF001

    def value(self, name: str, value: Any) -> Any:
        """``value`` for column ``name`` in the driver's form (call it once, not per row)."""
        if self._mode == "generic" or value is None:
            return value
        col_type = self._table.c[name].type
        if self._mode == "copy":
            return json.dumps(value) if isinstance(col_type, JSON) else value
        processor = self._processor(name)
        return processor(value) if processor is not None else value

    def json(self, value: Any) -> Any:
        """A JSON column's value in the driver's form (one serialisation)."""
        if self._mode == "generic" or value is None:
            return value
        return self._dumps(value)

    def append(self, row: tuple[Any, ...]) -> None:
        """Add one row (a tuple in the order of ``names``). On PostgreSQL it goes straight into
        an open ``COPY``, so the server stores rows while the caller makes the next ones (on
        another core); no other statement may run on the session until :meth:`flush`.
        Elsewhere rows are buffered until :meth:`flush`."""
        if self._mode != "copy":
            self._rows.append(row)
            return
        if self._stack is None:
            self._open_copy()
        self._copy.write_row(row)

    def flush(self) -> None:
        """Insert what :meth:`append` took (PostgreSQL: end the ``COPY``, waiting for the
        server); the session may run other statements again."""
        if self._stack is not None:
            stack, self._stack, self._copy = self._stack, None, None
            stack.close()
            return
        rows, self._rows = self._rows, []
        if rows:
            self._insert(rows)

    def abort(self, error: BaseException) -> None:
        """End an open ``COPY`` with ``error`` (the server discards it; the transaction must
        then be rolled back) and drop buffered rows."""
        self._rows = []
        stack, self._stack, self._copy = self._stack, None, None
        if stack is not None:
            with contextlib.suppress(Exception):  # the caller rolls back and re-raises
                stack.__exit__(type(error), error, error.__traceback__)

    def _columns(self) -> str:
        # the table and column names come from the metadata, never from input
        return ", ".join(f'"{n}"' for n in self._names)

    def _open_copy(self) -> None:
        raw: Any = self._session.connection().connection.driver_connection
        stack = contextlib.ExitStack()
        try:
            cur = stack.enter_context(raw.cursor())
            self._copy = stack.enter_context(
                cur.copy(f'COPY "{self._table.name}" ({self._columns()}) FROM STDIN'))
        except BaseException:
            stack.close()
            raise
        self._stack = stack

    def _insert(self, rows: list[tuple[Any, ...]]) -> None:
        conn = self._session.connection()
        if self._mode == "generic":
            conn.execute(insert(self._table), [dict(zip(self._names, r, strict=True)) for r in rows])
            return
        raw: Any = conn.connection.driver_connection
        marks = ", ".join("?" * len(self._names))
        sql = f'INSERT INTO "{self._table.name}" ({self._columns()}) VALUES ({marks})'  # noqa: S608
        raw.executemany(sql, rows)
