"""The Ray executor: the same pure jobs as the local pool, as Ray tasks on a cluster.

Selected with ``DATAMILL_ENGINE=ray``; ``DATAMILL_RAY_ADDRESS`` points at the cluster (``auto``
for the one this node belongs to, ``ray://head:10001`` for a remote one); unset, a local Ray
instance is started with ``workers`` CPUs. Each chunk of arguments is one task; at most a few
tasks per CPU are in flight, and results are yielded in input order.

A worker process that dies mid-task (killed, out of memory, node lost) is survived: Ray
re-executes the task (``max_retries``) — safe because jobs are pure and their results only land
once, keyed by item id, in the driver.

On a real cluster: install the same datamill (``pip install 'datamill[ray]'``, same version of
Ray and Python) on every node; ``ray start --head`` on one, ``ray start --address=HEAD:6379`` on
the others; give every node the blobs at the same path (a shared folder for
``DATAMILL_STORAGE_URL``/``DATAMILL_HOME``) because jobs receive file paths; then run the
datamill command on a cluster node with ``DATAMILL_ENGINE=ray DATAMILL_RAY_ADDRESS=auto``. Only
the driver (the datamill process) talks to the database.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from datamill.core.errors import DatamillError

__all__ = ["RayExecutor", "RayUnavailable"]

A = TypeVar("A")
R = TypeVar("R")


class RayUnavailable(DatamillError):
    """``DATAMILL_ENGINE=ray`` but Ray is not installed (``pip install 'datamill[ray]'``)."""

    code = "engine_unavailable"
    status = 503


def _raylet_messages_to_stderr() -> None:
    """Send the messages Ray's driver prints about its cluster ("(raylet) A worker died ...",
    "Task ... will be retried") to stderr: Ray writes them to stdout, where a ``--json``
    command's one JSON document goes. Ray's private printer is wrapped when it is there (it is
    in Ray 2.x); elsewhere nothing changes."""
    try:
        from ray._private import worker as ray_worker
    except ImportError:  # pragma: no cover - another Ray layout
        return
    printer = getattr(ray_worker, "print_to_stdstream", None)
    if printer is None or getattr(printer, "_datamill_stderr", False):
        return

    def to_stderr(data: dict[str, Any], ignore_prefix: bool) -> None:
        printer({**data, "is_err": True}, ignore_prefix)

    to_stderr._datamill_stderr = True  # type: ignore[attr-defined]
    ray_worker.print_to_stdstream = to_stderr


def _run_chunk(fn: Callable[[Any], Any], chunk: list[Any]) -> list[Any]:
    return [fn(a) for a in chunk]


class RayExecutor:
    """Map a job over arguments as Ray tasks (results in input order)."""

    name = "ray"

    def __init__(
        self, address: str | None = None, workers: int | None = None, *, max_retries: int = 3,
        init_options: dict[str, Any] | None = None,
    ) -> None:
        try:
            import ray
        except ImportError as exc:
            raise RayUnavailable(
                "the ray engine needs Ray: pip install 'datamill[ray]'"
            ) from exc
        self._ray = ray
        self.max_retries = max_retries
        self._started_here = False
        if not ray.is_initialized():
            opts: dict[str, Any] = {
                "include_dashboard": False, "log_to_driver": False,
                "configure_logging": False,
            }
            if address:
                opts["address"] = address
            else:
                opts["num_cpus"] = max(1, workers or os.cpu_count() or 1)
                # a local instance: keep its shared-memory store small, the jobs pass paths
                opts["object_store_memory"] = 128 * 1024 * 1024
                src = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
                path = os.pathsep.join(p for p in (src, os.environ.get("PYTHONPATH")) if p)
                opts["runtime_env"] = {"env_vars": {"PYTHONPATH": path}}
            opts.update(init_options or {})
            ray.init(**opts)
            self._started_here = True
        _raylet_messages_to_stderr()
        cpus = int(ray.cluster_resources().get("CPU", 1))  # type: ignore[no-untyped-call]
        self.workers = max(1, min(workers, cpus) if workers else cpus)
        self.window: int | None = None  # tasks in flight (default 3 per CPU)
        self._task = ray.remote(_run_chunk).options(num_cpus=1, max_retries=max_retries)

    def close(self) -> None:
        """Leave Ray running: a later job reuses the connection (see :meth:`shutdown`)."""

    def shutdown(self) -> None:
        if self._ray.is_initialized():
            self._ray.shutdown()

    def map(self, fn: Callable[[A], R], args: Iterable[A], chunksize: int = 4) -> Iterator[R]:
        ray = self._ray
        fn_ref = ray.put(fn)
        window = self.window or self.workers * 3
        pending: deque[Any] = deque()
        chunk: list[A] = []
        it = iter(args)
        exhausted = False
        while not exhausted or pending:
            while not exhausted and len(pending) < window:
                chunk = []
                for a in it:
                    chunk.append(a)
                    if len(chunk) >= chunksize:
                        break
                if not chunk:
                    exhausted = True
                    break
                pending.append(self._task.remote(fn_ref, chunk))
            if pending:
                yield from ray.get(pending.popleft())
