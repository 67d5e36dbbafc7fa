"""Let the event loop's own thread run a short unit of database work, only when that is safe.

The annotator's claim and submit take a few milliseconds of CPU; handing them to a worker thread
and back cost more than anything it let run alongside (bench/README.md, "tenth round": served on
the event loop, SQLite claims/s at 32 clients 160 → 290 and submits/s 250 → 450). But work on the
loop's thread must never wait for something only the loop can free: a request served by a worker
thread holds its connection (and SQLite's writer lock, or PostgreSQL row locks) until its session
dependency commits, and that commit is scheduled by the event loop. Waiting for it on the loop
would wait for ever.

So the loop runs a unit inline only when this process has **no** connection out of the engine's
pool, and while it runs, any other thread that checks a connection out waits (holding no lock of
the database yet: a transaction begins after the checkout) until the unit is done. The counter
and the wait hang on the pool's ``checkout`` and ``checkin`` events, so every session of the
engine is seen, whichever face opened it. Connections of other processes need no gate: their
holders finish without this loop, but may hold SQLite's writer lock for long (a CLI import
beside the server). The loop's unit waits for that lock only briefly (``LOOP_WAIT_S``, in
``db.session``); past it the transaction raises :class:`LoopWouldWait` before writing anything,
and the caller runs the unit again in a worker thread, which may wait as long as it needs while
the loop serves everyone else. (On PostgreSQL a unit on the loop waits for row and advisory
locks as a thread would; those are held by short transactions.)
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event

__all__ = ["LOOP_WAIT_S", "LoopGate", "LoopWouldWait", "install_loop_gate", "loop_gate"]

#: How long a unit on the event loop waits for SQLite's writer lock before handing itself to a
#: worker thread (another process holds the lock: a claim or submit holds it ~1-3 ms).
LOOP_WAIT_S = 0.05


class LoopWouldWait(Exception):
    """The unit on the event loop would wait long for a lock another process holds: nothing was
    written; run it again in a worker thread."""

_GATES: weakref.WeakKeyDictionary[Engine, LoopGate] = weakref.WeakKeyDictionary()


class LoopGate:
    """Counts the engine's connections out of its pool; :meth:`alone` claims the engine for one
    thread while none is out."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._out = 0
        self._owner: int | None = None

    def _checkout(self, *_args: Any) -> None:
        me = threading.get_ident()
        with self._cond:
            while self._owner is not None and self._owner != me:
                self._cond.wait()
            self._out += 1

    def _checkin(self, *_args: Any) -> None:
        with self._cond:
            self._out -= 1

    def held_here(self) -> bool:
        """Whether the calling thread is running a unit under :meth:`alone` right now."""
        return self._owner == threading.get_ident()

    @contextmanager
    def alone(self) -> Iterator[bool]:
        """Yield True, with every other thread's checkout held back until the block ends, when
        no connection of this process is out; else yield False (and hold nothing back)."""
        with self._cond:
            mine = self._out == 0 and self._owner is None
            if mine:
                self._owner = threading.get_ident()
        try:
            yield mine
        finally:
            if mine:
                with self._cond:
                    self._owner = None
                    self._cond.notify_all()


def install_loop_gate(engine: Engine) -> LoopGate:
    """Give ``engine`` a gate (before it hands out its first connection: the count starts at 0)."""
    gate = LoopGate()
    event.listen(engine, "checkout", gate._checkout)
    event.listen(engine, "checkin", gate._checkin)
    _GATES[engine] = gate
    return gate


def loop_gate(engine: Engine) -> LoopGate | None:
    """The gate :func:`install_loop_gate` gave ``engine`` (None for an engine made elsewhere)."""
    return _GATES.get(engine)
