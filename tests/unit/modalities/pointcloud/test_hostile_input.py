"""Hostile point-cloud files, label files and annotation documents: each refused quickly with a
message naming the file, before anything big is allocated."""

from __future__ import annotations

import os
import struct
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from datamill.core.errors import InvalidInput
from datamill.modalities.pointcloud.cloud import read_cloud
from datamill.modalities.pointcloud.errors import CloudDecodeError, LabelFileError
from datamill.modalities.pointcloud.importers import parse_label_file
from datamill.modalities.pointcloud.metric import cuboid_iou, match_cuboids
from datamill.modalities.pointcloud.plugin import PointCloudPlugin
from datamill.modalities.pointcloud.schema import (
    MAX_OBJECTS,
    Cuboid,
    PointCloudLabelSchema,
    PointCloudRequirements,
)
from datamill.testing.pointclouds import render_scene, write_cloud


def _pcd(width: int, height: int, points: int, data: str, body: bytes) -> bytes:
    return (f"# .PCD v0.7\nVERSION 0.7\nFIELDS x y z\nSIZE 4 4 4\nTYPE F F F\nCOUNT 1 1 1\n"
            f"WIDTH {width}\nHEIGHT {height}\nVIEWPOINT 0 0 0 1 0 0 0\nPOINTS {points}\n"
            f"DATA {data}\n").encode() + body


def _ply(header: str, body: bytes) -> bytes:
    return f"ply\n{header}end_header\n".encode() + body


XYZ = "property float x\nproperty float y\nproperty float z\n"
HOSTILE = {
    "long_line.pcd": (b"VERSION " + b"7" * 50_000_000, "header line is longer"),
    "wh.pcd": (_pcd(1_000_000, 1000, 3, "binary", b"\0" * 36), "WIDTH 1,000,000 x HEIGHT"),
    "lzf_bomb.pcd": (_pcd(1_000_000, 1, 1_000_000, "binary_compressed",
                          struct.pack("<II", 10, 12_000_000) + b"\x01\0\0" * 4),
                     "binary_compressed"),
    "lzf_lie.pcd": (_pcd(3, 1, 3, "binary_compressed", struct.pack("<II", 8, 4_000_000_000)
                         + b"\0" * 8), "binary_compressed"),
    "ascii.pcd": (_pcd(19_000_000, 1, 19_000_000, "ascii", b"1 2 3\n" * 3), "truncated"),
    "type.pcd": (_pcd(3, 1, 3, "binary", b"\0" * 36).replace(b"TYPE F F F", b"TYPE Q F F"),
                 r"bad PCD header \(type.0"),
    "face.ply": (_ply(f"format ascii 1.0\nelement vertex 3\n{XYZ}element face 1000000000\n"
                      "property list uchar int vertex_indices\n", b"0 0 0\n" * 3 + b"3 0 1 2\n"),
                 "'face' has list properties"),
    "list.ply": (_ply("format binary_little_endian 1.0\nelement vertex 1\n"
                      "property list uchar float x\nproperty float y\nproperty float z\n",
                      b"\x01" + b"\0" * 12), "'vertex' has list properties"),
    "rows.ply": (_ply(f"format binary_little_endian 1.0\nelement vertex 19000000\n{XYZ}"
                      "element junk 19000000\nproperty double v\n", b"\0" * 48),
                 "declares 19,000,000 rows"),
    "few.ply": (_ply(f"format ascii 1.0\nelement vertex 100\n{XYZ}", b"0 0 0\n1 1 1\n"),
                "declares 100 rows"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_files_are_refused_at_once_naming_them(tmp_path: Path, name: str) -> None:
    data, message = HOSTILE[name]
    path = tmp_path / name
    path.write_bytes(data)
    tracemalloc.start()  # at once: refused from the header, before the declared rows are
    try:  # read or allocated (counted in bytes, not timed: 19,000,000 rows are 152 MB)
        with pytest.raises(CloudDecodeError, match=message) as err:
            read_cloud(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 << 20, peak
    assert err.value.details["file"] == name and name in err.value.message
    assert "validation error" not in err.value.message  # pydantic's dump is not a message


def test_padding_fields_keep_their_name_and_short_ascii_files_still_read(tmp_path: Path) -> None:
    body = np.arange(12, dtype="<f4").tobytes()
    (tmp_path / "pad.pcd").write_bytes(
        _pcd(1, 1, 1, "binary", b"").replace(b"FIELDS x y z", b"FIELDS x y z _")
        .replace(b"SIZE 4 4 4", b"SIZE 4 4 4 4").replace(b"TYPE F F F", b"TYPE F F F F")
        .replace(b"COUNT 1 1 1", b"COUNT 1 1 1 1") + body[:16])
    cloud = read_cloud(tmp_path / "pad.pcd")
    assert cloud.fields == ("x", "y", "z") and cloud.points[0, :3].tolist() == [0, 1, 2]
    (tmp_path / "one.ply").write_bytes(_ply(f"format ascii 1.0\nelement vertex 1\n{XYZ}", b"1 2 3"))
    assert read_cloud(tmp_path / "one.ply").points[0, :3].tolist() == [1, 2, 3]
    points, _ = render_scene(7, objects=2)
    assert len(read_cloud(write_cloud(points, tmp_path / "ok.ply")).points) == len(points)


def test_a_wide_npy_is_refused(tmp_path: Path) -> None:
    np.save(tmp_path / "wide.npy", np.ones((5, 100_000), dtype=np.float32))
    with pytest.raises(CloudDecodeError, match="at most 64 columns"):
        read_cloud(tmp_path / "wide.npy")


def test_annotations_are_bounded_and_scene_classes_given_once() -> None:
    plugin = PointCloudPlugin()
    req = PointCloudRequirements.model_validate(
        {"labels": {"labels": [{"name": "car"}], "scene_classes": ["urban"]}})
    car = {"label": "car", "x": 1, "y": 1, "z": 0, "length": 4, "width": 2, "height": 1.5}
    with pytest.raises(InvalidInput, match=f"at most {MAX_OBJECTS} items"):
        plugin.validate_annotation({"objects": [car] * (MAX_OBJECTS + 1)}, {}, req)
    with pytest.raises(InvalidInput, match="'urban' is given twice"):
        plugin.validate_annotation({"objects": [car], "classes": ["urban", "urban"]}, {}, req)
    for name in ("traffic cone", "car\u3000", "car\n"):
        with pytest.raises(ValueError, match="whitespace or a control character"):
            PointCloudLabelSchema.model_validate({"labels": [{"name": name}]})


def test_label_files_that_are_not_regular_or_too_big_are_refused(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    with pytest.raises(LabelFileError, match=r"pipe\.txt is not a regular file"):
        parse_label_file(tmp_path / "pipe.txt")
    (tmp_path / "many.txt").write_text("1 1 0 4 2 1.5 0 car\n" * (MAX_OBJECTS + 1))
    with pytest.raises(LabelFileError, match=f"line {MAX_OBJECTS + 1}: more than"):
        parse_label_file(tmp_path / "many.txt")
    (tmp_path / "big.txt").write_bytes(b" " * (2 << 20))
    with pytest.raises(LabelFileError, match=r"big\.txt is 2,097,152 bytes"):
        parse_label_file(tmp_path / "big.txt")


def test_pairing_stacked_cuboids_is_fast_and_agrees_with_the_pairwise_iou(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """150 rotated cuboids stacked in one place: every pair overlaps (22,500 IoUs). Counted,
    not timed: each box's outline is made once and the overlaps are clipped in one vectorised
    call, not a polygon and an intersection per pair."""
    import shapely

    from datamill.modalities.pointcloud import metric

    calls = {"corners": 0, "intersection": 0}
    corners, intersection = metric.bev_corners, shapely.intersection

    def counted_corners(c: Cuboid) -> list[tuple[float, float]]:
        calls["corners"] += 1
        return corners(c)

    def counted_intersection(*args: object, **kwargs: object) -> object:
        calls["intersection"] += 1
        return intersection(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(metric, "bev_corners", counted_corners)
    monkeypatch.setattr(shapely, "intersection", counted_intersection)
    stacked = [Cuboid(label="car", x=1 + i * 0.001, y=1, z=-1, length=4.4, width=1.8,
                      height=1.5, yaw=i * 0.01) for i in range(150)]
    pairs = match_cuboids(stacked, stacked, 0.5)
    assert len(pairs) == 150 and calls == {"corners": 300, "intersection": 1}, calls
    monkeypatch.undo()
    rng = np.random.default_rng(3)
    boxes = [Cuboid(label=str(rng.choice(["car", "van"])), x=float(rng.uniform(-4, 4)),
                    y=float(rng.uniform(-4, 4)), z=float(rng.uniform(-1, 1)),
                    length=float(rng.uniform(0.5, 5)), width=float(rng.uniform(0.5, 3)),
                    height=float(rng.uniform(0.5, 2)), yaw=float(rng.uniform(-3, 3)))
             for _ in range(40)]
    for i, j, iou in match_cuboids(boxes[:20], boxes[20:], 0.01):
        assert iou == cuboid_iou(boxes[i], boxes[20 + j])
