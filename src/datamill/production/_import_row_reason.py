"""Why a manifest row's fields are refused, coded (``row_nul``, ``row_long`` ...), so each face
words it in its reader's language: a zh-CN reader of ``datamill data import`` read
"prompt: contains a NUL character" in the Chinese report. The English reason is the one the
import always wrote (``<field>: <problem>``, problems joined by "; "); a row with more than one
problem, or one pydantic itself found, keeps it uncoded. Words: English and zh-CN in
:mod:`datamill.modalities._reason_words_zh_h4`."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from pydantic_core import PydanticCustomError

from datamill.modalities._reason_words_zh_h4 import ZH_H4_EN
from datamill.production._import_coded import CodedReason

__all__ = ["row_error", "row_reason"]


def row_error(message: str, code: str = "datamill_row", **values: Any) -> PydanticCustomError:
    """A field's refusal for the row model: ``message`` (English, the field's name apart),
    ``code`` (a ``row_*`` reason code) and the ``values`` its words name."""
    return PydanticCustomError(code, message, values or None)


def row_reason(err: ValidationError) -> str:
    """The row's refusal: its problems in English, coded where it is one coded problem."""
    errors = err.errors(include_url=False)
    parts = []
    for e in errors:
        loc = ".".join(str(x) for x in e["loc"])
        parts.append(f"{loc}: {e['msg']}" if loc else e["msg"])
    said = "; ".join(parts)
    if len(errors) != 1 or errors[0]["type"] not in ZH_H4_EN:
        return said
    one = errors[0]
    out = CodedReason(said)
    out.coded = {"code": one["type"], "field": ".".join(str(x) for x in one["loc"]),
                 **{k: str(v) for k, v in (one.get("ctx") or {}).items()}}
    return out
