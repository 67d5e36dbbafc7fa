"""How messages name a person: by name, never as ``user 7``."""

from __future__ import annotations

from sqlalchemy.orm import Session

from datamill.compliance.models import User

__all__ = ["person_name", "user_name"]


def user_name(user: User) -> str:
    """``Li Wei (li_wei)``: the display name with the username (what one signs in with), or
    the username alone when the display name is empty or the same.

    Examples:
        >>> user_name(User(username="li_wei", display_name="Li Wei"))
        'Li Wei (li_wei)'
        >>> user_name(User(username="li_wei", display_name=""))
        'li_wei'
    """
    shown = (user.display_name or "").strip()
    return user.username if not shown or shown == user.username else f"{shown} ({user.username})"


def person_name(session: Session, user_id: int | None) -> str:
    """:func:`user_name` of ``user_id``; a user id no row holds (None, or removed) stays a
    number, ``user 7``."""
    user = session.get(User, user_id) if user_id is not None else None
    return user_name(user) if user is not None else f"user {user_id}"
