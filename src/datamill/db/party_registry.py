"""The registration rule a party's name follows, for every register of parties (the ledger's
customers, workforce's vendors): trimmed, not blank, and not a twin of a registered name
however typed (:func:`datamill.core.party_names.name_key`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from datamill.core.errors import Conflict, InvalidInput
from datamill.core.iso import no_control_chars
from datamill.core.party_names import name_key
from datamill.core.storable import check_note

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
    # shown on others' pages, sheets and exports: one line, read in the order it displays
    if not no_control_chars(name):  # an escape repaints a terminal, a line break splits rows
        raise InvalidInput(f"name {name!r} holds a control character; type it on one line "
                           "without control characters", field="name",
                           reason_code="control_character", value=name)
    check_note(name, "name")  # a bidi override (U+202E) reorders what the reader sees
    key = name_key(name)
    for known_id, known in session.execute(select(model.id, model.name)):
        if name_key(known) == key:  # one party, typed another way
            raise Conflict(f"{party} {name!r} is registered already, as {known!r} "
                           f"(id {known_id})", reason_code=f"{party}_name_twin", name=name,
                           existing=known, **{f"{party}_id": known_id})
    return name
