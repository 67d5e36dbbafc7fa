"""A YOLO coordinate a hair past the edge (``1.000001``, float rounding of another tool's
export) refused the whole import ("field 4 = 1.000001 is outside [0, 1]"), where COCO and VOC
put a coordinate at most a pixel outside on the edge. YOLO does so too now; one further out is
still refused, naming the file and line."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from datamill.modalities.image.errors import AnnotationFileError
from datamill.modalities.image.importers.yolo import YoloImporter
from datamill.modalities.image.schema import Box, Polygon


def _source(folder: Path, line: str) -> Path:
    (folder / "images").mkdir(parents=True)
    (folder / "labels").mkdir()
    Image.new("RGB", (100, 80)).save(folder / "images" / "a.png")
    (folder / "data.yaml").write_text("names: [车]\n", encoding="utf-8")
    (folder / "labels" / "a.txt").write_text(f"{line}\n", encoding="utf-8")
    return folder


def test_a_hair_past_the_edge_is_put_on_it(tmp_path: Path) -> None:
    (_, box, _), = YoloImporter().iter_items(_source(tmp_path / "box", "0 0.5 0.5 1.000001 0.1"))
    assert box.objects == (Box(label="车", x=0, y=36, w=100, h=8),)
    (_, outline, _), = YoloImporter().iter_items(
        _source(tmp_path / "outline", "0 0.1 0.1 1.0000004 0.1 0.5 -0.000002"))
    assert outline.objects == (Polygon(label="车", points=((10, 8), (100, 8), (50, 0))),)
    with pytest.raises(AnnotationFileError, match=r"a.txt line 1: field 4 = 1.0125 is outside"):
        list(YoloImporter().iter_items(_source(tmp_path / "far", "0 0.5 0.5 1.0125 0.1")))
