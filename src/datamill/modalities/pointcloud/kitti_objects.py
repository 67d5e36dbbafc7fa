"""KITTI 3D object detection layout for point-cloud cuboids (``kitti_objects``).

The layout of KITTI's object benchmark (``devkit_object/readme.txt``) as OpenPCDet's
``kitti_dataset.py`` and mmdetection3d read it::

    training/velodyne/<id>.bin   float32 N x 4: x, y, z, intensity (every point of the frame)
    training/label_2/<id>.txt    one object a line (15 fields, see below)
    training/calib/<id>.txt      P0..P3, R0_rect, Tr_velo_to_cam, Tr_imu_to_velo (3 x 4 / 3 x 3)
    ImageSets/train.txt          the frame ids, one a line

A label line is ``type truncated occluded alpha left top right bottom height width length
x y z rotation_y`` with the box in KITTI's rectified camera frame. Our cuboids are in the
lidar frame, and a lidar-only frame has no camera, so the calibration written with each frame
is the fixed axis change KITTI's cameras use (camera x = -lidar y, camera y = -lidar z,
camera z = lidar x; ``R0_rect`` the identity): the readers turn the boxes back into lidar
boxes with the calibration they find, exactly (``location`` is the box's bottom centre,
``rotation_y = -yaw - pi/2``, as OpenPCDet's ``boxes3d_lidar_to_kitti_camera``). There is no
image: the 2D box is ``0 0 0 0``, ``truncated`` 0, ``alpha`` -10 (KITTI's "not given"), and
``occluded`` comes from a cuboid attribute ``occluded`` (``none``/``partly``/``mostly``/
``unknown`` or 0..3), else 0.

What the layout cannot hold is counted in the manifest's ``left_out``: ``track_ids``,
``attributes`` (besides ``occluded``), ``scene_classes``, ``point_labels``, and
``float32_rounded_frames``: frames whose float64 coordinates move by more than a millimetre
when written as KITTI's float32 (a frame in UTM or other map coordinates; deliver
``openpcdet`` or ``pointcloud_parquet`` to keep them whole).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from datamill.core.errors import InvalidInput
from datamill.core.hashing import sha256_file
from datamill.modalities.base import ExportManifest
from datamill.modalities.pointcloud.cloud import float32_moves, read_cloud
from datamill.modalities.pointcloud.exporters import _check_id, _num

if TYPE_CHECKING:
    from pathlib import Path

    from datamill.modalities.pointcloud.item import PointCloudExportItem
    from datamill.modalities.pointcloud.schema import Cuboid

__all__ = ["CALIBRATION", "KittiObjectExporter", "kitti_label_line"]

#: a lidar frame's calibration: the axis change from lidar (x forward, y left, z up) to
#: KITTI's camera (x right, y down, z forward); no image, so the projections are that too
_VELO_TO_CAM = ((0.0, -1.0, 0.0, 0.0), (0.0, 0.0, -1.0, 0.0), (1.0, 0.0, 0.0, 0.0))
_P = ((1.0, 0.0, 0.0, 0.0), (0.0, 1.0, 0.0, 0.0), (0.0, 0.0, 1.0, 0.0))


def _row(values: Iterable[Iterable[float]]) -> str:
    return " ".join(f"{v:.12e}" for row in values for v in row)


CALIBRATION = "".join([
    *(f"P{i}: {_row(_P)}\n" for i in range(4)),
    f"R0_rect: {_row(((1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0)))}\n",
    f"Tr_velo_to_cam: {_row(_VELO_TO_CAM)}\n",
    f"Tr_imu_to_velo: {_row(_P)}\n",
])
_OCCLUDED = {"none": 0, "fully_visible": 0, "partly": 1, "mostly": 2, "largely": 2,
             "unknown": 3}


def _occluded(attributes: dict[str, Any]) -> int:
    value = attributes.get("occluded")
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int) and 0 <= value <= 3:  # noqa: PLR2004 - KITTI's 0..3
        return value
    return _OCCLUDED.get(str(value).lower(), 0) if value is not None else 0


def _angle(value: float) -> float:
    """``value`` in [-pi, pi), KITTI's range for ``rotation_y``."""
    return (value + math.pi) % (2 * math.pi) - math.pi


def kitti_label_line(obj: Cuboid) -> str:
    """One KITTI label line for a lidar-frame cuboid (see the module's description).

    Examples:
        >>> from datamill.modalities.pointcloud.schema import Cuboid
        >>> kitti_label_line(Cuboid(label="car", x=10, y=2, z=-0.5, length=4, width=1.8,
        ...                         height=1.5, yaw=0))
        'car 0 0 -10 0 0 0 0 1.5 1.8 4 -2 1.25 10 -1.570796'
    """
    if any(ch.isspace() for ch in obj.label):
        raise InvalidInput(f"label {obj.label!r} holds whitespace; KITTI's label lines are "
                           "split on whitespace")
    bottom = obj.z - obj.height / 2  # KITTI's location is the bottom face's centre
    camera = (-obj.y, -bottom, obj.x)
    rotation_y = _angle(-obj.yaw - math.pi / 2)
    return " ".join([obj.label, "0", str(_occluded(obj.attributes)), "-10", "0", "0", "0", "0",
                     *(_num(v) for v in (obj.height, obj.width, obj.length, *camera,
                                        rotation_y))])


class KittiObjectExporter:
    """KITTI's 3D object layout (see the module's description)."""

    name: ClassVar[str] = "kitti_objects"

    def export(self, items: Iterable[PointCloudExportItem], out_dir: Path) -> ExportManifest:
        folders = {k: out_dir / "training" / k for k in ("velodyne", "label_2", "calib")}
        for folder in (*folders.values(), out_dir / "ImageSets"):
            folder.mkdir(parents=True, exist_ok=True)
        files: dict[str, str] = {}
        seen: set[str] = set()
        left_out: Counter[str] = Counter()
        with (out_dir / "ImageSets" / "train.txt").open("w", encoding="utf-8") as ids:
            for item in items:
                frame = _check_id(item.id, seen)
                points = read_cloud(item.cloud_path).points
                left_out["float32_rounded_frames"] += float32_moves(points)
                lines = []
                for obj in item.annotation.objects:
                    lines.append(kitti_label_line(obj))
                    left_out["track_ids"] += obj.track_id is not None
                    left_out["attributes"] += bool(set(obj.attributes) - {"occluded"})
                left_out["scene_classes"] += len(item.annotation.classes)
                left_out["point_labels"] += bool(item.annotation.point_labels)
                np.ascontiguousarray(points, dtype="<f4").tofile(
                    folders["velodyne"] / f"{frame}.bin")
                (folders["label_2"] / f"{frame}.txt").write_text(
                    "".join(f"{line}\n" for line in lines), encoding="utf-8")
                (folders["calib"] / f"{frame}.txt").write_text(CALIBRATION, encoding="utf-8")
                for rel in (f"velodyne/{frame}.bin", f"label_2/{frame}.txt",
                            f"calib/{frame}.txt"):
                    files[f"training/{rel}"] = sha256_file(out_dir / "training" / rel)
                ids.write(f"{frame}\n")
        files["ImageSets/train.txt"] = sha256_file(out_dir / "ImageSets" / "train.txt")
        return ExportManifest(self.name, files, len(seen),
                              {k: v for k, v in sorted(left_out.items()) if v})
