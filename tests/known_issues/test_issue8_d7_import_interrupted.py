"""Issue 8, defect 7: a killed import is marked interrupted and resumes without duplicates."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from datamill.compliance.users import create_user
from datamill.core.clock import utcnow
from datamill.core.errors import Conflict
from datamill.production.import_runs import list_import_runs, mark_interrupted_imports
from datamill.production.importing import import_source, resume_import
from datamill.production.models import ImportRun, Item
from datamill.runtime import Runtime
from tests._cli import run_cli
from tests._forkserver import run_script
from tests.known_issues._import_case import item_count, project, tones

FILES = 12

# A real import in its own process, slowed down (a commit after every file, 0.2 s per file) so
# that the test can kill it half-way. The process is forked from the tests' fork server
# (tests/_forkserver.py: datamill already imported; a new interpreter spent ~1.5 s of CPU a
# test on the imports), a process of its own all the same, killed with SIGKILL.
_DRIVER = """
import sys, time
from pathlib import Path
import datamill.production.importing as importing
from datamill.config import Settings
from datamill.runtime import Runtime

importing._CHUNK = 1
rt = Runtime.from_settings(Settings(), migrate=False)
with rt.session() as s:
    importing.import_source(s, rt.blobs, int(sys.argv[1]), Path(sys.argv[2]),
                            progress=lambda _n: time.sleep(0.2))
"""


def _env(rt: Runtime, home: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATAMILL_HOME": str(home),
        "DATAMILL_DATABASE_URL": rt.settings.resolved_database_url(),
        "DATAMILL_STORAGE_URL": rt.settings.resolved_storage_url(),
        "COLUMNS": "200",
    }


def _kill_mid_import(rt: Runtime, tmp_path: Path, pid: int, folder: Path) -> int:
    """Start the import in a process of its own, SIGKILL it once some files are in; the
    run's id."""
    driver = tmp_path / "import_driver.py"
    driver.write_text(_DRIVER, encoding="utf-8")
    proc = run_script(driver, [str(pid), str(folder)], _env(rt, tmp_path), tmp_path,
                      tmp_path / "import_driver.out")
    try:
        deadline = time.monotonic() + 120
        while item_count(rt, pid) < 3:
            assert proc.process.is_alive(), proc.finish(1)[1]
            assert time.monotonic() < deadline, "the import made no progress"
            time.sleep(0.05)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.process.join()
    assert proc.process.exitcode == -signal.SIGKILL
    with rt.session() as s:
        run = s.scalars(select(ImportRun).where(ImportRun.project_id == pid)).one()
        # the killed process could not clean up: without detection this stays "running" forever
        assert (run.status, run.pid) == ("running", proc.pid)
        assert run.heartbeat_at is not None
        return run.id


def _assert_complete(rt: Runtime, pid: int) -> None:
    with rt.session() as s:
        ids = s.scalars(select(Item.external_id).where(Item.project_id == pid)).all()
        runs = s.scalar(select(func.count()).select_from(ImportRun).where(ImportRun.project_id == pid))
    assert sorted(ids) == [f"utt{i:03d}" for i in range(FILES)]  # every file, none twice
    assert runs == 1


def _cli(rt: Runtime, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``datamill ARGS`` over the test's database, in this process (:func:`run_cli`: the
    killed import is the real process here; three more ``datamill`` processes cost ~1 s of CPU
    each in imports and proved nothing more)."""
    return run_cli(home, *args, DATAMILL_DATABASE_URL=rt.settings.resolved_database_url(),
                   DATAMILL_STORAGE_URL=rt.settings.resolved_storage_url())


def test_killed_import_is_listed_interrupted_and_resumes_by_id(runtime: Runtime, tmp_path: Path) -> None:
    folder = tmp_path / "audio"
    tones(folder, FILES)
    pid = project(runtime, name="killed")
    run_id = _kill_mid_import(runtime, tmp_path, pid, folder)
    already = item_count(runtime, pid)
    assert 3 <= already < FILES

    with runtime.session() as s:  # the CLI acts for a person (checked like the API)
        create_user(s, "root", "password1", "admin")
    listed = json.loads(_cli(runtime, tmp_path, "data", "imports", "killed", "--as", "root",
                             "--json").stdout)
    assert [(r["id"], r["status"]) for r in listed] == [(run_id, "interrupted")]
    human = _cli(runtime, tmp_path, "data", "imports", "killed", "--as", "root").stdout
    assert "interrupted" in human and "--resume" in human
    report = json.loads(_cli(runtime, tmp_path, "data", "import", "--resume", str(run_id),
                             "--as", "root", "--json").stdout)
    assert report["import_run_id"] == run_id
    assert (report["total"], report["imported"], report["duplicates"], report["rejected"]) == (FILES, FILES, 0, 0)
    _assert_complete(runtime, pid)
    with runtime.session() as s:
        assert s.get(ImportRun, run_id).status == "finished"  # type: ignore[union-attr]
        with pytest.raises(Conflict, match="already finished"):
            resume_import(s, runtime.blobs, run_id)


def test_killed_import_resumes_when_run_again(runtime: Runtime, tmp_path: Path) -> None:
    folder = tmp_path / "audio"
    tones(folder, FILES)
    pid = project(runtime, name="killed-again")
    run_id = _kill_mid_import(runtime, tmp_path, pid, folder)
    with runtime.session() as s:  # the same import, started again: detects the dead run, resumes it
        report = import_source(s, runtime.blobs, pid, folder)
    assert report.import_run_id == run_id
    assert (report.total, report.imported, report.duplicates) == (FILES, FILES, 0)
    _assert_complete(runtime, pid)
    with runtime.session() as s:  # and a later import of it is a no-op in a new run
        again = import_source(s, runtime.blobs, pid, folder)
    assert (again.imported, again.duplicates) == (0, FILES) and again.import_run_id != run_id


def test_stale_heartbeat_and_live_owner(runtime: Runtime, tmp_path: Path) -> None:
    pid = project(runtime, name="stale")
    now = utcnow()
    with runtime.session() as s:
        elsewhere_stale = ImportRun(project_id=pid, source="/a", host="other-host", pid=1,
                                    started_at=now - timedelta(hours=1), heartbeat_at=now - timedelta(minutes=11))
        elsewhere_fresh = ImportRun(project_id=pid, source="/b", host="other-host", pid=1,
                                    heartbeat_at=now - timedelta(minutes=1))
        here_alive = ImportRun(project_id=pid, source="/c", host=os.uname().nodename, pid=os.getpid(),
                               heartbeat_at=now)
        s.add_all([elsewhere_stale, elsewhere_fresh, here_alive])
        s.flush()
        ids = (elsewhere_stale.id, elsewhere_fresh.id, here_alive.id)
    with runtime.session() as s:
        assert mark_interrupted_imports(s, pid) == [ids[0]]
    with runtime.session() as s:
        statuses = {r.id: r.status for r in list_import_runs(s, pid)}
        assert statuses == {ids[0]: "interrupted", ids[1]: "running", ids[2]: "running"}
        with pytest.raises(Conflict, match="still running"):
            resume_import(s, runtime.blobs, ids[2])
        # the same source again while its import runs (alive) is refused, not run twice
        live = ImportRun(project_id=pid, source=str(tmp_path), host=os.uname().nodename, pid=os.getpid(),
                         heartbeat_at=utcnow())
        s.add(live)
        s.flush()
        with pytest.raises(Conflict, match="still running"):
            import_source(s, runtime.blobs, pid, tmp_path)


def test_a_source_that_cannot_be_read_fails_the_run_instead_of_offering_a_resume(
    runtime: Runtime, tmp_path: Path
) -> None:
    from datamill.core.errors import InvalidInput

    folder = tmp_path / "audio"
    tones(folder, 2)
    manifest = folder / "manifest.csv"
    # not UTF-8 (UTF-16 with a byte-order mark is read since the LLM trial: Latin-1 here)
    manifest.write_bytes("fïle,prompt\nutt000.wav,hello\n".encode("latin-1"))
    pid = project(runtime, name="unreadable")
    with runtime.session() as s, pytest.raises(InvalidInput):
        import_source(s, runtime.blobs, pid, manifest)
    with runtime.session() as s:
        runs = list_import_runs(s, pid)
        assert [r.status for r in runs] == ["failed"]
        with pytest.raises(Conflict, match="fix the source"):
            resume_import(s, runtime.blobs, runs[0].id)
    manifest.write_text("file,prompt\nutt000.wav,hello\n", encoding="utf-8")
    with runtime.session() as s:  # the fixed source imports in a new run
        report = import_source(s, runtime.blobs, pid, manifest)
    assert report.imported == 1 and report.import_run_id != runs[0].id
