"""One frame whose coordinates are absurd but finite (a KITTI ``.bin`` written as float64 and read
as float32 gives values near 1e38) must not stop a folder's import: a trial found the whole import
of 26 files aborted with ``range_p99_m: Input should be a finite number`` (the squared range
overflowed float32 to inf). The frame is imported and its range check sets it aside."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import yaml

from datamill.modalities.pointcloud.cloud import summarize
from datamill.testing.pointclouds import render_scene, write_cloud
from tests.unit.cli.test_cli import run
from tests.unit.production.test_pointcloud_loop import pointcloud_spec


def _float64_bin(path: Path) -> Path:
    points, _ = render_scene(7, objects=2)
    path.parent.mkdir(parents=True, exist_ok=True)
    points.astype(np.float64).tofile(path)  # the numpy default, not KITTI's float32
    return path


def test_huge_finite_coordinates_give_a_finite_range() -> None:
    points = np.array([[3e38, 3e38, 1.0, 0.0], [1.0, 2.0, 3.0, 0.0]], dtype=np.float32)
    facts = summarize(points)
    assert facts["invalid_points"] == 0  # finite, however large
    assert np.isfinite(facts["range_p99_m"]) and facts["range_p99_m"] > 1e38  # type: ignore[arg-type]


def test_a_float64_bin_does_not_stop_the_import(tmp_path: Path) -> None:
    home = tmp_path / "home"
    src = tmp_path / "in"
    points, _ = render_scene(3, objects=2)
    write_cloud(points, src / "good.bin")
    _float64_bin(src / "wide.bin")
    (tmp_path / "spec.yaml").write_text(yaml.safe_dump(pointcloud_spec("f64")))
    run(home, "user", "create", "root", "--role", "admin", "--password", "password1")
    run(home, "project", "create", str(tmp_path / "spec.yaml"), "--as", "root", "--json")
    report = json.loads(run(home, "data", "import", "f64", str(src), "--as", "root",
                            "--json").stdout)
    assert report["imported"] == 2, report
    checked = json.loads(run(home, "data", "check", "f64", "--as", "root", "--workers", "1",
                             "--json").stdout)
    assert (checked["passed"], checked["rejected"]) == (1, 1)
    items = {i["external_id"]: i for i in json.loads(
        run(home, "data", "items", "f64", "--as", "root", "--json").stdout)}
    assert items["wide"]["status"] == "rejected"
    assert "range" in json.dumps(items["wide"]), items["wide"]
