"""The registration rule a party's name follows, for every register of parties (the ledger's
customers, workforce's vendors): trimmed, not blank, and not a twin of a registered name
however typed (:func:`datamill.core.party_names.name_key`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from datamill.core.errors import Conflict, InvalidInput
from datamill.core.party_names import name_key

if TYPE_CHECKING:  # importing the ORM costs ~0.3 s; the CLI imports this module at start
    from sqlalchemy.orm import Session

__all__ = ["registered_name"]


def registered_name(session: Session, model: Any, name: str | None, *, party: str) -> str:
    """``name`` without the blanks around it, refused when blank (``<party>_name_blank``) or
    when a ``model`` row (its ``id`` and ``name`` columns) of the same name however typed is
    registered (``<party>_name_twin``, naming it by ``existing`` and ``<party>_id``): " acme "
    beside "Acme" is one company with two records, its invoices, receivables or sheets split
    between them. ``party`` is the word the register's rows go by (``customer``, ``vendor``)."""
    from sqlalchemy import select

    name = (name or "").strip()
    if not name:
        raise InvalidInput(f"a {party} has a name", field="name",
                           reason_code=f"{party}_name_blank")
    key = name_key(name)
    for known_id, known in session.execute(select(model.id, model.name)):
        if name_key(known) == key:  # one party, typed another way
            raise Conflict(f"{party} {name!r} is registered already, as {known!r} "
                           f"(id {known_id})", reason_code=f"{party}_name_twin", name=name,
                           existing=known, **{f"{party}_id": known_id})
    return name
