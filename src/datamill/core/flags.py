"""How a true/false typed as text is read at every face's boundary (a query string, a form):
``true`` or ``false`` in any case, a bool as it is, and nothing else (lax readings took ``1``,
``yes`` and ``on`` as true: ``?include_inactive=yes``, ``confirm=yes`` on the subject-erasure
form)."""

from __future__ import annotations

__all__ = ["text_flag"]


def text_flag(value: object, refusal: str) -> object:
    """``value`` as a bool when it is one or the text ``true``/``false`` (any case); else a
    ``ValueError`` saying ``refusal`` (each face words it for its own reader)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise ValueError(refusal)
