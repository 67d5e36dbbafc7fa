"""The checks asked of the web server run in a worker process, not in the request's thread:
decoding and forced alignment hold the interpreter lock (~0.2-0.5 s a read-speech file), and
with one worker the local engine checked every item in the request's thread, so every other
request of that web worker waited; on SQLite the run's transaction also held the one writer
lock, and ``GET /readyz`` waited for the whole run (12 recordings: p50 2.8 s, max 5.5 s). A
file whose bytes no longer decode is a failed check of that item, never an error of the run.
The outcomes are the ones the same run gives in this process (the CLI's way, unchanged)."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.engine.local import shutdown_pools
from datamill.production.checking import run_checks
from datamill.production.importing import import_source
from datamill.production.models import CheckResult, Item
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.unit.production.helpers import new_workers_mapping, spec, speech_folder


def _outcomes(runtime: Runtime, pid: int) -> list[tuple[object, ...]]:
    with runtime.session() as s:
        return [tuple(r) for r in s.execute(
            select(Item.external_id, Item.status, CheckResult.name, CheckResult.passed,
                   CheckResult.value, CheckResult.reason, CheckResult.extra)
            .join(CheckResult, CheckResult.item_id == Item.id)
            .where(Item.project_id == pid).order_by(Item.external_id, CheckResult.name))]


@pytest.mark.slow  # ~2 s to start the worker and import the audio checks there
@pytest.mark.parametrize("runtime", ["sqlite"], indirect=True)  # no database in the question
def test_the_api_checks_in_a_worker_process_with_the_same_outcomes(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    with runtime.session() as s:
        pid = create_project(s, spec()).id
        add_member(s, pid, users["pm"], actor_id=None)
    with runtime.session() as s:
        import_source(s, runtime.blobs, pid, speech_folder(tmp_path, 2))
        rotten = s.scalars(select(Item.sha256).where(Item.project_id == pid)
                           .order_by(Item.external_id)).first()
    assert rotten
    blob = runtime.blobs.local_path(rotten)  # the stored bytes went bad on disk
    os.chmod(blob, 0o600)
    blob.write_bytes(b"RIFF\x00\x00\x00\x00WAVEnot audio at all")
    shutdown_pools()  # no worker left warm by an earlier test: the one found is this run's
    before = {p.pid for p in multiprocessing.active_children()}
    with TestClient(create_app(runtime)) as client:
        r = client.post(f"{API}/projects/{pid}/checks", headers=login(client, "pm"))
    assert r.status_code == 200, r.text
    decoders = new_workers_mapping(before, "libsndfile")
    assert decoders, "the files were decoded in the web worker's own process"
    made = r.json()
    assert (made["checked"], made["passed"], made["rejected"]) == (2, 1, 1)
    assert made["rejections"][0]["item"] == "utt000"
    assert "decodable" in made["by_check"]
    there = _outcomes(runtime, pid)
    with runtime.session() as s:  # the same run here, the CLI's way: the same outcomes
        here = run_checks(s, runtime.blobs, pid, recheck=True, workers=1)
    assert here.model_dump() == made
    assert _outcomes(runtime, pid) == there
