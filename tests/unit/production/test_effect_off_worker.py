"""An effect evaluation asked of the web server runs its model in a worker process, not in the
request's thread: a PocketSphinx decode holds the interpreter lock for a whole recording, so
in the thread it stalled every other request of that web worker (trial: 12 recordings, 105 s,
and uvicorn's health check killed the worker). The report is the one the same run gives in
this process."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.engine.local import shutdown_pools
from datamill.production.effect_evaluation import evaluate_batch
from datamill.production.inspection import create_batch
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.unit.production.helpers import new_workers_mapping, ready_project
from tests.unit.production.test_effect_evaluation import _annotate_speech


@pytest.mark.slow  # ~3 s to start the worker, two decodes of a short recording
@pytest.mark.parametrize("runtime", ["sqlite"], indirect=True)  # no database in the question
def test_the_api_decodes_in_a_worker_process_with_the_same_report(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = ready_project(runtime, users, tmp_path, 2)
    _annotate_speech(runtime, users, pid, wrong=set())
    with runtime.session() as s:
        batch_id = create_batch(s, pid).id
    shutdown_pools()  # no worker left warm by an earlier test: the one found is this run's
    before = {p.pid for p in multiprocessing.active_children()}
    with TestClient(create_app(runtime)) as client:
        r = client.post(f"{API}/batches/{batch_id}/effect-evaluations",
                        json={"sample": 1, "seed": 3}, headers=login(client, "pm"))
    assert r.status_code == 201, r.text
    decoders = new_workers_mapping(before, "_pocketsphinx")
    assert decoders, "the recogniser ran in the web worker's own process"
    with runtime.session() as s:  # the same run here: the same report
        here = evaluate_batch(s, runtime.blobs, batch_id, users["pm"], sample=1, seed=3)
    made, same = r.json(), here.model_dump(mode="json")
    assert made["result"]["items_scored"] == 1 and made["result"] == same["result"]
    for key in ("id", "created_at"):
        made.pop(key), same.pop(key)
    assert made == same
