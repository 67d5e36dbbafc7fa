"""The lidar demo project reaches an accepted delivery (OpenPCDet + Parquet) with the demo
people: its bad files refused or set aside, its cluster proposals measured, bob's slip
rejected by the reviewer."""

from __future__ import annotations

import json
from pathlib import Path

from datamill.demo.pointcloud_demo import FRAMES, run_pointcloud_demo
from datamill.runtime import Runtime


def test_pointcloud_demo_full(runtime: Runtime, tmp_path: Path) -> None:
    result = run_pointcloud_demo(runtime, tmp_path, full=True)
    steps = "\n".join(result.steps)
    assert f"imported {FRAMES + 3} frames (1 refused: bad/truncated.pcd" in steps, steps
    assert f"checks: {FRAMES} passed, 3 set aside" in steps, steps
    assert "invalid_points 1, points 1, range 1" in steps, steps
    pre = result.inspection["preannotation"]  # type: ignore[index]
    assert pre["frames"] == FRAMES and pre["cuboid_accuracy@0.3"] > 0.7, pre
    assert result.slipped and "rejected 1" in steps
    assert result.inspection["verdict"] == "accepted"  # type: ignore[index]
    root = Path(result.delivery_path or "")
    assert len(list((root / "openpcdet" / "labels").glob("*.txt"))) == FRAMES
    sheet = json.loads((root / "datasheet.json").read_text())
    assert sheet["frames"] == FRAMES and sheet["tracks"] == sheet["cuboids"] == FRAMES * 5
    assert sheet["left_out"]["openpcdet"]["track_ids"] == FRAMES * 5
