"""Fetch one row by primary key or raise the NotFound a person can act on."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from datamill.core.errors import NotFound

if TYPE_CHECKING:  # importing the ORM costs ~0.3 s; the CLI imports this module at start
    from sqlalchemy.orm import Session

__all__ = ["get_or_raise"]

T = TypeVar("T")


def get_or_raise(session: Session, model: type[T], ident: int, what: str, **context: Any) -> T:
    """``session.get(model, ident)``, or ``NotFound("no <what> with id <ident>")`` carrying
    ``context`` (e.g. ``task_id=...``) into the problem details."""
    row = session.get(model, ident)
    if row is None:
        raise NotFound(f"no {what} with id {ident}", **context)
    return row
