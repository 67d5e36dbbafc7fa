"""Fetch one row by primary key or raise the NotFound a person can act on."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from datamill.core.errors import NotFound

if TYPE_CHECKING:  # importing the ORM costs ~0.3 s; the CLI imports this module at start
    from sqlalchemy.orm import Session

__all__ = ["get_or_raise", "lock_or_raise", "not_found"]

T = TypeVar("T")


def not_found(what: str, ident: int, **context: Any) -> NotFound:
    """The error :func:`get_or_raise` raises for a missing ``what`` with id ``ident``: also
    raised, word for word, for an object that exists where the caller may not see it, so the
    answer does not tell the two apart."""
    return NotFound(f"no {what} with id {ident}", **context)


def get_or_raise(session: Session, model: type[T], ident: int, what: str, **context: Any) -> T:
    """``session.get(model, ident)``, or ``NotFound("no <what> with id <ident>")`` carrying
    ``context`` (e.g. ``task_id=...``) into the problem details."""
    row = session.get(model, ident)
    if row is None:
        raise not_found(what, ident, **context)
    return row


def lock_or_raise(session: Session, model: type[T], ident: int, what: str, **context: Any) -> T:
    """:func:`get_or_raise`, the row locked until the transaction ends and read afresh.

    For check-then-write steps on money and state (a cap, a status): on PostgreSQL the row is
    read ``FOR UPDATE``, so a second request doing the same waits for the first to commit and
    then sees what it wrote (READ COMMITTED would let both pass the check). SQLite transactions
    already begin with ``BEGIN IMMEDIATE`` (one writer at a time), so there it is a plain read.
    """
    row = session.get(model, ident, with_for_update=True, populate_existing=True)
    if row is None:
        raise not_found(what, ident, **context)
    return row
