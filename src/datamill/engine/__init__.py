"""Batch execution of pure item jobs: a warm local process pool by default, Ray on a cluster."""

from datamill.engine.base import Executor, item_seed, make_executor, run_batches, run_seeded_batch
from datamill.engine.local import LocalExecutor

__all__ = [
    "Executor", "LocalExecutor", "item_seed", "make_executor", "run_batches", "run_seeded_batch",
]
