"""New processes for tests, forked from multiprocessing's fork server.

A spawned process imports datamill, FastAPI and the test module anew: 1.4-1.6 s of CPU before
it does anything. The fork server is a clean process (no threads, no connections, nothing of a
test's state) started on first use in a test process, that has imported :data:`PRELOAD` once;
each process forked from it starts with them loaded and is still a process of its own.
"""

from __future__ import annotations

import multiprocessing
from typing import Any

__all__ = ["PRELOAD", "forkserver_context"]

#: imported once by the fork server
PRELOAD = ["datamill.server", "datamill.runtime", "datamill.config", "datamill.core.errors",
           "tests.unit.production.helpers", "tests.unit.ledger.races"]


def forkserver_context() -> Any:
    """The ``forkserver`` multiprocessing context, its server preloading :data:`PRELOAD`."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)  # takes effect when the fork server starts (once)
    return ctx
