"""The ``pointcloud_parquet`` delivery names the VIEWPOINT that places each frame's points, and
the frame's pose. Since a PCD's VIEWPOINT places its points (h4), the cuboids are drawn where
the placed points are, but the table pointed at the file as collected with no word of its
VIEWPOINT (nor of the manifest's pose): a reader that loads the file with Open3D or pypcd (which
ignore the header) found every cuboid 10 m and a quarter turn away from its points. The
``viewpoint`` column is read from the file's header, so a frame described before the VIEWPOINT
was kept (none recorded in its attributes) gets it too."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
from pypcd4 import PointCloud
from scipy.spatial.transform import Rotation

from datamill.modalities.base import ItemRecord
from datamill.modalities.pointcloud.cloud import read_cloud
from datamill.modalities.pointcloud.exporters import PointCloudParquetExporter
from datamill.modalities.pointcloud.plugin import PointCloudPlugin

_S = math.sqrt(0.5)
_POSE = (1.0, 0.0, 0.0, 5.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0)


def _pcd(path: Path, viewpoint: str) -> Path:
    rows = "".join(f"{x} {y} {z} 1\n" for x, y, z in
                   [(1, 0, 0), (2, 0, 0), (1, 1, 0), (2, 1, 1), (1.5, 0.5, 0.5)])
    path.write_text("# .PCD v0.7 - Point Cloud Data file format\nVERSION 0.7\n"
                    "FIELDS x y z intensity\nSIZE 4 4 4 4\nTYPE F F F F\nCOUNT 1 1 1 1\n"
                    f"WIDTH 5\nHEIGHT 1\nVIEWPOINT {viewpoint}\nPOINTS 5\nDATA ascii\n{rows}",
                    encoding="ascii")
    return path


def _record(path: Path, name: str, attributes: dict[str, object]) -> ItemRecord:
    return ItemRecord(external_id=name, sha256="0" * 64, filename=path.name, path=path,
                      attributes=attributes, language="und")


def test_the_table_names_each_frames_viewpoint_and_pose(tmp_path: Path) -> None:
    plugin = PointCloudPlugin()
    turned = _pcd(tmp_path / "turned.pcd", f"10 20 0 {_S!r} 0 0 {_S!r}")
    plain = _pcd(tmp_path / "plain.pcd", "0 0 0 1 0 0 0")
    now = plugin.describe(turned, {"pose": list(_POSE)}, {}).model_dump(exclude_none=True)
    assert now["viewpoint"] is not None
    before = {k: v for k, v in now.items()  # described before h4: neither recorded
              if k not in ("viewpoint", "viewpoint_applied")}
    placed = read_cloud(turned).points[:, :3]
    centre = placed.mean(axis=0)  # the cuboid is drawn on the placed points
    annotation = {"objects": [{"id": "c1", "label": "car", "x": float(centre[0]),
                               "y": float(centre[1]), "z": float(centre[2]), "length": 2,
                               "width": 2, "height": 2, "yaw": 0}]}
    items = [plugin.export_item(_record(turned, "now", now), annotation),
             plugin.export_item(_record(turned, "before", before), annotation),
             plugin.export_item(_record(plain, "plain", {}), {"objects": []})]
    PointCloudParquetExporter().export(items, tmp_path / "out")

    table = pq.read_table(tmp_path / "out" / "data.parquet").to_pylist()
    viewpoint = [10.0, 20.0, 0.0, _S, 0.0, 0.0, _S]
    assert [r["viewpoint"] for r in table] == [viewpoint, viewpoint, None]
    assert [r["pose"] for r in table] == [list(_POSE), list(_POSE), None]
    # a reader that ignores the header places the points by the column, onto the cuboid
    raw = PointCloud.from_path(turned).numpy()[:, :3]
    vp = table[1]["viewpoint"]
    moved = Rotation.from_quat(vp[3:], scalar_first=True).apply(raw) + vp[:3]
    assert np.allclose(moved, placed, atol=1e-5)
    box = table[1]["objects"][0]
    assert np.allclose(moved.mean(axis=0), [box["x"], box["y"], box["z"]], atol=1e-5)
    assert not np.allclose(raw.mean(axis=0), [box["x"], box["y"], box["z"]], atol=1)


def test_a_frame_described_with_its_viewpoint_is_exported_without_reading_its_file(
    tmp_path: Path
) -> None:
    """h2: the export read every frame's header for its VIEWPOINT, though a frame described
    since h4 records it (``viewpoint``, ``viewpoint_applied``): a frame whose file is not
    readable now (here: gone) is still exported, with the recorded viewpoint."""
    plugin = PointCloudPlugin()
    turned = _pcd(tmp_path / "turned.pcd", f"10 20 0 {_S!r} 0 0 {_S!r}")
    plain = _pcd(tmp_path / "plain.pcd", "0 0 0 1 0 0 0")
    described = {p.name: plugin.describe(p, {}, {}).model_dump(mode="json", exclude_none=True)
                 for p in (turned, plain)}
    bin_attrs = {"format": "bin", "points": 5}
    gone = tmp_path / "gone"
    items = [plugin.export_item(_record(gone / "turned.pcd", "t", described["turned.pcd"]),
                                {"objects": []}),
             plugin.export_item(_record(gone / "plain.pcd", "p", described["plain.pcd"]),
                                {"objects": []}),
             plugin.export_item(_record(gone / "f.bin", "b", bin_attrs), {"objects": []})]
    assert [i.viewpoint for i in items] == [(10.0, 20.0, 0.0, _S, 0.0, 0.0, _S), None, None]
