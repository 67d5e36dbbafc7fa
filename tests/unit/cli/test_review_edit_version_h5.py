"""A reviewer's edit makes a new annotation version: ``work review TASK edit --json`` and the
API's review answer say its number (the number a later edit or accept starts from). Before,
the answer held the task, item, verdict and item status only, so a script that edited had to
read the task again to learn the version it had just written."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.unit.cli._text_project import imported_text_project
from tests.unit.cli.test_cli import run
from tests.unit.production.image_helpers import make_image_project


def test_cli_review_edit_json_says_the_new_version(tmp_path: Path) -> None:
    home = imported_text_project(tmp_path, "rev-ver", {"zh1.txt": "张伟在北京的清华大学工作。"})
    run(home, "data", "check", "rev-ver", "--as", "root", "--json")
    run(home, "work", "package", "rev-ver", "--stage", "annotate", "--as", "root")
    task = json.loads(run(home, "work", "next", "rev-ver", "--as", "root", "--json").stdout)
    answer = {"spans": [{"start": 0, "end": 2, "label": "PER"}]}
    (tmp_path / "a.json").write_text(json.dumps(answer), encoding="utf-8")
    run(home, "work", "submit", str(task["id"]), "--base-version", "0", "--annotation",
        str(tmp_path / "a.json"), "--as", "root")
    review = json.loads(run(home, "work", "next", "rev-ver", "--stage", "review", "--as", "root",
                            "--json").stdout)
    fixed = {"spans": [{"start": 0, "end": 2, "label": "PER"}, {"start": 3, "end": 5,
                                                                "label": "LOC"}]}
    (tmp_path / "b.json").write_text(json.dumps(fixed), encoding="utf-8")
    out = json.loads(run(home, "work", "review", str(review["id"]), "edit", "--annotation",
                         str(tmp_path / "b.json"), "--as", "root", "--json").stdout)
    assert out["verdict"] == "edit" and out["item_status"] == "reviewed"
    assert out["version"] == review["current_version"] + 1 == 2


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def test_api_review_answer_says_the_version(
    client: TestClient, runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = make_image_project(runtime, users, tmp_path / "scenes", n=1)
    ann = login(client, "ann1")
    task = client.post(f"{API}/projects/{pid}/tasks/next", headers=ann).json()
    doc = {"objects": [{"kind": "box", "label": "car", "x": 1, "y": 2, "w": 30, "h": 20}],
           "classes": []}
    first = client.post(f"{API}/tasks/{task['id']}/annotations", headers=ann,
                        json={"annotation": doc, "base_version": 0})
    assert first.status_code == 201, first.text
    rev = login(client, "rev")
    review = client.post(f"{API}/projects/{pid}/tasks/next?stage=review", headers=rev).json()
    edited = review["current"]["annotation"]
    edited["objects"][0]["w"] = 40
    r = client.post(f"{API}/tasks/{review['id']}/review", headers=rev, json={
        "verdict": "edit", "annotation": edited, "base_version": review["current_version"]})
    assert r.status_code == 200, r.text
    assert r.json()["version"] == review["current_version"] + 1
