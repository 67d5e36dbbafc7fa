"""Issue 8 gap: licence-plate masking recall was never measured.

A labelled set rendered by ``datamill.testing.plates`` (held-out split: fonts, seeds and
size/angle ranges the plate finder was not tuned on; Chinese provincial-prefix plates and Latin
EU/US/Russian ones) goes through the masking path (``detected_mask_regions``, what
``mask_image_file`` masks of its own accord). Before the plate finder, OpenCV's Russian-plate
cascades alone masked 18 % of these plates (9 of 49 on seed 4242).
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from datamill.compliance.image_masking import detected_mask_regions, mask_image_file
from datamill.testing.plates import (
    evaluate_plate_masking,
    generate_plate_scenes,
    plate_coverage,
    plate_fonts_available,
)
from tests._tools import require_tool

SEED = 515  # neither the bench's seed nor the tuning seeds


@pytest.fixture(scope="module")
def heldout() -> tuple[list, list]:
    if not plate_fonts_available():
        require_tool("DejaVu and WenQuanYi fonts (fonts-dejavu-core, fonts-wqy-zenhei/microhei)")
    return (generate_plate_scenes(SEED, 40, "heldout"),
            generate_plate_scenes(SEED, 20, "heldout", plates=False))


def _plate_boxes(image: np.ndarray) -> list[tuple[int, int, int, int]]:
    return [(r.x, r.y, r.w, r.h) for r in detected_mask_regions(image, faces=False)]


def test_the_two_splits_do_not_share_fonts_or_scenes() -> None:
    from datamill.testing.plates import fonts_for

    if not plate_fonts_available():
        require_tool("DejaVu and WenQuanYi fonts")
    tune, held = fonts_for("tune"), fonts_for("heldout")
    assert not set(tune[0]) & set(held[0]) and not set(tune[1]) & set(held[1])
    a = generate_plate_scenes(1, 1, "tune")[0]
    b = generate_plate_scenes(1, 1, "heldout")[0]
    assert a.image.shape != b.image.shape or not np.array_equal(a.image, b.image)
    assert all(len(poly) == 4 for poly in b.plates) and b.texts and b.styles


def test_plate_recall_on_the_heldout_set(heldout: tuple[list, list]) -> None:
    scenes, negatives = heldout
    result = evaluate_plate_masking(scenes, negatives, _plate_boxes)
    assert result["plates"] >= 40
    # measured on this seed: see the report; bench/mask_recall.py gives the larger run
    assert result["recall"] >= 0.8, result
    assert result["precision"] >= 0.85, result
    assert result["false_alarm_rate"] <= 0.25, result
    chinese = [s for s in scenes if any(st.startswith("cn_") for st in s.styles)]
    assert chinese and any(t[0] in "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
                           for s in chinese for t in s.texts)


def test_mask_image_file_blurs_a_found_plate(tmp_path: Path, heldout: tuple[list, list]) -> None:
    scenes, _ = heldout
    scene = next(s for s in scenes
                 if min(plate_coverage(s, _plate_boxes(s.image))) >= 0.8)
    src = tmp_path / "car.png"
    cv2.imwrite(str(src), scene.image)
    result = mask_image_file(src, tmp_path / "car.masked.png", faces=False)
    assert any(r.label == "plate" for r in result.regions)
    out = cv2.imread(str(result.path))
    for x, y, w, h in scene.boxes():
        before = scene.image[y:y + h, x:x + w].astype(np.int16)
        after = out[y:y + h, x:x + w].astype(np.int16)
        assert np.abs(before - after).mean() > 5  # the plate's pixels changed
        # the characters' edges are gone: far less detail inside the plate
        assert cv2.Laplacian(out[y:y + h, x:x + w], cv2.CV_64F).var() < 0.5 * cv2.Laplacian(
            scene.image[y:y + h, x:x + w], cv2.CV_64F).var()
