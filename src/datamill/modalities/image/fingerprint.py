"""The detail fingerprint that tells a near copy of a text page from another page of its layout.

The 64-bit perceptual hash (:func:`.checks.measure_image`) sees the layout of a page, its
blocks and lines, and little of the words in them: two different pages set in one layout are
2..6 bits apart, a JPEG re-save of one page at 80 % size up to 10 (trial h3; the earlier
``bench/checks_heldout.py`` note), so no Hamming limit separates the two.

**Detail hash** (``detail_hash``): the displayed luminance shrunk to 32x32 by box averaging
(after the EXIF orientation), minus its running mean over 5 pixels along each row (what stays
is where the words and their gaps fall along a line, not the line bars), scaled by 3 standard
deviations and quantised to 16 levels (-8..7): 1024 hex digits. **Detail distance**: 1 - the
Pearson correlation of two such hashes (0 = same picture, 1 = unrelated, up to 2).

Measured on rendered English and Chinese pages (``datamill.testing.heldout.text_page``, 320 to
3508 px, two layouts; trial h3, ``bench/checks_heldout.py``): distinct pages of one layout 0.138
or more, JPEG q70 re-saves at 80 % size and halved copies at most 0.046; photos: distinct about
0.9, re-saves 0.012 or less; a 64 px photo re-saved read 0.096 (hence :data:`DETAIL_MIN_SIDE`). A page
rotated by 0.7 degrees or cropped by 1 % (a second scan of the paper) reads 0.2..0.5: not a
near copy to this method.

**Page hash** (``page_hash``): the detail hash of the page *squared up* first
(:func:`square_up`): the luminance at most :data:`PAGE_WORK_SIDE` px, its ink (Otsu) turned by
the angle within 3 degrees whose row profile of ink (in quarter rows, each pixel one row high:
whole rows blurred every turned profile and none at 0 degrees) is sharpest (text lines level),
then cut to the box of its ink (the 2nd to 98th percentile), so a second scan of the paper,
turned by a fraction of a degree or with a margin cropped, hashes like the first. **Page
distance**: the detail distance of two page hashes. Measured (trial h3 round 3,
``bench/page_scans.py``): second scans (turned 0.7 degrees, 1 % cropped, also re-saved) at most
0.160 on the tuning pages, other pages of one layout at least 0.336; held-out pages (other
sizes, angles 0.3..1.2 degrees, crops 0.5..1.5 %): 88 of 90 scans within 0.2 (round 2: 81),
other pages 0.361 or more; photos re-saved 0.005, distinct 0.94. About 90 ms a 12 MP image (a
whole-factor box reduction first).

**Rule** (:func:`is_near_copy`): with both detail hashes, two images are near copies when their
perceptual hashes are within ``max(max_duplicate_distance, DETAIL_GATE_BITS)`` (24) bits and
their detail distance is at most ``max_detail_distance`` (default 0.08) or their page
distance at most ``max_page_distance`` (default :data:`MAX_PAGE_DISTANCE`); an image under
:data:`DETAIL_MIN_SIDE` (128 px) on its shorter side has no detail hash, and it, like an item
stored before detail hashes existed, is judged by the perceptual hash alone, as before.

Examples:
    >>> import numpy as np
    >>> from PIL import Image
    >>> rng = np.random.default_rng(0)
    >>> a = Image.fromarray(rng.integers(0, 255, (64, 64), dtype=np.uint8), "L")
    >>> h = detail_hash(a, 1)
    >>> len(h), detail_distance(h, h) < 1e-9
    (1024, True)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import numpy as np

if TYPE_CHECKING:
    from PIL import Image

__all__ = [
    "DETAIL_GATE_BITS",
    "DETAIL_HEX_DIGITS",
    "DETAIL_MIN_SIDE",
    "MAX_DETAIL_DISTANCE",
    "MAX_PAGE_DISTANCE",
    "PAGE_HASH_VERSION",
    "detail_distance",
    "detail_hash",
    "is_near_copy",
    "page_hash",
    "square_up",
]

DETAIL_SIDE: Final = 32
DETAIL_HEX_DIGITS: Final = DETAIL_SIDE * DETAIL_SIDE
DETAIL_ROW_MEAN: Final = 5
"""Pixels of the running mean along a row that is taken away (the line bars)."""
DETAIL_GATE_BITS: Final = 24
"""Perceptual-hash distance within which the detail hash decides (re-saved pages read up to 22;
unrelated photos 24 and more, and a detail distance near 1)."""
DETAIL_MIN_SIDE: Final = 128
"""Images with a shorter side below this get no detail hash (too few pixels per cell: a 64 px
photo re-saved at 80 % read 0.096)."""
MAX_DETAIL_DISTANCE: Final = 0.08
"""Default ``requirements.image.max_detail_distance``."""
MAX_PAGE_DISTANCE: Final = 0.2
"""Default ``requirements.image.max_page_distance`` (between second scans' 0.160 and other
pages' 0.336 on the tuning pages)."""
PAGE_HASH_VERSION: Final = 2
"""The page hash's method (the ``page_hash_version`` an item records with it): 1 (no record)
took the ink's row profile in whole rows and cut to its 0.5th..99.5th percentile; hashes of
two versions are not compared (the same page read up to 0.94 apart), so an older item's page
hash is measured again from its file."""
PAGE_WORK_SIDE: Final = 512
"""The longer side (px) a page is squared up at."""
PAGE_MAX_TURN: Final = 3.0
"""The most (degrees, either way) a page is turned to level its lines."""
_LEVELS: Final = 8
_MOST_INK: Final = 40_000
_INK_PERCENTILE: Final = 2.0  # of the ink left out at each side of its box (specks)
_SUBROWS: Final = 4  # the row profile of ink is taken in quarter rows


def detail_hash(gray: Image.Image, orientation: int) -> str:
    """The detail hash of an 8-bit luminance image (module docstring), as 1024 hex digits."""
    from PIL import Image

    small = _transposed(gray.resize((DETAIL_SIDE, DETAIL_SIDE), Image.Resampling.BOX), orientation)
    a = np.asarray(small, dtype=np.float64)
    half = DETAIL_ROW_MEAN // 2
    padded = np.pad(a, ((0, 0), (half, half)), mode="reflect")
    kernel = np.ones(DETAIL_ROW_MEAN) / DETAIL_ROW_MEAN
    row_mean = np.stack([np.convolve(row, kernel, mode="valid") for row in padded])
    residual = a - row_mean
    scale = 3.0 * float(residual.std()) or 1.0
    levels = np.clip(np.round(residual / scale * (_LEVELS - 1)), -_LEVELS, _LEVELS - 1)
    return "".join(f"{int(v) + _LEVELS:x}" for v in levels.ravel())


def _transposed(gray: Image.Image, orientation: int) -> Image.Image:
    from PIL import Image

    transpose = {
        2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
        4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
        6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
        8: Image.Transpose.ROTATE_90,
    }.get(orientation)
    return gray.transpose(transpose) if transpose is not None else gray


def square_up(gray: Image.Image) -> tuple[Image.Image, float]:
    """The page levelled and cut to its ink (module docstring), and the angle it was turned
    by (degrees). An image with next to no ink, or with ink over half its pixels (a photo, a
    dark page), is only shrunk."""
    import cv2
    from PIL import Image

    step = max(gray.size) // PAGE_WORK_SIDE
    if step > 1:  # a box average by a whole factor first: cv2's area resize of 12 MP is slow
        gray = gray.reduce(step)
    a: Any = np.asarray(gray, dtype=np.uint8)
    f = PAGE_WORK_SIDE / max(a.shape)
    if f < 1:
        a = cv2.resize(a, (max(1, round(a.shape[1] * f)), max(1, round(a.shape[0] * f))),
                       interpolation=cv2.INTER_AREA)
    _, ink = cv2.threshold(a, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    ys, xs = np.nonzero(ink)
    h, w = a.shape
    if len(xs) < 50 or len(xs) > a.size // 2:
        return Image.fromarray(a), 0.0
    xc, yc = xs - w / 2.0, ys - h / 2.0
    stride = max(1, len(xs) // _MOST_INK)  # the angle is found on at most ~40,000 ink pixels
    xs_, ys_ = xc[::stride], yc[::stride]

    def sharpness(angle: float) -> float:  # the row profile of the ink turned by ``angle``
        t = np.deg2rad(angle)
        y = (ys_ * np.cos(t) - xs_ * np.sin(t) + h) * _SUBROWS
        low = np.floor(y)
        part = y - low
        rows = low.astype(np.int64)
        size = (2 * h + 2) * _SUBROWS
        # each pixel is a row of height one spread over the quarter rows it covers: at 0 degrees
        # it fills 4 of them, turned it shares 5; whole rows (2 at most) favoured 0 degrees
        profile = (np.bincount(rows, weights=1 - part, minlength=size)
                   + np.bincount(rows + _SUBROWS, weights=part, minlength=size))
        whole = np.convolve(np.bincount(rows, minlength=size), np.ones(_SUBROWS - 1))
        profile[1:] = profile[1:] + whole[:size - 1]  # the quarter rows a pixel covers in full
        return float(np.dot(profile, profile))

    coarse = max(np.arange(-PAGE_MAX_TURN, PAGE_MAX_TURN + 1e-9, 0.5), key=sharpness)
    angle = float(max(np.arange(coarse - 0.5, coarse + 0.5 + 1e-9, 0.05), key=sharpness))
    turned = cv2.warpAffine(a, cv2.getRotationMatrix2D((w / 2.0, h / 2.0), angle, 1.0), (w, h),
                            flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    t = np.deg2rad(angle)
    cut = [_INK_PERCENTILE, 100 - _INK_PERCENTILE]
    x0, x1 = np.percentile(xc * np.cos(t) + yc * np.sin(t) + w / 2.0, cut)
    y0, y1 = np.percentile(-xc * np.sin(t) + yc * np.cos(t) + h / 2.0, cut)
    left, top = max(0, int(x0)), max(0, int(y0))
    right, bottom = min(w, int(np.ceil(x1)) + 1), min(h, int(np.ceil(y1)) + 1)
    if right - left < 8 or bottom - top < 8:
        return Image.fromarray(turned), angle
    return Image.fromarray(np.ascontiguousarray(turned[top:bottom, left:right])), angle


def page_hash(gray: Image.Image, orientation: int) -> str:
    """The page hash of an 8-bit luminance image (module docstring), as 1024 hex digits."""
    page, _ = square_up(_transposed(gray, orientation))
    return detail_hash(page, 1)


def _levels(hex_digits: str) -> np.ndarray:
    return np.frombuffer(bytes.fromhex("".join(f"0{c}" for c in hex_digits)),
                         dtype=np.uint8).astype(np.float64)


def detail_distance(a: str, b: str) -> float:
    """1 - the Pearson correlation of two detail hashes (0 same, 1 unrelated, at most 2)."""
    x, y = _levels(a), _levels(b)
    x -= x.mean()
    y -= y.mean()
    norm = float(np.linalg.norm(x) * np.linalg.norm(y))
    if norm == 0.0:  # a flat image: only an identical flat one is a copy
        return 0.0 if a == b else 1.0
    # rounding makes an image's distance to itself -2e-16 at times: "page distance -0.000"
    return max(0.0, 1.0 - float(np.dot(x, y)) / norm)


def is_near_copy(phash_bits: int, detail: float | None, max_duplicate_distance: int,
                 max_detail_distance: float, page: float | None = None,
                 max_page_distance: float = MAX_PAGE_DISTANCE) -> bool:
    """The near-duplicate rule (module docstring); ``detail`` (``page``) is None when either
    image has no detail (page) hash."""
    if detail is None and page is None:
        return phash_bits <= max_duplicate_distance
    return phash_bits <= max(max_duplicate_distance, DETAIL_GATE_BITS) and (
        (detail is not None and detail <= max_detail_distance)
        or (page is not None and page <= max_page_distance))
