"""The local executor: a warm process pool over the machine's cores, results in input order.

Jobs are pure module-level functions over picklable arguments, so the same job runs on Ray
(:mod:`datamill.engine.ray`) with the same results.

Starting spawn workers costs ~0.7 s, more than a small batch of light checks takes in one
process, so two rules keep "more workers" from ever losing:

* the pool stays warm: one pool per worker count lives for the process, reused by every job;
* the choice is measured: the first items run in this process and are timed; the rest go to
  the pool only when ``n × per-item time`` exceeds the pool's (measured) start cost plus the
  parallel time, otherwise they run here too.

A worker that dies (killed, out of memory) breaks the pool; the pool is replaced and the
unfinished chunks are submitted again, up to ``max_retries`` times. A caller that names
``on_crash`` (a file whose decoder segfaults or exits breaks the pool on every try) gets, instead,
the unfinished items run again one at a time on a fresh pool: every item gets its own result,
and an item that breaks the pool alone gets ``on_crash(item)`` (a pool whose workers cannot start
at all raises :class:`WorkerStartFailed` instead). A broken pool is never kept: the
next call finds a working one. An executor made with ``isolate=True`` (the CLI's) never runs
such a job in the caller's process: what it would run here (one worker, the timed first items,
a run the pool does not pay for) runs in :func:`run_apart`'s warm worker instead, a chunk a
call, so a segfaulting decoder costs only its item, not the whole command.
"""

from __future__ import annotations

import atexit
import itertools
import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

__all__ = ["LocalExecutor", "WorkerStartFailed", "run_apart", "run_apart_each", "run_apart_sifted",
           "shutdown_pools"]

A = TypeVar("A")
R = TypeVar("R")

_POOLS: dict[int, ProcessPoolExecutor] = {}
_LOCK = threading.Lock()
_START_COST_S: dict[int, float] = {}  # measured pool start (spawn + first import), per size
_DEFAULT_START_COST_S = 0.7
_PROBE = 2  # items timed in this process before choosing
_IPC_S = 0.0005  # per-item pickling/transfer overhead, measured order of magnitude
_LOOKAHEAD = 4096  # arguments read ahead to choose between this process and the pool
_LONG = 10**9
_HERE_CHUNK = 16  # items an isolating executor runs a call in run_apart's worker


def _noop(_: int) -> int:
    return 0


def _run_chunk(task: tuple[Callable[[Any], Any], list[Any]]) -> list[Any]:
    fn, chunk = task
    return [fn(a) for a in chunk]


class WorkerStartFailed(BrokenProcessPool):
    """A new pool's workers could not start at all (a broken environment: the interpreter, its
    path, the process or semaphore limits), before any job ran: no item is to blame."""


def _pool(workers: int, key: int | None = None) -> ProcessPoolExecutor:
    """The warm pool of ``workers`` processes kept under ``key`` (default: its size), started
    now if there is none."""
    key = workers if key is None else key
    with _LOCK:
        pool = _POOLS.get(key)
        if pool is None:
            t0 = time.perf_counter()
            pool = ProcessPoolExecutor(
                max_workers=workers, mp_context=multiprocessing.get_context("spawn")
            )
            try:
                list(pool.map(_noop, range(workers)))  # start every worker now, and time it
            except (BrokenProcessPool, OSError) as err:  # no job of the caller's ran yet
                pool.shutdown(wait=False, cancel_futures=True)
                raise WorkerStartFailed(f"no worker process could start: {err}") from err
            _START_COST_S[key] = time.perf_counter() - t0
            _POOLS[key] = pool
        return pool


def _drop_pool(workers: int) -> None:
    with _LOCK:
        pool = _POOLS.pop(workers, None)
    if pool is not None:
        pool.shutdown(wait=False, cancel_futures=True)


_APART_KEY = -1  # the pool of :func:`run_apart` (never a LocalExecutor's worker count)
_APART_WORKERS = 2
_LIGHT_KEY = -2  # the one worker of run_apart's ``light`` jobs


def run_apart(fn: Callable[[A], R], arg: A, *, tries: int = 2, light: bool = False) -> R:
    """``fn(arg)`` in a warm worker process of its own pool, the caller waiting without the
    interpreter lock: for a model a request handler runs (a PocketSphinx decode holds the lock
    for the whole recording, so run in a web worker's thread it stalled every other request
    that worker served). The pool starts on first use (~0.7 s), holds at most
    ``_APART_WORKERS`` processes and stays warm; a worker that died is replaced and the call
    run once more (``tries`` in all). ``fn`` is a module-level function over picklable ``arg``;
    what it raises is raised here (BrokenProcessPool after the last try, the pool dropped).

    ``light``: a job that decodes nothing but loads something once per process (text checks:
    lingua's models, ~3.7 s CPU and ~470 MB), run in one warm worker of its own so that it
    loads once: on the two workers above each paid it, a web server's first two text
    rechecks 5.1 s and 4.1 s, then 0.1 s."""
    key, workers = (_LIGHT_KEY, 1) if light else (_APART_KEY, _APART_WORKERS)
    for attempt in range(max(1, tries)):
        pool = _pool(workers, key=key)
        try:
            return pool.submit(fn, arg).result()
        except BrokenProcessPool:
            _drop_pool(key)
            if attempt + 1 >= tries:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def run_apart_each(fn: Callable[[A], R], args: list[A], on_crash: Callable[[A], R], *,
                   light: bool = False) -> list[R]:
    """``[fn(a) for a in args]`` in one call of :func:`run_apart` (``light`` as there); when a
    worker dies on the chunk (a decoder that segfaults, exits or is killed for memory), each
    item is run again alone on a fresh pool, so only an item that breaks the pool alone too
    (twice in all) gets ``on_crash(item)`` (run here), and every other item its own result."""
    try:
        return run_apart(_run_chunk, (fn, list(args)), tries=1, light=light)
    except WorkerStartFailed:
        raise  # no worker at all: no item broke it (raised, never credited to the items)
    except BrokenProcessPool:
        pass
    out: list[R] = []
    for a in args:
        try:
            out.append(run_apart(fn, a, tries=1, light=light))
        except WorkerStartFailed:
            raise
        except BrokenProcessPool:
            out.append(on_crash(a))
    return out


def run_apart_sifted(fn: Callable[[list[A]], R], items: list[A]) -> tuple[R, list[int]]:
    """``fn(items)`` (a job over the whole list: an evaluation's report) in :func:`run_apart`'s
    worker; when the list breaks the worker on both tries, the items that break it on their own
    are found by halving (about ``len(items)`` items run again for one such item) and ``fn``
    runs once more without them: its result and their indexes, ascending. BrokenProcessPool
    is raised when the list breaks the worker with no item that does alone (a memory kill of
    the whole) or still breaks it without them."""
    try:
        return run_apart(fn, list(items)), []
    except BrokenProcessPool:
        pass
    crashers = _crashers(fn, list(items), 0, len(items))
    if not crashers:
        raise BrokenProcessPool("the job broke the worker process with no item doing so alone")
    bad = set(crashers)
    return run_apart(fn, [a for i, a in enumerate(items) if i not in bad], tries=1), crashers


def _crashers(fn: Callable[[list[A]], R], items: list[A], lo: int, hi: int) -> list[int]:
    """The indexes in ``items[lo:hi]`` (a slice that broke the worker) of the items that break
    it alone, found by running each half again."""
    if hi - lo <= 1:
        return [lo] if hi > lo else []
    mid = (lo + hi) // 2
    found: list[int] = []
    for a, b in ((lo, mid), (mid, hi)):
        try:
            run_apart(fn, items[a:b], tries=1)
        except BrokenProcessPool:
            found += [a] if b - a == 1 else _crashers(fn, items, a, b)
    return found


def shutdown_pools() -> None:
    """Stop every warm pool (at interpreter exit, or in tests)."""
    with _LOCK:
        pools = list(_POOLS.values())
        _POOLS.clear()
    for p in pools:
        p.shutdown(wait=True, cancel_futures=True)


atexit.register(shutdown_pools)


class LocalExecutor:
    """Map a job over arguments with up to ``workers`` processes (1 = in this process)."""

    name = "local"

    def __init__(
        self, workers: int | None = None, *, max_retries: int = 2, choose: str = "measured",
        isolate: bool = False,
    ) -> None:
        """``choose``: ``"measured"`` (default: probe, then pool only if it pays) or
        ``"pool"`` (always the pool when ``workers`` > 1). ``isolate``: a map that names
        ``on_crash`` never runs ``fn`` in this process (see the module's words)."""
        self.workers = max(1, workers if workers is not None else (os.cpu_count() or 1))
        self.isolate = isolate
        self.max_retries = max_retries
        self.choose = choose
        self.last_mode = "inline"  # "inline" or "pool": what the last map chose (for benches)
        self.window: int | None = None  # chunks in flight (default 4 per worker)

    def close(self) -> None:
        """Nothing to do: the warm pool outlives the executor (see :func:`shutdown_pools`)."""

    def _pool_pays(self, n_left: int, per_item_s: float) -> bool:
        if self.choose == "pool":
            return True
        warm = self.workers in _POOLS
        start = 0.0 if warm else _START_COST_S.get(self.workers, _DEFAULT_START_COST_S)
        serial = n_left * per_item_s
        parallel = start + n_left * (per_item_s / self.workers + _IPC_S)
        return parallel < serial

    def map(
        self, fn: Callable[[A], R], args: Iterable[A], chunksize: int = 4,
        on_crash: Callable[[A], R] | None = None,
    ) -> Iterator[R]:
        """``fn`` over ``args``, results in order. ``on_crash``: the result of an item that
        breaks the pool alone (see the module's words); without it, a pool broken more than
        ``max_retries`` times raises BrokenProcessPool."""
        it = iter(args)
        self.last_mode = "inline"
        if self.workers == 1:
            yield from self._here(fn, it, on_crash)
            return
        if self.choose == "pool":
            self.last_mode = "pool"
            yield from self._pooled(fn, it, max(1, chunksize), on_crash)
            return
        timings = []
        for a in it:
            t0 = time.perf_counter()
            (r,) = self._here(fn, (a,), on_crash)
            timings.append(time.perf_counter() - t0)
            yield r
            if len(timings) >= _PROBE:
                break
        # the rest streams: at most a window of chunks is read ahead of the results, so a job
        # over millions of items (or an export's shards) never holds all of its arguments
        first = list(itertools.islice(it, _LOOKAHEAD))
        if not first:
            return
        rest = itertools.chain(first, it)
        # a full look-ahead: the rest is taken to be long (the pool pays if it gains per item)
        left = len(first) if len(first) < _LOOKAHEAD else _LONG
        if not self._pool_pays(left, min(timings)):
            yield from self._here(fn, rest, on_crash)
            return
        self.last_mode = "pool"
        yield from self._pooled(fn, rest, max(1, chunksize), on_crash)

    def _here(self, fn: Callable[[A], R], items: Iterable[A],
              on_crash: Callable[[A], R] | None) -> Iterator[R]:
        """``fn`` over ``items`` in this process; with ``isolate`` and ``on_crash``, in
        :func:`run_apart`'s warm worker instead, ``_HERE_CHUNK`` items a call, each item that
        breaks the worker alone getting ``on_crash(item)``."""
        if not (self.isolate and on_crash is not None):
            yield from map(fn, items)
            return
        it = iter(items)
        while chunk := list(itertools.islice(it, _HERE_CHUNK)):
            yield from run_apart_each(fn, chunk, on_crash)

    def _alone(self, fn: Callable[[A], R], items: list[A], on_crash: Callable[[A], R]
               ) -> Iterator[R]:
        """Each of ``items`` alone on the pool, in order; ``on_crash(item)`` for one that breaks
        it (the pool is replaced)."""
        for a in items:
            try:
                result = _pool(self.workers).submit(fn, a).result()
            except BrokenProcessPool:
                _drop_pool(self.workers)
                result = on_crash(a)
            yield result

    def _pooled(self, fn: Callable[[A], R], rest: Iterator[A], chunksize: int,
                on_crash: Callable[[A], R] | None = None) -> Iterator[R]:
        chunks = iter(lambda: list(itertools.islice(rest, chunksize)), [])
        window = self.window or self.workers * 4
        retries = 0
        # (chunk, future): a chunk is kept until its results are out, to resubmit it on a
        # fresh pool when a worker died
        pending: deque[tuple[list[A], Future[list[Any]]]] = deque()
        resubmit: deque[list[A]] = deque()
        exhausted = False
        while not exhausted or pending or resubmit:
            pool = _pool(self.workers)
            try:
                while len(pending) < window and (resubmit or not exhausted):
                    chunk = resubmit.popleft() if resubmit else next(chunks, None)
                    if chunk is None:
                        exhausted = True
                        break
                    pending.append((chunk, pool.submit(_run_chunk, (fn, chunk))))
                if not pending:
                    continue
                result = pending[0][1].result()
                pending.popleft()
                yield from result
            except BrokenProcessPool:
                _drop_pool(self.workers)  # never left for the next call to find broken
                if on_crash is not None:  # the unfinished items alone: only a crasher fails
                    unfinished = [a for chunk, _ in pending for a in chunk]
                    pending.clear()
                    yield from self._alone(fn, unfinished, on_crash)
                    continue
                retries += 1
                if retries > self.max_retries:
                    raise
                # resubmit from the oldest unfinished chunk on a fresh pool
                resubmit.extendleft(reversed([chunk for chunk, _ in pending]))
                pending.clear()
