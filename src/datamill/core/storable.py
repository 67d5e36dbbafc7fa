"""What the databases can store, checked before a write instead of failing inside it.

PostgreSQL text refuses NUL characters; no UTF-8 exists for a lone UTF-16 surrogate (both
arrive from ``\\u0000`` and ``\\ud800`` escapes in JSON); JSON columns refuse NaN and infinities;
plain integer columns hold 32 bits on PostgreSQL (and 64 on SQLite). A driver meeting any of
these raises in the middle of a request: a 500 for what is a malformed input. The services that
take free text, documents and counters from people call :func:`check_text`,
:func:`check_document` and :func:`check_counter` first, so every face answers with an
:class:`~datamill.core.errors.InvalidInput` naming the field.
"""

from __future__ import annotations

import math
import re

from datamill.core.errors import InvalidInput

__all__ = ["MAX_COUNTER", "MAX_DEPTH", "MAX_ID", "check_counter", "check_document", "check_note",
           "check_text", "text_problem"]

MAX_COUNTER = 2**31 - 1
"""The largest value a plain integer column keeps on every backend (PostgreSQL ``integer``)."""
MAX_ID = 2**63 - 1
"""The largest row id (64-bit signed integer columns): an id outside ``1..MAX_ID`` never exists."""
MAX_DEPTH = 64
"""How deeply a stored document's lists and objects may nest."""

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_MISLEADING = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
"""Control characters other than tab and line breaks, and the bidi embeddings, overrides and
isolates that make text display in another order than it reads (U+202E shows "tcejer" for
"reject"); the marks U+200E/U+200F that right-to-left writing needs are allowed."""


def text_problem(text: str) -> str | None:
    """Why ``text`` cannot be stored (a NUL character, a lone surrogate), or None."""
    found = _UNSTORABLE.search(text)
    if found is None:
        return None
    if found.group() == "\x00":
        return "contains a NUL character"
    return f"contains a lone surrogate (U+{ord(found.group()):04X}), which has no UTF-8"


def check_text(text: str | None, field: str) -> None:
    """InvalidInput when ``text`` cannot be stored (see :func:`text_problem`)."""
    problem = text_problem(text) if text else None
    if problem is not None:
        raise InvalidInput(f"{field} {problem}", field=field)


def check_note(text: str | None, field: str) -> None:
    """:func:`check_text`, and InvalidInput for a control or bidi override character in a note
    one person writes for another to read (a reason, a comment): shown on the other's page it
    could display in another order than it was written."""
    check_text(text, field)
    found = _MISLEADING.search(text) if text else None
    if found is not None:
        raise InvalidInput(f"{field} contains U+{ord(found.group()):04X}, a control or text-"
                           "direction character that would make it display differently from "
                           "how it reads; remove it", field=field)


def check_counter(value: int | None, field: str, *, headroom: int = 0) -> None:
    """InvalidInput unless ``0 <= value <= MAX_COUNTER - headroom`` (None passes): a version
    the next write adds one to needs ``headroom=1``."""
    if value is not None and not 0 <= value <= MAX_COUNTER - headroom:
        raise InvalidInput(f"{field} must be 0 to {MAX_COUNTER - headroom}, not {value}",
                           field=field)


def _walk_problem(value: object) -> str | None:
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, str):
            problem = text_problem(node)
            if problem is not None:
                return f"a string {problem}"
        elif isinstance(node, float):
            if not math.isfinite(node):
                return f"has a number JSON cannot hold ({node})"
        elif isinstance(node, dict | list | tuple):
            if depth >= MAX_DEPTH:
                return f"nests deeper than {MAX_DEPTH} levels"
            items = node.items() if isinstance(node, dict) else enumerate(node)
            for key, child in items:
                if isinstance(key, str):
                    stack.append((key, depth + 1))
                stack.append((child, depth + 1))
    return None


def check_document(value: object, field: str) -> None:
    """InvalidInput when a JSON document (decoded: dicts, lists, strings, numbers) holds a
    string that cannot be stored, a NaN or infinity, or nests deeper than :data:`MAX_DEPTH`."""
    problem = _walk_problem(value)
    if problem is not None:
        raise InvalidInput(f"{field}: {problem}", field=field)
