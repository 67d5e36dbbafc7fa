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

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

__all__ = ["get_row", "prime", "remember"]

T = TypeVar("T")
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


def get_row(session: Session, model: type[T], pk: Any) -> T | None:
    """``session.get(model, pk)`` that also remembers a missing row (and keeps a found one)."""
    return remember(session, ("get", model, pk), lambda: session.get(model, pk))


def _forget(session: Session, *_: Any) -> None:
    session.info.pop(_KEY, None)


def _on_execute(state: ORMExecuteState) -> None:
    if not state.is_select:
        _forget(state.session)


event.listen(Session, "after_flush", _forget)
event.listen(Session, "transient_to_pending", _forget)  # session.add of a new row
event.listen(Session, "after_transaction_end", _forget)
event.listen(Session, "after_soft_rollback", _forget)
event.listen(Session, "do_orm_execute", _on_execute)
