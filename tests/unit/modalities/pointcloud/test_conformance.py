"""The point-cloud modality passes the modality conformance kit (datamill.testing)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, ClassVar

from datamill.modalities.base import Exporter, ModalityPlugin
from datamill.testing.conformance import ModalityConformance, Sample
from datamill.testing.pointclouds import SIZES, render_scene, write_cloud

REQUIREMENTS: dict[str, Any] = {
    "cloud": {"min_points": 500},
    "labels": {
        "labels": [
            {"name": "car", "typical_size": list(SIZES["car"]),
             "attributes": [{"name": "occluded", "type": "select",
                             "values": ["none", "partly", "mostly"]}]},
            {"name": "pedestrian", "typical_size": list(SIZES["pedestrian"])},
            {"name": "cyclist", "typical_size": list(SIZES["cyclist"])},
        ],
        "scene_classes": ["urban", "highway"],
    },
    "iou_threshold": 0.5,
}


class TestPointCloudConformance(ModalityConformance):
    modality = "pointcloud"
    round_trips: ClassVar[dict[str, str]] = {"openpcdet": "openpcdet"}
    stream_items = 20_000

    def requirements(self) -> dict[str, Any]:
        return REQUIREMENTS

    def sample(self, folder: Path) -> list[Sample]:
        out = []
        for i, suffix in enumerate((".pcd", ".bin", ".ply", ".npy")):
            points, truth = render_scene(100 + i, objects=3)
            path = write_cloud(points, folder / f"frame{i:03d}{suffix}")
            objects = [c.model_dump(mode="json") for c in truth]
            objects[0]["track_id"] = f"t{i}"
            if objects[0]["label"] == "car":
                objects[0]["attributes"] = {"occluded": "partly"}
            out.append(Sample(f"frame{i:03d}", path,
                              {"objects": objects, "classes": ["urban"] if i % 2 else []}))
        return out

    def streaming_exporter(self, plugin: ModalityPlugin) -> Exporter[Any]:
        return plugin.make_exporter("pointcloud_parquet", REQUIREMENTS)

    def same_annotation(self, expected: Any, got: Any) -> bool:
        """OpenPCDet keeps geometry and labels (to 1e-6), not ids, tracks, attributes or scene
        classes (the manifest counts those as left out)."""
        def key(payload: Any) -> list[tuple[Any, ...]]:
            return sorted((o["label"], *(o[f] for f in ("x", "y", "z", "length", "width",
                                                         "height")),
                           math.remainder(o["yaw"], 2 * math.pi)) for o in payload["objects"])
        a, b = key(expected), key(got)
        return len(a) == len(b) and all(
            x[0] == y[0] and all(math.isclose(u, v, abs_tol=2e-6) for u, v in zip(
                x[1:], y[1:], strict=True)) for x, y in zip(a, b, strict=True))
