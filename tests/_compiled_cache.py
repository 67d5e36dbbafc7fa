"""One SQLAlchemy statement cache for every engine of a test process, not one per engine.

SQLAlchemy keeps the SQL it compiled for a statement in its engine (``engine._compiled_cache``),
keyed by the statement's shape *and the engine's dialect object*. A ``datamill`` process makes
one engine and compiles each statement once; the tests make a runtime, so an engine, per test
(and each app a test builds over it), and compiled every statement they ran anew in every test:
the ``users`` fixture cost 40 ms on a new engine against 9 ms on a warm one (25 ms with this).
tests/unit/ledger + tests/unit/workforce (264 tests, ``-n 1``): 112 s of CPU without, 83 s with.

:func:`install` gives every engine :func:`datamill.db.session.make_engine` makes one shared
cache, whose keys name a dialect by what compiling depends on (its class and its plain
settings: server version, paramstyle, identifier lengths, ...) rather than by identity: two
engines of one backend and server compile alike, so they share what either compiled. An engine
of another server version or configuration has another key and compiles its own.
"""

from __future__ import annotations

import types
import weakref
from typing import Any

from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapper
from sqlalchemy.util import HasMemoized, LRUCache

from datamill.db import session as db_session

__all__ = ["install"]

def _plain(value: Any) -> bool:
    if isinstance(value, tuple):
        return all(_plain(v) for v in value)
    return isinstance(value, str | int | float | bool | type(None))


def _signature(dialect: Dialect) -> tuple[Any, ...]:
    """What makes two dialects compile alike: the class and every plain setting (the objects
    a dialect builds for itself, its preparer and type compiler, follow from those); functions
    (a JSON serializer) by identity."""
    return (type(dialect), tuple(sorted(
        (name, value if _plain(value) else id(value)) for name, value in vars(dialect).items()
        if _plain(value) or isinstance(value, types.FunctionType | types.BuiltinFunctionType))))


class _SharedCache(LRUCache):  # type: ignore[misc]
    """An LRU cache whose keys' first part, a dialect, is replaced by the first dialect seen with
    its signature (an engine's dialect is set up on its first connection, before it compiles)."""

    def __init__(self) -> None:
        super().__init__(20_000)
        self._dialects: dict[tuple[Any, ...], Dialect] = {}
        self._seen: weakref.WeakKeyDictionary[Dialect, Dialect] = weakref.WeakKeyDictionary()

    def _canonical(self, key: Any) -> Any:
        if not (isinstance(key, tuple) and key and isinstance(key[0], Dialect)):
            return key
        dialect = key[0]
        canonical = self._seen.get(dialect)
        if canonical is None:
            canonical = self._seen[dialect] = self._dialects.setdefault(_signature(dialect),
                                                                         dialect)
        return (canonical, *key[1:])

    def get(self, key: Any, default: Any = None) -> Any:
        return super().get(self._canonical(key), default)

    def __setitem__(self, key: Any, value: Any) -> None:
        super().__setitem__(self._canonical(key), value)


_SHARED = _SharedCache()


def install() -> None:
    """Every engine ``make_engine`` makes, and every mapper's cache of the INSERT/UPDATE/DELETE
    statements it flushes (keyed the same way, a mapper's own otherwise), share one cache."""
    make = db_session.create_engine

    def create_engine(*args: Any, **kwargs: Any) -> Any:
        engine = make(*args, **kwargs)
        if engine._compiled_cache is not None:
            engine._compiled_cache = _SHARED
        return engine

    def _compiled_cache(self: Mapper[Any]) -> Any:
        return _SHARED

    db_session.create_engine = create_engine  # type: ignore[assignment]
    Mapper._compiled_cache = HasMemoized.memoized_attribute(_compiled_cache)  # type: ignore[method-assign,assignment]
