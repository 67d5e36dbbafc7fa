"""An image object smaller than the workbench draws (a 1e-9 px box, a polygon of 5e-12 px²) was
accepted on submit and through a pre-labelled import, then delivered as ``0.000000`` by YOLO
and refused on the way back ("zero area"). Validation now refuses a box or rotated box with a
side under 1 px and a polygon or text line covering less than 1 px² (``object_too_small``,
``area_too_small``), naming the object and its size in English and zh-CN; a pre-labelled
source holding one imports with it left out and counted (``left_out``, h18: COCO itself holds
such boxes). A 1 px box delivered
by YOLO on a 3000 px image (read back 0.999 px) still reads back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import func, select

from datamill.core.errors import InvalidInput
from datamill.modalities.image.importers.yolo import YoloImporter
from datamill.modalities.image.schema import (
    Box,
    ImageAnnotation,
    ImageLabelSchema,
    LabelSpec,
    Polygon,
    RotatedBox,
    TextLine,
    annotation_problems,
)
from datamill.modalities.problem_words import word_error, word_problem
from datamill.modalities.registry import get_modality
from datamill.production.models import Item
from datamill.runtime import Runtime
from tests.unit.production.image_helpers import image_spec

SCHEMA = ImageLabelSchema(labels=[LabelSpec(
    name="car", kinds=("box", "rotated_box", "polygon", "text_line"))])


@pytest.mark.parametrize(("obj", "code", "en", "zh"), [
    (Box(label="car", x=1, y=1, w=1e-9, h=1e-9), "object_too_small",
     "object 1 (car): the box is 1e-09 x 1e-09 pixels, smaller than the workbench draws "
     "(1 x 1): draw it larger or delete it",
     "第 1 个对象（car）：该矩形框为 1e-09×1e-09 像素，小于标注台可画的最小尺寸（1×1 像素）：请画大一些或删除"),
    (RotatedBox(label="car", cx=5, cy=5, w=0.5, h=3, angle_deg=30), "object_too_small",
     "object 1 (car): the rotated box is 0.5 x 3 pixels, smaller than the workbench draws "
     "(1 x 1): draw it larger or delete it", "该旋转框为 0.5×3 像素"),
    (Polygon(label="car", points=((0, 0), (10, 0), (20, 1e-12))), "area_too_small",
     "object 1 (car): the polygon covers 5e-12 square pixels, less than the smallest box the "
     "workbench draws (1 x 1): draw it larger or delete it", "该多边形面积为 5e-12 平方像素"),
    (TextLine(label="car", points=((0, 0), (0.5, 0), (0.5, 0.5)), transcription="a"),
     "area_too_small", "the text line covers 0.125 square pixels", "该文本行面积为 0.125 平方像素"),
], ids=["box", "rotated-box", "sliver-polygon", "text-line"])
def test_an_object_under_a_pixel_is_refused_naming_it_and_its_size(
    obj: Any, code: str, en: str, zh: str
) -> None:
    problems = annotation_problems(ImageAnnotation(objects=(obj,)), SCHEMA, 100, 100)
    assert [p["code"] for p in problems] == [code]
    assert en in word_problem(problems[0], "en")
    assert zh in word_problem(problems[0], "zh-CN")


def test_the_smallest_the_workbench_draws_and_a_delivered_pixel_pass(tmp_path: Path) -> None:
    smallest = (Box(label="car", x=0, y=0, w=1, h=1),
                RotatedBox(label="car", cx=5, cy=5, w=1, h=1, angle_deg=45),
                Polygon(label="car", points=((0, 0), (1, 0), (1, 1), (0, 1))))
    assert annotation_problems(ImageAnnotation(objects=smallest), SCHEMA, 100, 100) == []
    # a 1 px box on a 3000 px image as YOLO delivers it (6 decimals): 0.999 px read back
    (tmp_path / "images").mkdir()
    (tmp_path / "labels").mkdir()
    Image.new("L", (3000, 8)).save(tmp_path / "images" / "a.png")
    (tmp_path / "data.yaml").write_text("names: [car]\n", encoding="utf-8")
    (tmp_path / "labels" / "a.txt").write_text("0 0.500000 0.500000 0.000333 0.125000\n",
                                               encoding="utf-8")
    (_, read, _), = YoloImporter().iter_items(tmp_path)
    assert read.objects[0].w == pytest.approx(0.999)  # type: ignore[union-attr]
    assert annotation_problems(read, SCHEMA, 3000, 8) == []


def test_a_submit_of_a_sub_pixel_box_is_refused_in_the_readers_language() -> None:
    """The check every face's submit runs (the plugin's validation), worded as the API words it
    (``word_error``: the API, the CLI and the pages)."""
    plugin = get_modality("image")
    requirements = plugin.requirements_model.model_validate(image_spec()["requirements"])
    payload = {"objects": [{"kind": "box", "label": "car", "x": 5, "y": 5, "w": 1e-9, "h": 20}],
               "classes": []}
    with pytest.raises(InvalidInput) as caught:
        plugin.validate_annotation(payload, {"width": 640, "height": 480}, requirements)
    said, details = word_error(caught.value.message, caught.value.details, "zh-CN")
    assert said == ("第 1 个对象（car）：该矩形框为 1e-09×20 像素，小于标注台可画的最小尺寸"
                    "（1×1 像素）：请画大一些或删除")
    assert [(p["code"], p["number"], p["w"], p["h"]) for p in details["problems"]] == [
        ("object_too_small", 1, "1e-09", "20")]


def test_a_pre_labelled_sub_pixel_box_is_left_out_and_counted(
    sqlite_runtime: Runtime, tmp_path: Path
) -> None:
    from datamill.production.labelled_import import import_labelled
    from datamill.production.projects import create_project

    src = tmp_path / "yolo"
    (src / "images").mkdir(parents=True)
    (src / "labels").mkdir()
    (src / "data.yaml").write_text(json.dumps({"names": ["car", "person"]}), encoding="utf-8")
    for name, colour in (("a", "gray"), ("b", "navy")):
        Image.new("RGB", (640, 480), colour).save(src / "images" / f"{name}.png")
    (src / "labels" / "a.txt").write_text("0 0.5 0.5 0.25 0.25\n", encoding="utf-8")
    (src / "labels" / "b.txt").write_text("0 0.5 0.5 0.25 0.25\n1 0.5 0.5 1e-12 0.1\n",
                                          encoding="utf-8")
    with sqlite_runtime.session() as s:
        pid = create_project(s, image_spec(name="tiny")).id
    with sqlite_runtime.session() as s:
        report = import_labelled(s, sqlite_runtime.blobs, pid, src, fmt="yolo")
    assert (report.imported, report.labelled, report.left_out) == (2, 2, {"object_too_small": 1})
    with sqlite_runtime.session() as s:
        assert s.scalar(select(func.count()).select_from(Item)
                        .where(Item.project_id == pid)) == 2


def test_a_pre_annotators_sub_pixel_object_is_left_out_and_counted() -> None:
    """A model's 0.6 px box would be refused when the annotator submits it unchanged: it is left
    out of the pre-annotation and counted as dropped, as an unreadable mask is."""
    plugin = get_modality("image")
    requirements = plugin.requirements_model.model_validate(image_spec()["requirements"])
    prediction = ImageAnnotation(objects=(Box(label="car", x=5, y=5, w=20, h=10),
                                          Box(label="car", x=40, y=5, w=0.6, h=0.6)))
    doc = plugin.map_prediction(prediction, requirements)
    assert isinstance(doc.payload, dict)
    assert [o["w"] for o in doc.payload["objects"]] == [20]
    assert doc.dropped == {"car": 1}
