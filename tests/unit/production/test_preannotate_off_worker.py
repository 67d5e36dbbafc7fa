"""A pre-annotation asked of the web server runs its model in a worker process, not in the
request's thread: a PocketSphinx decode holds the interpreter lock for a whole recording, so
in the thread (the local engine timed its first items there, and ran every item there with one
worker) it stalled every other request of that web worker. The suggestions are the ones the
same run gives in this process (the CLI's way, unchanged)."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from datamill.assist.runner import preannotate_project
from datamill.compliance.models import User
from datamill.engine.local import shutdown_pools
from datamill.production.models import Annotation, Item
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.unit.production.helpers import new_workers_mapping, ready_project


@pytest.mark.slow  # ~3 s to start the worker, a decode of a short recording each way
@pytest.mark.parametrize("runtime", ["sqlite"], indirect=True)  # no database in the question
def test_the_api_decodes_in_a_worker_process_with_the_same_suggestions(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = ready_project(runtime, users, tmp_path, 1)
    shutdown_pools()  # no worker left warm by an earlier test: the one found is this run's
    before = {p.pid for p in multiprocessing.active_children()}
    with TestClient(create_app(runtime)) as client:
        r = client.post(f"{API}/projects/{pid}/preannotate", headers=login(client, "pm"))
    assert r.status_code == 200, r.text
    decoders = new_workers_mapping(before, "_pocketsphinx")
    assert decoders, "the recogniser ran in the web worker's own process"
    with runtime.session() as s:  # the same run here, the CLI's way: the same suggestions
        for item in s.scalars(select(Item).where(Item.project_id == pid)):
            assert item.status == "preannotated"
            item.status = "passed"
        s.commit()
        here = preannotate_project(s, runtime.blobs, pid, workers=1)
        rows = s.execute(select(Annotation.item_id, Annotation.version, Annotation.model,
                                Annotation.payload, Annotation.text)
                         .join(Item, Item.id == Annotation.item_id)
                         .where(Item.project_id == pid, Annotation.kind == "preannotation")
                         .order_by(Annotation.id)).all()
    assert r.json() == {**here, "skipped": None}
    made = {i: (m, p, t) for i, v, m, p, t in rows if v == 1}
    again = {i: (m, p, t) for i, v, m, p, t in rows if v == 2}
    assert len(made) == 1 and made == again
    assert all(t for _, _, t in made.values())  # the recogniser heard something
