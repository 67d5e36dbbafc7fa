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
from tests.unit.production.image_helpers import image_folder, image_spec


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


def test_an_import_answer_names_no_server_folder(client: TestClient, runtime: Runtime) -> None:
    """Found attacking the API (trial h2): a successful import answered
    ``"source": "/srv/…/imports/batch1"``, the server's own folder, which its errors hide."""
    pm = login(client, "pm")
    root = runtime.settings.resolved_import_root()
    image_folder(root / "batch1")
    pid = client.post(f"{API}/projects", json=image_spec(), headers=pm).json()["id"]
    r = client.post(f"{API}/projects/{pid}/imports", json={"path": "batch1"}, headers=pm)
    assert r.status_code == 201, r.text
    got = r.json()
    assert got["imported"] > 0 and got["rejected"] > 0  # the bad images name their files
    assert got["source"] == "batch1"
    assert str(root) not in r.text and str(root.resolve()) not in r.text
