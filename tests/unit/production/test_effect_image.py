"""Application-effect verification of image object labels: a classifier trained on the
labelled objects' crops names the objects whose label it contradicts (domain §4.6)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.core.errors import InvalidInput
from datamill.modalities.base import ItemRecord
from datamill.modalities.image.plugin import ImagePlugin
from datamill.modalities.image.schema import ImageAnnotation
from datamill.modalities.problem_words import word_reason
from datamill.production.effect_evaluation import evaluate_batch
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.testing.images import render_object_scene
from tests._api import web_sign_in
from tests.unit.production.helpers import reviewed_batch
from tests.unit.production.image_helpers import IMAGE_REQUIREMENTS, image_spec

FLIPPED = {("scene03", 0), ("scene08", 1)}
OTHER = {"car": "person", "person": "car"}


def _batch(rt: Runtime, users: dict[str, User], folder: Path, scenes: int) -> int:
    """A reviewed batch of rendered scenes (3 objects each: rectangles are cars, ellipses are
    people); the objects in FLIPPED submitted with the other label."""
    folder.mkdir(parents=True)
    truth: dict[str, ImageAnnotation] = {}
    for i in range(scenes):
        scene = render_object_scene(100 + i, objects=3)
        scene.save(folder / f"scene{i:02d}.png")
        truth[f"scene{i:02d}"] = scene.annotation

    def labelled(external_id: str) -> dict[str, Any]:
        objects = [o.model_copy(update={"label": OTHER[o.label]})
                   if (external_id, k) in FLIPPED else o
                   for k, o in enumerate(truth[external_id].objects)]
        return ImageAnnotation(objects=tuple(objects)).model_dump(mode="json")

    return reviewed_batch(rt, users, image_spec(name=f"objects-{folder.name}", package_size=50),
                          folder, labelled)


def test_crop_classifier_learns_the_labels_and_names_the_flipped_objects(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    batch_id = _batch(runtime, users, tmp_path / "scenes", scenes=14)
    with runtime.session() as s:
        done = evaluate_batch(s, runtime.blobs, batch_id, users["pm"])
    r = done.result
    assert r["measure"]["name"] == "macro_f1" and r["items_scored"] == 14
    assert r["objects_scored"] == 42 and set(r["groups"]["label"]) == {"car", "person"}
    assert r["measure"]["value"] > r["baseline"]["macro_f1"] + 0.3, r
    named = [(x["external_id"], x["object"]) for x in r["second_look"]]
    assert set(named[:2]) == FLIPPED, r["second_look"]  # the two most confident are the flips
    first = r["second_look"][0]
    assert first["model_says"] == OTHER[first["label"]] and len(first["box"]) == 4
    with runtime.session() as s:  # the same seed, the same report
        assert evaluate_batch(s, runtime.blobs, batch_id, users["pm"]).result == r


def test_one_image_cannot_be_cross_validated(tmp_path: Path) -> None:
    scene = render_object_scene(7, objects=12)  # enough objects, but all in one image
    path = scene.save(tmp_path / "one.png")
    ev = ImagePlugin().effect_evaluator(IMAGE_REQUIREMENTS, "en-US")
    ev.add(ItemRecord(external_id="one", sha256="-", filename="one.png", path=path,
                      attributes={}, language="en-US"), scene.annotation.model_dump(mode="json"))
    with pytest.raises(InvalidInput, match="at least 2 images or frames") as err:
        ev.result()
    assert err.value.details["reason_code"] == "effect_too_few"


def test_specs_without_object_labels_are_refused_with_a_code() -> None:
    ocr_only = {**IMAGE_REQUIREMENTS, "labels": {"labels": [{"name": "text",
                                                             "kinds": ["text_line"]}]}}
    with pytest.raises(InvalidInput) as err:
        ImagePlugin().effect_evaluator(ocr_only, "en-US")
    assert err.value.details["reason_code"] == "effect_image_task"


@pytest.mark.parametrize("runtime", ["sqlite"], indirect=True)
def test_the_page_names_labels_and_objects(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    batch_id = _batch(runtime, users, tmp_path / "scenes", scenes=10)
    with runtime.session() as s:
        done = evaluate_batch(s, runtime.blobs, batch_id, users["pm"])
    with TestClient(create_app(runtime)) as client:
        web_sign_in(client, "pm")
        client.cookies.set("lang", "zh-CN")
        page = client.get(f"/batches/{batch_id}/effect?evaluation={done.id}").text
    assert "宏平均 F1" in page and "按标签" in page and "scene03" in page
    assert "#0 (" in page  # the object and its box, for the reviewer to find it


def _record(external_id: str, path: Path) -> ItemRecord:
    return ItemRecord(external_id=external_id, sha256="-", filename=path.name, path=path,
                      attributes={}, language="en-US")


def _relabelled(seed: int, label: str | None = None) -> dict[str, Any]:
    objects = render_object_scene(seed, objects=3).annotation.objects
    if label is not None:
        objects = tuple(o.model_copy(update={"label": label}) for o in objects)
    return ImageAnnotation(objects=tuple(objects)).model_dump(mode="json")


def test_one_class_is_refused_by_name_from_the_labels_before_any_image_is_read(
    tmp_path: Path,
) -> None:
    """Trial: 18 boxes all "car" read "needs at least 10 … the sample has 18" (needed 10,
    found 18), after decoding every image. The images here do not exist: nothing reads them."""
    ev = ImagePlugin().effect_evaluator(IMAGE_REQUIREMENTS, "en-US")
    for i in range(6):
        ev.add(_record(f"gone{i}", tmp_path / f"gone{i}.png"), _relabelled(200 + i, "car"))
    with pytest.raises(InvalidInput, match="class 'car'") as err:
        ev.result()
    details = err.value.details
    assert details["reason_code"] == "effect_one_class"
    assert (details["label"], details["found"], details["needed"]) == ("car", 18, 2)
    zh = word_reason(details, "zh-CN") or ""
    assert "类别 car" in zh and "18" in zh and "至少需要 2 个类别" in zh


def test_an_image_held_unread_is_named_unreadable_by_itself(tmp_path: Path) -> None:
    """An image held while the sample had one class, read once a second class appears: its
    error is its own (named in ``unreadable``), not the item whose labels released it."""
    ev = ImagePlugin().effect_evaluator(IMAGE_REQUIREMENTS, "en-US")
    ev.add(_record("lost", tmp_path / "lost.png"), _relabelled(300, "car"))
    for i in range(8):
        scene = render_object_scene(310 + i, objects=3)
        path = scene.save(tmp_path / f"s{i}.png")
        ev.add(_record(f"s{i}", path), scene.annotation.model_dump(mode="json"))
    r = ev.result()
    assert r["skipped"]["unreadable"] == 1 and r["items_scored"] == 8
    assert [u["external_id"] for u in r["unreadable"]] == ["lost"]
    assert str(tmp_path) not in r["unreadable"][0]["error"]  # the server's paths are not shown
