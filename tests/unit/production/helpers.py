"""Small real projects for the production tests (espeak-ng speech, real database)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event, insert

from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.production.checking import run_checks
from datamill.production.importing import import_source
from datamill.production.models import Item
from datamill.production.projects import create_project
from datamill.production.tasks import claim_next_task, create_packages
from datamill.runtime import Runtime
from datamill.testing.sentences import SENTENCES
from datamill.testing.synth import synthesize
from tests._tools import process_folder

_CACHE: dict[int, Path] = {}


def spec(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": "test-asr",
        "modality": "speech.asr",
        "language": "en-US",
        "project_type": "custom_service",
        "stages": ["annotate", "review"],
        "package_size": 2,
        "sampling": {"inspection_level": "II", "aql": 2.5},
        "acceptance": {"character_accuracy": 0.97, "sentence_accuracy": 0.9},
        "requirements": {"read_speech": False},
    }
    base.update(overrides)
    return base


def speech_folder(tmp: Path, n: int = 4) -> Path:
    """A folder of ``n`` espeak-ng utterances with sidecar prompts (synthesised once per n)."""
    if n not in _CACHE:
        folder = process_folder(f"datamill-speech-{n}-")
        for i in range(n):
            synthesize(SENTENCES[i], folder / f"utt{i:03d}.wav", seed=i)
            (folder / f"utt{i:03d}.txt").write_text(SENTENCES[i], encoding="utf-8")
        _CACHE[n] = folder
    return _CACHE[n]


def ready_project(
    rt: Runtime, users: dict[str, User], tmp: Path, n: int = 4, **spec_overrides: Any
) -> int:
    """Create a project, add everyone, import ``n`` utterances and run the checks."""
    with rt.session() as s:
        p = create_project(s, spec(**spec_overrides))
        for u in users.values():
            add_member(s, p.id, u, actor_id=None)
    with rt.session() as s:
        import_source(s, rt.blobs, p.id, speech_folder(tmp, n))
    with rt.session() as s:
        summary = run_checks(s, rt.blobs, p.id, workers=1)
        assert summary.passed == n, summary.rejections
    return p.id


def packaged_project(rt: Runtime, members: Iterable[User], n: int, **spec_overrides: Any) -> int:
    """A project whose ``n`` passed items wait in annotate packages, ``members`` added (item rows
    inserted directly: a claim or a submit reads no audio)."""
    with rt.session() as s:
        pid = create_project(s, spec(**spec_overrides)).id
        for u in members:
            add_member(s, pid, u, actor_id=None)
    with rt.engine.begin() as conn:
        conn.execute(insert(Item), [
            {"project_id": pid, "external_id": f"u{i:03d}", "sha256": "0" * 64,
             "filename": "a.wav", "size_bytes": 1, "status": "passed", "owner": "customer",
             "attributes": {"duration_ms": 1500, "sample_rate_hz": 16000, "channels": 1},
             "prompt": "the quick brown fox", "meta": {}, "reject_reasons": [],
             "current_version": 0, "created_at": datetime.now(UTC)}
            for i in range(n)])
    with rt.session() as s:
        create_packages(s, pid, "annotate")
    return pid


def claimed_task(rt: Runtime, user: User, pid: int, stage: str = "annotate") -> int:
    """The id of the task ``user`` claims next in project ``pid`` (one must be left)."""
    with rt.session() as s:
        task = claim_next_task(s, s.merge(user), pid, stage)
        assert task is not None, f"{user.username} has nothing to claim in project {pid}"
        return task.id


@contextlib.contextmanager
def statements(rt: Runtime) -> Iterator[list[str]]:
    """The SQL statements ``rt``'s engine sends while the block runs (BEGIN included)."""
    seen: list[str] = []

    def count(_conn: Any, _cur: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(rt.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(rt.engine, "before_cursor_execute", count)


def reviewed_batch(
    rt: Runtime, users: dict[str, User], spec_: dict[str, Any], source: Path,
    answer: Callable[[str], Any],
) -> int:
    """A project of ``spec_`` with everyone in it, ``source`` imported and checked (every item
    must pass), each item annotated by ann1 with ``answer(external id)`` and accepted by rev;
    the id of the batch made of it."""
    from datamill.production.annotating import review_task, submit_annotation
    from datamill.production.inspection import create_batch

    with rt.session() as s:
        pid = create_project(s, spec_).id
        for u in users.values():
            add_member(s, pid, u, actor_id=None)
    with rt.session() as s:
        imported = import_source(s, rt.blobs, pid, source).imported
    with rt.session() as s:
        summary = run_checks(s, rt.blobs, pid, workers=1)
        assert summary.passed == imported, summary.rejections
        create_packages(s, pid, "annotate")
        create_packages(s, pid, "review")
    while True:
        with rt.session() as s:
            t = claim_next_task(s, users["ann1"], pid, "annotate")
            if t is None:
                break
            submit_annotation(s, users["ann1"], t.id, answer(t.external_id),
                              base_version=t.current_version)
    while True:
        with rt.session() as s:
            r = claim_next_task(s, users["rev"], pid, "review")
            if r is None:
                break
            review_task(s, users["rev"], r.id, "accept")
    with rt.session() as s:
        return create_batch(s, pid).id


def new_workers_mapping(before: set[int | None], library: str) -> list[int]:
    """The child processes started since ``before`` (their pids) that have ``library`` mapped:
    where a heavy job really ran (``libsndfile`` decoding, ``_pocketsphinx`` recognising)."""
    import multiprocessing

    found = []
    for p in multiprocessing.active_children():
        if p.pid is None or p.pid in before:
            continue
        try:
            if library in Path(f"/proc/{p.pid}/maps").read_text():
                found.append(p.pid)
        except OSError:  # the process ended
            continue
    return found

