"""Decoding only the part of an image that an assisted tool works on (internal).

GrabCut on a 100 px box of an 8000 x 6000 photo needs about 150 x 150 pixels, but decoding
the whole JPEG, turning it upright and converting it took 2.7 s a click (most of it the
decode; the upright copy and the RGB copy of 48 MP another 1.2 s). :func:`load_display_region`
decodes what the region needs and turns only the crop upright:

* the region, given in the image **as displayed** (EXIF orientation applied), is mapped to
  the stored pixels, cut there and then turned (never the whole image);
* a Huffman-coded JPEG, baseline or progressive, is decoded only down to the last row the
  region needs (plus 32 rows, so the chroma upsampling at the cut is the full decode's): its
  frame header's height is lowered to that row, a standard decoder then stops there (in a
  progressive file it skips the rest of each scan). A region near the top of a photo costs a
  fraction of the decode; at the bottom, the whole (a progressive 48 MP photo took 0.66 s
  for a box near the top decoding whole, 0.15 s now; arithmetic-coded and lossless JPEGs and
  other formats are decoded whole);
* a JPEG may still be decoded at libjpeg's 1/2..1/8 where ``least_scale`` allows.
"""

from __future__ import annotations

import io
import math
import struct
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from datamill.modalities.image.errors import ImageDecodeError

if TYPE_CHECKING:
    from PIL import Image as PILImage

__all__ = ["Region", "load_display_region", "stored_box"]

_SWAPPING: Final = frozenset({5, 6, 7, 8})
# EXIF orientation -> PIL.Image.Transpose value that shows the image upright
_TRANSPOSE: Final = {2: 0, 3: 3, 4: 1, 5: 5, 6: 4, 7: 6, 8: 2}
# Huffman-coded DCT frames, baseline/extended (C0, C1) and progressive (C2): a lowered height
# decodes the same top rows (a progressive scan codes its blocks top down too; the decoder
# skips the rest of each scan to the next marker)
_CUTTABLE_SOF: Final = frozenset({0xC0, 0xC1, 0xC2})
_OTHER_SOF: Final = frozenset({0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})
_STANDALONE: Final = frozenset({0x01, 0xD8, *range(0xD0, 0xD8)})
_SOS: Final = 0xDA
_ROWS_PAST: Final = 32  # the tallest MCU (4:1 vertical sampling) and its upsampling context


@dataclass(frozen=True)
class Region:
    """A decoded region of an image as displayed.

    Attributes:
        image: The region, 8-bit RGB, upright; possibly smaller than its box (``scale``).
        box: ``(x0, y0, x1, y1)``: the pixels of the full displayed image it shows.
        size: The full displayed image's ``(width, height)``.
    """

    image: PILImage.Image
    box: tuple[float, float, float, float]
    size: tuple[int, int]


def _to_stored(orientation: int, x: float, y: float, w: int, h: int) -> tuple[float, float]:
    """A displayed point in the stored pixels of a ``w`` x ``h`` (stored) image."""
    return {
        2: (w - x, y), 3: (w - x, h - y), 4: (x, h - y), 5: (y, x), 6: (y, h - x),
        7: (w - y, h - x), 8: (w - y, x),
    }.get(orientation, (x, y))


def _to_displayed(orientation: int, x: float, y: float, w: int, h: int) -> tuple[float, float]:
    """A stored point of a ``w`` x ``h`` (stored) image as displayed."""
    return {
        2: (w - x, y), 3: (w - x, h - y), 4: (x, h - y), 5: (y, x), 6: (h - y, x),
        7: (h - y, w - x), 8: (y, w - x),
    }.get(orientation, (x, y))


def _map_box(points: list[tuple[float, float]]) -> tuple[float, float, float, float]:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def stored_box(orientation: int, box: tuple[float, float, float, float], w: int,
               h: int) -> tuple[float, float, float, float]:
    """The displayed ``box`` (x0, y0, x1, y1) in the stored pixels of a ``w`` x ``h`` image."""
    x0, y0, x1, y1 = box
    return _map_box([_to_stored(orientation, x, y, w, h) for x, y in ((x0, y0), (x1, y1))])


def _rows_only(data: bytearray, rows: int) -> bool:
    """Lower the frame height of the Huffman-coded JPEG ``data`` to ``rows`` in place; False
    (and ``data`` unchanged) where that is not safe: arithmetic or lossless coding, no frame header
    before the scan, a height set later by a DNL marker, or ``rows`` not below the height."""
    i = 2
    while i + 4 <= len(data):
        if data[i] != 0xFF:  # noqa: PLR2004 - a marker's first byte
            return False
        marker = data[i + 1]
        if marker == 0xFF:  # noqa: PLR2004 - fill byte
            i += 1
            continue
        if marker in _STANDALONE:
            i += 2
            continue
        if marker == _SOS or marker in _OTHER_SOF:
            return False
        (length,) = struct.unpack_from(">H", data, i + 2)
        if marker in _CUTTABLE_SOF:
            if i + 7 > len(data):
                return False
            (height,) = struct.unpack_from(">H", data, i + 5)
            if height == 0 or rows >= height:
                return False
            struct.pack_into(">H", data, i + 5, rows)
            return True
        i += 2 + length
    return False


def _open(data: bytes | bytearray | Path, name: str) -> PILImage.Image:
    from PIL import Image, UnidentifiedImageError

    from datamill.modalities.image.checks import _DECODE_ERRORS

    source = io.BytesIO(data) if isinstance(data, (bytes, bytearray)) else data
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            return Image.open(source)
    except FileNotFoundError as err:
        raise ImageDecodeError(f"{name}: file not found", file=name) from err
    except (UnidentifiedImageError, Image.DecompressionBombError, *_DECODE_ERRORS) as err:
        raise ImageDecodeError(f"{name}: not a readable image ({err})", file=name) from err


def load_display_region(
    image_path: Path, box: tuple[float, float, float, float], max_pixels: int,
    least_scale: float = 1.0,
) -> Region:
    """The part ``box`` (x0, y0, x1, y1, displayed pixels; clipped to the image) of the image
    at ``image_path`` as displayed, 8-bit RGB (see the module docstring).

    Raises:
        ImageDecodeError: Missing, unreadable, truncated or corrupt file, or more than
            ``max_pixels`` pixels (refused before decoding).
    """
    from PIL import Image

    from datamill.modalities.image.checks import _DECODE_ERRORS
    from datamill.modalities.image.checks import _luminance as luminance
    from datamill.modalities.image.preview import _orientation

    path = Path(image_path)
    image = _open(path, path.name)
    with image:
        w, h = image.size
        if w * h > max_pixels:
            raise ImageDecodeError(
                f"{path.name}: {w}x{h} pixels is above the limit of {max_pixels}",
                file=str(path), width=w, height=h,
            )
        orientation = _orientation(image)
        shown = (h, w) if orientation in _SWAPPING else (w, h)
        x0, y0, x1, y1 = (max(0.0, box[0]), max(0.0, box[1]), min(float(shown[0]), box[2]),
                          min(float(shown[1]), box[3]))
        if x1 <= x0 or y1 <= y0:  # nothing of the image: nothing to decode
            return Region(Image.new("RGB", (0, 0)), (x0, y0, x0, y0), shown)
        sx0, sy0, sx1, sy1 = stored_box(orientation, (x0, y0, x1, y1), w, h)
        fmt = image.format
    decoded = _open(path, path.name)
    rows = h
    if fmt == "JPEG":
        needed = min(h, math.ceil(sy1) + _ROWS_PAST)
        data = bytearray(path.read_bytes()) if needed < h else bytearray()
        if data and _rows_only(data, needed):
            decoded.close()
            decoded, rows = _open(data, path.name), needed
    with decoded:
        try:
            if fmt == "JPEG" and least_scale < 1:
                decoded.draft(decoded.mode, (max(1, math.ceil(w * least_scale)),
                                             max(1, math.ceil(rows * least_scale))))
            decoded.load()
            fx, fy = decoded.width / w, decoded.height / rows
            cut = (max(0, math.floor(sx0 * fx)), max(0, math.floor(sy0 * fy)),
                   min(decoded.width, math.ceil(sx1 * fx)),
                   min(decoded.height, math.ceil(sy1 * fy)))
            if decoded.mode.startswith("I"):  # 16/32-bit greyscale, scaled as a whole
                crop = _wide_grey(decoded, cut)
            elif decoded.mode == "F":
                crop = luminance(decoded.crop(cut))
            else:
                crop = decoded.crop(cut)
            flip = _TRANSPOSE.get(orientation)
            if flip is not None:
                crop = crop.transpose(Image.Transpose(flip))
            upright = crop.convert("RGB") if crop.mode != "RGB" else crop
        except _DECODE_ERRORS as err:
            raise ImageDecodeError(
                f"{path.name}: cannot decode {fmt or 'image'} data ({err})", file=str(path),
            ) from err
    covered = _map_box([_to_displayed(orientation, cx / fx, cy / fy, w, h)
                        for cx, cy in ((cut[0], cut[1]), (cut[2], cut[3]))])
    return Region(upright, covered, shown)


def _wide_grey(decoded: PILImage.Image, cut: tuple[int, int, int, int]) -> PILImage.Image:
    """The 8-bit grey of a 16/32-bit image's ``cut``, scaled as the whole image is (the
    checks' and the preview's scale: a region is not brightened on its own)."""
    from PIL import Image

    from datamill.modalities.image.checks import _wide_to_8bit, _wide_values

    values = _wide_values(decoded)
    grey = _wide_to_8bit(values)
    return Image.fromarray(grey[cut[1]:cut[3], cut[0]:cut[2]], "L")
