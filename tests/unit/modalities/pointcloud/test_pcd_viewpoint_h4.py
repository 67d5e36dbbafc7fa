"""A PCD file's VIEWPOINT (tx ty tz qw qx qy qz) places its points as PCL's viewer does: the
file below is written by hand and read back through pypcd4 (read_cloud); a VIEWPOINT that is
not a pose is refused with words in English and zh-CN."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from datamill.modalities.pointcloud.cloud import read_cloud
from datamill.modalities.pointcloud.errors import CloudDecodeError
from datamill.modalities.pointcloud.plugin import PointCloudPlugin
from datamill.modalities.problem_words import word_reason

_S = math.sqrt(0.5)


def _pcd(path: Path, viewpoint: str) -> Path:
    path.write_text("# .PCD v0.7 - Point Cloud Data file format\nVERSION 0.7\n"
                    "FIELDS x y z intensity\nSIZE 4 4 4 4\nTYPE F F F F\nCOUNT 1 1 1 1\n"
                    f"WIDTH 3\nHEIGHT 1\nVIEWPOINT {viewpoint}\nPOINTS 3\nDATA ascii\n"
                    "1 0 0 5\n0 2 0 6\n0 0 3 7\n", encoding="ascii")
    return path


def test_a_viewpoint_turns_then_moves_the_points(tmp_path: Path) -> None:
    # a quarter turn about z (qw = qz = sqrt(1/2)), then 10 20 30 metres
    cloud = read_cloud(_pcd(tmp_path / "turned.pcd", f"10 20 30 {_S!r} 0 0 {_S!r}"))
    want = [[10, 21, 30, 5], [8, 20, 30, 6], [10, 20, 33, 7]]  # (x, y) -> (-y, x), then + t
    assert np.allclose(cloud.points, want, atol=1e-5)
    assert cloud.points.dtype == np.float32
    assert cloud.viewpoint is not None and cloud.viewpoint[:3] == (10.0, 20.0, 30.0)
    attributes = PointCloudPlugin().describe(tmp_path / "turned.pcd", {}, {})
    assert attributes.viewpoint == cloud.viewpoint  # type: ignore[attr-defined]
    assert attributes.bounds == (8.0, 20.0, 30.0, 10.0, 21.0, 33.0)  # type: ignore[attr-defined]
    # the identity leaves the points as written, and says nothing
    plain = read_cloud(_pcd(tmp_path / "plain.pcd", "0 0 0 1 0 0 0"))
    assert plain.viewpoint is None and plain.points[1].tolist() == [0, 2, 0, 6]


def test_a_far_utm_viewpoint_keeps_float64(tmp_path: Path) -> None:
    cloud = read_cloud(_pcd(tmp_path / "utm.pcd", "500000.25 4000000.125 12 1 0 0 0"))
    assert cloud.points.dtype == np.float64
    assert cloud.points[0, :3].tolist() == [500001.25, 4000000.125, 12.0]


@pytest.mark.parametrize(("viewpoint", "code"), [
    ("0 0 0 2 0 0 0", "pc_viewpoint_quaternion"),
    ("0 0 0 0 0 0 0", "pc_viewpoint_quaternion"),
    ("nan 0 0 1 0 0 0", "pc_viewpoint_numbers"),
    ("1e300 0 0 1 0 0 0", "pc_viewpoint_numbers"),
])
def test_a_viewpoint_that_is_not_a_pose_is_refused(tmp_path: Path, viewpoint: str,
                                                   code: str) -> None:
    with pytest.raises(CloudDecodeError) as err:
        read_cloud(_pcd(tmp_path / "bad.pcd", viewpoint))
    details = err.value.details
    assert details["reason_code"] == code and details["file"] == "bad.pcd"
    assert "VIEWPOINT" in (word_reason(details, "en") or "")
    zh = word_reason(details, "zh-CN") or ""
    assert zh.startswith("bad.pcd：其 VIEWPOINT") and zh != word_reason(details, "en")


def test_the_workbench_preview_is_placed_and_an_earlier_unplaced_one_not_served(
        tmp_path: Path) -> None:
    from datamill.modalities.pointcloud.preview import cached_preview

    src = _pcd(tmp_path / "turned.pcd", f"10 20 30 {_S!r} 0 0 {_S!r}")
    sha = "ab" * 32
    earlier = tmp_path / "cache" / "derived" / "cloud-preview" / "ab" / f"{sha}.f32"
    earlier.parent.mkdir(parents=True)
    np.array([[1, 0, 0, 5]], dtype="<f4").tofile(earlier)  # made before VIEWPOINT counted
    preview = cached_preview(src, sha, tmp_path / "cache")
    shown = np.fromfile(preview.path, dtype="<f4").reshape(-1, 4)
    assert np.allclose(shown[0], [10, 21, 30, 5], atol=1e-5) and preview.points == 3


def test_the_range_check_measures_from_the_placed_sensor(tmp_path: Path) -> None:
    """A frame whose VIEWPOINT puts its sensor 500 m along (a site survey, a rig's mount)
    reaches 2 m about the sensor, not 501 m about the origin (beyond the 250 m a lidar sees)."""
    from datamill.modalities.pointcloud.checks import run_cloud_checks
    from datamill.modalities.pointcloud.schema import CheckSettings

    path = _pcd(tmp_path / "far.pcd", "500 0 0 1 0 0 0")
    outcomes = {o.name: o for o in run_cloud_checks(path, CheckSettings(min_points=1))}
    assert outcomes["range"].passed and outcomes["range"].value == pytest.approx(2.0, abs=0.01)
    attributes = PointCloudPlugin().describe(path, {}, {})
    assert attributes.range_p99_m == pytest.approx(2.0, abs=0.01)  # type: ignore[attr-defined]


def test_cluster_preannotation_works_about_the_placed_sensor(tmp_path: Path) -> None:
    """A frame placed 100 m along by its VIEWPOINT: the proposals were sought within 60 m of
    the origin (none found); now about the sensor, each 100 m along from the unplaced one's."""
    from pypcd4 import PointCloud

    from datamill.modalities.base import ItemRecord
    from datamill.modalities.pointcloud.preannotators import ClusterPreannotator
    from datamill.testing.pointclouds import render_scene

    points, _ = render_scene(21, objects=5)
    found = {}
    for name, viewpoint in (("plain", (0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0)),
                            ("along", (100.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0))):
        cloud = PointCloud.from_xyzi_points(points.astype(np.float32))
        cloud.metadata = cloud.metadata.model_copy(update={"viewpoint": viewpoint})
        cloud.save(tmp_path / f"{name}.pcd")  # written by pypcd4, a real writer
        record = ItemRecord(external_id=name, sha256="0" * 64, filename=f"{name}.pcd",
                            path=tmp_path / f"{name}.pcd", attributes={}, language="en-US")
        found[name] = sorted(round(p.x) for p in ClusterPreannotator().predict(record).cuboids)
    assert len(found["plain"]) >= 4  # noqa: PLR2004
    assert found["along"] == [x + 100 for x in found["plain"]]
