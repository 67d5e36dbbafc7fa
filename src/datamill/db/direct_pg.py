"""The hot statements of :mod:`datamill.db.direct` on PostgreSQL, sent through libpq itself.

psycopg's ``cursor.execute`` of a prepared statement costs ~46 µs of CPU on this project's
2-core machine where libpq's ``PQexecPrepared`` with psycopg's own C dumpers and loaders costs
~27 µs (a bare ``SELECT``, alternating blocks): a cursor and its adapters map, the query's
conversion from ``%(name)s`` to ``$n``, the prepared-statement bookkeeping, the result's
selection, the poll loop (bench/README.md, "fourteenth round": a claim + submit took 4.6 ms of
the app's CPU on PostgreSQL against 2.5 ms on SQLite, for the same sixteen statements; server
CPU per submit fell by about 30 % with this lane). The hot path runs the
same statements again and again, so what can be worked out once is: the ``$n`` text per
statement, and per connection a server-side prepared statement per (text, parameter types),
exactly as psycopg's own automatic preparation keys them. Each call then dumps the parameters
with psycopg's :class:`~psycopg.adapt.Transformer` (its C dumpers), runs ``PQexecPrepared``
(which releases the GIL while it waits) and loads the rows with the same transformer's
loaders, so values come back as psycopg would give them.

What psycopg would do around the call is kept: the transaction is opened first when the
connection is not in autocommit and idle (psycopg's own ``_start_query``), the connection's lock
is held, and an error answer is raised as the psycopg exception psycopg would raise (SQLAlchemy
then wraps it, :mod:`datamill.db.direct`). Written against libpq rather than through psycopg's
public API because that API offers no lighter path for a statement already prepared (psycopg's
``prepare=True`` still runs the whole cursor machinery).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["DriverAnswer", "pg_statement", "run_prepared"]

_PLACEHOLDER = re.compile(r"%\(([^)]+)\)s|%%|%")


def pg_statement(sql: str) -> tuple[bytes, tuple[str, ...]] | None:
    """``sql`` in psycopg's ``pyformat`` style as PostgreSQL's ``$n`` text and the parameter
    names in ``$n`` order (a name used twice is one parameter), or None for a text this does
    not read (a lone ``%``)."""
    names: list[str] = []
    failed = False

    def swap(m: re.Match[str]) -> str:
        nonlocal failed
        if m.group(1) is not None:
            name = m.group(1)
            if name not in names:
                names.append(name)
            return f"${names.index(name) + 1}"
        if m.group(0) == "%%":
            return "%"
        failed = True
        return "%"

    text = _PLACEHOLDER.sub(swap, sql)
    return None if failed else (text.encode(), tuple(names))


@dataclass
class _Prepared:
    """One physical connection's prepared statements and its transformer."""

    transformer: Any
    text: Any  # psycopg's PyFormat.TEXT: every parameter is sent as text
    names: dict[tuple[bytes, tuple[int, ...]], bytes] = field(default_factory=dict)


#: names of prepared statements, never the same twice in a process (a connection whose
#: statements were dropped behind our back, see :func:`run_prepared`, prepares under new names)
_NUMBERS = itertools.count()

#: the attribute of a psycopg connection that holds its :class:`_Prepared` (a pooled connection
#: outlives many sessions; its prepared statements live as long as it does, and so does this)
_ATTRIBUTE = "_datamill_prepared"


@dataclass
class DriverAnswer:
    """What a cursor would have given: rows (tuples), the columns' type oids, the row count."""

    rows: list[tuple[Any, ...]]
    oids: tuple[int, ...]
    rowcount: int


def _state(connection: Any) -> _Prepared:
    state = getattr(connection, _ATTRIBUTE, None)
    if state is None:
        from psycopg.adapt import PyFormat, Transformer

        state = _Prepared(Transformer(connection), PyFormat.TEXT)
        setattr(connection, _ATTRIBUTE, state)
    return state


def run_prepared(connection: Any, sql: bytes, names: tuple[str, ...],
                 parameters: Mapping[str, Any] | Sequence[Any]) -> DriverAnswer:
    """Run the ``$n`` statement ``sql`` with ``parameters`` (by ``names``) on the psycopg
    ``connection``, prepared on its first run with these parameter types."""
    from psycopg import errors, pq  # (psycopg is the "pg" extra: imported when used)

    values = ([parameters[name] for name in names] if isinstance(parameters, Mapping)
              else list(parameters))
    state = _state(connection)
    tx = state.transformer
    with connection.lock:
        dumped = tx.dump_sequence(values, [state.text] * len(values))
        types = tuple(tx.types)
        pgconn = connection.pgconn
        if pgconn.transaction_status == pq.TransactionStatus.IDLE:
            connection.wait(connection._start_query())  # BEGIN (unless in autocommit)
        key = (sql, types)
        name = state.names.get(key)
        if name is None:
            name = f"_dm_{next(_NUMBERS)}".encode()
            made = pgconn.prepare(name, sql, types)
            if made.status != pq.ExecStatus.COMMAND_OK:
                raise errors.error_from_result(made, encoding=connection.info.encoding)
            state.names[key] = name
        res = pgconn.exec_prepared(name, dumped)
        if res.status == pq.ExecStatus.FATAL_ERROR and res.error_field(
                pq.DiagnosticField.SQLSTATE) == b"26000":  # dropped (DISCARD ALL, DEALLOCATE ALL)
            state.names.clear()  # this transaction fails; the next prepares again
        if res.status == pq.ExecStatus.TUPLES_OK:
            tx.set_pgresult(res)
            rows = tx.load_rows(0, res.ntuples, tuple)
            oids = tuple(res.ftype(i) for i in range(res.nfields))
            return DriverAnswer(rows, oids, res.ntuples)
        if res.status == pq.ExecStatus.COMMAND_OK:
            count = res.command_tuples
            return DriverAnswer([], (), count if count is not None else -1)
        raise errors.error_from_result(res, encoding=connection.info.encoding)
