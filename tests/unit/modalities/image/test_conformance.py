"""Issue 10 §1: the image modality passes the modality conformance kit (COCO, YOLO and VOC
packages read back into the annotations they were written from)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from datamill.modalities.base import Exporter, ModalityPlugin
from datamill.modalities.image.exporters.coco import CocoExporter
from datamill.modalities.image.schema import ImageLabelSchema
from datamill.testing.conformance import ModalityConformance, Sample
from datamill.testing.images import render_object_scene
from tests.unit.production.image_helpers import IMAGE_REQUIREMENTS


class TestImageConformance(ModalityConformance):
    modality = "image"
    round_trips: ClassVar[dict[str, str]] = {"coco": "coco", "yolo": "yolo", "voc": "voc"}

    def requirements(self) -> dict[str, Any]:
        return IMAGE_REQUIREMENTS

    def sample(self, folder: Path) -> list[Sample]:
        folder.mkdir(parents=True, exist_ok=True)
        out = []
        for i in range(3):
            scene = render_object_scene(10 + i, width=320, height=240, objects=3)
            path = scene.save(folder / f"img{i}.png")
            out.append(Sample(f"img{i}", path, scene.annotation.model_dump(mode="json")))
        return out

    def same_annotation(self, expected: Any, got: Any) -> bool:
        """Equal up to YOLO's 6-decimal normalised coordinates (well under 0.01 pixel)."""
        return _close(expected, got)

    def streaming_exporter(self, plugin: ModalityPlugin) -> Exporter[Any]:
        labels = ImageLabelSchema.model_validate(IMAGE_REQUIREMENTS["labels"])
        return CocoExporter(labels, copy_images=False)  # one JSON document, images referenced


def _close(a: Any, b: Any) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float | int) and isinstance(b, float | int) and not isinstance(a, bool):
        return abs(a - b) < 0.01
    return bool(a == b)
