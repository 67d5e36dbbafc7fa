"""The local executor: a process pool over the machine's cores, results in input order.

Jobs are pure module-level functions over picklable arguments, so the same job can later run on
Ray or Dask with the same results.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

__all__ = ["LocalExecutor"]

A = TypeVar("A")
R = TypeVar("R")


class LocalExecutor:
    """Map a job over arguments with ``workers`` processes (1 = in this process)."""

    name = "local"

    def __init__(self, workers: int | None = None) -> None:
        self.workers = max(1, workers if workers is not None else (os.cpu_count() or 1))

    def map(self, fn: Callable[[A], R], args: Iterable[A], chunksize: int = 4) -> Iterator[R]:
        if self.workers == 1:
            yield from map(fn, args)
            return
        ctx = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx) as pool:
            yield from pool.map(fn, args, chunksize=chunksize)
