"""Issue 10 §3: pre-labelled COCO / YOLO / VOC sources are imported into a project with their
labels (detected by the importers), all or nothing: the labels become each new item's first
version, which the annotator starts from; a bad label, a file outside the folder or an unknown
format refuses the whole import and stores nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app
from datamill.compliance.models import User
from datamill.modalities.image.synth import render_object_scene
from datamill.production.models import Annotation, ImportRun, Item
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.unit.production.image_helpers import image_spec


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def _coco(folder: Path, n: int = 2, **change: Any) -> dict[str, list[dict[str, Any]]]:
    """A COCO source of ``n`` rendered scenes; ``change`` edits the first annotation."""
    folder.mkdir(parents=True, exist_ok=True)
    cats = {"car": 1, "person": 2}
    doc: dict[str, list[dict[str, Any]]] = {
        "images": [], "annotations": [],
        "categories": [{"id": i, "name": n} for n, i in cats.items()]}
    for i in range(n):
        scene = render_object_scene(i, objects=2)
        scene.save(folder / f"scene{i}.png")
        doc["images"].append({"id": i + 1, "file_name": f"scene{i}.png", "width": 640,
                              "height": 480})
        for box in scene.annotation.objects:
            doc["annotations"].append({
                "id": len(doc["annotations"]) + 1, "image_id": i + 1,
                "category_id": cats[box.label], "bbox": [box.x, box.y, box.w, box.h]})  # type: ignore[union-attr]
    doc["annotations"][0].update(change)
    (folder / "annotations.json").write_text(json.dumps(doc), encoding="utf-8")
    return doc


def _project(client: TestClient, pm: dict[str, str], name: str) -> int:
    r = client.post(f"{API}/projects", json=image_spec(name=name), headers=pm)
    assert r.status_code == 201, r.text
    pid = int(r.json()["id"])
    assert client.post(f"{API}/projects/{pid}/members", json={"username": "ann1"},
                       headers=pm).status_code == 201
    return pid


def _counts(runtime: Runtime, pid: int) -> tuple[int, int]:
    with runtime.session() as s:
        items = s.scalar(select(func.count()).select_from(Item).where(Item.project_id == pid))
        runs = s.scalar(select(func.count()).select_from(ImportRun)
                        .where(ImportRun.project_id == pid))
    return int(items or 0), int(runs or 0)


def test_a_coco_source_arrives_with_its_labels_and_the_annotator_starts_from_them(
    client: TestClient, runtime: Runtime
) -> None:
    pm, ann1 = login(client, "pm"), login(client, "ann1")
    root = runtime.settings.resolved_import_root()
    doc = _coco(root / "coco")
    pid = _project(client, pm, "labelled")
    r = client.post(f"{API}/projects/{pid}/imports", json={"path": "coco", "format": "auto"},
                    headers=pm)
    assert r.status_code == 201, r.text
    report = r.json()
    assert (report["format"], report["imported"], report["labelled"]) == ("coco", 2, 2)
    with runtime.session() as s:
        pre = s.scalars(select(Annotation).join(Item).where(Item.project_id == pid)).all()
        assert {(a.version, a.kind, a.model) for a in pre} == {(1, "preannotation", "import:coco")}
    assert client.post(f"{API}/projects/{pid}/checks", headers=pm).json()["passed"] == 2
    assert client.post(f"{API}/projects/{pid}/packages", json={"stage": "annotate"},
                       headers=pm).status_code == 201
    task = client.post(f"{API}/projects/{pid}/tasks/next", params={"stage": "annotate"},
                       headers=ann1).json()
    assert task["current_version"] == 1
    boxes = {(o["label"], o["x"], o["y"], o["w"], o["h"])
             for o in task["current"]["segments"]["objects"]}
    image_id = int(task["external_id"].removeprefix("scene")) + 1
    assert boxes == {(cats, *a["bbox"]) for a in doc["annotations"] if a["image_id"] == image_id
                     for cats in [("car", "person")[a["category_id"] - 1]]}
    # the same source again: duplicates, nothing relabelled
    again = client.post(f"{API}/projects/{pid}/imports", json={"path": "coco", "format": "coco"},
                        headers=pm).json()
    assert (again["imported"], again["duplicates"], again["labelled"]) == (0, 2, 0)


@pytest.mark.parametrize(("change", "message"), [
    ({"category_id": 9}, "coco: annotations.json: annotations[0] (id 1) refers to category id 9"),
    ({"bbox": [600, 400, 200, 200]}, "scene0.png: "),
])
def test_one_bad_label_refuses_the_whole_source(
    client: TestClient, runtime: Runtime, change: dict[str, Any], message: str
) -> None:
    pm = login(client, "pm")
    _coco(runtime.settings.resolved_import_root() / "bad", **change)
    pid = _project(client, pm, "bad-labels")
    r = client.post(f"{API}/projects/{pid}/imports", json={"path": "bad", "format": "auto"},
                    headers=pm)
    assert r.status_code == 422 and message in r.text, r.text
    assert str(runtime.settings.resolved_import_root()) not in r.text  # no server paths
    assert _counts(runtime, pid) == (0, 0)  # no item, no import run


def test_a_file_outside_the_folder_or_an_unknown_format_is_refused(
    client: TestClient, runtime: Runtime
) -> None:
    pm = login(client, "pm")
    root = runtime.settings.resolved_import_root()
    root.mkdir(parents=True, exist_ok=True)
    render_object_scene(7).save(root / "outside.png")
    doc = _coco(root / "trick")
    doc["images"][0]["file_name"] = "../outside.png"
    (root / "trick" / "annotations.json").write_text(json.dumps(doc), encoding="utf-8")
    pid = _project(client, pm, "trick")
    r = client.post(f"{API}/projects/{pid}/imports", json={"path": "trick", "format": "coco"},
                    headers=pm)
    assert r.status_code == 422 and "escapes the import folder" in r.text, r.text
    assert "file ../outside.png escapes" in r.text  # media of any modality, not "image"
    r = client.post(f"{API}/projects/{pid}/imports", json={"path": "trick", "format": "kitti"},
                    headers=pm)
    assert r.status_code == 422 and "reads coco, yolo, voc" in r.text, r.text
    (root / "plain").mkdir()
    render_object_scene(1).save(root / "plain" / "a.png")
    r = client.post(f"{API}/projects/{pid}/imports", json={"path": "plain", "format": "auto"},
                    headers=pm)
    assert r.status_code == 422 and "in none of the formats" in r.text, r.text
    assert _counts(runtime, pid) == (0, 0)


def test_a_yolo_folder_through_the_cli(
    runtime: Runtime, users: dict[str, User], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "yolo"
    (src / "images").mkdir(parents=True)
    (src / "labels").mkdir()
    (src / "data.yaml").write_text(yaml.safe_dump({"names": ["car", "person"]}), "utf-8")
    for i in range(3):
        scene = render_object_scene(i, objects=2)
        scene.save(src / "images" / f"y{i}.png")
        lines = [f"{['car', 'person'].index(b.label)} {(b.x + b.w / 2) / 640} "  # type: ignore[union-attr]
                 f"{(b.y + b.h / 2) / 480} {b.w / 640} {b.h / 480}"  # type: ignore[union-attr]
                 for b in scene.annotation.objects]
        (src / "labels" / f"y{i}.txt").write_text("\n".join(lines), "utf-8")
    monkeypatch.setattr(_common, "_runtime", [runtime])
    cli = CliRunner()
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(image_spec(name="yolo-cli")), "utf-8")
    res = cli.invoke(app, ["project", "create", str(spec), "--as", "pm", "--json"])
    assert res.exit_code == 0, res.output
    pid = json.loads(res.output)["id"]
    res = cli.invoke(app, ["data", "import", str(pid), str(src), "--format", "auto", "--as", "pm",
                           "--json"])
    assert res.exit_code == 0, res.output
    report = json.loads(res.output)
    assert (report["format"], report["imported"], report["labelled"]) == ("yolo", 3, 3)
    with runtime.session() as s:
        first = s.scalars(select(Annotation).join(Item).where(
            Item.project_id == pid, Item.external_id == "y0")).one()
        got = sorted((o["label"], round(o["x"]), round(o["y"])) for o in first.segments["objects"])
    want = sorted((b.label, b.x, b.y) for b in render_object_scene(0, objects=2).annotation.objects)  # type: ignore[union-attr]
    assert got == want
    res = cli.invoke(app, ["data", "import", str(pid), str(src), "--format", "yolo", "--in-place",
                           "--as", "pm", "--json"])
    assert res.exit_code != 0 and "drop --in-place" in res.output


def test_a_source_in_none_of_the_project_formats_is_refused(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    """A speech project reads Kaldi directories and TextGrids only; a modality with no importer (LLM
    here: text reads its CoNLL, spaCy JSON and text JSONL since trial h5) says it takes no
    pre-labelled format."""
    from datamill.core.errors import InvalidInput
    from datamill.production.labelled_import import import_labelled, labelled_formats
    from tests.unit.production.helpers import ready_project

    assert labelled_formats("llm") == ()
    assert labelled_formats("text") == ("conll", "spacy_json", "text_jsonl")
    pid = ready_project(runtime, users, tmp_path / "speech", 1)
    with runtime.session() as s, pytest.raises(InvalidInput, match=r"formats this project reads \(kaldi, textgrid\)"):
        import_labelled(s, runtime.blobs, pid, tmp_path)


def test_labels_never_land_on_another_file_with_the_same_id(
    client: TestClient, runtime: Runtime
) -> None:
    """A project already holds an unannotated ``scene0`` (another picture); a COCO source
    brings its own ``scene0.png``: that row is rejected as a conflict and the old picture
    keeps no labels (they were written onto it before)."""
    pm = login(client, "pm")
    root = runtime.settings.resolved_import_root()
    (root / "old").mkdir(parents=True)
    render_object_scene(42).save(root / "old" / "scene0.png")
    pid = _project(client, pm, "same-id")
    assert client.post(f"{API}/projects/{pid}/imports", json={"path": "old"},
                       headers=pm).json()["imported"] == 1
    _coco(root / "coco")
    report = client.post(f"{API}/projects/{pid}/imports", json={"path": "coco", "format": "coco"},
                         headers=pm).json()
    assert (report["imported"], report["rejected"], report["labelled"]) == (1, 1, 1)
    with runtime.session() as s:
        versions = dict(s.execute(select(Item.external_id, Item.current_version)
                                  .where(Item.project_id == pid)).tuples().all())
    assert versions == {"scene0": 0, "scene1": 1}


def test_importers_read_nothing_outside_the_source(
    client: TestClient, runtime: Runtime
) -> None:
    pm = login(client, "pm")
    root = runtime.settings.resolved_import_root()
    (root / "elsewhere").mkdir(parents=True)
    render_object_scene(3).save(root / "elsewhere" / "secret.png")
    src = root / "yolo"
    (src / "labels").mkdir(parents=True)
    (src / "data.yaml").write_text(yaml.safe_dump({"names": ["car"], "train": "../elsewhere"}),
                                   "utf-8")
    (src / "labels" / "secret.txt").write_text("0 0.5 0.5 0.1 0.1\n", "utf-8")
    pid = _project(client, pm, "outside")
    r = client.post(f"{API}/projects/{pid}/imports", json={"path": "yolo", "format": "yolo"},
                    headers=pm)
    assert r.status_code == 422 and "lies outside the source folder" in r.text, r.text
    assert "secret.png" not in r.text and str(root) not in r.text
    assert _counts(runtime, pid) == (0, 0)


def test_a_cvat_coco_export_finds_its_images_beside_the_annotations_folder(
    client: TestClient, runtime: Runtime
) -> None:
    """CVAT writes ``annotations/instances_default.json`` with images in the folder above (or
    ``images/``); the file names are looked up there."""
    pm = login(client, "pm")
    root = runtime.settings.resolved_import_root()
    doc = _coco(root / "cvat" / "images")
    (root / "cvat" / "images" / "annotations.json").unlink()
    (root / "cvat" / "annotations").mkdir()
    (root / "cvat" / "annotations" / "instances_default.json").write_text(json.dumps(doc), "utf-8")
    pid = _project(client, pm, "cvat")
    r = client.post(f"{API}/projects/{pid}/imports", json={"path": "cvat", "format": "auto"},
                    headers=pm)
    assert r.status_code == 201, r.text
    assert (r.json()["format"], r.json()["labelled"]) == ("coco", 2)


def test_a_verdict_nobody_handles_is_an_error_not_a_pass() -> None:
    from datamill.core.errors import DatamillError
    from datamill.production.hooks import park_for_verdict

    item = Item(external_id="u1")
    assert park_for_verdict(None, item, [None, "pass", "reject"]) is False  # type: ignore[arg-type]
    with pytest.raises(DatamillError, match=r"verdict 'second-opinion'.*reinstall"):
        park_for_verdict(None, item, ["second-opinion"])  # type: ignore[arg-type]


def test_a_yolo_segment_delivery_comes_back_into_its_own_spec(
    client: TestClient, runtime: Runtime, tmp_path: Path
) -> None:
    """YOLO segment labels write a box as its 4 corners: a box-only label beside polygon labels
    came back as a polygon its spec refuses (the whole import refused). Polygons stay polygons,
    within 1e-6 of their normalised coordinates; boxes of a box-only label are boxes again."""
    from datamill.modalities.image.item import ImageExportItem
    from datamill.modalities.image.plugin import ImagePlugin
    from datamill.modalities.image.schema import Box, ImageAnnotation, Polygon
    from tests.unit.production.image_helpers import IMAGE_REQUIREMENTS

    pm = login(client, "pm")
    requirements = {**IMAGE_REQUIREMENTS, "labels": {"labels": [
        {"name": "car", "kinds": ["box", "polygon"]}, {"name": "person", "kinds": ["box"]},
        {"name": "text", "kinds": ["text_line"]}]}}
    scene = render_object_scene(0, objects=1)
    scene.save(tmp_path / "scene.png")
    polygon = Polygon(label="car", points=((10.123456, 20.654321), (300.5, 22.25),
                                           (310.75, 200.125), (12.0, 190.3333)))
    box = Box(label="person", x=100.5, y=50.25, w=40, h=80)
    ImagePlugin().make_exporter("yolo", requirements).export(
        [ImageExportItem(id="scene", image_path=tmp_path / "scene.png", sha256="0" * 64,
                         width=640, height=480,
                         annotation=ImageAnnotation(objects=(polygon, box)))],
        runtime.settings.resolved_import_root() / "seg")
    r = client.post(f"{API}/projects", json=image_spec(name="seg", requirements=requirements),
                    headers=pm)
    pid = int(r.json()["id"])
    r = client.post(f"{API}/projects/{pid}/imports", json={"path": "seg", "format": "auto"},
                    headers=pm)
    assert r.status_code == 201, r.text
    assert (r.json()["format"], r.json()["labelled"]) == ("yolo", 1)
    with runtime.session() as s:
        payload = s.scalars(select(Annotation).join(Item).where(Item.project_id == pid)).one()
        objects = payload.payload["objects"]
    assert [o["kind"] for o in objects] == ["polygon", "box"]
    got = [c for x, y in objects[0]["points"] for c in (x / 640, y / 480)]
    want = [c for x, y in polygon.points for c in (x / 640, y / 480)]
    assert got == pytest.approx(want, abs=1e-6)
    assert [objects[1][k] for k in "xywh"] == pytest.approx([100.5, 50.25, 40, 80], abs=1e-3)
