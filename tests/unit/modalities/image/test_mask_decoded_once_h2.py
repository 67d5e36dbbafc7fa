"""h2: a mask's compressed runs are decoded once on the path one answer takes (validation of
each annotator's, aggregation's questions and merge, the merged answer's validation, its COCO
record), not once per step: three annotators' masks of one object cost 52 decodes before.

The decodes are counted as the characters the pure-Python decoder reads (``ord`` calls, a
builtin watched through ``sys.setprofile``): the same whichever function does the decoding."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from datamill.modalities.image import _rle
from datamill.modalities.image.exporters.coco import CocoExporter
from datamill.modalities.image.item import ImageExportItem
from datamill.modalities.image.plugin import ImageAnnotationRequirements, ImagePlugin
from datamill.modalities.image.schema import ImageAnnotation

H, W = 100, 120
IMAGE = {"allowed_formats": ["PNG"], "max_pixels": 40_000_000, "min_width": 64,
         "min_height": 64, "min_aspect_ratio": 0.2, "max_aspect_ratio": 8.0,
         "min_sharpness": 5.0, "max_overexposed_fraction": 0.5,
         "max_underexposed_fraction": 0.5, "min_mean_luminance": 20.0,
         "max_mean_luminance": 250.0, "max_duplicate_distance": 4}
REQ = ImageAnnotationRequirements.model_validate({
    "image": IMAGE, "iou_threshold": 0.5,
    "labels": {"labels": [{"name": "road", "kinds": ["mask"]}]}})


def _mask(shift: int) -> dict[str, Any]:
    """30 columns with rows 10-49 set, starting at column ``shift`` (IoU of two: 28/32)."""
    runs = [shift * H + 10]
    for _column in range(30):
        runs += [40, 60]
    runs[-1] = H * W - sum(runs[:-1])
    return {"kind": "mask", "label": "road",
            "rle": {"size": [H, W], "counts": _rle.rle_string(runs)}}


def _characters_decoded(step: Callable[[], Any]) -> tuple[int, Any]:
    read = 0

    def watch(_frame: Any, event: str, arg: Any) -> None:
        nonlocal read
        if event == "c_call" and arg is ord:
            read += 1

    sys.setprofile(watch)
    try:
        result = step()
    finally:
        sys.setprofile(None)
    return read, result


def test_three_masks_are_decoded_once_each_from_validation_to_export(tmp_path: Path) -> None:
    plugin = ImagePlugin()
    attrs = {"width": W, "height": H}
    answers = {a: {"objects": [_mask(a + 1)]} for a in range(3)}  # fresh strings for the cache
    once = sum(len(p["objects"][0]["rle"]["counts"]) for p in answers.values())

    def path() -> tuple[Any, ...]:
        for payload in answers.values():  # the loop checks a submission, or an import's row
            plugin.leave_out_imported(payload, attrs, REQ)
            plugin.validate_annotation(payload, attrs, REQ)
        rows = plugin.region_units(answers)
        merged = plugin.merge_aggregate(list(answers.values()), {})
        doc = plugin.validate_annotation(merged, attrs, REQ)
        image = tmp_path / "a.png"
        image.write_bytes(b"")
        item = ImageExportItem(id="a", image_path=image, sha256="0" * 64, width=W, height=H,
                               annotation=ImageAnnotation.model_validate(doc.payload),
                               turned=False)
        CocoExporter().export([item], tmp_path / "coco")
        return rows, doc.payload

    read, (rows, merged) = _characters_decoded(path)
    assert read == once  # 52 decodes before: 4 an import row, 12 the questions, 25 the merge
    # the same answers as before: one group of three, the middle mask the medoid
    assert rows == [(0, "mask:2:10", "road"), (1, "mask:2:10", "road"), (2, "mask:2:10", "road")]
    assert merged["objects"][0]["rle"] == answers[1]["objects"][0]["rle"]
    record = json.loads((tmp_path / "coco" / "annotations.json").read_text())["annotations"][0]
    assert (record["area"], record["bbox"]) == (1200, [2, 10, 30, 40])


def test_a_decoded_string_gives_the_same_runs_as_a_list() -> None:
    runs = [3, 2, 10, 1]
    text = _rle.rle_string(runs)
    assert _rle.rle_runs(text) == _rle.rle_runs(runs) == tuple(runs)
    assert _rle.rle_counts(text) == runs and _rle.rle_counts(text) is not _rle.rle_counts(text)
