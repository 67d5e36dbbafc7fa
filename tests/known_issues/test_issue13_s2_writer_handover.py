"""Issue 13 §2 (two server workers on SQLite): the writer lock between processes
(``db.session._ProcessLock``, an ``flock`` on ``<database>-writer.lock``) was polled with sleeps
of up to 2 ms, while the process that had just released it took it straight back for its next
writer: the other process lost that race again and again (claims of one worker starved in
bursts). Now a process queues on ``<database>-writer.queue`` before it waits, so one that has
just released lets the waiting one in (two busy processes alternate), the waiter is woken by the
kernel, and every waiter keeps its timeout.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import time
from pathlib import Path
from typing import Any

from datamill.db.session import _ProcessLock

_FORK = multiprocessing.get_context("fork")


def _take_turns(database: str, name: str, turns: int, log: str, ready: Any, go: Any) -> None:
    lock = _ProcessLock(database)
    ready.set()
    go.wait(10)
    for _ in range(turns):
        assert lock.acquire(timeout=20)
        with Path(log).open("a") as f:  # written while the lock is held: the order of turns
            f.write(name)
        time.sleep(0.002)  # a short write transaction
        lock.release()  # and at once the next one asks


def test_two_busy_processes_take_turns(tmp_path: Path) -> None:
    database, log = str(tmp_path / "db.sqlite"), str(tmp_path / "turns")
    go = _FORK.Event()
    readies = [_FORK.Event(), _FORK.Event()]
    procs = [_FORK.Process(target=_take_turns, args=(database, name, 30, log, ready, go))
             for name, ready in zip("AB", readies, strict=True)]
    for p in procs:
        p.start()
    for ready in readies:
        assert ready.wait(10)
    go.set()
    for p in procs:
        p.join(30)
        assert p.exitcode == 0
    turns = Path(log).read_text()
    assert sorted(turns) == ["A"] * 30 + ["B"] * 30
    # polling, one process took its 30 turns in a row while the other slept; now a process
    # that releases while the other waits lets it in (a little slack for a loaded machine)
    longest = max(len(list(run)) for _, run in itertools.groupby(turns))
    assert longest <= 5, turns


def _hold(database: str, held: Any, done: Any, then_exit: bool) -> None:
    lock = _ProcessLock(database)
    assert lock.acquire(timeout=5)
    held.set()
    done.wait(20)
    if then_exit:
        os._exit(0)  # no release: the lock dies with the process
    lock.release()
    held.clear()
    assert lock.acquire(timeout=5)  # nobody left it held behind us
    lock.release()


def test_a_waiter_times_out_and_what_it_queued_for_is_let_go(tmp_path: Path) -> None:
    database = str(tmp_path / "db.sqlite")
    held, done = _FORK.Event(), _FORK.Event()
    holder = _FORK.Process(target=_hold, args=(database, held, done, False))
    holder.start()
    assert held.wait(10)
    lock = _ProcessLock(database)
    started = time.monotonic()
    assert lock.acquire(timeout=0.3) is False  # held in another process: the timeout fires
    assert 0.3 <= time.monotonic() - started < 5
    done.set()  # the holder releases: our queued helper gets the lock with nobody to take it,
    holder.join(20)  # and must let it go, or the holder's second acquire would time out
    assert holder.exitcode == 0
    assert lock.acquire(timeout=5)  # and we can still take it
    lock.release()


def test_a_forked_child_does_not_share_its_parents_lock(tmp_path: Path) -> None:
    database = str(tmp_path / "db.sqlite")
    lock = _ProcessLock(database)
    assert lock.acquire(timeout=1)  # the parent holds it when forking
    child = _FORK.Process(target=_child_must_wait, args=(lock,))
    child.start()
    child.join(20)
    assert child.exitcode == 0
    lock.release()


def _child_must_wait(lock: _ProcessLock) -> None:
    # the inherited fd would share the parent's flock and "succeed" at once
    if lock.acquire(timeout=0.2):
        os._exit(1)
    os._exit(0)


def test_the_lock_dies_with_its_process(tmp_path: Path) -> None:
    database = str(tmp_path / "db.sqlite")
    held, done = _FORK.Event(), _FORK.Event()
    holder = _FORK.Process(target=_hold, args=(database, held, done, True))
    holder.start()
    assert held.wait(10)
    lock = _ProcessLock(database)
    assert lock.acquire(timeout=0.1) is False
    done.set()
    holder.join(20)
    assert lock.acquire(timeout=5)
    lock.release()


def test_no_lock_file_no_lock(tmp_path: Path) -> None:
    for database in (":memory:", "", "file:x?mode=memory"):
        assert _ProcessLock(database).path is None
        assert _ProcessLock(database).acquire(timeout=0)
    missing = _ProcessLock(str(tmp_path / "no such folder" / "db.sqlite"))
    assert missing.acquire(timeout=0)  # cannot create the lock file: SQLite's busy handler
    assert missing.path is None
    missing.release()
