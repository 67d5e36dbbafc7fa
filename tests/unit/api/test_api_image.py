"""Issue 10 §1: an ``image`` project through the REST API, on the same endpoints as speech:
import, checks, pre-annotation (OpenCV faces), ImageAnnotation submissions (422 problems when
they break the label schema), review, batch, inspection, delivery and acceptance."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.unit.production.image_helpers import IMAGE_REQUIREMENTS, image_folder, image_spec


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def _ok(r: Any, code: int = 200) -> Any:
    assert r.status_code == code, r.text
    return r.json()


def test_image_project_through_the_api(client: TestClient, runtime: Runtime) -> None:
    h = {name: login(client, name) for name in ("pm", "ann1", "rev", "insp")}
    pm, ann1, rev, insp = h["pm"], h["ann1"], h["rev"], h["insp"]
    truth = image_folder(runtime.settings.resolved_import_root() / "photos")
    bad_acceptance = image_spec(name="bad", acceptance={"character_accuracy": 0.9})
    problem = client.post(f"{API}/projects", json=bad_acceptance, headers=pm)
    assert problem.status_code == 422
    assert "acceptance.region_accuracy: required" in problem.json()["detail"]
    # the face cascade's boxes go to "person": an engine no label takes is not run (h1)
    spec = image_spec(requirements={**IMAGE_REQUIREMENTS,
                                    "preannotation_labels": {"face": "person"}})
    pid = _ok(client.post(f"{API}/projects", json=spec, headers=pm), 201)["id"]
    for name in ("ann1", "rev", "insp"):
        _ok(client.post(f"{API}/projects/{pid}/members", json={"username": name}, headers=pm), 201)

    report = _ok(client.post(f"{API}/projects/{pid}/imports", json={"path": "photos"}, headers=pm),
                 201)
    assert (report["imported"], report["rejected"]) == (7, 1)
    checks = _ok(client.post(f"{API}/projects/{pid}/checks", headers=pm))
    assert (checks["passed"], checks["rejected"]) == (6, 1)
    items = _ok(client.get(f"{API}/projects/{pid}/items", params={"status": "passed"}, headers=pm))
    assert {i["volume"] for i in items["items"]} == {1}
    assert all(i["attributes"]["width"] > 0 for i in items["items"])
    pre = _ok(client.post(f"{API}/projects/{pid}/preannotate", json={"engine": "opencv-face"},
                          headers=pm))
    assert pre["items"] == 6

    _ok(client.post(f"{API}/projects/{pid}/packages", json={"stage": "annotate"}, headers=pm), 201)
    _ok(client.post(f"{API}/projects/{pid}/packages", json={"stage": "review"}, headers=pm), 201)
    for n in range(6):
        task = _ok(client.post(f"{API}/projects/{pid}/tasks/next", params={"stage": "annotate"},
                               headers=ann1))
        assert task["current"]["kind"] == "preannotation"
        assert task["current"]["segments"]["type"] == "image_annotation"
        body = {"annotation": truth[task["external_id"]].model_dump(mode="json"),
                "base_version": task["current_version"]}
        if n == 0:
            wrong = {**body, "annotation": {"objects": [
                {"kind": "box", "label": "truck", "x": 0, "y": 0, "w": 5, "h": 5}]}}
            r = client.post(f"{API}/tasks/{task['id']}/annotations", json=wrong, headers=ann1)
            assert r.status_code == 422 and "unknown class 'truck'" in r.json()["detail"]
            for bad in ('{"kind": "box", "label": "car", "x": NaN, "y": 1, "w": 5, "h": 5}',
                        '{"kind": "polygon", "label": "car", "points": [[1, 1], [Infinity, 2],'
                        ' [5, NaN]]}'):  # no NaN reaches a COCO file (it is not JSON)
                raw = f'{{"annotation": {{"objects": [{bad}]}}, "base_version": ' \
                      f'{task["current_version"]}}}'
                r = client.post(f"{API}/tasks/{task['id']}/annotations", content=raw,
                                headers={**ann1, "content-type": "application/json"})
                detail = r.json()["detail"]  # the plugin's words, or the storable-value check's
                assert r.status_code == 422, r.text
                assert "finite number" in detail or "JSON cannot hold (nan)" in detail, r.text
            both = {**body, "segments": []}
            r = client.post(f"{API}/tasks/{task['id']}/annotations", json=both, headers=ann1)
            assert r.status_code == 422
        _ok(client.post(f"{API}/tasks/{task['id']}/annotations", json=body, headers=ann1), 201)
    for _ in range(6):
        rt = _ok(client.post(f"{API}/projects/{pid}/tasks/next", params={"stage": "review"},
                             headers=rev))
        _ok(client.post(f"{API}/tasks/{rt['id']}/review", json={"verdict": "accept"}, headers=rev))

    batch = _ok(client.post(f"{API}/projects/{pid}/batches", headers=pm), 201)
    inspection = _ok(client.post(f"{API}/batches/{batch['id']}/inspections", headers=insp), 201)
    first = inspection["sample"][0]
    for wrong in ({"kind": "box", "label": "truck", "x": 1, "y": 1, "w": 5, "h": 5},
                  {"kind": "box", "label": "car", "x": 1, "y": 1, "w": 5000, "h": 5}):
        r = client.put(f"{API}/inspections/{inspection['id']}/samples/{first['item_id']}",
                       json={"corrected_text": json.dumps({"objects": [wrong]})}, headers=insp)
        assert r.status_code == 422, r.text  # the inspector's truth obeys the spec too
        assert "the correction of item" in r.json()["detail"]
    for s in inspection["sample"]:
        moved = json.loads(s["delivered_text"])
        for obj in moved["objects"]:  # every box shrunk far off, every line misread
            if obj["kind"] == "box":
                obj["x"], obj["w"] = obj["x"] / 4, max(1.0, obj["w"] / 4)
            else:
                obj["transcription"] = "zz"
        _ok(client.put(f"{API}/inspections/{inspection['id']}/samples/{s['item_id']}",
                       json={"corrected_text": json.dumps(moved)}, headers=insp))
    live = _ok(client.get(f"{API}/inspections/{inspection['id']}/scores", headers=pm))
    done = _ok(client.post(f"{API}/inspections/{inspection['id']}/complete", headers=insp))
    assert "region_accuracy" in done["scores"] and "mean_iou" in done["scores"]
    assert done["verdict"] == "rejected" and done["scores"]["defective_items"] >= 1
    assert "defective_utterances" not in done["scores"]  # a speech word, not an image one
    # the live scores the inspection page shows are the API's too, and agree with the verdict
    assert live["scored"] == len(inspection["sample"])
    assert live["region_accuracy"] == done["scores"]["region_accuracy"]
    assert live["defective_items"] == done["scores"]["defective_items"]
    # rework: the annotators resubmit, the reviewer accepts, a fair inspection accepts; each
    # sampled item comes back with the inspector's version of it
    sampled = {s["item_id"] for s in inspection["sample"]}
    for _ in range(6):
        task = _ok(client.post(f"{API}/projects/{pid}/tasks/next", params={"stage": "annotate"},
                               headers=ann1))
        assert "rejected:" in task["return_reason"]
        found = task["item_id"] in sampled  # its annotation is data, never in the sentence
        assert ("found this item defective" in task["return_reason"]) == found
        assert "{" not in task["return_reason"]
        version = task["return_params"].get("version")
        assert (version is not None and version["type"] == "image_annotation") == found
        body = {"annotation": truth[task["external_id"]].model_dump(mode="json"),
                "base_version": task["current_version"]}
        _ok(client.post(f"{API}/tasks/{task['id']}/annotations", json=body, headers=ann1), 201)
    for _ in range(6):
        rt = _ok(client.post(f"{API}/projects/{pid}/tasks/next", params={"stage": "review"},
                             headers=rev))
        _ok(client.post(f"{API}/tasks/{rt['id']}/review", json={"verdict": "accept"}, headers=rev))
    batch = _ok(client.post(f"{API}/projects/{pid}/batches", headers=pm), 201)
    inspection = _ok(client.post(f"{API}/batches/{batch['id']}/inspections", headers=insp), 201)
    for s in inspection["sample"]:
        _ok(client.put(f"{API}/inspections/{inspection['id']}/samples/{s['item_id']}",
                       json={"corrected_text": s["delivered_text"]}, headers=insp))
    done = _ok(client.post(f"{API}/inspections/{inspection['id']}/complete", headers=insp))
    assert done["verdict"] == "accepted", done["reasons"]

    delivery = _ok(client.post(f"{API}/batches/{batch['id']}/deliveries",
                               json={"formats": ["coco", "yolo", "paddleocr_det"]}, headers=pm),
                   201)
    root = Path(delivery["path"])
    assert (root / "coco" / "annotations.json").is_file()
    assert (root / "yolo" / "data.yaml").is_file() or any((root / "yolo").iterdir())
    assert delivery["delivered_items"] == 6
    assert delivery["delivered_utterances"] is None  # the speech name: six images are no utterances
    assert delivery["datasheet"]["volume"]["unit"] == "images"
    _ok(client.post(f"{API}/deliveries/{delivery['id']}/acceptance",
                    json={"accepted_duration_ms": 6, "accepted_utterances": 6}, headers=pm))
    stats = _ok(client.get(f"{API}/projects/{pid}/stats", headers=pm))
    assert (stats["volume"], stats["volume_unit"], stats["duration_ms"]) == (7, "images", None)
    assert stats["usable_volume"] == 6  # the image the checks rejected is not usable volume
    # the dashboard counts images, not hours (an image once showed 0.000 "hours")
    board = _ok(client.get(f"{API}/projects/{pid}/dashboard", headers=pm))
    assert board["throughput"]["unit"] == "images"
    assert sum(p["volume"] for p in board["progress"]) == 7.0
    assert {p["unit"] for p in board["progress"]} == {"images"}
    ann_row = next(w for w in board["throughput"]["per_worker"] if w["worker"] == "ann1")
    assert ann_row["volume"] == ann_row["items"] > 0
    # a reviewer's accepts are work too (12 verdicts over two rounds), not only their edits
    rev_row = next(w for w in board["throughput"]["per_worker"] if w["worker"] == "rev")
    assert rev_row["items"] == 12
    assert client.get(f"{API}/projects/{pid}/dashboard").status_code == 401


def test_project_dashboard_cli_speaks_the_modality_unit(
    runtime: Runtime, users: dict[str, User], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from datamill.cli import _common
    from datamill.cli.main import app
    from tests.unit.production.image_helpers import make_image_project

    pid = make_image_project(runtime, users, tmp_path / "img", n=2)
    monkeypatch.setattr(_common, "_runtime", [runtime])
    res = CliRunner().invoke(app, ["project", "dashboard", str(pid), "--json", "--as", "pm"])
    assert res.exit_code == 0, res.output
    board = json.loads(res.output)
    assert board["throughput"]["unit"] == "images"
    assert sum(p["items"] for p in board["progress"]) == sum(p["volume"] for p in board["progress"])
    text = CliRunner().invoke(app, ["project", "dashboard", str(pid), "--as", "pm"])
    assert text.exit_code == 0 and "images" in text.output, text.output
    # an annotator at the prompt sees the image's size, not "None ms"
    task = CliRunner().invoke(app, ["work", "next", str(pid), "--as", "ann1"])
    assert task.exit_code == 0, task.output
    assert "None" not in task.output and " ms" not in task.output
    assert re.search(r"\(width \d+, height \d+, format PNG\)", task.output), task.output
