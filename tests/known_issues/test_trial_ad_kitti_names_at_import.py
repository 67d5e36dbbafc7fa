"""Autonomous-driving trial (MEDIUM): SemanticKITTI naming problems surfaced only at delivery.
A ``manifest.csv`` whose rows ``a.bin,00,1`` and ``b.bin,00,1`` both claim frame 1 of
sequence 00, or a sequence named with a space, imported, was labelled and accepted; then
``delivery create`` failed "frames 'a' and 'b' are both frame 000001 of sequence '00'". The
import now refuses such rows (the report's rejections name them) by the exporter's own rule
(``exporters.kitti_slot``), against the rows of the same import and the project's items."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from datamill.core.errors import InvalidInput
from datamill.modalities.pointcloud.exporters import SemanticKittiExporter, kitti_slot
from datamill.modalities.pointcloud.item import PointCloudExportItem
from datamill.modalities.pointcloud.schema import PointCloudAnnotation
from datamill.production.importing import import_source
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from datamill.testing.pointclouds import render_scene, write_cloud
from tests.unit.production.test_pointcloud_loop import pointcloud_spec

POINT_CLASSES = [{"name": "road", "id": 40, "ground": True}, {"name": "car", "id": 10}]


def _spec(name: str, *, segments: bool = True) -> dict[str, Any]:
    spec = pointcloud_spec(name)
    if segments:
        spec["requirements"]["labels"]["point_classes"] = POINT_CLASSES
    return spec


def _manifest(folder: Path, rows: list[tuple[str, str, str]], seed: int) -> Path:
    for i, (name, _, _) in enumerate(rows):
        write_cloud(render_scene(seed + i, objects=1)[0], folder / name)
    path = folder / "manifest.csv"
    lines = ["path,sequence,frame", *(",".join(r) for r in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_two_frames_in_one_place_or_an_unnameable_sequence_are_refused_at_import(
    runtime: Runtime, tmp_path: Path
) -> None:
    with runtime.session() as s:
        pid = create_project(s, _spec("kitti-names")).id
    manifest = _manifest(tmp_path / "drive", [("a.bin", "00", "1"), ("b.bin", "00", "1"),
                                             ("c.bin", "seq 1", "2"), ("d.bin", "00", "2")], 40)
    with runtime.session() as s:
        report = import_source(s, runtime.blobs, pid, manifest)
    assert (report.imported, report.rejected) == (2, 2), report.rejections
    reasons = {r["source"]: r["reason"] for r in report.rejections}
    assert set(reasons) == {"manifest.csv:3", "manifest.csv:4"}, reasons
    assert "both frame 000001 of sequence '00'" in reasons["manifest.csv:3"]
    assert "sequence 'seq 1' cannot be a folder name" in reasons["manifest.csv:4"]
    # a later import: the place is held by the project's item
    later = _manifest(tmp_path / "later", [("e.bin", "00", "2"), ("f.bin", "01", "2")], 60)
    with runtime.session() as s:
        report = import_source(s, runtime.blobs, pid, later)
    assert (report.imported, report.rejected) == (1, 1), report.rejections
    assert "both frame 000002 of sequence '00'" in report.rejections[0]["reason"]
    assert report.rejections[0]["source"] == "manifest.csv:2"


def test_a_project_without_semantickitti_takes_frames_without_numbers_as_before(
    runtime: Runtime, tmp_path: Path
) -> None:
    """No point classes (no SemanticKITTI delivery) and no sequence or frame given: no place
    to clash, every file comes in; numbered frames are still held to the rule."""
    with runtime.session() as s:
        pid = create_project(s, _spec("cuboids", segments=False)).id
    folder = tmp_path / "plain"
    for i in range(2):
        write_cloud(render_scene(80 + i, objects=1)[0], folder / f"scan {i}.bin")
    with runtime.session() as s:
        assert import_source(s, runtime.blobs, pid, folder).imported == 2
    manifest = _manifest(tmp_path / "numbered", [("a.bin", "07", "3"), ("b.bin", "07", "3")], 90)
    with runtime.session() as s:
        report = import_source(s, runtime.blobs, pid, manifest)
    assert (report.imported, report.rejected) == (1, 1), report.rejections


def test_the_exporter_and_the_import_share_one_rule(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="cannot be a folder name"):
        kitti_slot("a", "seq 1", 1)
    points, _ = render_scene(5, objects=1)
    cloud = write_cloud(points, tmp_path / "a.bin")
    items = [PointCloudExportItem(id=i, cloud_path=cloud, cloud_name="clouds/a.bin", sha256="0",
                                  points=len(points), sequence="00", frame=1,
                                  annotation=PointCloudAnnotation()) for i in ("a", "b")]
    with pytest.raises(InvalidInput, match=f"frames 'a' and 'b' are both {kitti_slot('b', '00', 1)}"):
        SemanticKittiExporter([(40, "road")]).export(items, tmp_path / "out")
