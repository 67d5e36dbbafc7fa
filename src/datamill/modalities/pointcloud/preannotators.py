"""Cuboid proposals for a lidar frame: ground removal, then Euclidean clustering.

:class:`ClusterPreannotator` (``pointcloud-cluster``) is the classic model-free pipeline
(PCL's ground segmentation + Euclidean cluster extraction): no weights, nothing downloaded.

1. Points within ``max_range_m`` of the sensor with finite coordinates (a frame in map
   coordinates, kilometres from the sensor's origin, is worked on about its middle,
   :func:`map_origin`, and its cuboids given back in map coordinates).
2. The ground plane by RANSAC (a fixed seed, so a frame always gets the same proposals): the
   plane through three random points, nearly horizontal, with the most points within
   ``ground_tolerance_m``; its points and those below it are removed.
3. What is left is thinned to one point per ``voxel_m`` cube, and points closer than
   ``cluster_gap_m`` are joined (scipy's k-d tree pairs and connected components).
4. Each cluster of at least ``min_cluster_points`` becomes a cuboid: its heading from the
   principal axis of its points seen from above, its length/width from their extent along
   that axis and across it, its height from the ground plane to its top.

The proposals carry no class: the plugin names each by the spec label whose ``typical_size``
is nearest (:meth:`PointCloudPlugin.map_prediction`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import ClassVar

import numpy as np

from datamill.modalities.base import ItemRecord
from datamill.modalities.pointcloud.cloud import MAP_FRAME_M, map_origin, read_cloud

__all__ = [
    "MAP_FRAME_M", "RANSAC_SAMPLE_POINTS", "ClusterPreannotator", "Proposal", "Proposals",
    "fit_cuboid", "ground_plane", "map_origin", "propose_cuboids",
]


@dataclass(frozen=True)
class Proposal:
    """One cluster's cuboid (sensor frame, metres, radians) and its point count."""

    x: float
    y: float
    z: float
    length: float
    width: float
    height: float
    yaw: float
    points: int


@dataclass(frozen=True)
class Proposals:
    """A pre-annotator's answer for one frame."""

    model: str
    cuboids: tuple[Proposal, ...] = field(default_factory=tuple)
    ground_points: int = 0
    #: the frame's file, for a project that segments points: the named cuboids and the ground
    #: plane then label its points (:func:`~.segmentation.labels_from_cuboids`)
    source: Path | None = None


#: RANSAC scores its planes on at most this many points (a fixed-seed sample; a 2.6 M-point
#: sweep took 9 s over every point, 120 planes) and then takes the best plane's inliers from
#: all of them; a frame of fewer points is scored on every point, as before
RANSAC_SAMPLE_POINTS = 100_000


def _ground(xyz: np.ndarray, tolerance: float, rng: np.random.Generator,
            iterations: int = 120) -> tuple[np.ndarray, float, float, float] | None:
    """RANSAC: the plane ``z = a*x + b*y + c`` with most inliers (mask, a, b, c), or None.

    Planes are drawn from and scored on :data:`RANSAC_SAMPLE_POINTS` of the points at most
    (a sample drawn with its own fixed seed); the mask covers every point of ``xyz``."""
    if len(xyz) < 3:  # noqa: PLR2004 - three points make a plane
        return None
    sample = xyz
    if len(xyz) > RANSAC_SAMPLE_POINTS:
        pick = np.random.default_rng(len(xyz)).choice(len(xyz), RANSAC_SAMPLE_POINTS,
                                                      replace=False)
        sample = xyz[np.sort(pick)]
    x, y, z = (np.ascontiguousarray(sample[:, i]) for i in range(3))
    best: tuple[float, float, float] | None = None
    best_count = 0
    for _ in range(iterations):
        p = sample[rng.choice(len(sample), 3, replace=False)]
        normal = np.cross(p[1] - p[0], p[2] - p[0])
        norm = float(np.linalg.norm(normal))
        if norm < 1e-9 or abs(normal[2]) / norm < 0.9:  # degenerate, or steeper than ~25°
            continue
        a, b = -normal[0] / normal[2], -normal[1] / normal[2]
        c = p[0, 2] - a * p[0, 0] - b * p[0, 1]
        count = int(np.count_nonzero(np.abs(z - (a * x + b * y + c)) <= tolerance))
        if count > best_count:
            best_count, best = count, (float(a), float(b), float(c))
    if best is None:
        return None
    a, b, c = best
    height = xyz[:, 2] - (a * xyz[:, 0] + b * xyz[:, 1] + c)
    return height <= tolerance, a, b, c


def ground_plane(xyz: np.ndarray, tolerance: float = 0.15,
                 seed: int = 0) -> tuple[float, float, float] | None:
    """The frame's ground plane ``z = a*x + b*y + c`` (a, b, c) from its finite points, as the
    cluster pre-annotator finds it (RANSAC, a fixed seed), or None."""
    finite = xyz[np.isfinite(xyz[:, :3]).all(axis=1), :3]
    found = _ground(finite, tolerance, np.random.default_rng(seed))
    return None if found is None else found[1:]


def _voxel(xyz: np.ndarray, size: float) -> np.ndarray:
    """One point per ``size`` cube (the first in the file's order)."""
    keys = np.floor(xyz / size).astype(np.int64)
    keys -= keys.min(axis=0)
    span = keys.max(axis=0) + 1
    if float(span[0]) * float(span[1]) * float(span[2]) < 2.0 ** 62:
        flat = (keys[:, 0] * span[1] + keys[:, 1]) * span[2] + keys[:, 2]
        _, first = np.unique(flat, return_index=True)  # one sort of integers, not of rows
    else:  # a frame kilometres wide at 10 cm: rows as they are
        _, first = np.unique(keys, axis=0, return_index=True)
    return xyz[np.sort(first)]


def _box(points: np.ndarray, floor: float) -> Proposal:
    xy = points[:, :2]
    center = xy.mean(axis=0)
    cov = np.cov((xy - center).T) if len(xy) > 2 else np.eye(2)
    values, vectors = np.linalg.eigh(cov)
    major = vectors[:, int(np.argmax(values))]
    yaw = math.atan2(float(major[1]), float(major[0]))
    rot = np.array([[math.cos(yaw), math.sin(yaw)], [-math.sin(yaw), math.cos(yaw)]])
    local = (xy - center) @ rot.T
    low, high = local.min(axis=0), local.max(axis=0)
    mid = (low + high) / 2
    cx, cy = center + mid @ rot
    length, width = (float(v) for v in np.maximum(high - low, 0.1))
    top = float(points[:, 2].max())
    bottom = min(floor, float(points[:, 2].min()))
    height = max(top - bottom, 0.1)
    if yaw > math.pi / 2:  # a heading and its reverse are the same box: keep it in (-90°, 90°]
        yaw -= math.pi
    elif yaw <= -math.pi / 2:
        yaw += math.pi
    return Proposal(float(cx), float(cy), bottom + height / 2, length, width, height, yaw,
                    len(points))


def propose_cuboids(
    points: np.ndarray, *, max_range_m: float = 60.0, ground_tolerance_m: float = 0.15,
    voxel_m: float = 0.1, cluster_gap_m: float = 0.5, min_cluster_points: int = 12,
    max_cluster_side_m: float = 20.0, seed: int = 0, sensor: tuple[float, ...] | None = None,
) -> tuple[list[Proposal], int]:
    """Cuboid proposals for ``points`` (N x 3+) and the number of ground points removed;
    ``sensor``: where the sensor stands (a PCD's VIEWPOINT, translation first), else the
    origin or a map frame's middle."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components
    from scipy.spatial import cKDTree

    xyz = np.asarray(points[:, :3], dtype=np.float64)
    xyz = xyz[np.isfinite(xyz).all(axis=1)]
    origin = np.asarray(sensor[:3], dtype=np.float64) if sensor is not None else map_origin(xyz)
    if origin is not None:  # map coordinates: work about the frame's middle, exactly
        xyz = xyz - origin
    xyz = xyz[np.hypot(xyz[:, 0], xyz[:, 1]) <= max_range_m]
    ground = _ground(xyz, ground_tolerance_m, np.random.default_rng(seed))
    removed = 0
    a = b = c = 0.0
    if ground is not None:
        mask, a, b, c = ground
        removed = int(mask.sum())
        xyz = xyz[~mask]
    if len(xyz) == 0:
        return [], removed
    thin = _voxel(xyz, voxel_m)
    tree = cKDTree(thin[:, :3])
    pairs = tree.query_pairs(cluster_gap_m, output_type="ndarray")
    graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])),
                       shape=(len(thin), len(thin)))
    _, labels = connected_components(graph, directed=False)
    out = []
    order = np.argsort(labels, kind="stable")  # each cluster's points, in the file's order
    sizes = np.bincount(labels)
    for label, members in enumerate(np.split(thin[order], np.cumsum(sizes)[:-1])):
        if sizes[label] < min_cluster_points:
            continue
        cx, cy = members[:, 0].mean(), members[:, 1].mean()
        floor = float(a * cx + b * cy + c) if ground is not None else float(members[:, 2].min())
        box = _box(members, floor)
        if max(box.length, box.width) > max_cluster_side_m:
            continue  # a wall or a hedge, not an object
        out.append(box)
    if origin is not None:
        ox, oy, oz = (float(v) for v in origin)
        out = [replace(p, x=p.x + ox, y=p.y + oy, z=p.z + oz) for p in out]
    out.sort(key=lambda p: (round(p.x, 3), round(p.y, 3)))
    return out, removed


def fit_cuboid(
    points: np.ndarray, *, x: float, y: float, yaw: float, length: float, width: float,
    margin_m: float = 0.3, ground_tolerance_m: float = 0.15, seed: int = 0,
) -> Proposal | None:
    """The tight cuboid of the points above the ground inside a rough footprint (centre
    ``x``/``y``, heading ``yaw``, ``length`` x ``width``, widened by ``margin_m`` each side):
    the annotator draws roughly from above, the server fits the box to the points. The
    heading is kept (the person chose it); None when no point stands inside the footprint."""
    xyz = np.asarray(points[:, :3], dtype=np.float64)
    xyz = xyz[np.isfinite(xyz).all(axis=1)]
    cos, sin = math.cos(yaw), math.sin(yaw)
    dx, dy = xyz[:, 0] - x, xyz[:, 1] - y
    along, across = dx * cos + dy * sin, -dx * sin + dy * cos
    near = (np.abs(along) <= length / 2 + margin_m) & (np.abs(across) <= width / 2 + margin_m)
    # the frame's ground plane (a local fit would take a car's roof for the ground when the
    # roof holds more points than the road around it)
    ground = _ground(xyz, ground_tolerance_m, np.random.default_rng(seed))
    inside = xyz[near]
    if ground is not None:
        _, a, b, c = ground
        height = inside[:, 2] - (a * inside[:, 0] + b * inside[:, 1] + c)
        inside = inside[height > ground_tolerance_m]
        floor = float(a * x + b * y + c)
    else:
        floor = float(inside[:, 2].min()) if len(inside) else 0.0
    if len(inside) == 0:
        return None
    rot = np.array([[cos, sin], [-sin, cos]])
    local = (inside[:, :2] - (x, y)) @ rot.T
    low, high = local.min(axis=0), local.max(axis=0)
    cx, cy = np.array([x, y]) + ((low + high) / 2) @ rot
    side_a, side_b = (float(v) for v in np.maximum(high - low, 0.05))
    top = float(inside[:, 2].max())
    bottom = min(floor, float(inside[:, 2].min()))
    h = max(top - bottom, 0.05)
    return Proposal(float(cx), float(cy), bottom + h / 2, side_a, side_b, h, yaw, len(inside))


class ClusterPreannotator:
    """Ground removal + Euclidean clustering (see the module's description)."""

    name: ClassVar[str] = "pointcloud-cluster"
    model: ClassVar[str] = "euclidean-cluster-v1"

    def predict(self, item: ItemRecord) -> Proposals:
        cloud = read_cloud(item.readable)
        found, ground = propose_cuboids(cloud.points, sensor=cloud.viewpoint)
        return Proposals(self.model, tuple(found), ground, item.readable)
