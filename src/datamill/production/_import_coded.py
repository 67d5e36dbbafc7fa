"""Import refusals with a code, so each face words them in its reader's language.

One JSONL line of a manifest, parsed, or why it is not JSON named by the file's line and the
column in that line (the parser's "line 2 column 1" counts inside the value: a line without
its closing ``}`` ended, to it, at the second line of the text, which was the line break).

A refusal is coded (``manifest_json_*``, worded in
:mod:`datamill.modalities._reason_words_import_h9`), so each face words it in its reader's
language; the English message is the same words.
"""

from __future__ import annotations

import json
from typing import Any

from datamill.core.jsontext import describe_json_error, full_width_mark
from datamill.modalities._reason_words_import_h1 import IMPORT_H1_REFUSALS_EN
from datamill.modalities._reason_words_import_h6 import IMPORT_H6_EN
from datamill.modalities._reason_words_import_h9 import IMPORT_H9_REFUSALS_EN
from datamill.modalities._reason_words_import_h16 import IMPORT_H16_REFUSALS_EN

__all__ = ["CodedReason", "coded_reason", "parse_json_line"]

#: the parser's message (its start) -> the refusal's code
_KINDS = (
    ("Expecting ',' delimiter", "manifest_json_comma"),
    ("Expecting ':' delimiter", "manifest_json_colon"),
    ("Expecting property name", "manifest_json_key"),
    ("Illegal trailing comma", "manifest_json_key"),
    ("Expecting value", "manifest_json_value"),
    ("Extra data", "manifest_json_extra"),
    ("Unterminated string", "manifest_json_unclosed"),
    ("Invalid \\", "manifest_json_escape"),
    ("Invalid control character", "manifest_json_control"),
)

Problem = tuple[str, dict[str, str]]


class CodedReason(str):
    """A rejection reason (English) with its ``coded`` code and values, as the import's
    ``reject`` records them."""

    coded: dict[str, str]


def coded_reason(code: str, **values: object) -> CodedReason:
    """The reason ``code`` (words in :mod:`datamill.modalities._reason_words_import_h9`)."""
    words, coded = _coded(code, **values)
    out = CodedReason(words)
    out.coded = coded
    return out


def _coded(code: str, **values: object) -> Problem:
    words = {k: str(v) for k, v in values.items()}
    english = IMPORT_H9_REFUSALS_EN.get(code) or IMPORT_H16_REFUSALS_EN.get(code) \
        or IMPORT_H6_EN.get(code) or IMPORT_H1_REFUSALS_EN[code]
    return english.format(**words), {"code": code, **words}


def _decode_problem(err: json.JSONDecodeError, line: int, body: str) -> Problem:
    mark = full_width_mark(err)
    if mark is not None:
        return _coded("manifest_json_full_width", line=line, column=mark["column"],
                      char=mark["char"])
    if err.pos >= len(body.rstrip()) and not err.msg.startswith(("Unterminated", "Extra")):
        return _coded("manifest_json_ends", line=line, column=len(body.rstrip()))
    for start, code in _KINDS:
        if err.msg.startswith(start):
            return _coded(code, line=line, column=err.colno)
    return _coded("manifest_json", line=line, detail=describe_json_error(err))


def parse_json_line(text: str, line: int) -> tuple[Any, Problem | None]:
    """The value of a manifest's line ``line`` (``text`` as read, its line break included),
    or ``(None, (English message, {"code", values}))`` where it is not JSON."""
    body = text.rstrip("\r\n")
    try:
        return json.loads(body), None
    except json.JSONDecodeError as err:
        return None, _decode_problem(err, line, body)
    except (ValueError, RecursionError) as err:  # 4300+ digit numbers, deep nesting
        detail = str(err)[:200] if isinstance(err, ValueError) else "nested too deeply"
        return None, _coded("manifest_json", line=line, detail=detail)
