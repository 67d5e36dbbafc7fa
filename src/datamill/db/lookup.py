"""Fetch one row by primary key or raise the NotFound a person can act on."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from datamill.core.errors import NotFound
from datamill.core.storable import beyond_column, stored_id

if TYPE_CHECKING:  # importing the ORM costs ~0.3 s; the CLI imports this module at start
    from sqlalchemy.orm import Session
    from sqlalchemy.sql.elements import ColumnElement

__all__ = ["get_or_raise", "id_is", "lock_or_raise", "not_found"]

T = TypeVar("T")


def not_found(what: str, ident: int, **context: Any) -> NotFound:
    """The error :func:`get_or_raise` raises for a missing ``what`` with id ``ident``: also
    raised, word for word, for an object that exists where the caller may not see it, so the
    answer does not tell the two apart. Coded ``object_not_found`` (``object``, ``object_id``)
    so a face words it in the reader's language."""
    return NotFound(f"no {what} with id {ident}", reason_code="object_not_found", object=what,
                    object_id=ident, **context)


def _never(ident: int) -> bool:
    """Whether no row can have id ``ident`` and the database need not be asked: above what the
    id columns hold (:func:`beyond_column`), or below 1 (a number under -2**63 reached the
    driver, which cannot bind it: a 500 where ``-1`` answered 404)."""
    return ident < 1 or beyond_column(ident)


def get_or_raise(session: Session, model: type[T], ident: int, what: str, **context: Any) -> T:
    """``session.get(model, ident)``, or ``NotFound("no <what> with id <ident>")`` carrying
    ``context`` (e.g. ``task_id=...``) into the problem details."""
    row = None if _never(ident) else session.get(model, ident)  # PostgreSQL: 32 bits
    if row is None:
        raise not_found(what, ident, **context)
    return row


def lock_or_raise(session: Session, model: type[T], ident: int, what: str, *,
                  keys_free: bool = False, **context: Any) -> T:
    """:func:`get_or_raise`, the row locked until the transaction ends and read afresh.

    For check-then-write steps on money and state (a cap, a status): on PostgreSQL the row is
    read ``FOR UPDATE``, so a second request doing the same waits for the first to commit and
    then sees what it wrote (READ COMMITTED would let both pass the check). SQLite transactions
    already begin with ``BEGIN IMMEDIATE`` (one writer at a time), so there it is a plain read.

    ``keys_free``: ``FOR NO KEY UPDATE`` instead, for a row many others refer to (a user, a
    project, a package): ``FOR UPDATE`` also stops every insert that refers to it (the foreign
    key check takes ``KEY SHARE``), so a lock held while waiting for the audit trail's lock
    deadlocked with a transaction holding that lock and auditing an act of the same user.
    """
    row = None if _never(ident) else session.get(
        model, ident, with_for_update={"key_share": True} if keys_free else True,
        populate_existing=True)
    if row is None:
        raise not_found(what, ident, **context)
    return row


def id_is(column: Any, value: int) -> ColumnElement[bool]:
    """``column == value`` for a filter by id, or a condition no row meets when ``value`` is
    beyond what an id column holds (:data:`~datamill.core.storable.MAX_STORED_ID`): SQLite
    found no row, PostgreSQL refused the number (422 "too large for the database")."""
    from sqlalchemy import false  # noqa: PLC0415 - the ORM only when a query is built

    return column == value if stored_id(value) else false()
