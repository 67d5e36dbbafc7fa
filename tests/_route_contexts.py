"""Build each included route's FastAPI request state once per test process, not once per app.

FastAPI builds an included route's state (its dependency tree, the pydantic adapters of its
parameters, body and response) lazily, on the first request an app answers, for every route of
the routers that request walks through: 271 routes, 1.5-2.5 s of CPU, on every ``create_app``'s
first request. A ``datamill serve`` process does that once; the tests build an app per test (over
the test's own runtime) and paid it hundreds of times.

The state depends only on the route (a module-level object of ``datamill.api``/``datamill.web``,
the same in every app) and on how its router was included (prefix, tags, dependencies, ...): the
same for every app ``create_app`` builds. :func:`install` keeps the state built for the first app
and gives every later app a copy of it, with that app's own ``dependency_overrides_provider`` and
a request handler built for it, as FastAPI would have. Routes defined per app (``/healthz``, an
app a test defines) are new objects, so never found in the cache: built as before.
"""

from __future__ import annotations

import copy
import dataclasses
from enum import Enum
from typing import Any

from fastapi import routing
from fastapi.datastructures import DefaultPlaceholder

try:  # FastAPI's private parts this leans on: without them (another FastAPI), nothing is cached
    from fastapi._body_limit import wrap_app_with_body_limit
except ImportError:  # pragma: no cover - only on a FastAPI without them
    wrap_app_with_body_limit = None

_built: dict[tuple[Any, ...], Any] = {}
#: what the cache keys name by identity, kept alive so that no id is reused by a new object
_kept: dict[int, Any] = {}


def _frozen(value: Any) -> Any:
    """A hashable stand-in for ``value``, equal only for equal (or the same) values."""
    if value is None or isinstance(value, str | int | float | bool | Enum):
        return value
    if isinstance(value, list | tuple):
        return (type(value).__name__, *(_frozen(v) for v in value))
    if isinstance(value, dict):
        return ("dict", *((_frozen(k), _frozen(v)) for k, v in value.items()))
    if isinstance(value, set | frozenset):
        return ("set", *sorted(repr(_frozen(v)) for v in value))
    if isinstance(value, DefaultPlaceholder):
        return ("default", _frozen(value.value))
    _kept[id(value)] = value
    return ("id", id(value))


def _key(original_route: Any, include_context: Any) -> tuple[Any, ...]:
    return (_frozen(original_route), *(
        (f.name, _frozen(getattr(include_context, f.name)))
        for f in dataclasses.fields(include_context)
        if f.name != "dependency_overrides_provider"  # the app: set on the copy below
    ))


def install() -> None:
    """Put the caching builder in place of ``_EffectiveRouteContext.from_api_route``.

    A FastAPI without the private parts this replaces (another version than the one this was
    written against) is left as it is: every app then builds its routes' state itself, slower
    but the same."""
    context_class = getattr(routing, "_EffectiveRouteContext", None)
    if (context_class is None or wrap_app_with_body_limit is None
            or not hasattr(context_class, "from_api_route")
            or not hasattr(routing, "_effective_route_context_var")):
        return
    build = context_class.from_api_route.__func__  # type: ignore[attr-defined]

    def from_api_route(cls: Any, *, original_route: Any, include_context: Any) -> Any:
        key = _key(original_route, include_context)
        first = _built.get(key)
        if first is None:
            first = _built[key] = build(cls, original_route=original_route,
                                        include_context=include_context)
        context = copy.copy(first)
        context.dependency_overrides_provider = include_context.dependency_overrides_provider
        # the handler, as from_api_route makes it: over this copy, for this app's overrides
        token = routing._effective_route_context_var.set(context)
        try:
            context.app = wrap_app_with_body_limit(
                routing.request_response(original_route.get_route_handler()),
                context.max_body_size,
            )
        finally:
            routing._effective_route_context_var.reset(token)
        return context

    context_class.from_api_route = classmethod(from_api_route)  # type: ignore[method-assign,assignment]
