"""Trial (LLM team, PostgreSQL): four concurrent imports of one ``conc.jsonl`` (200 records):
one imported 200, two reported ``rejected 200`` ("same bytes as item 'c0' (c0.json), which is
kept"), and a 409 "still running" named the run id another response reported as its own.

Now a record another import stored meanwhile under the same id with the same bytes counts as
present (``duplicates``), as a sequential re-import counts it; and two requests never both start
a run of one source: the second is told another import of it is still running (409,
``running_import_run_id``), and imported nothing.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from sqlalchemy import event, select

from datamill.core.errors import Conflict
from datamill.production import importing
from datamill.production.importing import import_source
from datamill.production.models import ImportRun, Item
from datamill.production.projects import create_project
from datamill.production.schemas import ImportReport
from datamill.runtime import Runtime
from tests.unit.modalities.llm._cases import spec

N = 20


def jsonl(path: Path, ids: range) -> Path:
    """``c<i>`` records, one a line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(
        {"id": f"c{i}", "prompt": f"Question number {i}: what is {i} plus {i}?",
         "responses": [{"id": "a", "content": f"It is {2 * i}."},
                       {"id": "b", "content": f"It is {2 * i + 1}."}]}) + "\n" for i in ids),
        encoding="utf-8")
    return path


def _project(rt: Runtime) -> int:
    with rt.session() as s:
        return create_project(s, spec("pairwise")).id


def test_records_another_import_stored_meanwhile_are_present(
    runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A has read the project and committed its first record when B imports the same records
    (another copy of the file); A then finds the others present (before: refused as copies)."""
    pid = _project(runtime)
    monkeypatch.setattr(importing, "_CHUNK", 1)  # A commits after each record
    a_src = jsonl(tmp_path / "a" / "conc.jsonl", range(N))
    b_src = jsonl(tmp_path / "b" / "conc.jsonl", range(N))
    paused, b_done = threading.Event(), threading.Event()
    seen = [0]
    reports: dict[str, ImportReport] = {}
    errors: list[BaseException] = []

    def progress(_n: int) -> None:
        seen[0] += 1
        if seen[0] == 2:  # the first record is committed: B runs through, then A goes on
            paused.set()
            assert b_done.wait(60)

    def run_a() -> None:
        try:
            with runtime.session() as s:
                reports["a"] = import_source(s, runtime.blobs, pid, a_src, progress=progress)
        except BaseException as err:  # noqa: BLE001 - re-raised by the test
            errors.append(err)
            paused.set()

    thread = threading.Thread(target=run_a)
    thread.start()
    try:
        assert paused.wait(60)
        with runtime.session() as s:
            reports["b"] = import_source(s, runtime.blobs, pid, b_src)
    finally:
        b_done.set()
        thread.join(60)
    assert not errors, errors
    b = reports["b"]
    assert (b.imported, b.duplicates, b.rejected) == (N - 1, 1, 0)
    a = reports["a"]
    assert (a.imported, a.duplicates, a.rejected, a.rejections) == (1, N - 1, 0, [])
    with runtime.session() as s:
        ids = list(s.scalars(select(Item.external_id).where(Item.project_id == pid)))
    assert sorted(ids) == sorted(f"c{i}" for i in range(N))


def test_one_source_imported_twice_at_once_starts_one_run(
    runtime: Runtime, tmp_path: Path
) -> None:
    """A has looked for a running import of ``conc.jsonl`` and found none, and not yet started
    its run, when B looks too. Before, both started a run (PostgreSQL) and B's report refused
    A's records as copies; now B waits for A's run to start and is told of it (409)."""
    pid = _project(runtime)
    src = jsonl(tmp_path / "in" / "conc.jsonl", range(N))
    looked, b_done = threading.Event(), threading.Event()
    a_thread: list[int] = []
    reports: dict[str, ImportReport] = {}
    errors: dict[str, BaseException] = {}

    def after(_conn: object, _cur: object, statement: str, *_args: object) -> None:
        if (threading.get_ident() in a_thread and "FROM import_runs" in statement
                and "ORDER BY import_runs.id DESC" in statement and not looked.is_set()):
            looked.set()
            b_done.wait(1.5)  # B gets through unless something holds it back

    def run(name: str) -> None:
        if name == "a":
            a_thread.append(threading.get_ident())
        try:
            with runtime.session() as s:
                reports[name] = import_source(s, runtime.blobs, pid, src)
        except BaseException as err:  # noqa: BLE001 - checked by the test
            errors[name] = err
        if name == "a":
            looked.set()
        else:
            b_done.set()

    event.listen(runtime.engine, "after_cursor_execute", after)
    try:
        first = threading.Thread(target=run, args=("a",))
        first.start()
        assert looked.wait(60)
        second = threading.Thread(target=run, args=("b",))
        second.start()
        first.join(60)
        second.join(60)
    finally:
        event.remove(runtime.engine, "after_cursor_execute", after)
    assert "a" not in errors, errors
    assert (reports["a"].imported, reports["a"].rejected) == (N, 0)
    if "b" in errors:  # B came while A ran
        err = errors["b"]
        assert isinstance(err, Conflict), err
        assert err.details == {"running_import_run_id": reports["a"].import_run_id}
        assert err.message.startswith("another import of this source is still running (import ")
    else:  # B came after A's run: its records are present
        b = reports["b"]
        assert (b.imported, b.duplicates, b.rejected) == (0, N, 0)
        assert b.import_run_id != reports["a"].import_run_id
    with runtime.session() as s:
        runs = list(s.scalars(select(ImportRun.status).where(ImportRun.project_id == pid)))
    assert runs.count("finished") == len(reports)
    assert "running" not in runs


@pytest.mark.parametrize("clients", [4])
def test_four_requests_at_once_report_no_rejection(
    runtime: Runtime, tmp_path: Path, clients: int
) -> None:
    pid = _project(runtime)
    src = jsonl(tmp_path / "in" / "conc.jsonl", range(N))
    start = threading.Barrier(clients)
    reports: list[ImportReport] = []
    conflicts: list[Conflict] = []
    errors: list[BaseException] = []

    def run() -> None:
        start.wait(30)
        try:
            with runtime.session() as s:
                reports.append(import_source(s, runtime.blobs, pid, src))
        except Conflict as err:
            conflicts.append(err)
        except BaseException as err:  # noqa: BLE001 - re-raised by the test
            errors.append(err)

    threads = [threading.Thread(target=run) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    assert sum(r.imported for r in reports) == N
    assert all(r.rejected == 0 for r in reports), [r.rejections[:1] for r in reports]
    ran = [r.import_run_id for r in reports]
    assert len(set(ran)) == len(ran)
    assert len(reports) + len(conflicts) == clients
