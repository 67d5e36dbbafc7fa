"""COCO importer: instances JSON (boxes, polygons, RLE masks, keypoints) to image annotations.

The JSON is read whole (the format is one document), checked, then images are yielded one by
one in file order. Checks raise :class:`~datamill.modalities.image.errors.AnnotationFileError`
naming the file and ``annotations[i]``: an ``image_id`` or ``category_id`` that no image or
category has, a missing or non-positive ``bbox``, or an object the schema refuses; and an
image whose declared ``width``/``height`` is not its displayed size (EXIF orientation
applied: labels drawn on a rotated photo's stored pixels would land in the wrong place).

Each annotation becomes, first match wins: a :class:`~.schema.RotatedBox` when it carries
``datamill_rotated_box``; a :class:`~.schema.Box` from ``bbox`` when it carries
``datamill_box`` (our exporter writes a box's corners as its ``segmentation`` too, for the
readers that need one); a :class:`~.schema.TextLine` when it carries ``text``; a
:class:`~.schema.Keypoints` when it has ``keypoints``, some labelled or its ``skeleton``
named (skeleton = its ``skeleton`` or the category name; all unlabelled, as COCO writes a
person without keypoints, it is read as its outline or box); a :class:`~.schema.Mask` when ``segmentation`` is an RLE dict; one
:class:`~.schema.Polygon` per ring when ``segmentation`` is a non-empty list (the rings of one
annotation share the attribute ``coco_instance``, :data:`~.schema.PARTS_ATTRIBUTE`) (empty rings
ignored; a ring of fewer than 3 points or an odd count of numbers refuses the file); else a
:class:`~.schema.Box` from ``bbox``. ``attributes`` and the image's ``classes`` are read back
when present; ``iscrowd`` 1 adds the attribute ``iscrowd: true`` (:data:`~.schema.CROWD_ATTRIBUTE`). Coordinates at most a pixel outside the image are put on its edge
(:func:`._common.fit_inside`). Image paths are ``file_name`` below ``image_root`` (default: the JSON's folder);
absolute ``file_name`` values are kept. Each image's item id is its ``file_name`` without the
suffix, folders kept (``a/x.jpg`` -> ``a/x``; a leading ``images/`` dropped, an absolute name
taken relative to the image folder), so ``a/x.jpg`` and ``b/x.jpg`` are two items and a
re-import finds both again.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Final

from pydantic import ValidationError

from datamill.modalities.image.errors import AnnotationFileError
from datamill.modalities.image.importers._common import (
    Refused,
    check_declared_size,
    displayed_size,
    fit_inside,
    inside,
    item_id,
    read_head,
    read_label_text,
)
from datamill.modalities.image.schema import (
    CROWD_ATTRIBUTE,
    PARTS_ATTRIBUTE,
    Box,
    CocoRle,
    ImageAnnotation,
    Keypoint,
    Keypoints,
    Mask,
    Polygon,
    RotatedBox,
    TextLine,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["CocoImporter"]

_CANDIDATES: Final = ("annotations.json", "instances_default.json")
_MIN_RING: Final = 6  # 3 points


def _pairs(flat: list[float]) -> tuple[tuple[float, float], ...]:
    return tuple((float(flat[i]), float(flat[i + 1])) for i in range(0, len(flat) - 1, 2))


def _ring(ring: Any, number: int) -> tuple[tuple[float, float], ...]:
    """The points of polygon ring ``number``: pairs of x, y, at least 3 points. A shorter or
    odd-length ring is refused, never dropped (pycocotools reads 4 numbers as a box)."""
    if not isinstance(ring, list) or len(ring) < _MIN_RING or len(ring) % 2:
        size = len(ring) if isinstance(ring, list) else type(ring).__name__
        raise Refused(f"segmentation ring {number} has {size} numbers: a polygon is x, y "
                      "pairs of at least 3 points (6 numbers, an even count)", "coco_ring",
                      ring=number, size=size)
    return _pairs(ring)


_BOX_NUMBERS: Final = 4


def _bbox(ann: dict[str, Any]) -> tuple[float, float, float, float]:
    """An annotation's ``bbox`` ``[x, y, width, height]``: 4 finite numbers, width and height
    above 0 (a missing or malformed one refused, naming what it holds)."""
    bbox = ann.get("bbox")
    if isinstance(bbox, list) and len(bbox) == _BOX_NUMBERS and all(
            isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
            for v in bbox) and bbox[2] > 0 and bbox[3] > 0:
        x, y, w, h = (float(v) for v in bbox)
        return x, y, w, h
    given = "none" if bbox is None else json.dumps(bbox)[:80]
    raise Refused(f"bbox {given} is not [x, y, width, height] (4 numbers, width and height "
                  "above 0)", "coco_bbox", given=given)


def _has_keypoints(ann: dict[str, Any]) -> bool:
    """Whether ``ann`` is a keypoints object: it has keypoints, some labelled (visibility
    above 0) or its skeleton named (datamill's export). COCO writes a person without
    keypoints with all of them 0 (``num_keypoints`` 0): that person is its outline or box."""
    flat = ann.get("keypoints")
    if not flat:
        return False
    return "skeleton" in ann or not isinstance(flat, list) or any(
        v != 0 for v in flat[2::3])


def _objects(ann: dict[str, Any], label: str, number: int) -> list[Any]:
    attributes = ann.get("attributes") or {}
    if not isinstance(attributes, dict):
        raise TypeError("attributes must be an object")
    if ann.get("iscrowd") == 1:  # a crowd region stays one (COCOeval ignores it)
        attributes = {**attributes, CROWD_ATTRIBUTE: True}
    common: dict[str, Any] = {"label": label, "attributes": attributes}
    segmentation: Any = ann.get("segmentation")
    if "datamill_rotated_box" in ann:
        cx, cy, w, h, angle = ann["datamill_rotated_box"]
        return [RotatedBox(cx=cx, cy=cy, w=w, h=h, angle_deg=angle, **common)]
    if ann.get("datamill_box") is True:
        x, y, w, h = _bbox(ann)
        return [Box(x=x, y=y, w=w, h=h, **common)]
    if "text" in ann:
        return [TextLine(points=_ring(segmentation[0], 0), transcription=str(ann["text"]),
                         **common)]
    if _has_keypoints(ann):
        flat = ann["keypoints"]
        points = tuple(Keypoint(x=flat[i], y=flat[i + 1], visibility=int(flat[i + 2]))
                       for i in range(0, len(flat) - 2, 3))
        return [Keypoints(skeleton=str(ann.get("skeleton") or label), points=points, **common)]
    if isinstance(segmentation, dict):
        counts = segmentation["counts"]
        return [Mask(rle=CocoRle(size=tuple(segmentation["size"]),
                                 counts=counts if isinstance(counts, str) else tuple(counts)),
                     **common)]
    rings = [ring for ring in segmentation or () if ring != []] if isinstance(
        segmentation, list) else []
    if len(rings) > 1:  # one instance in parts: each part says which (``number``, 1-based)
        common["attributes"] = {PARTS_ATTRIBUTE: number, **attributes}
    if rings:
        return [Polygon(points=_ring(ring, at), **common) for at, ring in enumerate(rings)]
    x, y, w, h = _bbox(ann)
    return [Box(x=x, y=y, w=w, h=h, **common)]


def _coco_id(file_name: str, root: Path) -> str:
    """The item id of ``file_name``: its path below the image folder without the suffix (a
    leading ``images/`` is that folder, as in datamill's own COCO export)."""
    name = Path(file_name)
    if name.is_absolute():
        name = name.relative_to(root) if name.is_relative_to(root) else Path(name.name)
    if len(name.parts) > 1 and name.parts[0] == "images":
        name = Path(*name.parts[1:])
    return item_id(name) or Path(file_name).stem


class CocoImporter:
    """Reads COCO instances JSON (see the module docstring)."""

    name: ClassVar[str] = "coco"

    def _json_file(self, path: Path) -> Path | None:
        if path.is_file():
            return path if path.suffix.lower() == ".json" else None
        for folder in (path, path / "annotations"):
            for name in _CANDIDATES:
                if (folder / name).is_file():
                    return folder / name
        return None

    def detect(self, path: Path) -> float:
        """1.0 when the JSON's head names images, annotations and categories; 0.0 otherwise."""
        found = self._json_file(Path(path))
        if found is None:
            return 0.0
        head = read_head(found)
        keys = sum(f'"{key}"' in head for key in ("images", "annotations", "categories"))
        return {3: 1.0, 2: 0.6}.get(keys, 0.0)

    def iter_items(
        self, path: Path, image_root: Path | None = None
    ) -> Iterator[tuple[Path, ImageAnnotation, str]]:
        """Yield ``(image path, annotation, item id)`` per COCO image, in file order.

        Raises:
            AnnotationFileError: Not JSON, no COCO layout, dangling ids or invalid objects.
        """
        file = self._json_file(Path(path))
        if file is None:
            raise AnnotationFileError(f"{path}: no COCO annotations JSON found", file=str(path),
                                      reason_code="coco_no_json")
        folder = Path(path) if Path(path).is_dir() else file.parent
        inside(folder, file, "the annotations file")
        # file names are relative to the JSON's folder, or (CVAT's annotations/ layout) to the
        # source folder or its images/ folder: the first root that has the first image wins
        roots = [image_root] if image_root else [file.parent, folder, folder / "images"]
        try:
            data = json.loads(read_label_text(file))
        except json.JSONDecodeError as err:
            raise AnnotationFileError(f"{file}: not valid JSON ({err})", file=str(file),
                                      reason_code="coco_json", line=err.lineno,
                                      column=err.colno, detail=err.msg) from err
        lists = ("images", "annotations", "categories")
        missing = [key for key in lists if not isinstance(data, dict)
                   or not isinstance(data.get(key), list)]
        if missing:
            raise AnnotationFileError(
                f"{file}: needs lists 'images', 'annotations' and 'categories'", file=str(file),
                reason_code="coco_layout", missing=missing)
        for key in lists:
            for index, entry in enumerate(data[key]):
                if not isinstance(entry, dict):
                    kind = type(entry).__name__
                    raise AnnotationFileError(
                        f"{file}: {key}[{index}] is a JSON {kind}, not an object",
                        file=str(file), index=index, reason_code="coco_not_object", list=key,
                        kind=kind)
        categories = {c.get("id"): str(c.get("name")) for c in data["categories"]}
        image_ids = {img.get("id") for img in data["images"]}
        by_image: dict[Any, list[Any]] = defaultdict(list)
        for index, ann in enumerate(data["annotations"]):
            where = f"{file}: annotations[{index}] (id {ann.get('id')})"
            if ann.get("image_id") not in image_ids:
                raise AnnotationFileError(
                    f"{where} refers to image id {ann.get('image_id')!r}, which is not in images",
                    file=str(file), index=index, reason_code="coco_image_unknown",
                    id=str(ann.get("id")), given=repr(ann.get("image_id")))
            label = categories.get(ann.get("category_id"))
            if label is None:
                raise AnnotationFileError(
                    f"{where} refers to category id {ann.get('category_id')!r}, which is not in "
                    "categories", file=str(file), index=index,
                    reason_code="coco_category_unknown", id=str(ann.get("id")),
                    given=repr(ann.get("category_id")))
            try:
                by_image[ann["image_id"]].extend(_objects(ann, label, index + 1))
            except Refused as err:
                raise AnnotationFileError(f"{where} is not a valid object: {err}",
                                          file=str(file), index=index,
                                          id=str(ann.get("id")), **err.coded) from err
            except (ValidationError, KeyError, TypeError, ValueError, IndexError) as err:
                detail = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in
                                   err.errors(include_url=False)) if isinstance(
                    err, ValidationError) else f"{type(err).__name__}: {err}"
                raise AnnotationFileError(f"{where} is not a valid object: {err}",
                                          file=str(file), index=index, id=str(ann.get("id")),
                                          reason_code="coco_object_invalid",
                                          detail=detail[:300]) from err
        root: Path | None = None
        for position, image in enumerate(data["images"]):
            file_name = image.get("file_name")
            if not isinstance(file_name, str) or not file_name:
                raise AnnotationFileError(f"{file}: images[{position}] has no file_name",
                                          file=str(file), index=position,
                                          reason_code="coco_file_name")
            if root is None:
                root = next((r for r in roots if (r / file_name).is_file()), roots[0])
            image_path = Path(file_name) if Path(file_name).is_absolute() else root / file_name
            check_declared_size(image_path, image.get("width"), image.get("height"),
                                f"{file}: images[{position}] ({file_name})", file=str(file),
                                index=position)
            annotation = ImageAnnotation(objects=tuple(by_image.pop(image.get("id"), ())),
                                         classes=tuple(image.get("classes") or ()))
            if annotation.objects and image_path.is_file():
                annotation = fit_inside(annotation, *displayed_size(image_path))
            yield image_path, annotation, _coco_id(file_name, root)
