"""YOLO importer: ``data.yaml`` + ``images/`` + ``labels/*.txt`` to image annotations.

``names`` in ``data.yaml`` is a list or a mapping from class index to name. Images are those
under the ``train`` folder of ``data.yaml`` (default ``images``) and its sub-folders, in path
order; the labels of ``images/a.jpg`` are ``labels/a.txt``, of ``images/train/a/x.jpg``
``labels/train/a/x.txt`` (missing file: no objects). An image's item id is its path below the
image folder without the suffix (``a/x.jpg`` -> ``a/x``), so ``a/x.jpg`` and ``b/x.jpg`` are two
items. Image sizes are read from the image headers (displayed size, EXIF orientation applied)
to turn normalised coordinates into pixels.

Each non-blank line is ``class cx cy w h`` (a :class:`~.schema.Box`) or ``class x1 y1 x2 y2 ...``
with at least 3 points (a :class:`~.schema.Polygon`). In a pose dataset (``kpt_shape: [k, 2 or
3]`` in ``data.yaml``) each line is ``class cx cy w h`` and k keypoints (``x y`` or ``x y v``):
a :class:`~.schema.Keypoints` of the class's skeleton (named as the class, as the COCO importer
names it), or the box where no keypoint is labelled; a line of any other length is refused
(it was read as a polygon of the box and the keypoints mixed). A polygon line that comes back to
points it has been at, an instance in parts joined by bridges there and back (as Ultralytics'
COCO converter and our export write one), is read as its parts, polygons sharing
``coco_instance`` (the line number). Any other field count, a class index that
is not an integer or not in ``names``, a coordinate that is not a number or is outside [0, 1]
(more than a pixel: a hair outside is float rounding, put on the edge),
or a non-positive width or height raises
:class:`~datamill.modalities.image.errors.AnnotationFileError` naming the file and line.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Final, cast

import yaml

from datamill.modalities.image._parts import split_bridged
from datamill.modalities.image.errors import AnnotationFileError
from datamill.modalities.image.importers._common import (
    EDGE_TOLERANCE,
    IMAGE_SUFFIXES,
    Refused,
    displayed_size,
    fit_inside,
    inside,
    item_id,
    read_label_text,
)
from datamill.modalities.image.schema import (
    PARTS_ATTRIBUTE,
    Box,
    ImageAnnotation,
    Keypoint,
    Keypoints,
    Polygon,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["YoloImporter"]

_YAML_NAMES: Final = ("data.yaml", "dataset.yaml")
_BOX_FIELDS: Final = 5
_MIN_POLYGON_FIELDS: Final = 7
_WITH_VISIBILITY: Final = 3  # a pose keypoint of x y v
_KEYPOINT_SLACK: Final = 1e-6  # float rounding past an edge: put on it


def _names(data: Any, file: Path) -> list[str]:
    names = data.get("names") if isinstance(data, dict) else None
    if isinstance(names, list):
        return [str(n) for n in names]
    if isinstance(names, dict) and all(isinstance(k, int) for k in names):
        if sorted(names) != list(range(len(names))):
            raise AnnotationFileError(f"{file}: names keys must be 0..{len(names) - 1}",
                                      file=str(file), reason_code="yolo_names_keys",
                                      last=len(names) - 1)
        return [str(names[k]) for k in range(len(names))]
    raise AnnotationFileError(f"{file}: 'names' must be a list or an index -> name mapping",
                              file=str(file), reason_code="yolo_names")


def _kpt_shape(data: Any, file: Path) -> tuple[int, int] | None:
    """A pose dataset's ``kpt_shape`` ``[keypoints, 2 or 3]`` (None for any other dataset)."""
    shape = data.get("kpt_shape") if isinstance(data, dict) else None
    if shape is None:
        return None
    if not (isinstance(shape, list) and len(shape) == 2  # noqa: PLR2004 - [k, dim]
            and all(isinstance(v, int) and not isinstance(v, bool) for v in shape)
            and shape[0] >= 1 and shape[1] in (2, 3)):
        raise AnnotationFileError(f"{file}: kpt_shape must be [keypoints, 2 or 3], got "
                                  f"{shape!r}", file=str(file), reason_code="yolo_kpt_shape",
                                  given=repr(shape)[:80])
    return shape[0], shape[1]


def _pose(fields: list[str], names: list[str], where: str, size: tuple[int, int],
          shape: tuple[int, int]) -> Box | Keypoints:
    """A pose line: ``class cx cy w h`` and ``kpt_shape[0]`` keypoints of ``x y`` or ``x y v``
    (normalised; ``v`` 0 not labelled, 1 occluded, 2 visible; without ``v`` a keypoint at 0 0
    is not labelled, as Ultralytics reads it). The person's keypoints, as the COCO importer
    reads a keypoints annotation; its box where no keypoint is labelled."""
    count, dim = shape
    if len(fields) != _BOX_FIELDS + count * dim:
        need = _BOX_FIELDS + count * dim
        raise Refused(f"{where}: kpt_shape [{count}, {dim}] needs {need} fields (class cx cy "
                         f"w h, then {count} keypoints of "
                         f"{'x y v' if dim == _WITH_VISIBILITY else 'x y'}), got {len(fields)}",
                         "yolo_pose_count", keypoints=count, dim=dim, need=need,
                         count=len(fields))
    box = cast("Box", _parse_line(fields[:_BOX_FIELDS], names, where, size))  # 5 fields: a box
    values: list[float] = []
    for position, text in enumerate(fields[_BOX_FIELDS:], start=_BOX_FIELDS + 1):
        try:
            value = float(text)
        except ValueError:
            raise Refused(f"{where}: field {position} {text!r} is not a number",
                             "yolo_not_a_number", position=position, given=text) from None
        if dim == _WITH_VISIBILITY and (position - _BOX_FIELDS) % dim == 0:
            if value not in (0, 1, 2):
                raise Refused(f"{where}: field {position} = {text} is a keypoint's "
                                 "visibility: 0 (not labelled), 1 (occluded) or 2 (visible)",
                                 "yolo_visibility", position=position, given=text)
        elif not (math.isfinite(value) and -_KEYPOINT_SLACK <= value <= 1 + _KEYPOINT_SLACK):
            raise Refused(f"{where}: field {position} = {text} is outside [0, 1] "
                             "(keypoint coordinates are normalised by the image size)",
                             "yolo_outside", position=position, given=text)
        values.append(value)
    width, height = size
    points = []
    for i in range(0, len(values), dim):
        x, y = min(max(values[i], 0.0), 1.0), min(max(values[i + 1], 0.0), 1.0)
        seen = int(values[i + 2]) if dim == _WITH_VISIBILITY else (0 if x == y == 0 else 2)
        points.append(Keypoint(x=x * width, y=y * height, visibility=seen))
    if not any(p.visibility for p in points):
        return box
    return Keypoints(label=box.label, skeleton=box.label, points=tuple(points))


def _parse_line(fields: list[str], names: list[str], where: str,
                size: tuple[int, int]) -> Box | Polygon:
    count = len(fields)
    if count != _BOX_FIELDS and (count < _MIN_POLYGON_FIELDS or count % 2 == 0):
        raise Refused(
            f"{where}: expected 5 fields (class cx cy w h) or an odd count of at least 7 "
            f"(class x1 y1 x2 y2 x3 y3 ...), got {count}", "yolo_field_count", count=count)
    try:
        class_id = int(fields[0])
    except ValueError:
        raise Refused(f"{where}: class index {fields[0]!r} is not an integer",
                         "yolo_class_not_integer", given=fields[0]) from None
    if not 0 <= class_id < len(names):
        raise Refused(f"{where}: class index {class_id} is not in names "
                         f"(0..{len(names) - 1})", "yolo_class_unknown", given=class_id,
                         last=len(names) - 1)
    values = []
    for position, text in enumerate(fields[1:], start=2):
        try:
            value = float(text)
        except ValueError:
            raise Refused(f"{where}: field {position} {text!r} is not a number",
                             "yolo_not_a_number", position=position, given=text) from None
        # a pixel past the edge is float rounding (1.000001): put on it later (fit_inside)
        slack = EDGE_TOLERANCE / max(1, size[0] if position % 2 == 0 else size[1])
        if not (math.isfinite(value) and -slack <= value <= 1.0 + slack):
            raise Refused(f"{where}: field {position} = {text} is outside [0, 1] "
                             "(coordinates are normalised by the image size)", "yolo_outside",
                             position=position, given=text)
        values.append(value)
    width, height = size
    if count == _BOX_FIELDS:
        cx, cy, w, h = values
        if w <= 0 or h <= 0:
            raise Refused(f"{where}: box width and height must be > 0", "yolo_box_size")
        return Box(label=names[class_id], x=(cx - w / 2) * width, y=(cy - h / 2) * height,
                   w=w * width, h=h * height)
    points = tuple((values[i] * width, values[i + 1] * height) for i in range(0, len(values), 2))
    return Polygon(label=names[class_id], points=points)


def _parts(obj: Box | Polygon, number: int) -> list[Box | Polygon]:
    """A polygon line of an instance in parts (a ring that comes back to points it has been
    at: bridges there and back, as Ultralytics' COCO converter and our export write one) as its
    parts, each with ``coco_instance`` = the line number; any other object as it is."""
    if not isinstance(obj, Polygon):
        return [obj]
    rings = split_bridged(obj.points)
    if len(rings) < 2:  # noqa: PLR2004 - one part: the polygon (a repeated point dropped)
        return [obj.model_copy(update={"points": tuple(rings[0])})] if rings else [obj]
    return [Polygon(label=obj.label, points=tuple(ring), attributes={PARTS_ATTRIBUTE: number})
            for ring in rings]


class YoloImporter:
    """Reads a YOLO detection or segmentation dataset (see the module docstring)."""

    name: ClassVar[str] = "yolo"

    def _yaml(self, path: Path) -> Path | None:
        return next((path / n for n in _YAML_NAMES if (path / n).is_file()), None)

    def detect(self, path: Path) -> float:
        """0.9 with ``data.yaml`` and a ``labels/`` folder, 0.4 with ``labels/*.txt`` only."""
        path = Path(path)
        if not path.is_dir() or not (path / "labels").is_dir():
            return 0.0
        if self._yaml(path) is not None:
            return 0.9
        return 0.4 if next((path / "labels").glob("*.txt"), None) is not None else 0.0

    def _label_file(self, path: Path, images_dir: Path, image: Path) -> Path:
        """``labels/`` in place of the image path's ``images`` folder (YOLO's rule), else the
        image's path below the image folder under ``labels/``."""
        relative = image.relative_to(images_dir).with_suffix(".txt")
        folders = image.relative_to(path).parts[:-1]
        if "images" in folders:
            at = len(folders) - 1 - folders[::-1].index("images")  # the last one
            parts = image.relative_to(path).parts
            swapped = path.joinpath(*parts[:at], "labels", *parts[at + 1:]).with_suffix(".txt")
            if swapped.is_file():
                return swapped
        return path / "labels" / relative

    def iter_items(self, path: Path) -> Iterator[tuple[Path, ImageAnnotation, str]]:
        """Yield ``(image path, annotation, item id)`` per image, in path order.

        Raises:
            AnnotationFileError: No ``data.yaml``, bad ``names``, or a malformed label line.
        """
        path = Path(path)
        yaml_file = self._yaml(path)
        if yaml_file is None:
            raise AnnotationFileError(f"{path}: no data.yaml", file=str(path),
                                      reason_code="yolo_no_yaml")
        try:
            data = yaml.safe_load(read_label_text(yaml_file))
        except yaml.YAMLError as err:
            mark = getattr(err, "problem_mark", None)
            raise AnnotationFileError(f"{yaml_file}: not valid YAML ({err})",
                                      file=str(yaml_file), reason_code="yolo_yaml",
                                      line=mark.line + 1 if mark else "?",
                                      detail=getattr(err, "problem", None) or str(err)) from err
        names = _names(data, yaml_file)
        shape = _kpt_shape(data, yaml_file)
        images_dir = inside(path, path / str(data.get("train") or "images"), "the image folder")
        for image in sorted(p for p in images_dir.rglob("*")
                            if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file()):
            label_file = self._label_file(path, images_dir, image)
            objects: list[Box | Polygon | Keypoints] = []
            if label_file.is_file():
                inside(path, label_file, "the label file")
                size = displayed_size(inside(path, image, "the image"))
                text = read_label_text(label_file)
                for number, line in enumerate(text.splitlines(), start=1):
                    if not line.strip():
                        continue
                    where = f"{label_file} line {number}"
                    try:
                        objects.extend(
                            [_pose(line.split(), names, where, size, shape)] if shape else
                            _parts(_parse_line(line.split(), names, where, size), number))
                    except ValueError as err:
                        coded = err.coded if isinstance(err, Refused) else {}
                        raise AnnotationFileError(str(err), file=str(label_file), line=number,
                                                  **coded) from err
            annotation = ImageAnnotation(objects=tuple(objects))
            if objects:
                annotation = fit_inside(annotation, *size)
            yield image, annotation, item_id(image.relative_to(images_dir))
