"""A trial user's finding: ``PUT /api/v1/tasks/{id}/draft`` wanted ``payload`` while the
submission (``POST /tasks/{id}/annotations``) and the review take ``annotation`` (or speech's
``segments``), so a client that saved its work as it submits it got 422. A draft now takes the
submission's names; ``payload`` still works (the older name, deprecated in the OpenAPI) and
the answer carries both."""

from __future__ import annotations

from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.production.tasks import claim_next_task
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.unit.production.helpers import packaged_project

SEGMENTS = [{"start_ms": 0, "end_ms": 1500, "text": "the quick brown fox"}]


def test_a_draft_takes_the_submission_s_field_names(
    runtime: Runtime, users: dict[str, User]
) -> None:
    pid = packaged_project(runtime, [users["ann1"]], 1)
    with runtime.session() as s:
        task = claim_next_task(s, s.get(User, users["ann1"].id), pid, "annotate")
        assert task is not None
        url = f"{API}/tasks/{task.id}/draft"
    with TestClient(create_app(runtime)) as client:
        ann1 = login(client, "ann1")
        doc = {"objects": [{"kind": "box", "label": "car", "x": 1, "y": 2, "w": 3, "h": 4}]}
        r = client.put(url, json={"annotation": doc, "base_version": 0, "revision": 1},
                       headers=ann1)
        assert r.status_code == 200, r.text  # before: 422, payload missing
        assert r.json()["annotation"] == doc == r.json()["payload"]
        r = client.put(url, json={"segments": SEGMENTS, "base_version": 0, "revision": 2},
                       headers=ann1)
        assert r.status_code == 200 and r.json()["annotation"] == SEGMENTS, r.text
        old = client.put(url, json={"payload": [], "base_version": 0, "revision": 3},
                         headers=ann1)  # the older name still works
        assert old.status_code == 200 and old.json()["annotation"] == [], old.text
        got = client.get(url, headers=ann1).json()
        assert got["annotation"] == got["payload"] == [] and got["revision"] == 3
        for body in ({"base_version": 0, "revision": 4},
                     {"annotation": doc, "payload": doc, "base_version": 0, "revision": 4}):
            bad = client.put(url, json=body, headers=ann1)
            assert bad.status_code == 422, bad.text
            assert "annotation" in bad.text
        schemas = client.get(f"{API}/openapi.json").json()["components"]["schemas"]
        put = schemas["DraftPut"]["properties"]
        assert {"annotation", "segments", "payload"} <= set(put)
        assert put["payload"].get("deprecated") is True
        assert schemas["DraftOut"]["properties"]["payload"].get("deprecated") is True
