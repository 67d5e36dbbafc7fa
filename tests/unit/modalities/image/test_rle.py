"""Our pycocotools-free RLE helpers agree with pycocotools on random masks."""

from __future__ import annotations

import numpy as np
import pytest
from pycocotools import mask as mask_utils

from datamill.modalities.image._rle import rle_area, rle_bbox, rle_counts, rle_string


@pytest.mark.parametrize("seed", range(8))
def test_rle_matches_pycocotools(seed: int) -> None:
    rng = np.random.default_rng(seed)
    height, width = int(rng.integers(1, 40)), int(rng.integers(1, 40))
    mask = np.zeros((height, width), dtype=np.uint8)
    if seed % 4:  # seed 0 and 4: empty masks
        y0, x0 = rng.integers(0, height), rng.integers(0, width)
        mask[y0: y0 + int(rng.integers(1, 20)), x0: x0 + int(rng.integers(1, 20))] = 1
        mask |= (rng.random((height, width)) < 0.05).astype(np.uint8)
    encoded = mask_utils.encode(np.asfortranarray(mask))
    text = encoded["counts"].decode("ascii")
    counts = rle_counts(text)
    assert sum(counts) == height * width
    assert rle_string(counts) == text
    assert rle_area(counts) == int(mask.sum()) == int(mask_utils.area(encoded))
    assert list(rle_bbox(counts, height)) == [int(v) for v in mask_utils.toBbox(encoded)]


def test_invalid_compressed_rle() -> None:
    with pytest.raises(ValueError, match="invalid character"):
        rle_counts("0\x7f")
