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

from datamill.core.errors import InvalidInput

__all__ = ["FULL_WIDTH_JSON", "describe_json_error", "dumps_function", "full_width_mark",
           "json_refusal"]


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


def _place(line: int, column: int) -> str:
    """``column 7``, or ``line 3 column 1`` past the first line."""
    return f"column {column}" if line == 1 else f"line {line} column {column}"


def _where(err: json.JSONDecodeError) -> str:
    return _place(err.lineno, err.colno)


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


#: full-width punctuation a Chinese input method types where JSON needs the half-width mark
FULL_WIDTH_JSON = {"\u201c": '"', "\u201d": '"', "\uff02": '"', "\uff5b": "{", "\uff5d": "}",
                   "\uff1a": ":", "\uff0c": ",", "\uff3b": "[", "\uff3d": "]",
                   "\u3000": " "}
_QUOTES = ("\u201c", "\u201d", "\uff02")


def _line_column(doc: str, pos: int) -> tuple[int, int]:
    line = doc.count("\n", 0, pos) + 1
    return line, pos - (doc.rfind("\n", 0, pos) + 1) + 1


def full_width_mark(err: json.JSONDecodeError) -> dict[str, Any] | None:
    """The full-width punctuation mark (“ ” ＂ ｛ ｝ ： ， ［ ］, the ideographic space) that made
    a parse fail, as ``{"char", "line", "column"}`` (counted from 1); None where the failure
    is another. The mark is where the parser stopped (``{“a”: 1}``, ``{"a"：1}``), or, for a
    string not closed, the first full-width quote after its opening ``"`` on its line
    (``{"a": "x”}``); full-width marks inside a closed string are text and are not named.

    Examples:
        >>> import json
        >>> try:
        ...     json.loads('{\u201clabel\u201d: 1}')
        ... except json.JSONDecodeError as err:
        ...     full_width_mark(err)
        {'char': '\u201c', 'line': 1, 'column': 2}
        >>> try:
        ...     json.loads('{"a": }')
        ... except json.JSONDecodeError as err:
        ...     full_width_mark(err) is None
        True
    """
    doc, pos = err.doc, err.pos
    while pos < len(doc) and doc[pos] in " \t\r\n":
        pos += 1
    if pos < len(doc) and doc[pos] in FULL_WIDTH_JSON:
        line, column = _line_column(doc, pos)
        return {"char": doc[pos], "line": line, "column": column}
    unclosed = _unclosed_string(err)
    if unclosed is None:
        return None
    end = doc.find("\n", unclosed.pos)
    for at in range(unclosed.pos + 1, len(doc) if end < 0 else end):
        if doc[at] in _QUOTES:
            line, column = _line_column(doc, at)
            return {"char": doc[at], "line": line, "column": column}
    return None


def json_refusal(message: str, err: json.JSONDecodeError, **details: Any) -> InvalidInput:
    """The refusal of JSON a person typed: ``message`` with ``details``; where full-width
    punctuation made the parse fail (:func:`full_width_mark`), the message says so and the
    refusal is coded ``json_full_width`` (with ``char``, ``line`` and ``column``) so that a
    face words it in its reader's language."""
    mark = full_width_mark(err)
    if mark is None:
        return InvalidInput(message, **details)
    return InvalidInput(
        f"{message} ({mark['char']} at {_place(mark['line'], mark['column'])} is full-width punctuation, as a Chinese input "
        "method types it: JSON takes only half-width marks (straight quotes \", colons :, "
        "commas , and ASCII braces and brackets); switch the input method to half-width "
        "punctuation and type it again)",
        **{**details, "reason_code": "json_full_width", **mark})
