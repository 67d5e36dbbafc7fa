"""Image importers: detect, export -> import round trips, errors naming file and row."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from datamill.modalities.image.errors import AnnotationFileError
from datamill.modalities.image.exporters.coco import CocoExporter
from datamill.modalities.image.exporters.voc import VocExporter
from datamill.modalities.image.exporters.yolo import YoloExporter
from datamill.modalities.image.importers.coco import CocoImporter
from datamill.modalities.image.importers.voc import VocImporter
from datamill.modalities.image.importers.yolo import YoloImporter
from datamill.modalities.image.item import ImageExportItem
from datamill.modalities.image.schema import Box, ImageAnnotation, Polygon, Polyline
from tests.unit.modalities.image._cases import SCHEMA, three_items


@pytest.fixture
def items(tmp_path: Path) -> list[ImageExportItem]:
    return three_items(tmp_path / "src")


def _without_polylines(ann: ImageAnnotation) -> ImageAnnotation:
    return ann.model_copy(update={"objects": tuple(o for o in ann.objects
                                                   if not isinstance(o, Polyline))})


def _boxes(ann: ImageAnnotation, kinds=(Box,)) -> ImageAnnotation:
    return ImageAnnotation(objects=tuple(o for o in ann.objects if isinstance(o, kinds)))


def _assert_close(actual: ImageAnnotation, expected: ImageAnnotation, tol: float = 1e-3) -> None:
    assert len(actual.objects) == len(expected.objects)
    for got, want in zip(actual.objects, expected.objects, strict=True):
        assert (got.kind, got.label) == (want.kind, want.label)
        g, w = got.model_dump(), want.model_dump()
        if isinstance(want, Box):
            assert [g[k] for k in "xywh"] == pytest.approx([w[k] for k in "xywh"], abs=tol)
        else:
            assert [c for p in g["points"] for c in p] == pytest.approx(
                [c for p in w["points"] for c in p], abs=tol)


def test_detect_each_format_and_only_its_own(tmp_path: Path,
                                             items: list[ImageExportItem]) -> None:
    CocoExporter(SCHEMA, copy_images=True, on_unsupported="skip").export(items, tmp_path / "c")
    YoloExporter(SCHEMA, on_unsupported="skip").export(items, tmp_path / "y")
    VocExporter(copy_images=True, on_unsupported="skip").export(items, tmp_path / "v")
    importers = [CocoImporter(), YoloImporter(), VocImporter()]
    scores = {(imp.name, folder): imp.detect(tmp_path / folder)
              for imp in importers for folder in "cyv"}
    assert scores == {
        ("coco", "c"): 1.0, ("coco", "y"): 0.0, ("coco", "v"): 0.0,
        ("yolo", "c"): 0.0, ("yolo", "y"): 0.9, ("yolo", "v"): 0.0,
        ("voc", "c"): 0.0, ("voc", "y"): 0.0, ("voc", "v"): 0.9,
    }
    assert CocoImporter().detect(tmp_path / "c" / "annotations.json") == 1.0
    assert CocoImporter().detect(tmp_path / "missing") == 0.0


def test_coco_round_trip_is_exact(tmp_path: Path, items: list[ImageExportItem]) -> None:
    CocoExporter(SCHEMA, copy_images=True, on_unsupported="skip").export(items, tmp_path / "c")
    imported = list(CocoImporter().iter_items(tmp_path / "c"))
    assert [p.name for p, _, _ in imported] == ["street-001.jpg", "portrait-002.png",
                                                "receipt-003.png"]
    assert [name for _, _, name in imported] == ["street-001", "portrait-002", "receipt-003"]
    assert all(p.is_file() for p, _, _ in imported)
    assert [ann for _, ann, _ in imported] == [_without_polylines(i.annotation) for i in items]


def test_yolo_round_trip(tmp_path: Path, items: list[ImageExportItem]) -> None:
    YoloExporter(SCHEMA, on_unsupported="skip").export(items, tmp_path / "y")
    imported = dict((p.stem, ann) for p, ann, _ in YoloImporter().iter_items(tmp_path / "y"))
    for item in items:
        expected = _boxes(item.annotation).model_copy(update={"objects": tuple(
            o.model_copy(update={"attributes": {}}) for o in _boxes(item.annotation).objects)})
        _assert_close(imported[item.id], expected)
    YoloExporter(SCHEMA, task="segment", on_unsupported="skip").export(items, tmp_path / "s")
    street = dict((p.stem, a) for p, a, _ in YoloImporter().iter_items(tmp_path / "s"))["street-001"]
    assert [o.kind for o in street.objects] == ["polygon"] * 3
    _assert_close(ImageAnnotation(objects=(street.objects[2],)),
                  _boxes(items[0].annotation, (Polygon,)))


def test_voc_round_trip_keeps_boxes_and_attributes(tmp_path: Path,
                                                   items: list[ImageExportItem]) -> None:
    VocExporter(copy_images=True, on_unsupported="skip").export(items, tmp_path / "v")
    imported = dict((p.stem, (p, ann)) for p, ann, _ in VocImporter().iter_items(tmp_path / "v"))
    for item in items:
        path, ann = imported[item.id]
        assert path == tmp_path / "v" / "JPEGImages" / f"{item.id}{item.image_path.suffix}"
        assert ann == _boxes(item.annotation)


# ----------------------------------------------------------------------------- COCO errors


def _coco(tmp_path: Path, **overrides) -> Path:
    data = {"images": [{"id": 1, "file_name": "a.jpg", "width": 10, "height": 10}],
            "categories": [{"id": 1, "name": "car"}],
            "annotations": [{"id": 7, "image_id": 1, "category_id": 1, "bbox": [0, 0, 2, 2]}]}
    data.update(overrides)
    path = tmp_path / "annotations.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("annotation", "message"),
    [
        ({"id": 7, "image_id": 9, "category_id": 1, "bbox": [0, 0, 2, 2]},
         r"annotations\[0\] \(id 7\) refers to image id 9, which is not in images"),
        ({"id": 7, "image_id": 1, "category_id": 5, "bbox": [0, 0, 2, 2]},
         r"annotations\[0\] \(id 7\) refers to category id 5, which is not in categories"),
        ({"id": 7, "image_id": 1, "category_id": 1, "bbox": [0, 0, 0, 2]},
         r"annotations\[0\] \(id 7\) is not a valid object"),
        ({"id": 7, "image_id": 1, "category_id": 1},
         r"annotations\[0\] \(id 7\) is not a valid object: bbox none is not \[x, y, width"),
        ({"id": 7, "image_id": 1, "category_id": 1, "bbox": [0, 0, 2, 2],
          "segmentation": [[1, 1, 5, 5]]},
         r"annotations\[0\] \(id 7\) is not a valid object: segmentation ring 0 has 4 numbers"),
        ({"id": 7, "image_id": 1, "category_id": 1, "bbox": [0, 0, 2, 2],
          "segmentation": [[1, 1, 5, 1, 5, 5, 1, 5], [1, 1, 5, 1, 5, 5, 9]]},
         r"is not a valid object: segmentation ring 1 has 7 numbers: a polygon is x, y pairs"),
        ({"id": 7, "image_id": 1, "category_id": 1, "bbox": [0, 0, 2, 2], "text": "ab",
          "segmentation": [[1, 1, 5, 1, 5, 5, 1]]},
         r"is not a valid object: segmentation ring 0 has 7 numbers"),
    ],
    ids=["dangling-image", "dangling-category", "zero-width", "no-bbox", "two-point-ring",
         "odd-ring", "odd-text-line"],
)
def test_coco_errors_name_file_and_annotation(tmp_path: Path, annotation: dict,
                                              message: str) -> None:
    path = _coco(tmp_path, annotations=[annotation])
    with pytest.raises(AnnotationFileError, match=message) as err:
        list(CocoImporter().iter_items(path))
    details = err.value.details
    assert {"file": details["file"], "index": details["index"]} == {"file": str(path), "index": 0}
    assert details["reason_code"].startswith("coco_")  # worded in the reader's language
    assert str(err.value).startswith(str(path))


def test_coco_not_json(tmp_path: Path) -> None:
    path = tmp_path / "annotations.json"
    path.write_text("{", encoding="utf-8")
    with pytest.raises(AnnotationFileError, match="not valid JSON"):
        list(CocoImporter().iter_items(tmp_path))


# ----------------------------------------------------------------------------- YOLO errors


def _yolo(tmp_path: Path, line: str) -> Path:
    image = three_items(tmp_path / "src")[0].image_path
    YoloExporter(SCHEMA).export([ImageExportItem(id="a", image_path=image, sha256="0" * 64,
                                                 width=64, height=48,
                                                 annotation=ImageAnnotation())], tmp_path / "y")
    (tmp_path / "y" / "labels" / "a.txt").write_text(f"0 0.5 0.5 0.1 0.1\n\n{line}\n",
                                                     encoding="utf-8")
    return tmp_path / "y"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("0 0.5 0.5 0.1", "expected 5 fields (class cx cy w h) or an odd count of at least 7 "
                          "(class x1 y1 x2 y2 x3 y3 ...), got 4"),
        ("0 0.5 0.5 0.1 0.1 0.9", "got 6"),
        ("0 0.5 1.5 0.1 0.1", "field 3 = 1.5 is outside [0, 1]"),
        ("0 0.5 0.5 -0.1 0.1", "field 4 = -0.1 is outside [0, 1]"),
        ("9 0.5 0.5 0.1 0.1", "class index 9 is not in names (0..4)"),
        ("car 0.5 0.5 0.1 0.1", "class index 'car' is not an integer"),
        ("0 0.5 0.5 x 0.1", "field 4 'x' is not a number"),
        ("0 0.5 0.5 0 0.1", "box width and height must be > 0"),
    ],
    ids=["4-fields", "6-fields", "y-range", "negative-w", "class-range", "class-text", "nan",
         "zero-w"],
)
def test_yolo_errors_name_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    root = _yolo(tmp_path, line)
    with pytest.raises(AnnotationFileError) as err:
        list(YoloImporter().iter_items(root))
    label_file = root / "labels" / "a.txt"
    assert str(err.value).startswith(f"{label_file} line 3: ")
    assert message in str(err.value)
    assert {k: err.value.details[k] for k in ("file", "line")} == {"file": str(label_file),
                                                                  "line": 3}
    assert err.value.details["reason_code"].startswith("yolo_")  # worded (h1)


# ----------------------------------------------------------------------------- VOC errors


@pytest.mark.parametrize(
    ("xml", "message", "details"),
    [
        ("<annotation><object><name>car</name>", "malformed XML at line 1, column 36",
         {"line": 1}),
        ("<doc/>", "root element is <doc>, not <annotation>", {}),
        ("<annotation><object><name>car</name><bndbox><xmin>1</xmin><ymin>1</ymin>"
         "<xmax>5</xmax></bndbox></object></annotation>",
         "object 0 ('car'): bndbox/ymax is missing or not a number", {"object": 0}),
        ("<annotation><object><bndbox/></object></annotation>", "object 0 has no <name>",
         {"object": 0}),
        ("<annotation><object><name>car</name><bndbox><xmin>9</xmin><ymin>1</ymin>"
         "<xmax>5</xmax><ymax>5</ymax></bndbox></object></annotation>",
         "object 0 ('car'): xmax/ymax must not be below xmin/ymin", {"object": 0}),
    ],
    ids=["malformed", "wrong-root", "missing-coordinate", "no-name", "reversed"],
)
def test_voc_errors_name_file_and_object(tmp_path: Path, xml: str, message: str,
                                         details: dict) -> None:
    (tmp_path / "Annotations").mkdir()
    file = tmp_path / "Annotations" / "a.xml"
    file.write_text(xml, encoding="utf-8")
    with pytest.raises(AnnotationFileError) as err:
        list(VocImporter().iter_items(tmp_path))
    assert message in str(err.value)
    assert str(err.value).startswith(str(file))
    assert {k: err.value.details[k] for k in ("file", *details)} == {"file": str(file),
                                                                     **details}
    assert err.value.details["reason_code"].startswith("voc_")  # worded (h9)


# ----------------------------------------------------------------------------- declared sizes


def _rotated_photo(path: Path) -> Path:
    """A JPEG stored 64x48 whose EXIF orientation 6 shows it as 48x64."""
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    exif = Image.Exif()
    exif[0x0112] = 6
    Image.new("RGB", (64, 48), (90, 120, 150)).save(path, exif=exif.tobytes())
    return path


def _coco_sized(tmp_path: Path, width: object, height: object) -> Path:
    _rotated_photo(tmp_path / "images" / "r.jpg")
    image: dict = {"id": 1, "file_name": "images/r.jpg"}
    if width is not None:
        image.update(width=width, height=height)
    return _coco(tmp_path, images=[image],
                 annotations=[{"id": 7, "image_id": 1, "category_id": 1, "bbox": [30, 2, 10, 10]}])


def test_coco_labels_drawn_on_a_rotated_photos_stored_pixels_are_refused(tmp_path: Path) -> None:
    # labelImg-like tools ignore the EXIF tag: the box at x=30 was drawn on the 64x48 pixels
    path = _coco_sized(tmp_path, 64, 48)
    with pytest.raises(AnnotationFileError) as err:
        list(CocoImporter().iter_items(path))
    message = str(err.value)
    assert message.startswith(f"{path}: images[0] (images/r.jpg) declares 64x48")
    assert "EXIF orientation 6" in message and "as 48x64" in message
    assert "exiftool -Orientation=1 -n" in message
    assert err.value.details == {"file": str(path), "index": 0, "declared": "64x48",
                                 "displayed": "48x64", "image": "r.jpg", "orientation": 6,
                                 "reason_code": "labels_size_rotated"}  # worded (h9)


@pytest.mark.parametrize(("width", "height"), [(48, 64), ("48", "64"), (None, None), (0, 0)],
                         ids=["displayed", "as-text", "undeclared", "unknown-zero"])
def test_coco_declaring_the_displayed_size_or_none_imports(tmp_path: Path, width: object,
                                                           height: object) -> None:
    (_, ann, name), = CocoImporter().iter_items(_coco_sized(tmp_path, width, height))
    assert name == "r" and ann.objects == (Box(label="car", x=30, y=2, w=10, h=10),)


def test_coco_declaring_another_size_is_refused(tmp_path: Path) -> None:
    path = _coco_sized(tmp_path, 96, 128)
    with pytest.raises(AnnotationFileError, match=r"declares 96x128 but r\.jpg is 48x64 \(as "
                                                  r"displayed, EXIF orientation applied\)"):
        list(CocoImporter().iter_items(path))


def _voc_sized(tmp_path: Path, width: int, height: int) -> Path:
    _rotated_photo(tmp_path / "JPEGImages" / "r.jpg")
    (tmp_path / "Annotations").mkdir()
    file = tmp_path / "Annotations" / "r.xml"
    file.write_text(f"<annotation><filename>r.jpg</filename><size><width>{width}</width>"
                    f"<height>{height}</height><depth>3</depth></size><object><name>car</name>"
                    "<bndbox><xmin>31</xmin><ymin>3</ymin><xmax>40</xmax><ymax>12</ymax>"
                    "</bndbox></object></annotation>", encoding="utf-8")
    return file


def test_voc_size_of_the_stored_pixels_of_a_rotated_photo_is_refused(tmp_path: Path) -> None:
    file = _voc_sized(tmp_path, 64, 48)
    with pytest.raises(AnnotationFileError, match="EXIF orientation 6 shows it rotated, "
                                                  "as 48x64") as err:
        list(VocImporter().iter_items(tmp_path))
    assert str(err.value).startswith(f"{file}: <size> declares 64x48")
    details = {k: err.value.details[k] for k in ("file", "declared", "displayed", "reason_code")}
    assert details == {"file": str(file), "declared": "64x48", "displayed": "48x64",
                       "reason_code": "labels_size_rotated"}  # worded (h9)


def test_voc_size_of_the_displayed_photo_imports(tmp_path: Path) -> None:
    _voc_sized(tmp_path, 48, 64)
    (_, ann, _), = VocImporter().iter_items(tmp_path)
    assert ann.objects == (Box(label="car", x=30, y=2, w=10, h=10),)


def test_coco_empty_rings_fall_back_to_the_box(tmp_path: Path) -> None:
    path = _coco(tmp_path, annotations=[{"id": 7, "image_id": 1, "category_id": 1,
                                         "bbox": [0, 0, 2, 2], "segmentation": [[]]}])
    (_, ann, _), = CocoImporter().iter_items(path)
    assert ann.objects == (Box(label="car", x=0, y=0, w=2, h=2),)


def test_only_a_box_only_labels_rectangles_become_boxes() -> None:
    """A 4-corner rectangle under a label that takes boxes but not polygons is a box again;
    under a polygon label, a bow-tie or a rotated square, it stays a polygon."""
    from datamill.modalities.image.importers._common import boxes_where_polygons_are_not_allowed
    from datamill.modalities.image.schema import ImageLabelSchema, LabelSpec

    schema = ImageLabelSchema(labels=(LabelSpec(name="car", kinds=("box", "polygon")),
                                      LabelSpec(name="person", kinds=("box",))))
    rect = ((4.0, 2.0), (4.0, 9.0), (1.0, 9.0), (1.0, 2.0))  # another start, anticlockwise
    bow_tie = ((1.0, 2.0), (4.0, 9.0), (4.0, 2.0), (1.0, 9.0))
    diamond = ((5.0, 0.0), (10.0, 5.0), (5.0, 10.0), (0.0, 5.0))
    ann = ImageAnnotation(objects=(Polygon(label="person", points=rect),
                                   Polygon(label="car", points=rect),
                                   Polygon(label="person", points=bow_tie),
                                   Polygon(label="person", points=diamond)))
    fitted = boxes_where_polygons_are_not_allowed(ann, schema)
    assert fitted.objects[0] == Box(label="person", x=1, y=2, w=3, h=7)
    assert fitted.objects[1:] == ann.objects[1:]
