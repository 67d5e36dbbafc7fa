"""Helper h9 (round of 2026-12-07): a pre-labelled source's COCO JSON, Pascal VOC XML, YOLO
``data.yaml`` (its ``kpt_shape``) or OpenPCDet label file that the import could not read was
refused with no reason code and in English whatever the reader's language ("错误（invalid_input）：
coco: annotations.json: not valid JSON (Expecting value: line 1 column 12 (char 11))"). Each
refusal now carries its code (``data import labelled --json``) and reads in zh-CN."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from PIL import Image

from datamill.config import get_settings
from tests.unit.cli.test_cli import run
from tests.unit.production.image_helpers import image_spec
from tests.unit.production.test_pointcloud_loop import pointcloud_spec

_CAR = {"id": 1, "name": "car"}
_IMAGE = {"id": 1, "file_name": "a.png", "width": 100, "height": 80}


def _ann(**fields: Any) -> dict[str, Any]:
    return {"id": 5, "image_id": 1, "category_id": 1, "bbox": [10, 10, 20, 20], **fields}


def _coco(text: str | dict[str, Any]) -> Callable[[Path], None]:
    def write(src: Path) -> None:
        Image.new("RGB", (100, 80), "gray").save(src / "a.png")
        (src / "annotations.json").write_text(
            text if isinstance(text, str) else json.dumps(text), encoding="utf-8")
    return write


def _voc(xml: str) -> Callable[[Path], None]:
    def write(src: Path) -> None:
        (src / "Annotations").mkdir()
        (src / "JPEGImages").mkdir()
        Image.new("RGB", (100, 80), "gray").save(src / "JPEGImages" / "a.png")
        (src / "Annotations" / "a.xml").write_text(
            f"<annotation><filename>a.png</filename>{xml}</annotation>", encoding="utf-8")
    return write


def _yolo(data: str) -> Callable[[Path], None]:
    def write(src: Path) -> None:
        (src / "images").mkdir()
        (src / "labels").mkdir()
        Image.new("RGB", (100, 80), "gray").save(src / "images" / "a.png")
        (src / "data.yaml").write_text(data, encoding="utf-8")
        (src / "labels" / "a.txt").write_text("0 0.5 0.5 0.2 0.2\n", encoding="utf-8")
    return write


def _pcdet(line: str) -> Callable[[Path], None]:
    def write(src: Path) -> None:
        (src / "points").mkdir()
        (src / "labels").mkdir()
        np.save(src / "points" / "f1.npy", np.zeros((10, 4), dtype=np.float32))
        (src / "labels" / "f1.txt").write_text(line + "\n", encoding="utf-8")
    return write


_OBJ = "<object><name>car</name><bndbox><xmin>5</xmin><ymin>5</ymin>{rest}</bndbox></object>"

CASES: list[tuple[str, Callable[[Path], None], str, str]] = [
    ("coco", _coco('{"images": [,]}'), "coco_json",
     "annotations.json 不是有效的 JSON：第 1 行第 13 列"),
    ("coco", _coco({"images": [_IMAGE]}), "coco_layout",
     "COCO 文件须有列表 images、annotations 和 categories；缺少或不是列表的：annotations、"
     "categories"),
    ("coco", _coco({"images": [_IMAGE], "categories": [_CAR], "annotations": [_ann(image_id=7)]}),
     "coco_image_unknown", "annotations.json：annotations[0]（id 5）引用的图像 id 7 不在 images 中"),
    ("coco", _coco({"images": [_IMAGE], "categories": [_CAR],
                    "annotations": [_ann(category_id=3)]}),
     "coco_category_unknown", "引用的类别 id 3 不在 categories 中"),
    ("coco", _coco({"images": [_IMAGE], "categories": [_CAR],
                    "annotations": [_ann(bbox=[10, 10, 0, 5])]}),
     "coco_bbox", "annotations[0]（id 5）：bbox [10, 10, 0, 5] 不是 [x, y, w, h]"),
    ("coco", _coco({"images": [_IMAGE], "categories": [_CAR],
                    "annotations": [{"id": 5, "image_id": 1, "category_id": 1}]}),
     "coco_bbox", "bbox none 不是 [x, y, w, h]"),
    ("coco", _coco({"images": [{**_IMAGE, "width": 50}], "categories": [_CAR],
                    "annotations": [_ann()]}),
     "labels_size_other", "annotations.json 为 a.png 声明的尺寸是 50x80，但该图像为 100x80"),
    ("coco", _coco({"images": ["a.png"], "categories": [_CAR], "annotations": []}),
     "coco_not_object", "annotations.json：images[0] 是 JSON str，不是对象"),
    ("voc", _voc("<object><name>car</name></object"), "voc_xml",
     "Annotations/a.xml 不是格式正确的 XML：第 1 行"),
    ("voc", _voc("<object><name>car</name></object>"), "voc_bndbox",
     "Annotations/a.xml：object 0（car）：bndbox/xmin 缺失或不是数字"),
    ("voc", _voc(_OBJ.format(rest="<xmax>x</xmax><ymax>9</ymax>")), "voc_bndbox",
     "bndbox/xmax 缺失或不是数字"),
    ("voc", _voc("<object><bndbox/></object>"), "voc_no_name",
     "Annotations/a.xml：object 0 没有 <name>"),
    ("voc", _voc(_OBJ.format(rest="<xmax>2</xmax><ymax>9</ymax>")), "voc_box_inverted",
     "xmax/ymax 不能小于 xmin/ymin"),
    ("voc", _voc("<size><width>80</width><height>100</height></size>"
                 + _OBJ.format(rest="<xmax>9</xmax><ymax>9</ymax>")), "labels_size_other",
     "Annotations/a.xml 为 a.png 声明的尺寸是 80x100，但该图像为 100x80"),
    ("yolo", _yolo("names: [car]\nkpt_shape: [2, 4]\n"), "yolo_kpt_shape",
     "data.yaml：kpt_shape 须为 [k, 2] 或 [k, 3]（k 为关键点数），实际为 [2, 4]"),
    ("yolo", _yolo("names: car\n"), "yolo_names", "data.yaml：names 须为列表"),
    ("openpcdet", _pcdet("1 2 -1 car"), "pcdet_field_count",
     "f1.txt 第 1 行：有 4 个字段，应为 8 个"),
    ("openpcdet", _pcdet("1 2 x 4 2 1.5 0.3 car"), "pcdet_not_a_number",
     "f1.txt 第 1 行：第 3 个字段（x）不是数字"),
    ("openpcdet", _pcdet("1 2 nan 4 2 1.5 0.3 car"), "pcdet_not_finite",
     "f1.txt 第 1 行：有数值不是有限数"),
]


@pytest.mark.parametrize("fmt", ["coco", "voc", "yolo", "openpcdet"])
def test_a_labelled_source_it_cannot_read_is_refused_coded_and_in_chinese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    home = tmp_path / "home"
    spec = pointcloud_spec("labelled") if fmt == "openpcdet" else image_spec(name="labelled")
    (tmp_path / "spec.yaml").write_text(yaml.safe_dump(spec))
    run(home, "user", "create", "root", "--role", "admin", "--password", "password1")
    run(home, "project", "create", str(tmp_path / "spec.yaml"), "--as", "root", "--json")
    cases = [case for case in CASES if case[0] == fmt]
    for number, (_fmt, write, code, _zh) in enumerate(cases):
        src = tmp_path / f"src{number}"
        src.mkdir()
        write(src)
        said = run(home, "data", "import", "labelled", str(src), "--format", fmt, "--as", "root",
                   "--json", ok=False)
        assert said.returncode == 2, said
        error = json.loads(said.stdout)["error"]
        assert error["reason_code"] == code, (code, error)
    monkeypatch.setenv("DATAMILL_LANG", "zh-CN")
    get_settings.cache_clear()
    try:
        for number, (_fmt, _write, code, zh) in enumerate(cases):
            said = run(home, "data", "import", "labelled", str(tmp_path / f"src{number}"),
                       "--format", fmt, "--as", "root", ok=False)
            out = said.stdout + said.stderr
            assert zh in out, (code, out)
    finally:
        get_settings.cache_clear()


def _coco_folder(data: dict[str, Any]) -> Callable[[Path], None]:
    def write(src: Path) -> None:
        (src / "a.png").write_bytes(b"not an image")
        (src / "annotations.json").write_text(json.dumps(data), encoding="utf-8")
    return write


def _pcdet_bytes(data: bytes) -> Callable[[Path], None]:
    def write(src: Path) -> None:
        _pcdet("")(src)
        (src / "labels" / "f1.txt").write_bytes(data)
    return write


def _orphan(src: Path) -> None:
    _pcdet("1 2 -1 4 2 1.5 0.3 car")(src)
    (src / "labels" / "f2.txt").write_text("", encoding="utf-8")


_GOOD = {"images": [_IMAGE], "categories": [_CAR]}

MORE: list[tuple[str, Callable[[Path], None], str, str]] = [
    ("coco", lambda src: None, "coco_no_json", "找不到 COCO 标注 JSON"),
    ("coco", _coco({**_GOOD, "annotations": [_ann(segmentation=[[1, 1, 5, 5]])]}), "coco_ring",
     "segmentation 第 0 个环有 4 个数字"),
    ("coco", _coco({**_GOOD, "annotations": [_ann(attributes=[1])]}), "coco_object_invalid",
     "不是有效的标注对象：TypeError: attributes must be an object"),
    ("coco", _coco({"images": [{"id": 1}], "categories": [], "annotations": []}),
     "coco_file_name", "images[0] 没有 file_name"),
    ("coco", _coco_folder({**_GOOD, "annotations": [_ann()]}), "labels_image_unreadable",
     "a.png：无法读取图像尺寸"),
    ("yolo", lambda src: (src / "labels").mkdir(), "yolo_no_yaml", "没有给出类别名的 data.yaml"),
    ("yolo", _yolo("names: [car\n"), "yolo_yaml", "data.yaml 不是有效的 YAML：第 2 行"),
    ("yolo", _yolo("names: {0: car, 2: bus}\n"), "yolo_names_keys", "names 的键须为 0..1"),
    ("openpcdet", _pcdet("1 2 -1 -4 2 1.5 0.3 car"), "pcdet_cuboid_invalid", "f1.txt 第 1 行："),
    ("openpcdet", _pcdet_bytes("1 2 -1 4 2 1.5 0.3 汽车".encode("gbk")), "pcdet_not_utf8",
     "f1.txt 不是 UTF-8 文本"),
    ("openpcdet", lambda src: (src / "labels").mkdir(), "pcdet_no_points",
     "没有 points/ 文件夹"),
    ("openpcdet", _orphan, "pcdet_label_orphan", "labels/f2.txt：points/ 中没有同名的点云"),
]


@pytest.mark.parametrize(("fmt", "write", "code", "zh"), MORE, ids=[c[2] for c in MORE])
def test_each_coded_refusal_reads_in_both_languages(
    tmp_path: Path, fmt: str, write: Callable[[Path], None], code: str, zh: str
) -> None:
    from datamill.core.errors import DatamillError
    from datamill.modalities.image.importers.coco import CocoImporter
    from datamill.modalities.image.importers.voc import VocImporter
    from datamill.modalities.image.importers.yolo import YoloImporter
    from datamill.modalities.pointcloud.importers import OpenPcdetImporter
    from datamill.modalities.problem_words import word_reason

    importer = {"coco": CocoImporter(), "voc": VocImporter(), "yolo": YoloImporter(),
                "openpcdet": OpenPcdetImporter()}[fmt]
    write(tmp_path)
    with pytest.raises(DatamillError) as caught:
        list(importer.iter_items(tmp_path))
    details = caught.value.details
    assert details.get("reason_code") == code, (code, caught.value.message, details)
    said = word_reason(details, "zh-CN")
    assert said is not None and zh in said, (code, said)
    assert word_reason(details, "en") is not None
