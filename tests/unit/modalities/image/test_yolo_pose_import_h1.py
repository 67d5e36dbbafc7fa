"""A YOLO pose dataset (``kpt_shape`` in ``data.yaml``: each line ``class cx cy w h`` then the
keypoints) was read as segmentation: a line of 2 keypoints ``x y`` (9 fields), or of 2 keypoints
``x y v`` (11 fields), became a polygon of the box centre, the box size and the keypoints mixed,
imported without a word; COCO's 17 keypoints (56 fields) were refused as "expected an odd
count". Such lines are now read as the person's keypoints (skeleton named as the class, as the
COCO importer names it), a line of the wrong length is refused naming ``kpt_shape``."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from pycocotools.coco import COCO

from datamill.modalities.image.errors import AnnotationFileError
from datamill.modalities.image.exporters.coco import CocoExporter
from datamill.modalities.image.importers.yolo import YoloImporter
from datamill.modalities.image.item import ImageExportItem
from datamill.modalities.image.schema import Box, ImageLabelSchema, Keypoints, validate_annotation

_SCHEMA = ImageLabelSchema.model_validate({
    "labels": [{"name": "person", "kinds": ["keypoints", "box"], "skeleton": "person"}],
    "skeletons": [{"name": "person", "keypoints": ["head", "left_hand", "right_hand"]}]})


def _dataset(folder: Path, shape: str, lines: str) -> Path:
    (folder / "images").mkdir(parents=True)
    (folder / "labels").mkdir()
    Image.new("RGB", (100, 80)).save(folder / "images" / "a.png")
    (folder / "data.yaml").write_text(f"names: [person]\nkpt_shape: {shape}\n", encoding="utf-8")
    (folder / "labels" / "a.txt").write_text(lines, encoding="utf-8")
    return folder


def test_pose_lines_are_read_as_keypoints(tmp_path: Path) -> None:
    src = _dataset(tmp_path / "src", "[3, 3]",
                   "0 0.5 0.5 0.4 0.5 0.5 0.3 2 0.4 0.6 1 0 0 0\n"
                   "0 0.2 0.2 0.1 0.1 0 0 0 0 0 0 0 0 0\n")  # no keypoint labelled: its box
    (_, read, _), = YoloImporter().iter_items(src)
    person, unlabelled = read.objects
    assert isinstance(person, Keypoints) and person.skeleton == "person"
    assert [(p.x, p.y, p.visibility) for p in person.points] == [
        (50.0, 24.0, 2), (40.0, 48.0, 1), (0.0, 0.0, 0)]
    assert isinstance(unlabelled, Box) and (unlabelled.w, unlabelled.h) == pytest.approx((10, 8))
    assert validate_annotation(read, _SCHEMA, 100, 80) == []
    # delivered as COCO keypoints, as pycocotools reads them
    out = tmp_path / "coco"
    CocoExporter(_SCHEMA, copy_images=False).export(
        [ImageExportItem(id="a", image_path=src / "images" / "a.png", sha256="0" * 64,
                         width=100, height=80, annotation=read)], out)
    coco = COCO(str(out / "annotations.json"))
    first = coco.loadAnns(coco.getAnnIds())[0]
    assert first["keypoints"] == [50, 24, 2, 40, 48, 1, 0, 0, 0]
    assert first["num_keypoints"] == 2  # noqa: PLR2004


def test_pose_lines_without_visibility(tmp_path: Path) -> None:
    """``kpt_shape: [k, 2]``: a keypoint at 0 0 is not labelled (Ultralytics' reading); this
    line of 9 fields was a 4-point polygon."""
    src = _dataset(tmp_path, "[3, 2]", "0 0.5 0.5 0.4 0.5 0.4 0.3 0.6 0.7 0 0\n")
    (_, read, _), = YoloImporter().iter_items(src)
    person, = read.objects
    assert isinstance(person, Keypoints)
    assert [(p.x, p.y, p.visibility) for p in person.points] == [
        (40.0, 24.0, 2), (60.0, 56.0, 2), (0.0, 0.0, 0)]


@pytest.mark.parametrize(("shape", "line", "said"), [
    ("[3, 3]", "0 0.5 0.5 0.4 0.5 0.5 0.3 2\n", "kpt_shape [3, 3] needs 14 fields"),
    ("[1, 3]", "0 0.5 0.5 0.4 0.5 0.5 0.3 7\n", "is a keypoint's visibility"),
    ("[1, 2]", "0 0.5 0.5 0.4 0.5 1.5 0.3\n", "is outside [0, 1]"),
    ("[17]", "0 0.5 0.5 0.4 0.5\n", "kpt_shape must be [keypoints, 2 or 3]"),
], ids=["short", "visibility", "outside", "bad-shape"])
def test_a_pose_line_that_is_not_one_is_refused(tmp_path: Path, shape: str, line: str,
                                                said: str) -> None:
    with pytest.raises(AnnotationFileError, match=said.replace("[", r"\[")):
        list(YoloImporter().iter_items(_dataset(tmp_path, shape, line)))
