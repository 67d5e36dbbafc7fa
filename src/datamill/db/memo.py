"""Per-transaction memo: a lookup asked several times in one unit of work runs once.

A claim asks "is this person a registered worker?" in the qualification guard, the golden
mixer and the vendor scope, and reads the project's classification and the caller's clearance
twice; ``Session.get`` cannot remember a row that does not exist, and the identity map forgets
rows nobody holds. :func:`remember` keeps such answers for as long as nothing in the session
could have changed them: the memo is dropped on every flush, on every statement that is not a
SELECT, and when the transaction ends (commit or rollback), so a later read in the same request
still sees its own writes, and nothing is ever carried from one request to the next.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar, TypeVarTuple, overload

from sqlalchemy import event, select
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import ColumnElement

from datamill.core.storable import beyond_column
from datamill.db import direct

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Result
    from sqlalchemy.sql.base import Executable
    from sqlalchemy.sql.selectable import TypedReturnsRows

__all__ = [
    "WRITES", "Lookup", "get_row", "known", "prefetch", "prime", "recall", "remember", "run",
]

T = TypeVar("T")
_Ts = TypeVarTuple("_Ts")
_KEY = "datamill.memo"


def remember(session: Session, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, or its answer from earlier in this transaction (same ``key``)."""
    memo: dict[Hashable, Any] = session.info.setdefault(_KEY, {})
    if key in memo:
        return memo[key]  # type: ignore[no-any-return]
    value = compute()
    session.info.setdefault(_KEY, {})[key] = value  # compute() may have flushed and cleared it
    return value


def prime(session: Session, key: Hashable, value: object) -> None:
    """Store an answer :func:`remember` would compute for ``key`` (read by a combined query);
    dropped like any other memo entry."""
    session.info.setdefault(_KEY, {})[key] = value


def known(session: Session, key: Hashable) -> bool:
    """Whether :func:`remember` would answer ``key`` now without asking the database."""
    return key in session.info.get(_KEY, ())


def recall(session: Session, key: Hashable, unknown: object = None) -> Any:
    """The answer remembered for ``key``, or ``unknown`` (nothing is asked): for a question
    whose answer, when read ahead, spares a larger one (e.g. "has this project any classified
    item?" before listing the hidden ones)."""
    return session.info.get(_KEY, {}).get(key, unknown)


def _always(_value: object) -> bool:
    return True


@dataclass(frozen=True)
class Lookup:
    """An answer a unit of work is about to ask :func:`remember` for (``key``), read ahead by
    :func:`prefetch` as one column (``column``, usually a scalar subquery with bound
    parameters). ``answers(value)`` says whether the value read is the answer itself (e.g. a
    worker's id read ahead answers "no worker" when it is NULL, but a found worker is still
    loaded by the lookup); a value that does not answer primes nothing."""

    key: Hashable
    column: ColumnElement[Any]
    answers: Callable[[Any], bool] = _always


@functools.cache
def _combined(columns: tuple[ColumnElement[Any], ...]) -> Select[Any]:
    return select(*columns)  # built once per set of lookups (their columns are module constants)


def prefetch(session: Session, lookups: Iterable[Lookup], params: Mapping[str, Any]) -> None:
    """Read every lookup not yet known in **one** statement and prime the memo with the
    answers: a request that will ask several small questions (membership, clearance, a held
    task, what the claim guards check) pays one round trip instead of one each. The questions
    are still asked where they always were; they find their answers here."""
    wanted = list({lookup.key: lookup for lookup in lookups  # one column per question
                   if not known(session, lookup.key)}.values())
    if not wanted:
        return
    row = run(session, _combined(tuple(lookup.column for lookup in wanted)), params).one()
    for lookup, value in zip(wanted, row, strict=True):
        if lookup.answers(value):
            prime(session, lookup.key, value)


def get_row(session: Session, model: type[T], pk: Any) -> T | None:
    """``session.get(model, pk)`` that also remembers a missing row (and keeps a found one); an
    integer key beyond what an id column holds (:data:`~datamill.core.storable.MAX_STORED_ID`)
    names no row on any backend (PostgreSQL would refuse the number)."""
    if isinstance(pk, int) and beyond_column(pk):
        return None
    return remember(session, ("get", model, pk), lambda: session.get(model, pk))


def _forget(session: Session, *_: Any) -> None:
    session.info.pop(_KEY, None)


@overload
def run(
    session: Session, statement: TypedReturnsRows[*_Ts],
    params: Mapping[str, Any] | None = None,
) -> Result[*_Ts]: ...
@overload
def run(
    session: Session, statement: Executable, params: Mapping[str, Any] | None = None
) -> Result[*tuple[Any, ...]]: ...
def run(
    session: Session, statement: Executable, params: Mapping[str, Any] | None = None
) -> Result[*tuple[Any, ...]]:
    """Execute a **Core** statement (on tables, built once) on the session's connection, in its
    transaction, without ``Session.execute``'s ORM layer (its execution events and options,
    ~10-25 µs a statement on SQLite: the hot path runs some fifteen of them a claim + submit,
    bench/README.md "twelfth round"). What ``Session.execute`` would do that matters here is
    done here too: a statement that is no plain SELECT (or carries :data:`WRITES`) drops the
    memo. Like ``Session.execute`` of a Core statement, it does not autoflush. An ORM-enabled
    statement (entities, ORM attributes: one whose read-ahead lookups a plugin wrote with them)
    goes through ``Session.execute`` as before (its autoflush, its events).
    """
    if statement._propagate_attrs.get("compile_state_plugin") == "orm":
        return session.execute(statement, params)
    if not getattr(statement, "is_select", False) or statement.get_execution_options().get(
        "datamill_writes"
    ):
        _forget(session)
    connection = _connection(session)
    answer = direct.execute(connection, statement, params)  # type: ignore[arg-type]
    return answer if answer is not None else connection.execute(statement, params)


def _connection(session: Session) -> Connection:
    """``session.connection()``, kept for the rest of the session's transaction (asking again
    costs ~8 µs of the session's transaction bookkeeping, a dozen times a submit). Kept per
    (transaction, innermost savepoint): ``session.connection()`` is what emits a savepoint
    ``begin_nested`` opened, so a new one is always asked for."""
    now = (session.get_transaction(), session.get_nested_transaction())
    held = session.info.get(_CONNECTION)
    if held is not None and now[0] is not None and held[0] == now and now[0].is_active:
        return held[1]  # type: ignore[no-any-return]  # (inactive: session.connection() says why)
    connection = session.connection()
    session.info[_CONNECTION] = ((session.get_transaction(), session.get_nested_transaction()),
                                 connection)
    return connection


_CONNECTION = "datamill.memo.connection"

#: execution option of a SELECT that writes (PostgreSQL's ``WITH ... UPDATE/INSERT ...
#: SELECT``): it drops the memo like any other write (``stmt.execution_options(**WRITES)``)
WRITES = {"datamill_writes": True}


def _on_execute(state: ORMExecuteState) -> None:
    if not state.is_select or state.execution_options.get("datamill_writes"):
        _forget(state.session)


event.listen(Session, "after_flush", _forget)
event.listen(Session, "transient_to_pending", _forget)  # session.add of a new row
event.listen(Session, "after_transaction_end", _forget)
event.listen(Session, "after_soft_rollback", _forget)
event.listen(Session, "do_orm_execute", _on_execute)
