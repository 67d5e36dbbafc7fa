"""A subject's take is checked in a worker process, not in the upload request's thread: a
read-speech alignment holds the interpreter lock ~0.5 s a take, so with four subjects
uploading, every other request of that web worker waited (``GET /readyz`` p50 583 ms, max
1.9 s, SQLite), and on SQLite the check's transaction held the writer lock meanwhile. The
verdict is the one the check gives in this process (the demo's way, unchanged)."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from datamill.collection import staff
from datamill.compliance.models import User
from datamill.engine.local import shutdown_pools
from datamill.production.checking import run_checks
from datamill.production.models import CheckResult
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.unit.production.helpers import new_workers_mapping

from .helpers import PROMPTS, collection_project, invite, speech

API = "/api/v1"


@pytest.mark.slow  # ~2 s to start the worker and import the audio checks there
@pytest.mark.parametrize("runtime", ["sqlite"], indirect=True)  # no database in the question
def test_a_take_is_checked_in_a_worker_process_with_the_same_verdict(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = collection_project(runtime, users)
    token = {"X-Collect-Token": invite(runtime, users, pid, "s1")}
    with runtime.session() as s:
        prompt_id = staff.list_prompts(s, s.merge(users["pm"]), pid)[0]["id"]
    shutdown_pools()  # no worker left warm by an earlier test: the one found is this run's
    before = {p.pid for p in multiprocessing.active_children()}
    with TestClient(create_app(runtime)) as client:
        assert client.post(f"{API}/collect/visit/consent", json={
            "signature": "Sam Subject", "version": 1}, headers=token).status_code == 200
        assert client.post(f"{API}/collect/visit/demographics", json={
            "gender": "female", "age": 21}, headers=token).status_code == 200
        r = client.post(f"{API}/collect/visit/prompts/{prompt_id}/recording",
                        content=speech(tmp_path, PROMPTS[0], "p0.wav"),
                        headers={**token, "Content-Type": "audio/wav"})
    assert r.status_code == 201, r.text
    decoders = new_workers_mapping(before, "libsndfile")
    assert decoders, "the take was decoded in the web worker's own process"
    made = r.json()
    assert made["passed"] and made["status"] == "passed"
    query = (select(CheckResult.name, CheckResult.passed, CheckResult.value, CheckResult.extra)
             .where(CheckResult.item_id == made["item_id"]).order_by(CheckResult.name))
    with runtime.session() as s:
        there = s.execute(query).all()
        summary = run_checks(s, runtime.blobs, pid, recheck=True, workers=1,
                             only=[made["item_id"]])  # here, the demo's way
        assert (summary.checked, summary.passed) == (1, 1)
        assert s.execute(query).all() == there
