"""A PCD frame imported before its VIEWPOINT placed its points (h4) keeps the ``bounds`` it was
described with, measured on the unplaced points, while the workbench, the checks and every
delivery now read it placed. A cuboid drawn on the placed points of such a frame (its sensor
40 m along) was refused as "outside the cloud (0 .. 2 m)": the annotator could not submit the
right answer. The bounds of such a frame (a PCD frame with neither ``viewpoint`` nor
``viewpoint_applied`` recorded) no longer refuse a cuboid; a frame described now records
``viewpoint_applied`` and keeps the check, as do the other formats."""

from __future__ import annotations

from pathlib import Path

import pytest

from datamill.core.errors import InvalidInput
from datamill.modalities.pointcloud.plugin import PointCloudPlugin

_REQUIREMENTS = {"labels": {"labels": [{"name": "car"}]}}


def _pcd(path: Path, viewpoint: str) -> Path:
    rows = "".join(f"{x} {y} {z} 1\n" for x, y, z in [(0, 0, 0), (2, 0, 0), (0, 2, 0), (2, 2, 2)])
    path.write_text("# .PCD v0.7 - Point Cloud Data file format\nVERSION 0.7\n"
                    "FIELDS x y z intensity\nSIZE 4 4 4 4\nTYPE F F F F\nCOUNT 1 1 1 1\n"
                    f"WIDTH 4\nHEIGHT 1\nVIEWPOINT {viewpoint}\nPOINTS 4\nDATA ascii\n{rows}",
                    encoding="ascii")
    return path


def _cuboid(x: float) -> dict[str, object]:
    return {"objects": [{"id": "c1", "label": "car", "x": x, "y": 1, "z": 1, "length": 2,
                         "width": 2, "height": 2, "yaw": 0}]}


def test_a_frame_described_before_its_viewpoint_took_effect_takes_a_placed_cuboid(
    tmp_path: Path
) -> None:
    plugin = PointCloudPlugin()
    req = plugin.requirements_model.model_validate(_REQUIREMENTS)
    # as the frame was described before: its points unplaced, no viewpoint recorded
    before = {"format": "pcd", "points": 4, "fields": ["x", "y", "z", "intensity"],
              "has_intensity": True, "bounds": (0.0, 0.0, 0.0, 2.0, 2.0, 2.0)}
    plugin.validate_annotation(_cuboid(41), before, req)  # was: outside the cloud (0 .. 2 m)
    moved = _pcd(tmp_path / "moved.pcd", "40 0 0 1 0 0 0")
    now = plugin.describe(moved, {}, {}).model_dump(exclude_none=True)
    assert now["bounds"] == (40.0, 0.0, 0.0, 42.0, 2.0, 2.0)
    assert now["viewpoint_applied"] is True
    plugin.validate_annotation(_cuboid(41), now, req)
    with pytest.raises(InvalidInput) as caught:  # the check stands where the bounds are placed
        plugin.validate_annotation(_cuboid(1), now, req)
    assert [p["code"] for p in caught.value.details["problems"]] == ["outside_cloud"]
    # an identity VIEWPOINT described now records no viewpoint, but keeps the check
    plain = plugin.describe(_pcd(tmp_path / "plain.pcd", "0 0 0 1 0 0 0"), {}, {}).model_dump(
        exclude_none=True)
    assert "viewpoint" not in plain
    with pytest.raises(InvalidInput):
        plugin.validate_annotation(_cuboid(41), plain, req)
    # and a KITTI .bin frame (no VIEWPOINT to place it) keeps it too
    with pytest.raises(InvalidInput):
        plugin.validate_annotation(_cuboid(41), {**before, "format": "bin"}, req)
