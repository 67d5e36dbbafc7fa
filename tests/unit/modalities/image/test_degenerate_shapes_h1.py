"""An image object that draws nothing: a mask whose runs set no pixel and a polyline whose
points all coincide were accepted on submit (and by a review or inspection correction, held to
the same rule), then delivered as an object of area 0 / length 0 that COCO readers drop
(pycocotools gives the mask no box). Validation now refuses them as it refuses a zero-area
polygon, with a coded reason worded in English and zh-CN (``mask_empty``,
``polyline_zero_length``); a pre-annotator's such object and a pre-labelled source's empty
mask are left out and counted, as objects under a pixel are."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from datamill.core.errors import InvalidInput
from datamill.modalities.image.schema import (
    CocoRle,
    ImageAnnotation,
    ImageLabelSchema,
    LabelSpec,
    Mask,
    Polyline,
    annotation_problems,
)
from datamill.modalities.problem_words import word_error, word_problem
from datamill.modalities.registry import get_modality
from datamill.runtime import Runtime
from tests.unit.production.image_helpers import IMAGE_REQUIREMENTS, image_spec

SCHEMA = ImageLabelSchema(labels=[LabelSpec(name="lane", kinds=("polyline", "mask"))])
_REQUIREMENTS = {**IMAGE_REQUIREMENTS, "labels": SCHEMA.model_dump(mode="json")}


@pytest.mark.parametrize(("obj", "code", "en", "zh"), [
    (Mask(label="lane", rle=CocoRle(size=(4, 5), counts=(20,))), "mask_empty",
     "object 1 (lane): the mask has no pixel set: paint it or delete it",
     "第 1 个对象（lane）：该掩码没有任何像素：请涂画区域或删除它"),
    (Mask(label="lane", rle=CocoRle(size=(4, 5), counts="d0")), "mask_empty",  # compressed
     "the mask has no pixel set", "该掩码没有任何像素"),
    (Polyline(label="lane", points=((2, 3), (2, 3), (2, 3))), "polyline_zero_length",
     "object 1 (lane): all 3 points of the polyline are at (2, 3), so it has no length: draw "
     "it longer or delete it",
     "第 1 个对象（lane）：折线的 3 个点都在（2，3），长度为零：请画长一些或删除它"),
], ids=["empty-mask", "empty-mask-compressed", "one-point-polyline"])
def test_an_object_that_draws_nothing_is_refused_naming_it(
    obj: Any, code: str, en: str, zh: str
) -> None:
    problems = annotation_problems(ImageAnnotation(objects=(obj,)), SCHEMA, 5, 4)
    assert [p["code"] for p in problems] == [code]
    assert en in word_problem(problems[0], "en")
    assert zh in word_problem(problems[0], "zh-CN")


def test_a_one_pixel_mask_and_a_short_polyline_pass() -> None:
    kept = (Mask(label="lane", rle=CocoRle(size=(4, 5), counts=(7, 1, 12))),
            Polyline(label="lane", points=((2, 3), (2, 3), (2.5, 3))))
    assert annotation_problems(ImageAnnotation(objects=kept), SCHEMA, 5, 4) == []


def test_a_submit_of_an_empty_mask_is_refused_in_the_readers_language() -> None:
    """The check every face's submit and every review or inspection correction runs (the
    plugin's validation), worded as the API, the CLI and the pages word it."""
    plugin = get_modality("image")
    requirements = plugin.requirements_model.model_validate(_REQUIREMENTS)
    payload = {"objects": [
        {"kind": "polyline", "label": "lane", "points": [[1, 1], [4, 2]]},
        {"kind": "mask", "label": "lane", "rle": {"size": [4, 5], "counts": [20]}},
        {"kind": "polyline", "label": "lane", "points": [[3, 3], [3, 3]]}], "classes": []}
    with pytest.raises(InvalidInput) as caught:
        plugin.validate_annotation(payload, {"width": 5, "height": 4}, requirements)
    said, details = word_error(caught.value.message, caught.value.details, "zh-CN")
    assert said == ("第 2 个对象（lane）：该掩码没有任何像素：请涂画区域或删除它；"
                    "第 3 个对象（lane）：折线的 2 个点都在（3，3），长度为零：请画长一些或删除它")
    assert [(p["code"], p["number"]) for p in details["problems"]] == [
        ("mask_empty", 2), ("polyline_zero_length", 3)]


def test_a_pre_annotators_empty_mask_and_dot_are_left_out_and_counted() -> None:
    plugin = get_modality("image")
    requirements = plugin.requirements_model.model_validate(_REQUIREMENTS)
    prediction = ImageAnnotation(objects=(
        Mask(label="lane", rle=CocoRle(size=(4, 5), counts=(20,))),
        Polyline(label="lane", points=((1, 1), (1, 1))),
        Polyline(label="lane", points=((1, 1), (4, 1)))))
    doc = plugin.map_prediction(prediction, requirements)
    assert isinstance(doc.payload, dict)
    assert [o["kind"] for o in doc.payload["objects"]] == ["polyline"]
    assert doc.dropped == {"lane": 2}


def test_a_pre_labelled_empty_mask_is_left_out_and_counted(
    sqlite_runtime: Runtime, tmp_path: Path
) -> None:
    from datamill.production.labelled_import import import_labelled
    from datamill.production.projects import create_project

    Image.new("RGB", (80, 64), "gray").save(tmp_path / "a.png")
    (tmp_path / "annotations.json").write_text(json.dumps({
        "images": [{"id": 1, "file_name": "a.png", "width": 80, "height": 64}],
        "categories": [{"id": 1, "name": "lane"}],
        "annotations": [
            {"id": 1, "image_id": 1, "category_id": 1, "iscrowd": 0, "area": 0,
             "bbox": [0, 0, 0, 0], "segmentation": {"size": [64, 80], "counts": [5120]}},
            {"id": 2, "image_id": 1, "category_id": 1, "iscrowd": 0, "area": 4,
             "bbox": [0, 0, 1, 4], "segmentation": {"size": [64, 80], "counts": [0, 4, 5116]}},
        ]}), encoding="utf-8")
    with sqlite_runtime.session() as s:
        pid = create_project(s, image_spec(name="empty-mask", requirements=_REQUIREMENTS,
                                           acceptance={"region_accuracy": 0.95})).id
    with sqlite_runtime.session() as s:
        report = import_labelled(s, sqlite_runtime.blobs, pid, tmp_path / "annotations.json",
                                 fmt="coco")
    assert (report.imported, report.labelled, report.left_out) == (1, 1, {"mask_empty": 1})


def test_every_reason_an_import_leaves_an_object_out_for_is_worded() -> None:
    """The CLI's import report and the web import page word each reason a pre-labelled import
    leaves an object out for, in English and zh-CN (a reason without words showed its key)."""
    from datamill.cli._words import CLI_WORDS
    from datamill.modalities.image.plugin import _TINY
    from datamill.web.i18n import CATALOGUES

    for lang in ("en", "zh-CN"):
        assert {c for c in _TINY if f"import.left_out.{c}" not in CLI_WORDS[lang]} == set()
        assert {c for c in _TINY if f"imp.left_out.{c}" not in CATALOGUES[lang]} == set()
