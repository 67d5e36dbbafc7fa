"""Trial (second user, 2026-12-04): after a project was classified above their clearance, its
annotator could still download the audio of an item they had worked on (the media route asked
the item's own sensitivity and that they held a task, never the project's level), while its
tasks answered 403. The item's media are shut too now, and both answer as for ids never
given out (404): the project is hidden from them."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from datamill.compliance.classification import set_classification
from datamill.compliance.models import User
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.unit.production.helpers import ready_project


def test_classifying_the_project_shuts_the_media_of_items_worked_on(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = ready_project(runtime, users, tmp_path, 2)
    with TestClient(create_app(runtime)) as client:
        pm, ann = login(client, "pm"), login(client, "ann1")
        assert client.post(f"{API}/projects/{pid}/packages", headers=pm,
                           json={"stage": "annotate"}).status_code in (200, 201)
        task = client.post(f"{API}/projects/{pid}/tasks/next", headers=ann).json()
        media = f"{API}/projects/{pid}/items/{task['item_id']}/media"
        assert client.get(media, headers=ann).status_code == 200  # the holder hears it
        with runtime.session() as s:
            set_classification(s, users["admin"], pid, "secret")
        # shut as for ids never given out: the project is hidden from them now
        assert client.get(f"{API}/tasks/{task['id']}", headers=ann).status_code == 404
        refused = client.get(media, headers=ann)
        assert refused.status_code == 404, refused.text
