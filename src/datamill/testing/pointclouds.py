"""Synthetic lidar frames with known cuboids, for tests, benches and the demo.

:func:`render_scene` samples a flat ground (with a little noise and a slight tilt) and the
visible surfaces of a few boxes (cars, pedestrians, cyclists) at random places and headings;
it returns the points (N x 4 float32: x, y, z, intensity) and the true cuboids.
:func:`write_cloud` writes them as PCD (pypcd4), KITTI ``.bin``, PLY (plyfile) or ``.npy``.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from datamill.modalities.pointcloud.schema import Cuboid

__all__ = ["SIZES", "render_scene", "write_cloud"]

#: typical sizes (length, width, height) in metres
SIZES: dict[str, tuple[float, float, float]] = {
    "car": (4.4, 1.8, 1.5), "pedestrian": (0.6, 0.6, 1.75), "cyclist": (1.8, 0.6, 1.7),
}


def _surface(c: Cuboid, density: float, rng: np.random.Generator, noise_m: float = 0.01,
             self_occlusion: bool = False) -> np.ndarray:
    """Points on the cuboid's four sides and its top (a lidar sees no floor); with
    ``self_occlusion`` only the sides that face the sensor (at the origin), as a real sweep."""
    faces = []
    ln, w, h = c.length, c.width, c.height
    for (u_len, v_len, fixed) in ((ln, h, ("y", w / 2)), (ln, h, ("y", -w / 2)),
                                  (w, h, ("x", ln / 2)), (w, h, ("x", -ln / 2)),
                                  (ln, w, ("z", h / 2))):
        n = max(8, int(u_len * v_len * density))
        u = rng.uniform(-u_len / 2, u_len / 2, n)
        v = rng.uniform(-v_len / 2, v_len / 2, n)
        axis, value = fixed
        if self_occlusion and axis != "z":
            normal = np.array([1.0, 0.0] if axis == "x" else [0.0, 1.0]) * np.sign(value)
            cos, sin = math.cos(c.yaw), math.sin(c.yaw)
            world = np.array([normal[0] * cos - normal[1] * sin, normal[0] * sin + normal[1] * cos])
            if float(world @ np.array([-c.x, -c.y])) <= 0:
                continue  # this side faces away from the sensor
        if axis == "y":
            local = np.column_stack([u, np.full(n, value), v])
        elif axis == "x":
            local = np.column_stack([np.full(n, value), u, v])
        else:
            local = np.column_stack([u, v, np.full(n, value)])
        faces.append(local)
    pts = np.vstack(faces)
    pts += rng.normal(0, noise_m, pts.shape)
    cos, sin = math.cos(c.yaw), math.sin(c.yaw)
    x = pts[:, 0] * cos - pts[:, 1] * sin + c.x
    y = pts[:, 0] * sin + pts[:, 1] * cos + c.y
    return np.column_stack([x, y, pts[:, 2] + c.z])


def render_scene(
    seed: int, *, objects: int = 4, extent_m: float = 30.0, ground_points: int = 6000,
    density: float = 60.0, sensor_height_m: float = 1.7, labels: tuple[str, ...] = tuple(SIZES),
    slope: float = 0.004, noise_m: float = 0.01, self_occlusion: bool = False,
    min_gap_m: float = 6.0,
) -> tuple[np.ndarray, list[Cuboid]]:
    """A frame's points (N x 4 float32) and its true cuboids; objects never overlap.

    ``slope`` tilts the ground (dz/dx), ``noise_m`` is the range noise, ``self_occlusion``
    keeps only the sides of each object that face the sensor, ``min_gap_m`` is the least
    distance between two objects' centres."""
    rng = np.random.default_rng(seed)
    ground_z = -sensor_height_m
    gx = rng.uniform(-extent_m, extent_m, ground_points)
    gy = rng.uniform(-extent_m, extent_m, ground_points)
    gz = ground_z + slope * gx + rng.normal(0, 0.02, ground_points)
    parts = [np.column_stack([gx, gy, gz, rng.uniform(0.0, 0.2, ground_points)])]
    placed: list[Cuboid] = []
    attempts = 0
    while len(placed) < objects and attempts < 200:
        attempts += 1
        label = labels[int(rng.integers(len(labels)))]
        length, width, height = (s * rng.uniform(0.9, 1.1) for s in SIZES[label])
        x, y = rng.uniform(-extent_m * 0.8, extent_m * 0.8, 2)
        if math.hypot(x, y) < 4 or any(math.hypot(x - p.x, y - p.y) < min_gap_m for p in placed):
            continue
        floor = ground_z + slope * x
        box = Cuboid(label=label, x=float(x), y=float(y), z=float(floor + height / 2),
                     length=float(length), width=float(width), height=float(height),
                     yaw=float(rng.uniform(-math.pi, math.pi)), id=f"o{len(placed) + 1}")
        placed.append(box)
        surface = _surface(box, density, rng, noise_m, self_occlusion)
        parts.append(np.column_stack([surface, rng.uniform(0.3, 1.0, len(surface))]))
    points = np.vstack(parts).astype(np.float32)
    return points[rng.permutation(len(points))], placed


def write_cloud(points: np.ndarray, path: Path) -> Path:
    """Write ``points`` (N x 4: x, y, z, intensity) in the format ``path``'s suffix names."""
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix.lower()
    pts = np.ascontiguousarray(points, dtype=np.float32)
    if suffix == ".pcd":
        from pypcd4.pypcd4 import PointCloud

        PointCloud.from_xyzi_points(pts).save(path)
    elif suffix == ".bin":
        pts.astype("<f4").tofile(path)
    elif suffix == ".ply":
        from plyfile import PlyData, PlyElement

        vertex = np.empty(len(pts), dtype=[("x", "f4"), ("y", "f4"), ("z", "f4"),
                                           ("intensity", "f4")])
        for i, name in enumerate(("x", "y", "z", "intensity")):
            vertex[name] = pts[:, i]
        PlyData([PlyElement.describe(vertex, "vertex")]).write(str(path))
    elif suffix == ".npy":
        np.save(path, pts)
    else:
        raise ValueError(f"no point-cloud writer for {suffix!r}")
    return path
