"""Found by a trial user: an import's error named the server's own folders
(``/srv/…/imports/nope does not exist``) and a bare ``.`` (``yolo: .: no data.yaml``). A
remote client sees paths as it gave them, relative to the import root."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.unit.production.image_helpers import image_spec


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def test_import_errors_name_no_server_folder(client: TestClient, runtime: Runtime) -> None:
    pm = login(client, "pm")
    root = runtime.settings.resolved_import_root()
    (root / "empty").mkdir(parents=True)
    pid = client.post(f"{API}/projects", json=image_spec(), headers=pm).json()["id"]
    for body, expected in (
        ({"path": "nope"}, "nope does not exist"),
        ({"path": "empty", "format": "yolo"}, "yolo: the import folder"),
        ({"path": "empty", "format": "coco"}, "coco: the import folder"),
    ):
        r = client.post(f"{API}/projects/{pid}/imports", json=body, headers=pm)
        assert r.status_code == 422, r.text
        text = r.text
        assert expected in r.json()["detail"], text
        assert str(root) not in text and str(root.resolve()) not in text
        assert ": .:" not in text
