"""Trial: a pre-labelled source whose images sit in folders (COCO ``file_name`` ``a/x.jpg`` and
``b/x.jpg``, YOLO ``images/a/x.png``, VOC ``Annotations/a/x.xml``) imported as one item per
image whose id keeps the folder (``a/x``, ``b/x``), each with its own labels; importing the
same source again finds both items again (duplicates, nothing new, nothing relabelled).

The importers used to name items by the file's stem only, so the two ``x`` files collided and
the whole import was refused ("a second file for item 'x'"); YOLO did not look into sub-folders
at all."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app
from datamill.compliance.models import User
from datamill.modalities.image.synth import render_object_scene
from datamill.production.models import Annotation, Item
from datamill.runtime import Runtime
from tests.unit.production.image_helpers import image_spec

NAMES = ["car", "person"]
SEEDS = {"a": 0, "b": 1}  # two different images, both called x.png


def _scenes(folder: Path) -> dict[str, Any]:
    """x.png in folder/a and folder/b (different pictures); their scenes by sub-folder."""
    scenes = {}
    for sub, seed in SEEDS.items():
        (folder / sub).mkdir(parents=True, exist_ok=True)
        scene = render_object_scene(seed, objects=2)
        scene.save(folder / sub / "x.png")
        scenes[sub] = scene
    return scenes


def _coco(src: Path) -> dict[str, Any]:
    scenes = _scenes(src)
    doc: dict[str, list[dict[str, Any]]] = {
        "images": [], "annotations": [],
        "categories": [{"id": i + 1, "name": n} for i, n in enumerate(NAMES)]}
    for number, (sub, scene) in enumerate(scenes.items(), start=1):
        doc["images"].append({"id": number, "file_name": f"{sub}/x.png", "width": 640,
                              "height": 480})
        for box in scene.annotation.objects:
            doc["annotations"].append({
                "id": len(doc["annotations"]) + 1, "image_id": number,
                "category_id": NAMES.index(box.label) + 1,
                "bbox": [box.x, box.y, box.w, box.h]})
    (src / "annotations.json").write_text(json.dumps(doc), encoding="utf-8")
    return scenes


def _yolo(src: Path) -> dict[str, Any]:
    scenes = _scenes(src / "images")
    (src / "data.yaml").write_text(yaml.safe_dump({"names": NAMES}), "utf-8")
    for sub, scene in scenes.items():
        (src / "labels" / sub).mkdir(parents=True)
        lines = [f"{NAMES.index(b.label)} {(b.x + b.w / 2) / 640} {(b.y + b.h / 2) / 480} "
                 f"{b.w / 640} {b.h / 480}" for b in scene.annotation.objects]
        (src / "labels" / sub / "x.txt").write_text("\n".join(lines), "utf-8")
    return scenes


def _voc(src: Path) -> dict[str, Any]:
    scenes = _scenes(src / "JPEGImages")
    for sub, scene in scenes.items():
        objects = "".join(
            f"<object><name>{b.label}</name><bndbox><xmin>{b.x + 1}</xmin><ymin>{b.y + 1}</ymin>"
            f"<xmax>{b.x + b.w}</xmax><ymax>{b.y + b.h}</ymax></bndbox></object>"
            for b in scene.annotation.objects)
        (src / "Annotations" / sub).mkdir(parents=True)
        (src / "Annotations" / sub / "x.xml").write_text(
            f"<annotation><filename>x.png</filename>{objects}</annotation>", "utf-8")
    return scenes


@pytest.mark.parametrize("fmt, make", [("coco", _coco), ("yolo", _yolo), ("voc", _voc)])
def test_items_in_folders_keep_their_folder_and_are_found_again(
    runtime: Runtime, users: dict[str, User], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    fmt: str, make: Callable[[Path], dict[str, Any]],
) -> None:
    src = tmp_path / fmt
    scenes = make(src)
    monkeypatch.setattr(_common, "_runtime", [runtime])
    cli = CliRunner()
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(image_spec(name=f"folders-{fmt}")), "utf-8")
    res = cli.invoke(app, ["project", "create", str(spec), "--as", "pm", "--json"])
    assert res.exit_code == 0, res.output
    pid = json.loads(res.output)["id"]

    res = cli.invoke(app, ["data", "import", str(pid), str(src), "--format", "auto",
                           "--as", "pm", "--json"])
    assert res.exit_code == 0, res.output
    report = json.loads(res.output)
    assert (report["format"], report["imported"], report["labelled"]) == (fmt, 2, 2)
    with runtime.session() as s:
        rows = s.execute(select(Item.external_id, Annotation.segments)
                         .join(Annotation, Annotation.id == Item.current_annotation_id)
                         .where(Item.project_id == pid)).all()
    assert sorted(ext for ext, _ in rows) == ["a/x", "b/x"]
    for ext, doc in rows:  # each item has the labels of its own file
        got = sorted((o["label"], round(o["x"]), round(o["y"])) for o in doc["objects"])
        want = sorted((b.label, round(b.x), round(b.y))
                      for b in scenes[ext.split("/")[0]].annotation.objects)
        assert got == want, ext

    res = cli.invoke(app, ["data", "import", str(pid), str(src), "--format", fmt,
                           "--as", "pm", "--json"])
    assert res.exit_code == 0, res.output
    again = json.loads(res.output)
    assert (again["imported"], again["duplicates"], again["labelled"]) == (0, 2, 0)
    with runtime.session() as s:
        assert sorted(s.scalars(select(Item.external_id).where(Item.project_id == pid))) == [
            "a/x", "b/x"]
