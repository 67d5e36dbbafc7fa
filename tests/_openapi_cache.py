"""Build each app's OpenAPI document once per test process, not once per app.

FastAPI makes an app's OpenAPI document (``app.openapi()``, ``GET /api/v1/openapi.json``) on the
first call: the JSON schema of every model of 400 routes, 1.1-1.4 s of CPU. A ``datamill
serve`` process makes it once; the tests build an app per test (over the test's own runtime),
and 31 tests asked for its document (the permission matrix, the id-range and body-limit
checks, the documented-answer tests ...): 35 s of CPU a run.

The document depends only on what FastAPI's ``get_openapi`` is given: the app's title, version
and the like, and its routes. With :mod:`tests._route_contexts` in place every app made by
``create_app`` holds shallow copies of the same per-route state (the same dependant, response
and body fields, path, tags ...), so :func:`install` keys the document on that state (by
identity, see :func:`tests._route_contexts._frozen`) and hands every later app a fresh copy
(its own dicts: an app's ``document_problems`` edits its copy in place). A route that differs
(another app, another inclusion, a route a test adds) makes another key: built as before.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from fastapi import applications, routing

from tests._route_contexts import _frozen

#: the document (as JSON text) per key
_built: dict[tuple[Any, ...], str] = {}
#: fields of a route's state that are per app (not in the document), left out of the key
_PER_APP = {"app", "dependency_overrides_provider"}


def _route_key(context: Any) -> tuple[Any, ...] | None:
    """What of one route the document is made from; None for a route it leaves out."""
    original = context.original_route
    if not isinstance(original, routing.APIRoute):
        return None  # get_openapi documents API routes only
    state = context._route_context
    if state is None:  # a route of the app itself: its own object
        return None if not original.include_in_schema else ("route", _frozen(original))
    if not state.include_in_schema:
        return None
    return ("included", *(_frozen(getattr(state, f.name)) for f in dataclasses.fields(state)
                          if f.name not in _PER_APP))


def _key(kwargs: dict[str, Any]) -> tuple[Any, ...]:
    parts: list[Any] = []
    for name, value in sorted(kwargs.items()):
        if name in ("routes", "webhooks"):
            keys = (_route_key(c) for c in routing.iter_route_contexts(list(value or [])))
            parts.append((name, *(k for k in keys if k is not None)))
        else:
            parts.append((name, _frozen(value)))
    return tuple(parts)


def install() -> None:
    """Put the caching ``get_openapi`` where ``FastAPI.openapi`` calls it."""
    build = applications.get_openapi

    def get_openapi(**kwargs: Any) -> dict[str, Any]:
        key = _key(kwargs)
        text = _built.get(key)
        if text is None:
            text = _built[key] = json.dumps(build(**kwargs))
        document: dict[str, Any] = json.loads(text)
        return document

    applications.get_openapi = get_openapi  # type: ignore[assignment]
