"""Import runs: which process owns a running import, and which runs died (``interrupted``).

A running import records its host and process id and beats ``heartbeat_at`` at every commit
(at least every ``HEARTBEAT_S`` seconds). A run whose process is gone (same host) or whose
heartbeat is older than ``STALE_AFTER`` (any host) is marked ``interrupted``; such a run can be
resumed, which skips the files it already imported.
"""

from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from datamill.core.clock import utcnow
from datamill.core.errors import Conflict
from datamill.db.lookup import get_or_raise
from datamill.production.models import ImportRun
from datamill.production.schemas import ImportRunOut

__all__ = [
    "HEARTBEAT_S",
    "STALE_AFTER",
    "claim_import_run",
    "ensure_resumable",
    "get_import_run",
    "list_import_runs",
    "mark_interrupted_imports",
    "this_process",
]

HEARTBEAT_S = 30.0
STALE_AFTER = timedelta(minutes=10)


def this_process() -> tuple[str, int]:
    """(host name, process id) recorded as a running import's owner."""
    return socket.gethostname()[:255], os.getpid()


def _process_gone(run: ImportRun, host: str) -> bool:
    """Whether the run's owning process, on this host, no longer exists."""
    if os.name != "posix" or run.host != host or run.pid is None or run.pid <= 0:
        return False
    if run.pid == os.getpid():
        return False  # this process: another thread may be running it; the heartbeat decides
    try:
        os.kill(run.pid, 0)  # signal 0: existence check only
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # exists, owned by someone else
    return False


def _stale(run: ImportRun, now: datetime) -> bool:
    return now - (run.heartbeat_at or run.started_at) > STALE_AFTER


def mark_interrupted_imports(session: Session, project_id: int | None = None) -> list[int]:
    """Mark ``running`` imports whose process is gone or heartbeat is stale ``interrupted``.

    Returns the ids marked (flushed, not committed).
    """
    q = select(ImportRun).where(ImportRun.status == "running")
    if project_id is not None:
        q = q.where(ImportRun.project_id == project_id)
    host, _pid = this_process()
    now = utcnow()
    marked = []
    for run in session.scalars(q.order_by(ImportRun.id)):
        if _process_gone(run, host) or _stale(run, now):
            run.status = "interrupted"
            marked.append(run.id)
    if marked:
        session.flush()
    return marked


def list_import_runs(session: Session, project_id: int) -> list[ImportRunOut]:
    """A project's import runs, newest first (dead ``running`` ones marked interrupted first)."""
    if mark_interrupted_imports(session, project_id):
        session.commit()
    runs = session.scalars(
        select(ImportRun).where(ImportRun.project_id == project_id).order_by(ImportRun.id.desc())
    )
    return [ImportRunOut.model_validate(r) for r in runs]


def get_import_run(session: Session, run_id: int) -> ImportRun:
    run = get_or_raise(session, ImportRun, run_id, "import run", import_run_id=run_id)
    return run


def ensure_resumable(session: Session, run: ImportRun) -> None:
    """Raise unless ``run`` is interrupted (a dead ``running`` run is marked so first).

    Raises:
        Conflict: The run is still running, or already finished.
    """
    if run.status == "running":
        mark_interrupted_imports(session, run.project_id)
    if run.status == "finished":
        raise Conflict(
            f"import {run.id} already finished; import the source again to add new files",
            import_run_id=run.id,
        )
    if run.status == "failed":
        raise Conflict(
            f"import {run.id} failed on its source, which would fail again; fix the source "
            "and import it again (what the run imported is kept and skipped)",
            import_run_id=run.id,
        )
    if run.status != "interrupted":
        raise Conflict(
            f"import {run.id} is still running (process {run.pid} on {run.host})",
            import_run_id=run.id,
        )


def claim_import_run(session: Session, run: ImportRun) -> None:
    """Take over an interrupted run for this process (atomically: one resumer wins).

    Raises:
        Conflict: The run is still running, or already finished.
    """
    ensure_resumable(session, run)
    host, pid = this_process()
    claimed = session.execute(
        update(ImportRun)
        .where(ImportRun.id == run.id, ImportRun.status == "interrupted")
        .values(status="running", host=host, pid=pid, heartbeat_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    session.refresh(run)
    if claimed != 1:
        ensure_resumable(session, run)
        raise Conflict(f"import {run.id} was taken over by another process", import_run_id=run.id)
