"""The executor protocol, the backend choice from settings, and batch jobs that land idempotently.

A job is a pure module-level function over one item's picklable arguments (the first element is
the item id). :func:`run_batches` cuts the items into batches ordered by id, runs them on any
executor with a seed derived from (job seed, item id) — so a result never depends on the backend,
the batching or which batches a previous, interrupted run already landed — and hands each
finished batch to ``land`` in input order. ``land`` writes the batch's results keyed by item id
(replace, never append) and commits, so re-running a half-done job neither duplicates nor loses.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    from datamill.config import Settings

__all__ = ["Executor", "item_seed", "make_executor", "run_batches", "run_seeded_batch"]

A = TypeVar("A")
R = TypeVar("R")


class Executor(Protocol):
    """Maps a pure job over arguments; results come back in input order."""

    name: str
    workers: int
    window: int | None  # chunks in flight at once (None: the executor's default)

    def map(self, fn: Callable[[A], R], args: Iterable[A], chunksize: int = 4) -> Iterator[R]: ...

    def close(self) -> None: ...


def make_executor(settings: Settings | None = None, workers: int | None = None, *,
                  isolate: bool = False) -> Executor:
    """The executor the settings choose: ``engine = "local"`` (default) or ``"ray"``.
    ``isolate``: a local map that names ``on_crash`` never runs its job in this process (see
    :mod:`datamill.engine.local`; Ray's jobs never do)."""
    from datamill.config import get_settings

    settings = settings or get_settings()
    workers = workers if workers is not None else settings.engine_workers
    if settings.engine == "ray":
        from datamill.engine.ray import RayExecutor

        return RayExecutor(
            address=settings.ray_address, workers=workers, max_retries=settings.ray_max_retries
        )
    from datamill.engine.local import LocalExecutor

    return LocalExecutor(workers, isolate=isolate)


def item_seed(seed: int, item_id: int) -> int:
    """A stable 32-bit seed for one item of a job (independent of batching and backend)."""
    digest = hashlib.blake2b(f"{seed}:{item_id}".encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big")


def run_seeded_batch(task: tuple[Callable[[Any], R], int, Sequence[Any]]) -> list[R]:
    """Run ``fn`` over a batch, seeding ``random`` and NumPy per item before each call."""
    fn, seed, batch = task
    try:
        import numpy as np
    except ImportError:  # pragma: no cover - numpy is a core dependency
        np = None  # type: ignore[assignment]
    out = []
    for args in batch:
        s = item_seed(seed, int(args[0]))
        random.seed(s)
        if np is not None:
            np.random.seed(s)
        out.append(fn(args))
    return out


def run_batches(
    executor: Executor,
    fn: Callable[[Any], R],
    items: Iterable[Sequence[Any]],
    *,
    land: Callable[[list[R]], None],
    batch_size: int = 64,
    seed: int = 0,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Run ``fn`` over ``items`` (tuples whose first element is the item id) in id-ordered
    batches of at most ``batch_size`` on ``executor``; ``land`` receives each batch's results in order. Returns the number
    of items done."""
    ordered = sorted(items, key=lambda a: int(a[0]))
    # at least ~4 batches per worker, so a small job of heavy items still spreads out (results
    # do not depend on the cut: seeds are per item)
    size = max(1, min(batch_size, -(-len(ordered) // (max(1, executor.workers) * 4))))
    batches = [ordered[i : i + size] for i in range(0, len(ordered), size)]
    done = 0
    tasks = [(fn, seed, b) for b in batches]
    for results in executor.map(run_seeded_batch, tasks, chunksize=1):
        land(results)
        done += len(results)
        if progress:
            progress(len(results))
    return done
