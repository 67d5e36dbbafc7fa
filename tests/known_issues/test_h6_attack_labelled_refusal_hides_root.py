"""Helper h6 (attacker): a pre-labelled import refused over a file outside its folder named the
server's import root in the API's answer.

Found against a live server: ``POST /projects/{id}/imports`` with a Kaldi folder whose
``wav.scp`` names ``../../../outside/s.wav`` answered 422 with ``each[].name`` =
``/srv/.../imports/kal/../../../outside/s.wav``: the error's nested problem list kept the
absolute path that the message and the flat details had been cleaned of (the import root is
none of the client's business, and the web's upload folder neither)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.modalities.image.synth import render_object_scene
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.known_issues.test_issue10_s3_labelled_import import _coco, _project


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def test_a_refused_labelled_source_names_no_server_folder(
    client: TestClient, runtime: Runtime
) -> None:
    pm = login(client, "pm")
    root = runtime.settings.resolved_import_root()
    root.mkdir(parents=True, exist_ok=True)
    render_object_scene(7).save(root / "outside.png")
    doc = _coco(root / "trick")
    doc["images"][0]["file_name"] = "../outside.png"
    (root / "trick" / "annotations.json").write_text(json.dumps(doc), encoding="utf-8")
    pid = _project(client, pm, "trick-root")
    r = client.post(f"{API}/projects/{pid}/imports", json={"path": "trick", "format": "coco"},
                    headers=pm)
    assert r.status_code == 422 and "escapes the import folder" in r.text, r.text
    for base in {str(root), str(root.resolve())}:
        assert base not in r.text, r.text
    names = [p.get("name") for p in r.json()["each"]]
    assert "trick/../outside.png" in names, names  # as the client's folder names it
