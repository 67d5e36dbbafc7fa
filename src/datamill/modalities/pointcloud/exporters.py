"""Point-cloud exporters: OpenPCDet's custom dataset layout, SemanticKITTI and a Parquet table.

``openpcdet`` (OpenPCDet's documented "custom dataset" layout)::

    points/<id>.npy          N x 4: x, y, z, intensity (0 where the file has none), float32,
                             or float64 where the file's coordinates need it (map / UTM
                             coordinates, which float32 moves by centimetres to half a metre)
    labels/<id>.txt          one cuboid a line: ``x y z dx dy dz heading_angle category_name``
    ImageSets/train.txt      the frame ids, one a line
    classes.txt              the label names, in the spec's order

The format holds no object ids, track ids, attributes, scene classes or point labels; what it
cannot hold is counted in the manifest's ``left_out`` (``attributes``, ``track_ids``,
``scene_classes``, ``point_labels``), so a delivery's datasheet says so. The
``pointcloud_parquet`` table holds everything.

``semantickitti`` (point segmentation, SemanticKITTI's layout)::

    sequences/<sequence>/velodyne/<stem>.bin   float32 N x 4: x, y, z, intensity, every point
    sequences/<sequence>/labels/<stem>.label   uint32 N: the point's class id (lower 16 bits;
                                               the upper 16, the instance, are 0)
    semantic-kitti.yaml                        labels (id: name), learning_map (id: 0..K),
                                               learning_map_inv
    frames.tsv                                 sequence, stem and frame id of each frame

``<sequence>`` is the frame's sequence (``00`` without one), ``<stem>`` its frame number in six
digits (``000042``) or, without one, its id. A frame without point labels gets a label file of
zeros (unlabelled), counted in ``left_out`` as ``unsegmented_frames``; cuboids are counted as
``cuboids`` (the layout holds none), and frames whose float64 coordinates float32 moves by more
than a millimetre as ``float32_rounded_frames`` (the layout is float32).

``pointcloud_parquet``: ``data.parquet``, one row per frame, for ``datasets.load_dataset
("parquet", ...)`` or any Arrow reader: ``frame_id``, ``cloud`` (the file in the package,
``clouds/<sha256><suffix>``, as collected), ``sha256``, ``points``, ``sequence``, ``frame``,
``objects`` (a list of ``{id, label, x, y, z, length, width, height, yaw, track_id,
attributes}``, ``attributes`` as JSON text), ``classes``, ``annotation`` (the whole document
as JSON), ``viewpoint`` and ``pose``. The cuboids are where the file's points are once its PCD
``VIEWPOINT`` has placed them (``viewpoint``: tx ty tz qw qx qy qz, turn by the quaternion
then move; null for the identity and for the other formats), as PCL's viewer places them and
the other layouts' points already are; a reader that ignores the header (Open3D, pypcd) must
apply it. ``pose`` is the sensor's pose in the sequence's world frame, a 4x4 row by row (the
manifest's; null without one), applied after the viewpoint.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, ClassVar, NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from datamill.core.errors import InvalidInput
from datamill.core.hashing import sha256_file
from datamill.modalities.base import ExportManifest
from datamill.modalities.pointcloud.cloud import float32_moves, read_cloud
from datamill.modalities.pointcloud.item import PointCloudExportItem
from datamill.modalities.pointcloud.schema import PointCloudAnnotation

__all__ = [
    "KittiSlot", "OpenPcdetExporter", "PointCloudParquetExporter", "SemanticKittiExporter",
    "cuboid_line", "kitti_slot",
]

_BAD_ID = frozenset(" \t\r\n/\\\x00")


def _unnameable(name: str) -> bool:
    """Whether ``name`` cannot be one file or folder name (empty, ``.``/``..``, whitespace or
    a path separator)."""
    return not name or name in {".", ".."} or any(ch in _BAD_ID for ch in name)


class KittiSlot(NamedTuple):
    """Where a frame lies in a SemanticKITTI delivery: ``sequences/<sequence>/velodyne/<stem>.bin``
    (and ``labels/<stem>.label``)."""

    sequence: str
    stem: str

    def __str__(self) -> str:
        return f"frame {self.stem} of sequence {self.sequence!r}"


def kitti_slot(frame_id: str, sequence: str | None, frame: int | None) -> KittiSlot:
    """The place frame ``frame_id`` takes in a SemanticKITTI delivery: its sequence (``00``
    when it has none) and its number as six digits (its id when it has none). The one rule the
    exporter writes by and the import refuses by (no two frames may share a place).

    Raises:
        InvalidInput: The sequence cannot be a folder name.

    Examples:
        >>> str(kitti_slot("a", "00", 1)), kitti_slot("b", None, None)
        ("frame 000001 of sequence '00'", KittiSlot(sequence='00', stem='b'))
    """
    sequence = sequence or "00"
    if _unnameable(sequence):
        raise InvalidInput(f"frame {frame_id!r}: sequence {sequence!r} cannot be a folder name "
                           "(whitespace or a path separator)")
    return KittiSlot(sequence, f"{frame:06d}" if frame is not None else frame_id)


def _check_id(item_id: str, seen: set[str]) -> str:
    if _unnameable(item_id):
        raise InvalidInput(f"frame id {item_id!r} cannot be a file name (empty, whitespace or "
                           "a path separator)")
    if item_id in seen:
        raise InvalidInput(f"frame id {item_id!r} is exported twice")
    seen.add(item_id)
    return item_id


def _num(value: float) -> str:
    """Shortest text that reads back as the same float32-rounded metre/radian value."""
    return format(round(value, 6), ".6f").rstrip("0").rstrip(".") or "0"


def cuboid_line(obj: Any) -> str:
    """One OpenPCDet label line.

    Examples:
        >>> from datamill.modalities.pointcloud.schema import Cuboid
        >>> cuboid_line(Cuboid(label="car", x=1.5, y=-2, z=-0.75, length=4.2, width=1.8,
        ...                    height=1.5, yaw=0.25))
        '1.5 -2 -0.75 4.2 1.8 1.5 0.25 car'
    """
    if any(ch.isspace() for ch in obj.label):
        raise InvalidInput(f"label {obj.label!r} holds whitespace; OpenPCDet's label lines are "
                           "split on whitespace")
    return " ".join([*(_num(v) for v in (obj.x, obj.y, obj.z, obj.length, obj.width,
                                        obj.height, obj.yaw)), obj.label])


class OpenPcdetExporter:
    """OpenPCDet's custom dataset (see the module's description)."""

    name: ClassVar[str] = "openpcdet"

    def __init__(self, labels: Iterable[str] = ()) -> None:
        self.labels = list(labels)

    def export(self, items: Iterable[PointCloudExportItem], out_dir: Path) -> ExportManifest:
        points_dir, labels_dir, sets = out_dir / "points", out_dir / "labels", out_dir / "ImageSets"
        for folder in (points_dir, labels_dir, sets):
            folder.mkdir(parents=True, exist_ok=True)
        files: dict[str, str] = {}
        seen: set[str] = set()
        left_out: Counter[str] = Counter()
        classes = list(self.labels)
        with (sets / "train.txt").open("w", encoding="utf-8") as ids:
            for item in items:
                frame = _check_id(item.id, seen)
                cloud = read_cloud(item.cloud_path).points
                npy = points_dir / f"{frame}.npy"
                np.save(npy, np.ascontiguousarray(cloud))  # float64 kept where it counts
                files[f"points/{frame}.npy"] = sha256_file(npy)
                lines = []
                for obj in item.annotation.objects:
                    lines.append(cuboid_line(obj))
                    if obj.label not in classes:
                        classes.append(obj.label)
                    left_out["attributes"] += bool(obj.attributes)
                    left_out["track_ids"] += obj.track_id is not None
                left_out["scene_classes"] += len(item.annotation.classes)
                left_out["point_labels"] += bool(item.annotation.point_labels)
                label = labels_dir / f"{frame}.txt"
                label.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
                files[f"labels/{frame}.txt"] = sha256_file(label)
                ids.write(f"{frame}\n")
        files["ImageSets/train.txt"] = sha256_file(sets / "train.txt")
        (out_dir / "classes.txt").write_text("".join(f"{c}\n" for c in classes), encoding="utf-8")
        files["classes.txt"] = sha256_file(out_dir / "classes.txt")
        return ExportManifest(self.name, files, len(seen),
                              {k: v for k, v in sorted(left_out.items()) if v})


class SemanticKittiExporter:
    """SemanticKITTI's layout: every point and its class (see the module's description)."""

    name: ClassVar[str] = "semantickitti"

    def __init__(self, point_classes: Iterable[tuple[int, str]] = ()) -> None:
        self.point_classes = list(point_classes)

    def export(self, items: Iterable[PointCloudExportItem], out_dir: Path) -> ExportManifest:
        import yaml

        from datamill.modalities.pointcloud.segmentation import decode_runs

        files: dict[str, str] = {}
        seen: set[str] = set()
        placed: dict[KittiSlot, str] = {}
        left_out: Counter[str] = Counter()
        out_dir.mkdir(parents=True, exist_ok=True)
        with (out_dir / "frames.tsv").open("w", encoding="utf-8") as index:
            index.write("sequence\tstem\tframe_id\n")
            for item in items:
                frame_id = _check_id(item.id, seen)
                slot = kitti_slot(frame_id, item.sequence, item.frame)
                sequence, stem = slot
                if slot in placed:
                    raise InvalidInput(f"frames {placed[slot]!r} and {frame_id!r} are both {slot}")
                placed[slot] = frame_id
                points = read_cloud(item.cloud_path).points
                left_out["float32_rounded_frames"] += float32_moves(points)
                cloud = np.ascontiguousarray(points, dtype="<f4")
                labels = decode_runs(item.annotation.point_labels)
                if not item.annotation.point_labels:
                    labels = np.zeros(len(cloud), dtype=np.uint32)
                    left_out["unsegmented_frames"] += 1
                elif len(labels) != len(cloud):
                    raise InvalidInput(f"frame {frame_id!r}: its point labels cover {len(labels)} "
                                       f"points, its cloud has {len(cloud)}")
                left_out["cuboids"] += len(item.annotation.objects)
                base = f"sequences/{sequence}"
                for rel, data in ((f"{base}/velodyne/{stem}.bin", cloud),
                                  (f"{base}/labels/{stem}.label", labels.astype("<u4"))):
                    path = out_dir / rel
                    path.parent.mkdir(parents=True, exist_ok=True)
                    data.tofile(path)
                    files[rel] = sha256_file(path)
                index.write(f"{sequence}\t{stem}\t{frame_id}\n")
        files["frames.tsv"] = sha256_file(out_dir / "frames.tsv")
        classes = sorted(self.point_classes)
        config = {
            "labels": {0: "unlabeled", **{cid: name for cid, name in classes}},
            "learning_map": {0: 0, **{cid: n for n, (cid, _) in enumerate(classes, 1)}},
            "learning_map_inv": {0: 0, **{n: cid for n, (cid, _) in enumerate(classes, 1)}},
        }
        (out_dir / "semantic-kitti.yaml").write_text(
            yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
        files["semantic-kitti.yaml"] = sha256_file(out_dir / "semantic-kitti.yaml")
        return ExportManifest(self.name, files, len(seen),
                              {k: v for k, v in sorted(left_out.items()) if v})


_OBJECT = pa.struct([
    ("id", pa.string()), ("label", pa.string()),
    *((axis, pa.float64()) for axis in ("x", "y", "z", "length", "width", "height", "yaw")),
    ("track_id", pa.string()), ("attributes", pa.string()),
])
SCHEMA = pa.schema([
    ("frame_id", pa.string()), ("cloud", pa.string()), ("sha256", pa.string()),
    ("points", pa.int64()), ("sequence", pa.string()), ("frame", pa.int64()),
    ("objects", pa.list_(_OBJECT)), ("classes", pa.list_(pa.string())),
    ("annotation", pa.string()), ("viewpoint", pa.list_(pa.float64(), 7)),
    ("pose", pa.list_(pa.float64(), 16)),
])


def _row(item: PointCloudExportItem) -> dict[str, Any]:
    ann = item.annotation
    return {
        "frame_id": item.id, "cloud": item.cloud_name, "sha256": item.sha256,
        "points": item.points, "sequence": item.sequence, "frame": item.frame,
        "objects": [{**o.model_dump(mode="json", exclude={"attributes"}),
                     "attributes": json.dumps(o.attributes, ensure_ascii=False, sort_keys=True)}
                    for o in ann.objects],
        "classes": list(ann.classes),
        "annotation": json.dumps(ann.model_dump(mode="json"), ensure_ascii=False, sort_keys=True),
        "viewpoint": list(item.viewpoint) if item.viewpoint else None,
        "pose": list(item.pose) if item.pose else None,
    }


def _batches(items: Iterable[PointCloudExportItem], seen: set[str],
             size: int) -> Iterator[pa.RecordBatch]:
    rows: list[dict[str, Any]] = []
    for item in items:
        _check_id(item.id, seen)
        rows.append(_row(item))
        if len(rows) >= size:
            yield pa.RecordBatch.from_pylist(rows, schema=SCHEMA)
            rows = []
    if rows:
        yield pa.RecordBatch.from_pylist(rows, schema=SCHEMA)


class PointCloudParquetExporter:
    """One Parquet table of frames and cuboids (see the module's description); written a row
    group at a time, so memory stays flat however many frames there are."""

    name: ClassVar[str] = "pointcloud_parquet"

    def __init__(self, batch_rows: int = 2000) -> None:
        self.batch_rows = batch_rows

    def export(self, items: Iterable[PointCloudExportItem], out_dir: Path) -> ExportManifest:
        out_dir.mkdir(parents=True, exist_ok=True)
        path = out_dir / "data.parquet"
        seen: set[str] = set()
        with pq.ParquetWriter(path, SCHEMA) as writer:
            for batch in _batches(items, seen, self.batch_rows):
                writer.write_batch(batch)
        return ExportManifest(self.name, {"data.parquet": sha256_file(path)}, len(seen))


def annotation_from_row(row: dict[str, Any]) -> PointCloudAnnotation:
    """A ``pointcloud_parquet`` row's annotation document."""
    return PointCloudAnnotation.model_validate_json(row["annotation"])
