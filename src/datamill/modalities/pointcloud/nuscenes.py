"""nuScenes-style tables for point-cloud cuboids (``nuscenes``).

The nuScenes schema (``nuscenes-devkit``'s ``schema_nuscenes.md``) with the tables its
``NuScenes(version=..., dataroot=...)`` loads::

    samples/LIDAR_TOP/<id>.pcd.bin   float32 N x 5: x, y, z, intensity, ring index (0)
    v1.0-datamill/*.json             category, attribute, visibility, instance, sensor,
                                     calibrated_sensor, ego_pose, log, scene, sample,
                                     sample_data, sample_annotation, map

One scene per sequence (a frame without a sequence is a scene of its own), its samples in frame
order, linked by ``prev``/``next``; a sample's ``timestamp`` (microseconds) is its frame number
x 500 000 (nuScenes' 2 Hz key frames), or its place in the scene where it has none. One lidar
``LIDAR_TOP`` at the ego's origin (``calibrated_sensor`` the identity). Each cuboid is one
``sample_annotation``: ``translation`` its centre, ``size`` ``[width, length, height]``,
``rotation`` the quaternion ``[w, x, y, z]`` of its yaw about z, ``num_lidar_pts`` the points
inside it (nuScenes' evaluation drops boxes without any), ``attribute_tokens`` one attribute
``<name>.<value>`` per cuboid attribute, ``visibility_token`` from an ``occluded`` attribute
(``none`` 4, ``partly`` 2, ``mostly`` 1), else ``""``. Cuboids sharing a ``track_id`` in a scene
are one ``instance`` (an instance has one category: a track labelled two ways is one instance
per label, so no box is delivered under another label); a cuboid without one is an instance
of its own.

Coordinates stay whole: the points are written as float32 relative to the frame's
``ego_pose.translation`` (0 for a frame near the origin; for float64 map or UTM coordinates a
whole-metre origin inside the frame), and the annotations are in the global frame, as
nuScenes keeps them. A frame with a sensor pose (the manifest's ``pose``) has it as its
``ego_pose`` (rotation and translation), and its annotations are moved by it into the global
frame: a parked car keeps one global position across the scene, as nuScenes' tracking
evaluation and velocities expect; without poses every frame's ego stands at the origin. Tokens are stable (hashes of the frame and cuboid ids), so the same
delivery gives the same files. ``left_out`` counts ``scene_classes`` and ``point_labels``.
The table rows are held in memory until the end (a few hundred bytes a cuboid); the points
are written frame by frame.

The devkit's ``NuScenes`` class loads these tables as they are. Its detection benchmark
(``nuscenes.eval.detection``) further maps ``category_name`` through its own table (name the
spec's labels as nuScenes categories, ``vehicle.car``, for it to count them) and takes at most
one attribute a box.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from datamill.core.hashing import sha256_file
from datamill.modalities.base import ExportManifest
from datamill.modalities.pointcloud.cloud import float32_moves, read_cloud
from datamill.modalities.pointcloud.exporters import _check_id
from datamill.modalities.pointcloud.segmentation import _inside

if TYPE_CHECKING:
    from pathlib import Path

    from datamill.modalities.pointcloud.item import PointCloudExportItem
    from datamill.modalities.pointcloud.schema import Cuboid

__all__ = ["VERSION", "NuScenesExporter", "token"]

VERSION = "v1.0-datamill"
_KEYFRAME_US = 500_000
_VISIBILITY = {"none": "4", "partly": "2", "mostly": "1"}
_VISIBILITY_LEVELS = (("1", "v0-40"), ("2", "v40-60"), ("3", "v60-80"), ("4", "v80-100"))


def token(*parts: object) -> str:
    """A stable 32-hex-digit token for ``parts`` (nuScenes' tokens are 32 hex digits).

    Examples:
        >>> len(token("sample", "f1")), token("a") == token("a"), token("a") == token("b")
        (32, True, False)
    """
    return hashlib.sha256("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()[:32]


def _r(value: float) -> float:
    return round(float(value), 6) + 0.0  # no -0.0


@dataclass
class _Frame:
    id: str
    frame: int | None
    arrival: int
    objects: list[dict[str, Any]] = field(default_factory=list)
    origin: tuple[float, float, float] = (0.0, 0.0, 0.0)
    #: the ego's rotation [w, x, y, z] in the global frame (the frame's sensor pose)
    rotation: tuple[float, float, float, float] = (1.0, 0.0, 0.0, 0.0)


def _posed(pose: tuple[float, ...] | None, origin: tuple[float, float, float],
           objects: list[dict[str, Any]]) -> tuple[tuple[float, float, float],
                                                   tuple[float, float, float, float]]:
    """With the frame's sensor pose (4x4 row by row), its objects moved into the global frame
    (in place) and the ego pose's translation and rotation; without one, as they are."""
    if pose is None:
        return origin, (1.0, 0.0, 0.0, 0.0)
    from scipy.spatial.transform import Rotation

    matrix = np.asarray(pose, dtype=np.float64).reshape(4, 4)
    turn = Rotation.from_matrix(matrix[:3, :3])
    move = matrix[:3, 3]
    for obj in objects:
        obj["translation"] = [_r(v) for v in turn.apply(obj["translation"]) + move]
        w, x, y, z = obj["rotation"]
        qx, qy, qz, qw = (turn * Rotation.from_quat([x, y, z, w])).as_quat(canonical=True)
        obj["rotation"] = [_r(qw), _r(qx), _r(qy), _r(qz)]
    qx, qy, qz, qw = turn.as_quat(canonical=True)
    at = turn.apply(np.asarray(origin)) + move
    return (float(at[0]), float(at[1]), float(at[2])), (float(qw), float(qx), float(qy), float(qz))


def _origin(points: np.ndarray) -> tuple[float, float, float]:
    """The frame's ego origin: 0 where float32 keeps its points to a millimetre, else the
    whole metres of its finite points' middle."""
    if not float32_moves(points):
        return (0.0, 0.0, 0.0)
    xyz = points[:, :3][np.isfinite(points[:, :3]).all(axis=1)]
    middle = np.round((xyz.min(axis=0) + xyz.max(axis=0)) / 2) if len(xyz) else np.zeros(3)
    return (float(middle[0]), float(middle[1]), float(middle[2]))


def _object(obj: Cuboid, index: int, frame_id: str, points: np.ndarray) -> dict[str, Any]:
    attributes = sorted(f"{k}.{json.dumps(v) if not isinstance(v, str) else v}"
                        for k, v in obj.attributes.items())
    return {
        "key": obj.id or f"{frame_id}#{index}", "label": obj.label, "track": obj.track_id,
        "translation": [_r(obj.x), _r(obj.y), _r(obj.z)],
        "size": [_r(obj.width), _r(obj.length), _r(obj.height)],
        "rotation": [_r(math.cos(obj.yaw / 2)), 0.0, 0.0, _r(math.sin(obj.yaw / 2))],
        "attributes": attributes,
        "visibility": _VISIBILITY.get(str(obj.attributes.get("occluded", "")).lower(), ""),
        "num_lidar_pts": int(np.count_nonzero(_inside(points, obj))),
    }


class NuScenesExporter:
    """nuScenes-style tables (see the module's description)."""

    name: ClassVar[str] = "nuscenes"

    def export(self, items: Iterable[PointCloudExportItem], out_dir: Path) -> ExportManifest:
        lidar = out_dir / "samples" / "LIDAR_TOP"
        lidar.mkdir(parents=True, exist_ok=True)
        files: dict[str, str] = {}
        seen: set[str] = set()
        left_out: Counter[str] = Counter()
        scenes: dict[str, list[_Frame]] = {}
        for arrival, item in enumerate(items):
            frame_id = _check_id(item.id, seen)
            points = read_cloud(item.cloud_path).points
            origin = _origin(points)
            rows = np.zeros((len(points), 5), dtype="<f4")
            rows[:, :3] = points[:, :3] - np.asarray(origin)
            rows[:, 3] = points[:, 3]
            rel = f"samples/LIDAR_TOP/{frame_id}.pcd.bin"
            rows.tofile(out_dir / rel)
            files[rel] = sha256_file(out_dir / rel)
            objects = [_object(o, i, frame_id, points[:, :3]) for i, o in
                       enumerate(item.annotation.objects)]
            at, rotation = _posed(item.pose, origin, objects)
            frame = _Frame(frame_id, item.frame, arrival, objects=objects, origin=at,
                           rotation=rotation)
            left_out["scene_classes"] += len(item.annotation.classes)
            left_out["point_labels"] += bool(item.annotation.point_labels)
            scene = item.sequence if item.sequence is not None else f"frame:{frame_id}"
            scenes.setdefault(scene, []).append(frame)
        tables = _tables(scenes)
        folder = out_dir / VERSION
        folder.mkdir(exist_ok=True)
        for name, rows_ in tables.items():
            path = folder / f"{name}.json"
            path.write_text(json.dumps(rows_, indent=1, ensure_ascii=False) + "\n",
                            encoding="utf-8")
            files[f"{VERSION}/{name}.json"] = sha256_file(path)
        return ExportManifest(self.name, files, len(seen),
                              {k: v for k, v in sorted(left_out.items()) if v})


def _linked(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for i, row in enumerate(rows):
        row["prev"] = rows[i - 1]["token"] if i else ""
        row["next"] = rows[i + 1]["token"] if i + 1 < len(rows) else ""
    return rows


def _tables(scenes: dict[str, list[_Frame]]) -> dict[str, list[dict[str, Any]]]:
    sensor, calibrated = token("sensor", "LIDAR_TOP"), token("calibrated_sensor", "LIDAR_TOP")
    t: dict[str, list[dict[str, Any]]] = {
        "sensor": [{"token": sensor, "channel": "LIDAR_TOP", "modality": "lidar"}],
        "calibrated_sensor": [{"token": calibrated, "sensor_token": sensor,
                               "translation": [0.0, 0.0, 0.0], "rotation": [1.0, 0.0, 0.0, 0.0],
                               "camera_intrinsic": []}],
        "visibility": [{"token": v, "level": level, "description": f"visible {level[1:]} %"}
                       for v, level in _VISIBILITY_LEVELS],
        "log": [], "scene": [], "sample": [], "sample_data": [], "ego_pose": [],
        "sample_annotation": [], "instance": [],
    }
    categories: dict[str, str] = {}
    attributes: dict[str, str] = {}
    for scene_name, frames in scenes.items():
        frames.sort(key=lambda f: (f.frame is None, f.frame or 0, f.arrival))
        scene, log = token("scene", scene_name), token("log", scene_name)
        t["log"].append({"token": log, "logfile": scene_name, "vehicle": "", "date_captured": "",
                         "location": ""})
        samples, datas = [], []
        tracks: dict[str, list[dict[str, Any]]] = {}
        for place, f in enumerate(frames):
            stamp = (f.frame if f.frame is not None else place) * _KEYFRAME_US
            sample = token("sample", f.id)
            samples.append({"token": sample, "timestamp": stamp, "scene_token": scene})
            pose = token("ego_pose", f.id)
            t["ego_pose"].append({"token": pose, "timestamp": stamp,
                                  "rotation": list(f.rotation),
                                  "translation": list(f.origin)})
            datas.append({"token": token("sample_data", f.id), "sample_token": sample,
                          "ego_pose_token": pose, "calibrated_sensor_token": calibrated,
                          "timestamp": stamp, "fileformat": "pcd", "is_key_frame": True,
                          "height": 0, "width": 0,
                          "filename": f"samples/LIDAR_TOP/{f.id}.pcd.bin"})
            for obj in f.objects:
                category = categories.setdefault(obj["label"], token("category", obj["label"]))
                ann = {"token": token("sample_annotation", f.id, obj["key"]),
                       "sample_token": sample,
                       "attribute_tokens": [attributes.setdefault(a, token("attribute", a))
                                            for a in obj["attributes"]],
                       "visibility_token": obj["visibility"],
                       **{k: obj[k] for k in ("translation", "size", "rotation",
                                              "num_lidar_pts")},
                       "num_radar_pts": 0}
                track = (f"track:{obj['track']}" if obj["track"] is not None
                         else f"object:{ann['token']}")
                tracks.setdefault(track, []).append({**ann, "_category": category})
        t["sample"] += _linked(samples)
        t["sample_data"] += _linked(datas)
        for track, all_anns in tracks.items():
            # an instance has one category: a track labelled two ways (a car relabelled a
            # truck in one frame) is one instance per label, so no box changes its label
            by_category: dict[str, list[dict[str, Any]]] = {}
            for ann in all_anns:
                by_category.setdefault(ann["_category"], []).append(ann)
            for n, (category, anns) in enumerate(by_category.items()):
                instance = (token("instance", scene_name, track) if n == 0
                            else token("instance", scene_name, track, category))
                t["instance"].append({"token": instance, "category_token": category,
                                      "nbr_annotations": len(anns),
                                      "first_annotation_token": anns[0]["token"],
                                      "last_annotation_token": anns[-1]["token"]})
                for ann in _linked(anns):
                    del ann["_category"]
                    ann["instance_token"] = instance
                    t["sample_annotation"].append(ann)
        t["scene"].append({"token": scene, "log_token": log, "nbr_samples": len(samples),
                           "first_sample_token": samples[0]["token"],
                           "last_sample_token": samples[-1]["token"], "name": scene_name,
                           "description": ""})
    t["category"] = [{"token": tok, "name": name, "description": ""}
                     for name, tok in categories.items()]
    t["attribute"] = [{"token": tok, "name": name, "description": ""}
                      for name, tok in attributes.items()]
    t["map"] = [{"token": token("map"), "log_tokens": [log["token"] for log in t["log"]],
                 "category": "semantic_prior", "filename": ""}]
    return t
