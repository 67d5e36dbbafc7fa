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
from typing import Any

from datamill.core.errors import InvalidInput

__all__ = ["MAX_COUNTER", "MAX_DEPTH", "MAX_ID", "MAX_PAGE_ROWS", "MAX_STORED_ID", "beyond_column",
           "check_counter", "check_document", "check_limit", "check_note", "check_text", "digits",
           "driver_refusal", "note_problem", "stored_id", "text_problem"]

MAX_COUNTER = 2**31 - 1
"""The largest value a plain integer column keeps on every backend (PostgreSQL ``integer``)."""
MAX_ID = 2**63 - 1
"""The largest row id (64-bit signed integer columns): an id outside ``1..MAX_ID`` never exists."""
MAX_STORED_ID = 2**31 - 1
"""The largest id every backend's id columns hold (``integer`` on PostgreSQL, 64-bit on SQLite):
a larger id names no row, so a lookup or filter by it finds nothing instead of asking the
database (PostgreSQL refuses the number: a 422 or "out of range" where SQLite found nothing)."""
MAX_PAGE_ROWS = 1000
"""The most rows one page of a list holds: the API's page maximum, and a CLI's ``--limit``."""
MAX_DEPTH = 64
"""How deeply a stored document's lists and objects may nest."""

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_MISLEADING = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
"""Control characters other than tab and line breaks, and the bidi embeddings, overrides and
isolates that make text display in another order than it reads (U+202E shows "tcejer" for
"reject"); the marks U+200E/U+200F that right-to-left writing needs are allowed."""


def digits(text: str) -> bool:
    """Whether ``text`` is a whole number in the ASCII digits 0-9: ``str.isdigit`` also takes
    superscripts and circled digits (``"²"``, ``"①"``) that ``int`` refuses, which turned a
    typed id into a 500."""
    return text.isascii() and text.isdigit()


def stored_id(value: int | None) -> bool:
    """Whether ``value`` is an id a row can have on every backend (``1..MAX_STORED_ID``)."""
    return value is not None and 1 <= value <= MAX_STORED_ID


def beyond_column(value: int) -> bool:
    """Whether ``value`` is an id the faces take (``1..MAX_ID``) that no id column holds
    (above :data:`MAX_STORED_ID`): a lookup by it finds no row. A larger number stays the
    driver's to refuse, which every face words as out of range (ids run to ``MAX_ID``)."""
    return MAX_STORED_ID < value <= MAX_ID


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
    if problem is not None:  # coded: a zh-CN reader got the English sentence (trial h6)
        found = _UNSTORABLE.search(text or "")
        char = f"U+{ord(found.group()):04X}" if found is not None else ""
        raise InvalidInput(f"{field} {problem}", field=field, char=char,
                           reason_code="text_nul" if char == "U+0000" else "text_lone_surrogate")


def note_problem(text: str) -> str | None:
    """Why ``text`` cannot be a note one person writes for another (see :func:`check_note`),
    or None: the words follow the field's name."""
    found = _MISLEADING.search(text)
    if found is not None and found.group() < "\x80":
        return (f"contains U+{ord(found.group()):04X}, a control character: control characters "
                "(other than tab and line breaks) are not allowed; remove it")
    if found is not None:
        return (f"contains U+{ord(found.group()):04X}, a control or text-direction character "
                "that would make it display differently from how it reads; remove it")
    return text_problem(text)


def check_note(text: str | None, field: str, *, most: int | None = None) -> None:
    """InvalidInput for a NUL or other control character (tab and line breaks pass), a bidi
    override or a lone surrogate in a note one person writes for another to read (a reason, a
    comment): shown on the other's page it could display in another order than it was written,
    and PostgreSQL refuses a NUL where SQLite stores it. ``most``: the longest note the field
    takes, in characters (``note_too_long`` beyond it), as the API's body limits it, so the
    library and the CLI refuse what the API does."""
    if most is not None and text is not None and len(text) > most:
        raise InvalidInput(f"{field} is {len(text)} characters long: it takes at most {most}",
                           field=field, reason_code="note_too_long", length=len(text),
                           most=most)
    problem = note_problem(text) if text else None
    if problem is None:
        return
    coded = note_code(text or "")
    if coded is not None:  # coded: a zh-CN reader got the English sentence (h1)
        raise InvalidInput(f"{field} {problem}", field=field, reason_code=coded[0],
                           char=coded[1])
    raise InvalidInput(f"{field} {problem}", field=field)


def note_code(text: str) -> tuple[str, str] | None:
    """``("text_control" or "text_direction", "U+XXXX")`` for the first control or
    text-direction character that makes ``text`` no note (see :func:`check_note`), or None."""
    found = _MISLEADING.search(text)
    if found is None:
        return None
    kind = "text_control" if found.group() < "\x80" else "text_direction"
    return kind, f"U+{ord(found.group()):04X}"


def check_counter(value: int | None, field: str, *, headroom: int = 0) -> None:
    """InvalidInput unless ``0 <= value <= MAX_COUNTER - headroom`` (None passes): a version
    the next write adds one to needs ``headroom=1``."""
    if value is not None and not 0 <= value <= MAX_COUNTER - headroom:
        raise InvalidInput(f"{field} must be 0 to {MAX_COUNTER - headroom}, not {value}",
                           field=field)


NUMERIC_OUT_OF_RANGE = "22003"
"""PostgreSQL's SQLSTATE for a number its column cannot hold."""


def driver_refusal(exc: BaseException) -> str | None:
    """What a database driver refused in a request's data: ``"number"`` for a number too
    large for its column (``OverflowError``, SQLSTATE 22003), ``"nul"`` for a NUL character
    PostgreSQL's driver refuses in text before sending it (a ``DataError`` with no SQLSTATE),
    None for anything else (a fault of ours). The faces' handlers word the first two; a NUL
    was answered as "a number too large for the database"."""
    if isinstance(exc, OverflowError):
        return "number"
    orig = getattr(exc, "orig", None)
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate == NUMERIC_OUT_OF_RANGE:
        return "number"
    if sqlstate is None and "contain NUL" in str(orig if orig is not None else exc):
        return "nul"
    return None


def check_limit(limit: int | None, field: str = "limit", high: int = MAX_PAGE_ROWS) -> None:
    """InvalidInput unless ``1 <= limit <= high`` (None passes): a limit of 0 or below read
    every row on SQLite (``LIMIT -1``) and failed on PostgreSQL with a misleading error."""
    if limit is not None and not 1 <= limit <= high:
        raise InvalidInput(f"{field} must be a whole number from 1 to {high}, not {limit}",
                           field=field, reason_code="limit_range", value=limit, high=high)


def _walk_problem(value: object) -> tuple[str, str, dict[str, Any]] | None:
    """The first thing of ``value`` no document can store: (reason code, English words,
    their values)."""
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, str):
            problem = text_problem(node)
            if problem is not None:
                found = _UNSTORABLE.search(node)
                char = f"U+{ord(found.group()):04X}" if found is not None else ""
                code = "text_nul" if char == "U+0000" else "text_lone_surrogate"
                return code, f"a string {problem}", {"char": char}
        elif isinstance(node, float):
            if not math.isfinite(node):
                return ("document_not_finite", f"has a number JSON cannot hold ({node})",
                        {"value": str(node)})
        elif isinstance(node, dict | list | tuple):
            if depth >= MAX_DEPTH:
                return ("document_too_deep", f"nests deeper than {MAX_DEPTH} levels",
                        {"most": MAX_DEPTH})
            items = node.items() if isinstance(node, dict) else enumerate(node)
            for key, child in items:
                if isinstance(key, str):
                    stack.append((key, depth + 1))
                stack.append((child, depth + 1))
    return None


def check_document(value: object, field: str) -> None:
    """InvalidInput when a JSON document (decoded: dicts, lists, strings, numbers) holds a
    string that cannot be stored, a NaN or infinity, or nests deeper than :data:`MAX_DEPTH`
    (coded, so a zh-CN reader gets it in Chinese)."""
    found = _walk_problem(value)
    if found is not None:
        code, problem, params = found
        raise InvalidInput(f"{field}: {problem}", field=field, reason_code=code, **params)
