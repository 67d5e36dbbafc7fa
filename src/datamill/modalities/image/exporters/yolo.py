"""YOLO (Ultralytics) exporter: ``images/``, ``labels/`` (one ``.txt`` per image), ``data.yaml``.

Layout::

    data.yaml               path: ., train: images, val: images, nc, names (list, class order)
    images/<id><suffix>     copies of the images (the format finds labels through them)
    labels/<id>.txt         one line per object; empty for an image without objects

Lines hold the 0-based class index and coordinates **normalised** by the image width and height
(6 decimals):

* ``task="detect"``: a :class:`~.schema.Box` is ``class cx cy w h``.
* ``task="segment"``: a :class:`~.schema.Polygon` is ``class x1 y1 x2 y2 ...``; a box becomes
  its 4 corners.

Any other object kind is unsupported (error, or skipped with ``on_unsupported="skip"``).
Image-level classes have no place in YOLO and are not written (counted in the manifest's
``left_out`` as ``image_classes``); nor are COCO crowd regions (objects with the attribute
``iscrowd: true``: Ultralytics' own COCO converter leaves them out too; ``crowd_regions``).
A COCO instance in parts (consecutive polygons of one label and attributes sharing
``coco_instance``, as a COCO import brings them) is one line in ``segment``: its parts joined
into one ring by zero-width bridges, there and back, as Ultralytics' own COCO converter writes
it (see :mod:`.._parts`), so a reader counts one instance whose mask covers every part and
whose box is their union (a line a part was read as several instances); the YOLO importer
takes such a line apart again. Class indices follow the label schema when given, else the
order of first appearance.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Final, Literal

import yaml

from datamill.modalities.base import ExportManifest
from datamill.modalities.image._parts import bridge_parts
from datamill.modalities.image.exporters._common import (
    LabelIds,
    OnUnsupported,
    UniqueIds,
    classes_left_out,
    deliver_image,
    image_file_name,
    sha256_file,
    unsupported,
)
from datamill.modalities.image.schema import CROWD_ATTRIBUTE, PARTS_ATTRIBUTE, Box, Polygon

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence

    from datamill.modalities.image.item import ImageExportItem
    from datamill.modalities.image.schema import ImageLabelSchema

__all__ = ["DATA_YAML", "YoloExporter"]

DATA_YAML: Final = "data.yaml"


def _values(obj: Any, width: int, height: int, task: str) -> list[float] | None:
    if task == "detect":
        if not isinstance(obj, Box):
            return None
        values = [(obj.x + obj.w / 2) / width, (obj.y + obj.h / 2) / height,
                  obj.w / width, obj.h / height]
    elif isinstance(obj, Box):
        corners = [(obj.x, obj.y), (obj.x + obj.w, obj.y), (obj.x + obj.w, obj.y + obj.h),
                   (obj.x, obj.y + obj.h)]
        values = [v for x, y in corners for v in (x / width, y / height)]
    elif isinstance(obj, Polygon):
        values = [v for x, y in obj.points for v in (x / width, y / height)]
    else:
        return None
    return values


def _parts_key(obj: Any) -> str | None:
    """What the polygon parts of one instance share (label, attributes with a whole
    ``coco_instance``); None for any other object."""
    number = obj.attributes.get(PARTS_ATTRIBUTE) if type(obj) is Polygon else None
    if not isinstance(number, int) or isinstance(number, bool):
        return None
    return json.dumps([obj.label, obj.attributes], sort_keys=True, default=str)


def _instances(objects: Sequence[Any]) -> Iterator[tuple[int, Any]]:
    """Each object with its index, the consecutive polygon parts of one instance as one
    polygon of their bridged ring (the first part's index)."""
    index = 0
    while index < len(objects):
        obj, key = objects[index], _parts_key(objects[index])
        end = index + 1
        while key is not None and end < len(objects) and _parts_key(objects[end]) == key:
            end += 1
        if end - index > 1:
            rings = [part.points for part in objects[index:end]]
            obj = obj.model_copy(update={"points": tuple(bridge_parts(rings))})
        yield index, obj
        index = end


class YoloExporter:
    """Writes a YOLO dataset (see the module docstring).

    Args:
        label_schema: Fixes class indices (schema order); otherwise first appearance.
        task: ``detect`` (boxes) or ``segment`` (polygons; boxes as 4-corner polygons).
        on_unsupported: ``error`` (default) or ``skip`` objects the task cannot hold.
    """

    name: ClassVar[str] = "yolo"

    def __init__(self, label_schema: ImageLabelSchema | None = None, *,
                 task: Literal["detect", "segment"] = "detect",
                 on_unsupported: OnUnsupported = "error") -> None:
        self.label_schema = label_schema
        self.task = task
        self.on_unsupported: OnUnsupported = on_unsupported

    def export(self, items: Iterable[ImageExportItem], out_dir: Path) -> ExportManifest:
        """Write images, labels and ``data.yaml`` under ``out_dir``."""
        (out_dir / "labels").mkdir(parents=True, exist_ok=True)
        files: dict[str, str] = {}
        left_out: Counter[str] = Counter()
        ids = UniqueIds()
        labels = LabelIds(self.label_schema, start=0)
        count = 0
        for item in items:
            ids.add(item.id)
            count += 1
            image_rel = f"images/{image_file_name(item)}"
            files[image_rel] = deliver_image(Path(item.image_path), out_dir / image_rel)
            lines = []
            classes_left_out(item, left_out)
            for index, obj in _instances(item.annotation.objects):
                if obj.attributes.get(CROWD_ATTRIBUTE) is True:  # no object to learn (COCO's
                    left_out["crowd_regions"] += 1  # iscrowd), left out as Ultralytics does
                    continue
                values = _values(obj, item.width, item.height, self.task)
                if values is None:
                    unsupported(item, index, obj, f"YOLO {self.task}", self.on_unsupported,
                                left_out)
                    continue
                class_id = labels.get(obj.label, item, index)
                lines.append(" ".join([str(class_id), *(f"{v:.6f}" for v in values)]))
            label_rel = f"labels/{item.id}.txt"
            (out_dir / label_rel).write_text("".join(f"{line}\n" for line in lines),
                                             encoding="utf-8")
            files[label_rel] = sha256_file(out_dir / label_rel)
        names = [name for name, _ in sorted(labels.ids.items(), key=lambda kv: kv[1])]
        data = {"path": ".", "train": "images", "val": "images", "nc": len(names),
                "names": names}
        (out_dir / DATA_YAML).write_text(
            yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
        files[DATA_YAML] = sha256_file(out_dir / DATA_YAML)
        return ExportManifest(format=self.name, files=dict(sorted(files.items())), items=count,
                              left_out=dict(left_out))
