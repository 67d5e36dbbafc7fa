"""Core statements the hot path runs again and again, executed straight on the DB-API cursor.

``Connection.execute`` of a compiled, cached Core statement still costs ~30 µs of Python on
this project's 2-core machine before SQLite does ~1.5 µs of work (bench/README.md, "thirteenth
round"): the execution context, the cache-key walk, the result's metadata, the events. A claim +
submit runs some twenty such statements, all of them module constants (tables, bound
parameters, built once). :func:`execute` keeps, per statement object and dialect, what
SQLAlchemy's execution context works out each time (the SQL string, the order of the
parameters, their bind processors, the result columns' processors) and runs the statement on the
driver's cursor itself; the answer is an ordinary :class:`~sqlalchemy.engine.Result`, with
``rowcount``.

It is for statements seen before: the first sight of a statement only notes it (a statement
built per call is compiled by SQLAlchemy's own cache, as before, and forgotten with it), the
second builds the plan. Statements it cannot plan faithfully go through ``Connection.execute``:
anything with Python-side column defaults or ``onupdate`` values to compute (columns the
database fills, "postfetch" ones, only matter to the ORM's flush), ``literal_execute``
parameters, expanding (``IN``) parameters whose values the caller passes, textual or ORM
statements. What SQLAlchemy does per statement that matters here is kept: the engine's
``before_cursor_execute`` / ``after_cursor_execute`` listeners are called (the SQLite setup's
reads-only guard, the tests' statement counters), and a driver error is raised as SQLAlchemy's
wrapped exception (``IntegrityError``, ``OperationalError`` ...), so callers catch what they
caught before.

On PostgreSQL (psycopg) a planned statement goes one step further down, to libpq itself, as a
server-side prepared statement (:mod:`datamill.db.direct_pg`).

Written by hand because SQLAlchemy offers no lighter public execution path for a compiled
statement: ``exec_driver_sql`` still builds the full execution context.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import exc
from sqlalchemy.engine import Connection, Dialect, Result
from sqlalchemy.engine.result import IteratorResult, SimpleResultMetaData
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement

from datamill.db.direct_pg import DriverAnswer, pg_statement, run_prepared

__all__ = ["execute"]

_Processor = Callable[[Any], Any]


#: one parameter sent to the driver: its name there, the caller's key that gives its value (None:
#: a value fixed in the statement), that value, and the type's bind processor
_Slot = tuple[str, str | None, Any, _Processor | None]


@dataclass
class _Plan:
    """One statement compiled for one dialect and one set of parameter names."""

    sql: str
    positional: bool  # qmark/format drivers take a sequence, the others a mapping
    slots: tuple[_Slot, ...]
    metadata: SimpleResultMetaData | None  # the result's keys, None when no rows come back
    result_types: tuple[Any, ...]
    #: on psycopg: the ``$n`` text and the parameter names in ``$n`` order, run through libpq by
    #: :mod:`datamill.db.direct_pg` (None: through the cursor)
    pg: tuple[bytes, tuple[str, ...]] | None = None
    #: (column index, processor) of the columns that have one, worked out on the first run
    row_processors: list[tuple[tuple[int, _Processor], ...]] = field(default_factory=list)

    def parameters(self, params: Mapping[str, Any] | None) -> Sequence[Any] | dict[str, Any]:
        """What ``construct_params`` and the execution context make of ``params``, from the
        slots worked out once."""
        given = params or {}
        out = []
        for _name, source, value, proc in self.slots:
            if source is not None:
                value = given[source]
            out.append(value if proc is None else proc(value))
        if self.positional:
            return out
        return {slot[0]: value for slot, value in zip(self.slots, out, strict=True)}


class _Entry:
    """A statement object seen before, and its plans (per dialect and parameter names)."""

    __slots__ = ("plans", "statement")

    def __init__(self, statement: ClauseElement) -> None:
        self.statement = weakref.ref(statement)
        self.plans: dict[tuple[str, str, tuple[str, ...]], _Plan | None] = {}


_NO_ROWS = SimpleResultMetaData(())
#: by ``id(statement)``; no lock: each dict operation is atomic, and the one race (a finalizer
#: dropping an entry just made for a new statement under a reused id) only costs a later re-plan.
#: (A lock taken here could also be wanted again by a finalizer the garbage collector runs while
#: it is held, on the same thread.)
_ENTRIES: dict[int, _Entry] = {}


def _entry(statement: ClauseElement) -> _Entry | None:
    """The statement's entry once it has been seen before (None on the first sight)."""
    key = id(statement)
    entry = _ENTRIES.get(key)
    if entry is not None and entry.statement() is statement:
        return entry
    _ENTRIES[key] = _Entry(statement)
    weakref.finalize(statement, _forget, key)
    return None


def _forget(key: int) -> None:
    entry = _ENTRIES.get(key)
    if entry is not None and entry.statement() is None:
        _ENTRIES.pop(key, None)


def _plan(statement: ClauseElement, dialect: Dialect, names: tuple[str, ...]) -> _Plan | None:
    compiled = statement.compile(dialect=dialect, column_keys=list(names))
    if not isinstance(compiled, SQLCompiler) or (
        compiled.insert_prefetch or compiled.update_prefetch or compiled.literal_execute_params
        or compiled.schema_translate_map or compiled.isplaintext or compiled._textual_ordered_columns
        or compiled._ad_hoc_textual or compiled._loose_column_name_matching
    ):
        return None
    if compiled._result_columns and not compiled._ordered_columns:
        return None
    try:  # every bind's value for these names (a required one missing: SQLAlchemy says so)
        sample: MutableMapping[str, Any] = compiled.construct_params(
            {name: None for name in names}, escape_names=False)
    except exc.InvalidRequestError:
        return None
    binds = compiled.binds
    if any(bind.callable is not None and bind.key not in names for bind in binds.values()):
        return None  # a value computed per call
    sql = compiled.string
    order: list[str] = list(compiled.positiontup or ()) if compiled.positional else list(sample)
    processors: dict[str, _Processor] = dict(compiled._bind_processors)  # type: ignore[arg-type]
    if compiled.post_compile_params:
        if any(bind.key in names or bind.value is None for bind in compiled.post_compile_params):
            return None  # the caller's values: SQLAlchemy expands them per call
        state = compiled._process_parameters_for_postcompile(sample)
        sql = state.statement
        order = list(state.positiontup or ()) if compiled.positional else list(state.parameters)
        processors.update(state.processors)
        sample = dict(state.parameters)
    escaped: Mapping[str, str] = compiled.escaped_bind_names or {}
    slots: list[_Slot] = []
    for name in order:
        bind = binds.get(name)
        source = bind.key if bind is not None and bind.key in names else (
            name if name in names else None)
        slots.append((escaped.get(name, name), source, None if source is not None else sample[name],
                      processors.get(name)))
    result = compiled._result_columns
    metadata = None
    if result:  # rows answer to names and to the columns and labels they came from, as cursor
        names_seen = [col[0] for col in result]  # results do; a name twice is ambiguous
        metadata = SimpleResultMetaData(
            names_seen, extra=[tuple(col[2]) for col in result],
            _ambiguous_keys=frozenset(n for n in names_seen if names_seen.count(n) > 1),
        )
    pg = None
    if dialect.driver == "psycopg" and not compiled.positional:
        pg = pg_statement(sql)
    return _Plan(
        sql=sql, positional=bool(compiled.positional), slots=tuple(slots), metadata=metadata,
        result_types=tuple(col[3] for col in result), pg=pg,
    )


def execute(
    connection: Connection, statement: ClauseElement, params: Mapping[str, Any] | None
) -> Result[Any] | None:
    """Run ``statement`` with ``params`` on ``connection``'s driver cursor, or return None when
    it is not (yet) planned for it (the caller then uses ``connection.execute``)."""
    if params is not None and not isinstance(params, dict):
        return None  # (a list of rows is an executemany: SQLAlchemy's)
    entry = _entry(statement)
    if entry is None:
        return None
    dialect = connection.dialect
    names = tuple(params) if params else ()
    key = (dialect.name, dialect.driver, names)
    plans = entry.plans
    if key not in plans:
        plans[key] = _plan(statement, dialect, names)
    plan = plans[key]
    if plan is None:
        return None
    parameters = plan.parameters(params)
    dbapi_connection = connection.connection.dbapi_connection
    if dbapi_connection is None:
        return None
    libpq = plan.pg is not None and getattr(dbapi_connection, "_pipeline", True) is None
    dispatch = connection.dispatch
    heard = dispatch.before_cursor_execute or dispatch.after_cursor_execute
    # the listeners hear a cursor of the connection (on libpq only when there are listeners)
    cursor = dbapi_connection.cursor() if heard or not libpq else None
    sql = plan.sql
    try:
        for listener in dispatch.before_cursor_execute:
            listener(connection, cursor, sql, parameters, None, False)
        try:
            got = (_on_libpq(plan, dbapi_connection, parameters) if libpq
                   else _on_cursor(plan, cursor, parameters))
            rows = (_processed(plan, dialect, got.rows, got.oids)
                    if plan.metadata is not None else [])
        except dialect.loaded_dbapi.Error as err:
            raise exc.DBAPIError.instance(
                sql, parameters, err, dialect.loaded_dbapi.Error, dialect=dialect
            ) from err
        for listener in dispatch.after_cursor_execute:
            listener(connection, cursor, sql, parameters, None, False)
    finally:
        if cursor is not None:
            cursor.close()
    answer: IteratorResult[Any] = IteratorResult(plan.metadata or _NO_ROWS, iter(rows))
    answer.rowcount = got.rowcount  # type: ignore[attr-defined]
    return answer


def _on_cursor(plan: _Plan, cursor: Any, parameters: Sequence[Any] | dict[str, Any]) -> DriverAnswer:
    """The statement run on the driver's cursor: its rows, column types and row count."""
    cursor.execute(plan.sql, parameters)
    if plan.metadata is None:
        return DriverAnswer([], (), cursor.rowcount)
    return DriverAnswer(list(cursor.fetchall()), tuple(d[1] for d in cursor.description or ()),
                    cursor.rowcount)


def _on_libpq(plan: _Plan, dbapi_connection: Any,
              parameters: Sequence[Any] | dict[str, Any]) -> DriverAnswer:
    """The statement run by :func:`direct_pg.run_prepared` (psycopg)."""
    assert plan.pg is not None
    return run_prepared(dbapi_connection, plan.pg[0], plan.pg[1], parameters)


def _processed(plan: _Plan, dialect: Dialect, fetched: list[Any],
               oids: tuple[Any, ...]) -> list[Any]:
    """The fetched rows through the result columns' processors (worked out on the first run,
    from the driver's column types, ``oids``)."""
    if not plan.row_processors:
        if len(oids) != len(plan.result_types):
            raise exc.InvalidRequestError(
                f"{len(oids)} columns came back, {len(plan.result_types)} expected"
            )
        found = (type_._cached_result_processor(dialect, oid)
                 for type_, oid in zip(plan.result_types, oids, strict=True))
        plan.row_processors.append(tuple(
            (index, proc) for index, proc in enumerate(found) if proc is not None))
    procs = plan.row_processors[0]
    if not procs:
        return fetched
    rows = []
    for row in fetched:
        values = list(row)
        for index, proc in procs:
            values[index] = proc(values[index])
        rows.append(tuple(values))
    return rows
