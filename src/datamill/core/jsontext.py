"""JSON text exactly as ``json.dumps`` writes it, from one C encoder made once.

``json.dumps`` builds a new encoder object on every call (``JSONEncoder.iterencode`` makes one
each time); for small values written 100,000 times (an import's item rows, an export's lines)
that construction is most of the cost. :func:`dumps_function` makes the standard library's own
C encoder once, with the arguments ``iterencode`` would pass, so the text is the same.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from json.encoder import (  # type: ignore[attr-defined]
    c_make_encoder,
    encode_basestring,
    encode_basestring_ascii,
)
from typing import Any

__all__ = ["describe_json_error", "dumps_function"]


def dumps_function(*, ensure_ascii: bool = True) -> Callable[[Any], str]:
    """A function equal to ``json.dumps(value, ensure_ascii=ensure_ascii)`` for trees of plain
    JSON values (dicts with string keys, lists, strings, numbers, booleans, None).

    It skips the circular-reference check (a tree has no cycles; a cyclic value raises
    RecursionError instead of ValueError).
    """
    options = json.JSONEncoder(ensure_ascii=ensure_ascii)
    if c_make_encoder is None:  # no C accelerator (another Python): the plain encoder
        return options.encode
    encode = c_make_encoder(
        None, options.default, encode_basestring_ascii if ensure_ascii else encode_basestring,
        None, options.key_separator, options.item_separator, False, False, True,
    )
    return lambda value: "".join(encode(value, 0))


def _where(err: json.JSONDecodeError) -> str:
    return f"column {err.colno}" if err.lineno == 1 else f"line {err.lineno} column {err.colno}"


def _unclosed_string(err: json.JSONDecodeError) -> json.JSONDecodeError | None:
    """Where the string that runs to the end of its line (or of the text) began: a line break
    inside a string is a control character to the parser, but to a person the string is not
    closed on that line."""
    if err.msg.startswith("Unterminated string"):
        return err
    if not err.msg.startswith("Invalid control character") or \
            err.doc[err.pos:err.pos + 1] not in ("\n", "\r"):
        return None
    try:
        json.loads(err.doc[:err.pos])
    except json.JSONDecodeError as inner:
        return inner if inner.msg.startswith("Unterminated string") else None
    return None


def describe_json_error(err: json.JSONDecodeError) -> str:
    """What is wrong and where, in one phrase: ``Expecting value at column 7``,
    ``Extra data at line 3 column 1`` (the line only past the first).

    The standard library's messages that end in "at" (``Invalid control character '\\x01'
    at``) take the place themselves, not "at at". A string that is not closed before its line
    ends (the parser's "Unterminated string" or "Invalid control character" at the line break)
    is said as such, where it starts.

    Examples:
        >>> import json
        >>> try:
        ...     json.loads('{"a": "b')
        ... except json.JSONDecodeError as err:
        ...     describe_json_error(err)
        'the string is not closed on that line (a closing " is missing): it starts at column 7'
        >>> try:
        ...     json.loads('{"text": "broken 北京\\n')
        ... except json.JSONDecodeError as err:
        ...     describe_json_error(err)
        'the string is not closed on that line (a closing " is missing): it starts at column 10'
        >>> try:
        ...     json.loads('{"a": }')
        ... except json.JSONDecodeError as err:
        ...     describe_json_error(err)
        'Expecting value at column 7'
    """
    unclosed = _unclosed_string(err)
    if unclosed is not None:
        return ('the string is not closed on that line (a closing " is missing): it starts at '
                + _where(unclosed))
    return f"{err.msg.removesuffix(' at')} at {_where(err)}"
