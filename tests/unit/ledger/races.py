"""Two clerks at once, each in a process of its own, on PostgreSQL (READ COMMITTED).

:func:`race` starts one new process per act; each opens its own runtime on the test
database, waits at a barrier, runs its act, holds its transaction open a moment (so the other
act's check runs before this one commits) and reports ``"ok"``, the ``DatamillError`` class
name, or ``"crash ..."``. Acts are module-level functions ``act(session, *args)``.

The processes are forked from the tests' fork server (:mod:`tests._forkserver`), which has
imported datamill and the test helpers once per test process: a spawned process imported them
anew for every act, 1.4-1.6 s of CPU each (a race of six acts cost 9-10 s of CPU before its
first statement).
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from datamill.config import Settings
from datamill.runtime import Runtime
from datamill.testing.fixtures import make_runtime, pg_url
from tests._forkserver import forkserver_context
from tests._tools import require_tool

__all__ = ["HOLD_S", "Act", "error_class", "pg_runtime", "race"]

HOLD_S = 0.5
Act = Callable[..., Any]


def error_class(err: Exception) -> str:
    """The default outcome of an act refused with a ``DatamillError``: its class name."""
    return type(err).__name__


def _one(url: str, home: Path, index: int, act: Act, args: tuple[Any, ...], barrier: Any,
         results: Any, outcome: Callable[[Exception], str], storage: str | None) -> None:
    from datamill.core.errors import DatamillError

    # the acts read and write rows only; a blob folder of its own (a relative "unused" made
    # one in the working folder, the repository's root under pytest). The home is the test
    # runtime's: its audit key signs the acts' records (the default ./.datamill holds none on
    # a clean checkout, and a signed trail refuses to start a second key: AuditKeyMissing)
    blobs = tempfile.mkdtemp(prefix="datamill-race-blobs-")
    rt = Runtime.from_settings(Settings(database_url=url, storage_url=storage or blobs,
                                        home=home),
                               migrate=False)
    s = rt.sessions()
    try:
        barrier.wait()
        act(s, *args)
        time.sleep(HOLD_S)
        s.commit()
        results.put((index, "ok"))
    except DatamillError as err:
        s.rollback()
        results.put((index, outcome(err)))
    except Exception as err:  # noqa: BLE001 - reported to the test, which fails on it
        s.rollback()
        results.put((index, f"crash {type(err).__name__}: {err}"))
    finally:
        s.close()
        rt.close()
        shutil.rmtree(blobs, ignore_errors=True)


def race(rt: Runtime, acts: list[tuple[Act, tuple[Any, ...]]], *, ordered: bool = False,
         outcome: Callable[[Exception], str] = error_class,
         shared_blobs: bool = False) -> list[str]:
    """Run ``acts`` at once in processes of their own, on ``rt``'s database and home; their
    outcomes, sorted (``ordered``: in the order of ``acts``). ``outcome`` words a refusal
    (a module-level function: it travels to the spawned processes). ``shared_blobs``: the
    acts use ``rt``'s blob store (acts that read or delete stored bytes), not one of their
    own."""
    url, home = rt.settings.database_url, rt.settings.home
    assert url is not None
    ctx = forkserver_context()
    barrier, results = ctx.Barrier(len(acts)), ctx.Queue()
    procs = [ctx.Process(target=_one,
                         args=(url, home, i, act, args, barrier, results, outcome,
                               rt.settings.storage_url if shared_blobs else None))
             for i, (act, args) in enumerate(acts)]
    for p in procs:
        p.start()
    got = dict(results.get(timeout=120) for _ in procs)
    for p in procs:
        p.join(30)
    said = [got[i] for i in range(len(acts))]
    return said if ordered else sorted(said)


def pg_runtime(tmp_path: Path) -> Iterator[tuple[Runtime, str]]:
    """An emptied PostgreSQL test database and its URL (without one: fails in CI, skips
    elsewhere)."""
    url = pg_url()
    if url is None:
        require_tool("PostgreSQL not configured (DATAMILL_TEST_PG_URL); scripts/test.sh sets it")
    rt = make_runtime(tmp_path, "postgresql")
    yield rt, url or ""
    rt.close()
