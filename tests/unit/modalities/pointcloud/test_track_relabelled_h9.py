"""A track whose label changes across frames (a car called a truck in one frame) is named in
the delivery's datasheet and on the deliveries page, in English and Chinese (h9)."""

from __future__ import annotations

from pathlib import Path

from datamill.modalities.base import ItemRecord
from datamill.modalities.registry import get_modality
from datamill.web.delivery_sheet import sheet_view
from datamill.web.i18n import translator


def _frame(index: int, sequence: str, *labelled: tuple[str, str]) -> tuple[ItemRecord, dict]:
    item = ItemRecord(external_id=f"f{index}", sha256="0" * 64, filename=f"f{index}.bin",
                      path=Path(f"f{index}.bin"), language="en-US",
                      attributes={"points": 10, "sequence": sequence, "frame": index})
    objects = [{"label": label, "x": 1, "y": 2, "z": 0, "length": 4, "width": 2, "height": 1.5,
                "yaw": 0, "track_id": track} for track, label in labelled]
    return item, {"type": "pointcloud_annotation", "schema_version": 1, "objects": objects}


def test_a_track_labelled_two_ways_is_named_in_the_datasheet() -> None:
    stats = get_modality("pointcloud").statistics()
    for frame in (_frame(0, "drive-1", ("t7", "car"), ("t8", "pedestrian")),
                  _frame(1, "drive-1", ("t7", "truck"), ("t8", "pedestrian")),
                  _frame(2, "drive-2", ("t7", "cyclist"))):  # another drive's t7
        stats.add(*frame)
    sheet = stats.result()
    assert sheet["tracks_relabelled"] == 1
    assert sheet["tracks_relabelled_examples"] == ["drive-1/t7: car, truck"]
    figures = dict(sheet_view({**sheet, "language": "en-US"}).figures)
    assert figures["dlv.ds.tracks_relabelled"] == "1"
    assert figures["dlv.ds.tracks_relabelled_examples"] == "drive-1/t7: car, truck"
    assert translator("zh-CN")("dlv.ds.tracks_relabelled").startswith("前后标签不一致的轨迹数")
    for key in figures:
        assert translator("en")(key) != key and translator("zh-CN")(key) != key, key

    steady = get_modality("pointcloud").statistics()
    steady.add(*_frame(0, "drive-1", ("t7", "car")))
    assert "tracks_relabelled" not in steady.result()
