"""The JSON every ``--json`` command prints (:mod:`datamill.cli._common` re-exports it):
pydantic models and dataclasses as plain values, timestamps as the REST API writes them, and
the error payload of a failing command."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from datetime import time as clock_time
from typing import Any

from pydantic import BaseModel

__all__ = ["error_payload", "json_text", "json_time"]


def _json_requested(kwargs: dict[str, Any]) -> bool:
    return bool(kwargs.get("as_json"))


def json_time(value: datetime | date | clock_time) -> str:
    """A timestamp (a day, a time of day) as the REST API writes it: ISO 8601 as pydantic
    serialises it, ``2026-12-05T16:11:28Z`` for a UTC timestamp (never ``str()``'s
    ``2026-12-05 16:11:28+00:00``), ``2026-12-05`` for a day."""
    from pydantic_core import to_jsonable_python

    text: str = to_jsonable_python(value)
    return text


def _json_default(value: Any) -> Any:
    """What JSON cannot hold as such: timestamps as the API writes them, the rest (a
    ``Decimal``, a path) as its string, as before."""
    if isinstance(value, datetime | date | clock_time):
        return json_time(value)
    return str(value)


def json_text(value: Any, *, indent: int | None = 2, sort_keys: bool = False,
              ascii_only: bool = False) -> str:
    """``value`` (pydantic models and dataclasses included) as the JSON text every ``--json``
    output prints: the one place that decides how a timestamp reads (:func:`json_time`, as
    the API), Chinese as itself unless ``ascii_only``."""
    return json.dumps(_plain(value), indent=indent, sort_keys=sort_keys,
                      default=_json_default, ensure_ascii=ascii_only)


def _write_json(value: Any) -> None:
    """``value`` as JSON on stdout, Chinese and every other script as themselves (not
    ``\\u5317``); escaped only where stdout cannot encode them (a lone surrogate from an
    undecodable file name, a non-UTF-8 terminal)."""
    text = json_text(value)
    try:
        text.encode(sys.stdout.encoding or "utf-8")
    except (UnicodeEncodeError, LookupError):
        text = json_text(value, ascii_only=True)
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def error_payload(code: str, message: str, **details: Any) -> dict[str, Any]:
    """The JSON a failing ``--json`` command prints."""
    return {"error": {"code": code, "message": message, **details}}


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if hasattr(value, "__dataclass_fields__"):
        from dataclasses import asdict

        return _plain(asdict(value))
    return value
