"""A real small speech project for the engine tests, and the checks job run through an executor."""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from datamill.engine import Executor, run_batches
from datamill.production.checking import _store, check_job
from datamill.production.importing import import_source
from datamill.production.models import CheckResult, Item, Project
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from datamill.testing.sentences import SENTENCES
from datamill.testing.synth import make_clipped, make_silent, synthesize
from tests._tools import process_folder
from tests.unit.production.helpers import spec

_FOLDER: list[Path] = []


def speech_folder() -> Path:
    """Six espeak-ng utterances, one clipped copy and one silent file (made once)."""
    if not _FOLDER:
        folder = process_folder("datamill-engine-")
        for i in range(6):
            synthesize(SENTENCES[i], folder / f"utt{i:03d}.wav", seed=i)
            (folder / f"utt{i:03d}.txt").write_text(SENTENCES[i], encoding="utf-8")
        make_clipped(folder / "utt000.wav", folder / "utt100.wav")
        make_silent(folder / "utt101.wav")
        _FOLDER.append(folder)
    return _FOLDER[0]


def speech_project(rt: Runtime) -> int:
    with rt.session() as s:
        p = create_project(s, spec(name="engine-asr"))
        pid = p.id
    with rt.session() as s:
        import_source(s, rt.blobs, pid, speech_folder())
    return pid


def check_args(rt: Runtime, pid: int) -> list[tuple[Any, ...]]:
    """The checks job's arguments for every item, as ``run_checks`` builds them."""
    with rt.session() as s:
        project = s.get(Project, pid)
        assert project is not None
        req = project.spec.get("requirements", {})
        return [
            (i.id, str(rt.blobs.local_path(i.sha256)), project.modality, req, i.prompt)
            for i in s.scalars(select(Item).where(Item.project_id == pid).order_by(Item.id))
        ]


def killing_check_job(args: tuple[Any, ...]) -> Any:
    """The checks job, except that the first time it meets ``victim`` it kills its own worker
    process (SIGKILL: no cleanup, as the OOM killer would)."""
    item_id, marker, victim, inner = args
    if item_id == victim and not os.path.exists(marker):
        Path(marker).write_text(str(os.getpid()))
        os.kill(os.getpid(), signal.SIGKILL)
    return check_job(inner)


def run_and_land(rt: Runtime, executor: Executor, fn: Any, args: list[Any]) -> int:
    """Run a checks job batch by batch and land every batch (replace per item, commit)."""

    def land(results: list[tuple[int, list[Any]]]) -> None:
        with rt.session() as s:
            for item_id, outcomes in results:
                item = s.get(Item, item_id)
                assert item is not None
                _store(s, item, outcomes)

    return run_batches(executor, fn, args, land=land, batch_size=3, seed=7)


def stored(rt: Runtime, pid: int) -> dict[str, Any]:
    """What landed: per item, its status and the sorted (check, passed, value) rows."""
    with rt.session() as s:
        out: dict[str, Any] = {}
        for item in s.scalars(select(Item).where(Item.project_id == pid)):
            rows = s.scalars(select(CheckResult).where(CheckResult.item_id == item.id)).all()
            out[item.external_id] = (
                item.status,
                sorted((r.name, r.passed, None if r.value is None else round(r.value, 9))
                       for r in rows),
            )
        n_rows = s.scalar(
            select(func.count()).select_from(CheckResult).join(Item).where(Item.project_id == pid)
        )
        out["_rows"] = n_rows
        return out
