"""Trial h6 (image annotator, 2026-12-07). A float32 greyscale TIFF (a depth or elevation map
normalised to 0..1, Pillow's mode F) read as black: Pillow's conversion to 8 bits clips 0..1 to
0 or 1, so the checks measured a mean luminance of 0.0 (the dark check set a well-lit picture
aside) and the workbench's rendition was a black rectangle. Values of 0..1 are now scaled to
0..255 (0..255 values kept), as the 16-bit ones already were."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from datamill.modalities.image.checks import measure_image
from datamill.modalities.image.preview import cached_display


def test_a_float_tiff_is_measured_and_shown_as_it_looks(tmp_path: Path) -> None:
    ramp = np.tile(np.linspace(0.0, 1.0, 256, dtype=np.float32), (128, 1))
    Image.fromarray(ramp, "F").save(tmp_path / "depth.tif")
    Image.fromarray(ramp * 255, "F").save(tmp_path / "bytes.tif")
    for name in ("depth.tif", "bytes.tif"):
        measured = measure_image(tmp_path / name, max_pixels=1_000_000)
        assert measured.mode == "F" and abs(measured.mean_luminance - 127.5) < 1  # was 0.5 / 127.5
        shown = cached_display(tmp_path / name, name.replace(".", "0") * 4, tmp_path / "cache")
        row = np.asarray(Image.open(shown.path).convert("L"))[0]
        assert row[0] == 0 and row[-1] == 255 and abs(int(row[128]) - 128) <= 1  # was all 0/1


def test_an_image_is_never_a_negative_distance_from_itself() -> None:
    """The near-duplicate refusal read "page distance -0.000": 1 - correlation came out
    -2.2e-16 for an image against itself (6 of 12 rendered scenes)."""
    from datamill.modalities.image.fingerprint import detail_distance, detail_hash
    from datamill.testing.images import render_object_scene

    for seed in (0, 3):
        h = detail_hash(render_object_scene(seed, objects=2).image.convert("L"), 1)
        assert detail_distance(h, h) == 0.0
