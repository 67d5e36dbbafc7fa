"""A text or LLM check from the CLI (``isolate``: no file decoded in the command's process)
started ``run_apart``'s two worker processes and sent them 16 items a call, so each worker
imported datamill and loaded lingua's models (~3.7 s CPU a process): a 32-record LLM recheck
took 26 s wall, 10 s CPU in the workers, against 7.6 s and 4.1 s checked here; ``--workers 2``
chose the same and lost as much. Their checks decode nothing in native code a file can
crash (``checks_need_isolation`` false), so an isolating run checks them in this process."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from datamill.demo.text_demo import NER_SPEC
from datamill.engine.local import shutdown_pools
from datamill.modalities.text.sources import prepare_text_source
from datamill.production.checking import run_checks
from datamill.production.importing import import_source
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from tests.unit.modalities.llm._cases import PAIR_RECORDS, spec, write_jsonl


def _workers_started(runtime: Runtime, pid: int, workers: int | None) -> tuple[int, int]:
    """(items checked, worker processes alive) after an isolating recheck, as the CLI runs it."""
    shutdown_pools()  # no warm worker left by another test
    with runtime.session() as s:
        summary = run_checks(s, runtime.blobs, pid, recheck=True, workers=workers, isolate=True)
    started = len(multiprocessing.active_children())
    shutdown_pools()
    return summary.checked, started


def test_an_isolating_llm_recheck_starts_no_worker(runtime: Runtime, tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "pairs.jsonl", PAIR_RECORDS)
    with runtime.session() as s:
        pid = create_project(s, spec()).id
    with runtime.session() as s:
        assert import_source(s, runtime.blobs, pid, src).imported == 3
    assert _workers_started(runtime, pid, None) == (3, 0)
    assert _workers_started(runtime, pid, 2) == (3, 0)  # more workers asked: still none


def test_an_isolating_text_recheck_starts_no_worker(runtime: Runtime, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("".join(f"第{i}条：北京今天天气很好，我们去公园散步。\n" for i in range(5)),
                      encoding="utf-8")
    prepare_text_source(corpus, tmp_path / "prepared")
    with runtime.session() as s:
        pid = create_project(s, {**NER_SPEC, "name": "text-here"}).id
    with runtime.session() as s:
        assert import_source(s, runtime.blobs, pid, tmp_path / "prepared" / "manifest.jsonl"
                             ).imported == 5
    assert _workers_started(runtime, pid, 2) == (5, 0)


def test_the_servers_llm_rechecks_share_one_warm_worker(runtime: Runtime, tmp_path: Path) -> None:
    """The API checks apart from the web worker (lingua holds the interpreter lock ~3.7 s
    while its models load): in run_apart's two workers each loaded them, the first two
    rechecks paid 5.1 s and 4.1 s. Now one light worker serves every call, and loads once."""
    src = write_jsonl(tmp_path / "pairs.jsonl", PAIR_RECORDS)
    with runtime.session() as s:
        pid = create_project(s, spec()).id
    with runtime.session() as s:
        assert import_source(s, runtime.blobs, pid, src).imported == 3
    shutdown_pools()
    seen = []
    try:
        for _ in range(3):
            with runtime.session() as s:
                assert run_checks(s, runtime.blobs, pid, recheck=True, workers=1,
                                  apart=True).checked == 3
            seen.append(sorted(p.pid for p in multiprocessing.active_children()))
    finally:
        shutdown_pools()
    assert len(seen[0]) == 1 and seen == [seen[0]] * 3, seen
