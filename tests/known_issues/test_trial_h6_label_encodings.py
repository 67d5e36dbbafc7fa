"""Trial h6 (labelled import, round 3): a vendor's COCO JSON saved by a Windows tool with a
UTF-8 byte-order mark was refused "not valid JSON (Unexpected UTF-8 BOM ...)", and YOLO's
``data.yaml`` and label files were read as UTF-8 only; a COCO file in GBK (Chinese category
names) was refused with the codec's words and no way out. Label files are now read with or
without the mark, UTF-16 too, and another encoding is refused naming it and its ``iconv``
line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from datamill.core.errors import InvalidInput
from datamill.production.labelled_import import import_labelled
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from tests.known_issues.test_h21_labelled_import_caps import _yolo
from tests.unit.production.image_helpers import image_spec

COCO = {"images": [{"id": 1, "file_name": "a.png", "width": 64, "height": 48}],
        "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [8, 8, 16, 12],
                         "area": 192, "iscrowd": 0}],
        "categories": [{"id": 1, "name": "car"}]}


def _coco(src: Path, raw: bytes) -> Path:
    src.mkdir(parents=True)
    Image.new("RGB", (64, 48), "gray").save(src / "a.png")
    (src / "annotations.json").write_bytes(raw)
    return src


@pytest.mark.parametrize("raw", [
    b"\xef\xbb\xbf" + json.dumps(COCO).encode(),  # UTF-8 with a byte-order mark
    b"\xff\xfe" + json.dumps(COCO).encode("utf-16-le"),  # Notepad's "Unicode"
], ids=["utf8-bom", "utf16"])
def test_a_coco_file_with_a_byte_order_mark_imports(
    sqlite_runtime: Runtime, tmp_path: Path, raw: bytes
) -> None:
    rt = sqlite_runtime
    with rt.session() as s:
        pid = create_project(s, image_spec(name="bom")).id
    with rt.session() as s:
        report = import_labelled(s, rt.blobs, pid, _coco(tmp_path / "coco", raw), fmt="coco")
    assert (report.imported, report.labelled) == (1, 1), report


def test_yolo_files_with_a_byte_order_mark_import(sqlite_runtime: Runtime, tmp_path: Path) -> None:
    rt = sqlite_runtime
    src = _yolo(tmp_path / "yolo")
    for f in (src / "data.yaml", src / "labels" / "a.txt"):
        f.write_bytes(b"\xef\xbb\xbf" + f.read_bytes())
    with rt.session() as s:
        pid = create_project(s, image_spec(name="yolo-bom")).id
    with rt.session() as s:
        report = import_labelled(s, rt.blobs, pid, src, fmt="yolo")
    assert (report.imported, report.labelled) == (2, 2), report


def test_a_gbk_coco_file_is_refused_naming_its_encoding(
    sqlite_runtime: Runtime, tmp_path: Path
) -> None:
    rt = sqlite_runtime
    gbk = {**COCO, "categories": [{"id": 1, "name": "汽车"}]}
    with rt.session() as s:
        pid = create_project(s, image_spec(name="gbk")).id
    src = _coco(tmp_path / "coco", json.dumps(gbk, ensure_ascii=False).encode("gbk"))
    with rt.session() as s, pytest.raises(InvalidInput) as caught:
        import_labelled(s, rt.blobs, pid, src, fmt="coco")
    said = str(caught.value)
    assert "GBK/GB18030" in said and "iconv -f GB18030 -t UTF-8 annotations.json" in said, said
