"""COCO exporter: one ``annotations.json`` (instances format), images optionally copied.

Layout::

    annotations.json        {"info", "licenses", "images", "annotations", "categories"}
    images/<id><suffix>     with ``copy_images=True``; without it, only the images stored
                            turned (EXIF orientation other than 1), written upright

Mapping (coordinates in pixels, ``bbox`` = ``[x, y, w, h]``):

=============  ===========================================================================
Box            ``bbox``; ``segmentation`` = the box's 4 corners; ``area`` ``w * h``;
               ``datamill_box`` ``true`` so it reads back as a box, not a polygon
RotatedBox     ``segmentation`` = the 4 corners; ``bbox`` their bounds; ``rotation`` (degrees)
               and ``datamill_rotated_box`` ``[cx, cy, w, h, angle_deg]`` so it reads back
Polygon        ``segmentation`` ``[[x1, y1, x2, y2, ...]]``; ``area`` by the shoelace formula
Mask           ``segmentation`` = the RLE (``size``, ``counts``) as given; ``area``/``bbox``
               from the runs
Keypoints      ``keypoints`` ``[x, y, v, ...]``, ``num_keypoints``, ``skeleton`` (its name);
               ``bbox`` bounds the labelled points (each side at least 1 pixel, so that
               evaluation can match it), ``area`` the OKS scale the inspection uses (that
               box with each side at least 32 px), ``segmentation`` its 4 corners; the category
               carries ``keypoints`` names and 1-based ``skeleton`` edges when a label
               schema is given
TextLine       as a polygon, plus ``text`` (the transcription)
Polyline       not representable (error, or skipped with ``on_unsupported="skip"``)
=============  ===========================================================================

An object with no outline of its own (a box, keypoints) gets its box as a 4-corner polygon, the
way pycocotools' ``COCO.loadRes`` completes box detections: an empty ``segmentation`` made
``annToMask`` and ``COCOeval(..., "segm")`` raise ``IndexError`` (detectron2 and mmdetection
read the polygon as a rectangle mask; they skip nothing).

Every annotation has ``iscrowd`` 0 (1 for an object whose attribute ``iscrowd`` is true, a
crowd region a COCO import brought) and ``attributes`` (the object's attributes). Consecutive
polygons of one label and attributes with a ``coco_instance`` number (the parts of one instance
a COCO import brought) are one annotation of several rings. Image records
add ``datamill_id``, ``sha256`` and ``classes`` (image-level classes). Category ids start at 1,
in label-schema order when a schema is given, else in order of first appearance. Image and
annotation ids are 1-based positions.

Streaming: image records go straight to the file, annotation records to a temporary file beside
it, appended once the items are exhausted; only the category table stays in memory.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Final

from datamill.modalities.base import ExportManifest
from datamill.modalities.image._rle import rle_area, rle_bbox, rle_runs
from datamill.modalities.image.exporters._common import (
    LabelIds,
    OnUnsupported,
    UniqueIds,
    deliver_image,
    image_file_name,
    sha256_file,
    unsupported,
    upright_reference,
)
from datamill.modalities.image.schema import (
    CROWD_ATTRIBUTE,
    PARTS_ATTRIBUTE,
    Box,
    Keypoints,
    Mask,
    Polygon,
    RotatedBox,
    TextLine,
    rotated_box_corners,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence

    from datamill.modalities.image.item import ImageExportItem
    from datamill.modalities.image.schema import ImageLabelSchema

__all__ = ["ANNOTATIONS_FILE", "CocoExporter"]

ANNOTATIONS_FILE: Final = "annotations.json"
_PARTIAL: Final = ".annotations.partial"


# One encoder (json.dumps with options builds one per call); keys keep insertion order, which
# is fixed, so the output is deterministic without the cost of sorting.
_dumps: Final = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def _box_corners(x: float, y: float, w: float, h: float) -> list[list[float]]:
    """A box as a COCO polygon ring, in pycocotools' ``loadRes`` order."""
    return [[x, y, x, y + h, x + w, y + h, x + w, y]]


def _box_json(box: Box, annotation_id: int, image_id: int, category_id: int,
              pose: dict[str, Any] | None = None) -> str:
    """The annotation record of a box, formatted directly (the hot path of large exports);
    ``pose``: the keypoint fields of a project with keypoints (see :func:`_no_keypoints`)."""
    attributes = _dumps(box.attributes) if box.attributes else "{}"
    if pose:
        attributes += "," + _dumps(pose)[1:-1]
    x, y, w, h = box.x, box.y, box.w, box.h
    left, top, right, bottom = repr(x), repr(y), repr(x + w), repr(y + h)
    return (f'{{"id":{annotation_id},"image_id":{image_id},"category_id":{category_id},'
            f'"iscrowd":{int(box.attributes.get(CROWD_ATTRIBUTE) is True)},'
            f'"bbox":[{left},{top},{w!r},{h!r}],"area":{w * h!r},'
            f'"segmentation":[[{left},{top},{left},{bottom},{right},{bottom},{right},{top}]],'
            f'"datamill_box":true,"attributes":{attributes}}}')


def _no_keypoints(points: int | None) -> dict[str, Any]:
    """The keypoint fields of an annotation that is not a keypoints object, in a project with
    keypoints (``points``: the keypoint count of its label's skeleton; None: no skeleton):
    ``num_keypoints`` 0 and, for a label with a skeleton, ``keypoints`` all zeros, as COCO's
    keypoint files write a person without keypoints. pycocotools' keypoint evaluation reads
    both of every annotation of a category it scores (KeyError ``keypoints`` otherwise)."""
    if points is None:
        return {"num_keypoints": 0}
    return {"num_keypoints": 0, "keypoints": [0] * (3 * points)}


def _polygon_record(points: Sequence[tuple[float, float]]) -> dict[str, Any]:
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    twice_area = sum(
        xs[i] * ys[(i + 1) % len(xs)] - xs[(i + 1) % len(xs)] * ys[i] for i in range(len(xs))
    )
    return {
        "segmentation": [[c for p in points for c in p]],
        "bbox": [min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)],
        "area": abs(twice_area) / 2,
    }


def _parts_key(obj: Any) -> str | None:
    """What the polygon parts of one instance share (label, ``coco_instance``, attributes);
    None for any other object."""
    number = obj.attributes.get(PARTS_ATTRIBUTE) if type(obj) is Polygon else None
    if not isinstance(number, int) or isinstance(number, bool):
        return None
    return _dumps([obj.label, obj.attributes])


def _with_parts_joined(
    objects: Sequence[Any],
) -> Iterator[tuple[int, Any, dict[str, Any] | None]]:
    """Each object with its index and, for consecutive polygons of one instance
    (:data:`~.schema.PARTS_ATTRIBUTE`), one record of all their rings (the first part's
    index; bbox their union, area their sum); the record None for any other object."""
    pending: tuple[int, Any, dict[str, Any], str] | None = None
    for index, obj in enumerate(objects):
        key = _parts_key(obj)
        if pending is not None and key == pending[3]:
            record, part = pending[2], _polygon_record(obj.points)
            x0, y0, w0, h0 = record["bbox"]
            x1, y1, w1, h1 = part["bbox"]
            left, top = min(x0, x1), min(y0, y1)
            record["bbox"] = [left, top, max(x0 + w0, x1 + w1) - left,
                              max(y0 + h0, y1 + h1) - top]
            record["segmentation"] += part["segmentation"]
            record["area"] += part["area"]
            continue
        if pending is not None:
            yield pending[:3]
            pending = None
        if key is not None:
            pending = (index, obj, _polygon_record(obj.points), key)
        else:
            yield index, obj, None
    if pending is not None:
        yield pending[:3]


def _object_record(obj: Any) -> dict[str, Any] | None:
    """The kind-specific fields of one annotation record; None when COCO cannot hold it."""
    if isinstance(obj, Box):
        return {"bbox": [obj.x, obj.y, obj.w, obj.h], "area": obj.w * obj.h,
                "segmentation": _box_corners(obj.x, obj.y, obj.w, obj.h), "datamill_box": True}
    if isinstance(obj, RotatedBox):
        record = _polygon_record(rotated_box_corners(obj))
        record["rotation"] = obj.angle_deg
        record["datamill_rotated_box"] = [obj.cx, obj.cy, obj.w, obj.h, obj.angle_deg]
        return record
    if isinstance(obj, Polygon):
        return _polygon_record(obj.points)
    if isinstance(obj, TextLine):
        record = _polygon_record(obj.points)
        record["text"] = obj.transcription
        return record
    if isinstance(obj, Mask):
        counts = rle_runs(obj.rle.counts)
        segmentation = {"size": list(obj.rle.size), "counts": (
            obj.rle.counts if isinstance(obj.rle.counts, str) else list(obj.rle.counts))}
        return {"segmentation": segmentation, "area": rle_area(counts),
                "bbox": list(rle_bbox(counts, obj.rle.size[0]))}
    if isinstance(obj, Keypoints):
        labelled = [p for p in obj.points if p.visibility > 0]
        xs = [p.x for p in labelled] or [0.0]
        ys = [p.y for p in labelled] or [0.0]
        bbox = [min(xs), min(ys), max(max(xs) - min(xs), 1.0), max(max(ys) - min(ys), 1.0)]
        from datamill.modalities.image.metric import keypoint_area

        return {
            "keypoints": [v for p in obj.points for v in (p.x, p.y, p.visibility)],
            "num_keypoints": len(labelled),
            "skeleton": obj.skeleton,
            "bbox": bbox,
            # the OKS scale the inspection uses (each side at least 32 px): pycocotools
            # divides by ``area``, so a customer's evaluation reads the inspection's OKS
            "area": keypoint_area(obj) or bbox[2] * bbox[3],
            "segmentation": _box_corners(*bbox),
        }
    return None


class CocoExporter:
    """Writes COCO instances JSON (see the module docstring).

    Args:
        label_schema: Fixes category ids and order, and adds keypoint names and skeleton edges.
            Without it categories are numbered in order of first appearance.
        copy_images: Copy images to ``images/`` (``file_name`` = ``images/<id><suffix>``);
            otherwise ``file_name`` is the image's absolute path, except for an image stored
            turned (EXIF orientation other than 1): it gets an upright copy in ``images/``,
            since ``width``, ``height`` and every coordinate are those of the upright image
            and a reader that ignores the tag would put the boxes on the wrong pixels.
        on_unsupported: ``error`` (default) or ``skip`` objects COCO cannot hold (polylines).
    """

    name: ClassVar[str] = "coco"

    def __init__(self, label_schema: ImageLabelSchema | None = None, *,
                 copy_images: bool = False, on_unsupported: OnUnsupported = "error") -> None:
        self.label_schema = label_schema
        self.copy_images = copy_images
        self.on_unsupported: OnUnsupported = on_unsupported

    def export(self, items: Iterable[ImageExportItem], out_dir: Path) -> ExportManifest:
        """Write ``annotations.json`` (and images) under ``out_dir``; see the class docstring."""
        out_dir.mkdir(parents=True, exist_ok=True)
        files: dict[str, str] = {}
        left_out: Counter[str] = Counter()
        ids = UniqueIds()
        labels = LabelIds(self.label_schema, start=1)
        # with keypoints in the schema every annotation states num_keypoints (0 without any),
        # as COCO's keypoint files do: pycocotools' keypoint evaluation reads it of each one
        # (and, for a label with a skeleton, keypoints all zeros: see _no_keypoints)
        pose = bool(self.label_schema and any(
            "keypoints" in label.kinds for label in self.label_schema.labels))
        no_keypoints: dict[str, dict[str, Any]] = {}
        partial = out_dir / _PARTIAL
        count = annotation_id = 0
        try:
            with (out_dir / ANNOTATIONS_FILE).open("w", encoding="utf-8") as out, \
                    partial.open("w", encoding="utf-8") as anns:
                out.write('{"info":{"description":"datamill export","version":"1.0"},'
                          '"licenses":[],"images":[')
                for item in items:
                    ids.add(item.id)
                    count += 1
                    file_name = self._image(item, out_dir, files)
                    out.write(("\n" if count == 1 else ",\n") + _dumps({
                        "id": count, "file_name": file_name, "width": item.width,
                        "height": item.height, "datamill_id": item.id, "sha256": item.sha256,
                        "classes": list(item.annotation.classes),
                    }))
                    for index, obj, joined in _with_parts_joined(item.annotation.objects):
                        if type(obj) is Box:
                            annotation_id += 1
                            anns.write(("\n" if annotation_id == 1 else ",\n") + _box_json(
                                obj, annotation_id, count, labels.get(obj.label, item, index),
                                self._no_keypoints(obj.label, no_keypoints) if pose else None))
                            continue
                        record = joined or _object_record(obj)
                        if record is None:
                            unsupported(item, index, obj, "COCO", self.on_unsupported,
                                left_out)
                            continue
                        annotation_id += 1
                        record = {"id": annotation_id, "image_id": count,
                                  "category_id": labels.get(obj.label, item, index),
                                  "iscrowd": int(obj.attributes.get(CROWD_ATTRIBUTE) is True),
                                  **record, "attributes": obj.attributes}
                        if pose and "keypoints" not in record:
                            record.update(self._no_keypoints(obj.label, no_keypoints))
                        anns.write(("\n" if annotation_id == 1 else ",\n") + _dumps(record))
                out.write('\n],"annotations":[')
                anns.close()
                with partial.open(encoding="utf-8") as fin:
                    shutil.copyfileobj(fin, out)
                out.write('\n],"categories":[')
                out.write(",".join("\n" + _dumps(c) for c in self._categories(labels)))
                out.write("\n]}\n")
        finally:
            partial.unlink(missing_ok=True)
        files[ANNOTATIONS_FILE] = sha256_file(out_dir / ANNOTATIONS_FILE)
        return ExportManifest(format=self.name, files=dict(sorted(files.items())), items=count,
                              left_out=dict(left_out))

    def _no_keypoints(self, label: str, known: dict[str, dict[str, Any]]) -> dict[str, Any]:
        """:func:`_no_keypoints` of ``label`` (its skeleton's size looked up once)."""
        found = known.get(label)
        if found is None:
            spec = self.label_schema.label(label) if self.label_schema else None
            skeleton = (self.label_schema.skeleton(spec.skeleton)
                        if self.label_schema and spec and spec.skeleton else None)
            found = known[label] = _no_keypoints(
                len(skeleton.keypoints) if skeleton is not None else None)
        return found

    def _image(self, item: ImageExportItem, out_dir: Path, files: dict[str, str]) -> str:
        rel = f"images/{image_file_name(item)}"
        if not self.copy_images:
            # a turned original gets an upright copy: width, height and boxes are upright
            if upright_reference(item, out_dir, rel, files):
                return rel
            return str(Path(item.image_path).absolute())
        files[rel] = deliver_image(Path(item.image_path), out_dir / rel)
        return rel

    def _categories(self, labels: LabelIds) -> list[dict[str, Any]]:
        categories = []
        for label, category_id in sorted(labels.ids.items(), key=lambda kv: kv[1]):
            category: dict[str, Any] = {"id": category_id, "name": label, "supercategory": ""}
            spec = self.label_schema.label(label) if self.label_schema else None
            skeleton = (self.label_schema.skeleton(spec.skeleton)
                        if self.label_schema and spec and spec.skeleton else None)
            if skeleton is not None:
                category["keypoints"] = list(skeleton.keypoints)
                category["skeleton"] = [[a + 1, b + 1] for a, b in skeleton.edges]
            categories.append(category)
        return categories
