"""The start of an import run (:mod:`datamill.production.importing`): a new run, or the
interrupted run of the same source taken over, never two running at once for one source."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from datamill.core.clock import utcnow
from datamill.core.errors import Conflict, InvalidInput
from datamill.db.session import append_lock
from datamill.production._import_rows import printable
from datamill.production.import_runs import (
    claim_import_run,
    get_import_run,
    mark_interrupted_imports,
    this_process,
)
from datamill.production.models import ImportRejection, ImportRun

#: one advisory lock per project ("dmir"): held from the look for a running import of a source
#: to the commit of the new run, so two requests never both start one for the same source
_RUN_LOCKS = 0x64_6D_69_72 << 32


def _start_run(
    session: Session, project_id: int, source: Path, resume: int | None,
    options: dict[str, Any] | None,
) -> tuple[ImportRun, bool]:
    """A new run (committed, owned by this process), or the interrupted run taken over.

    The look for a running or interrupted run of the same source and the new run's insert
    happen under the project's run lock (PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` already
    serialises them), so of two requests importing one source at once, one runs and the other
    is told which run is importing it (409) or, once it finished, finds its items present.
    """
    append_lock(session, _RUN_LOCKS + project_id)
    mark_interrupted_imports(session, project_id)
    where = printable(os.path.abspath(source))
    run: ImportRun | None = None
    if resume is not None:
        run = get_import_run(session, resume)
        if run.project_id != project_id:
            raise InvalidInput(f"import {resume} belongs to another project", import_run_id=resume)
    else:  # running the same import again resumes the latest interrupted run of it
        run = session.scalars(
            select(ImportRun)
            .where(ImportRun.project_id == project_id, ImportRun.source == where,
                   ImportRun.status.in_(("interrupted", "running")))
            .order_by(ImportRun.id.desc())
            .limit(1)
        ).first()
        if run is not None and run.status == "running":
            raise Conflict(
                f"another import of this source is still running (import {run.id}, process"
                f" {run.pid} on {run.host}); this request imported nothing: wait for that import to"
                " finish (or resume it once it is interrupted), then import again to add what"
                " it did not take",
                running_import_run_id=run.id,
            )
    if run is not None:
        claim_import_run(session, run)
        session.execute(delete(ImportRejection).where(ImportRejection.import_run_id == run.id))
        run.total = run.imported = run.duplicates = run.rejected = 0
        run.options = options
        session.commit()
        return run, True
    host, pid = this_process()
    run = ImportRun(project_id=project_id, source=where, host=host, pid=pid, heartbeat_at=utcnow(),
                    options=options)
    session.add(run)
    session.commit()
    return run, False
