"""Reading point-cloud files, and bad input: each refused with a message naming the file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from datamill.modalities.pointcloud.checks import run_cloud_checks
from datamill.modalities.pointcloud.cloud import MAX_POINTS, cloud_format, read_cloud
from datamill.modalities.pointcloud.errors import CloudDecodeError
from datamill.modalities.pointcloud.schema import CheckSettings
from datamill.testing.pointclouds import render_scene, write_cloud


@pytest.mark.parametrize("suffix", [".pcd", ".bin", ".ply", ".npy"])
def test_every_format_reads_back_the_same_points(tmp_path: Path, suffix: str) -> None:
    points, _ = render_scene(1, objects=2)
    cloud = read_cloud(write_cloud(points, tmp_path / f"f{suffix}"))
    assert cloud.format == suffix[1:] and cloud.has_intensity
    assert np.array_equal(cloud.points, points)


def test_a_stored_blob_without_a_suffix_is_known_by_its_first_bytes(tmp_path: Path) -> None:
    points, _ = render_scene(2, objects=1)
    for suffix in (".pcd", ".ply", ".npy", ".bin"):
        blob = tmp_path / f"blob{suffix[1:]}"
        blob.write_bytes(write_cloud(points, tmp_path / f"x{suffix}").read_bytes())
        assert cloud_format(blob) == suffix[1:]
        assert len(read_cloud(blob).points) == len(points)


def test_xyz_only_files_have_zero_intensity(tmp_path: Path) -> None:
    np.save(tmp_path / "xyz.npy", np.ones((10, 3), dtype=np.float32))
    cloud = read_cloud(tmp_path / "xyz.npy")
    assert not cloud.has_intensity and cloud.points.shape == (10, 4)
    assert (cloud.points[:, 3] == 0).all()


def test_bad_files_are_refused_naming_the_problem(tmp_path: Path) -> None:
    points, _ = render_scene(3, objects=1)
    whole = write_cloud(points, tmp_path / "whole.pcd").read_bytes()
    cases = {
        "cut.pcd": (whole[: len(whole) // 3], "truncated"),
        "odd.bin": (b"\0" * 17, "not a whole number of KITTI points"),
        "junk.ply": (b"ply\nformat nonsense\n", "not a readable PLY"),
        "pickle.npy": (None, "not a readable .npy"),
        "ints.npy": (None, "N x 3 or N x 4 floats"),
        "notes.txt": (b"x y z\n", "not a point-cloud file"),
    }
    np.save(tmp_path / "pickle.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    np.save(tmp_path / "ints.npy", np.ones((4, 4), dtype=np.int32))
    for name, (data, message) in cases.items():
        path = tmp_path / name
        if data is not None:
            path.write_bytes(data)
        with pytest.raises(CloudDecodeError, match=message) as err:
            read_cloud(path)
        assert err.value.details["file"] == name


def test_a_header_declaring_too_many_points_is_refused_before_reading(tmp_path: Path) -> None:
    header = ("# .PCD v0.7\nVERSION 0.7\nFIELDS x y z\nSIZE 4 4 4\nTYPE F F F\nCOUNT 1 1 1\n"
              f"WIDTH {MAX_POINTS + 1}\nHEIGHT 1\nPOINTS {MAX_POINTS + 1}\nDATA binary\n")
    (tmp_path / "bomb.pcd").write_bytes(header.encode() + b"\0" * 24)
    with pytest.raises(CloudDecodeError, match="declares 20,000,001 points"):
        read_cloud(tmp_path / "bomb.pcd")
    ply = f"ply\nformat binary_little_endian 1.0\nelement vertex {MAX_POINTS * 2}\n" \
          "property float x\nproperty float y\nproperty float z\nend_header\n"
    (tmp_path / "bomb.ply").write_bytes(ply.encode() + b"\0" * 12)
    with pytest.raises(CloudDecodeError, match="more than the 20,000,000"):
        read_cloud(tmp_path / "bomb.ply")


def test_checks_store_every_value_and_explain_each_failure(tmp_path: Path) -> None:
    points, _ = render_scene(4, objects=3)
    good = run_cloud_checks(write_cloud(points, tmp_path / "good.bin"), CheckSettings())
    assert all(o.passed for o in good) and {o.name for o in good} == {
        "decodable", "points", "invalid_points", "range", "height_extent"}
    assert all(o.value is not None for o in good)
    flat = points.copy()
    flat[:, 2] = 0.0
    outcome = {o.name: o for o in run_cloud_checks(write_cloud(flat, tmp_path / "flat.npy"),
                                                   CheckSettings(require_intensity=True))}
    assert not outcome["height_extent"].passed and "axes mixed up" in str(
        outcome["height_extent"].reason)
    assert outcome["intensity"].passed
    np.save(tmp_path / "xyz.npy", points[:, :3])
    no_i = {o.name: o for o in run_cloud_checks(tmp_path / "xyz.npy",
                                                CheckSettings(require_intensity=True))}
    assert not no_i["intensity"].passed and "no intensity field" in str(no_i["intensity"].reason)
    broken = run_cloud_checks(tmp_path / "missing.pcd", CheckSettings())
    assert [(o.name, o.passed) for o in broken] == [("decodable", False)]
