"""Masked copies made turned: finding them, for the re-mask and for the delivery's refusal.

Until masking turned a photo upright (``image_masking._upright``), the masked copy of a photo
stored turned with an EXIF orientation tag (a phone held upright: pixels stored sideways, the
tag saying so) was written as the pixels lay, without the tag: sideways, with the regions taken
from the upright annotation masked in the wrong place. Those rows are still in ``masked_blobs``
and a re-run skipped them (same original). :func:`masked_turned` tells such a copy from an
upright one by its size, or, where the size cannot tell (orientation 2, 3 or 4, a square
photo), by which of the two readings of the original its small grey thumbnail is closer to;
``desensitize`` masks them again and a delivery refuses them until it has.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

__all__ = ["masked_turned", "orientation_of"]

_ORIENTATION: Final = 0x0112
_THUMB: Final = (32, 32)


def orientation_of(path: Path) -> int:
    """``path``'s EXIF orientation (1 when it has none, an odd one, or Pillow cannot read it)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            value = image.getexif().get(_ORIENTATION, 1)
    except (OSError, UnidentifiedImageError, ValueError, SyntaxError,
            Image.DecompressionBombError):
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1  # noqa: PLR2004


def masked_turned(original: Path, masked: Path) -> bool:
    """Whether ``masked`` (a masked copy of ``original``) lies as ``original``'s stored pixels
    rather than upright. Always False for an original without an orientation other than 1;
    False too when either file cannot be read (the run's own warnings say so)."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    orientation = orientation_of(original)
    if orientation == 1:
        return False
    try:
        with Image.open(original) as stored, Image.open(masked) as copy:
            width, height = stored.size
            upright_size = (height, width) if orientation >= 5 else (width, height)  # noqa: PLR2004
            if copy.size != upright_size:
                return copy.size == stored.size
            thumb = _thumb(copy)
            as_stored = _thumb(stored)
            as_shown = _thumb(ImageOps.exif_transpose(stored))
    except (OSError, UnidentifiedImageError, ValueError, SyntaxError,
            Image.DecompressionBombError):
        return False
    return _distance(thumb, as_stored) < _distance(thumb, as_shown)


def _thumb(image: object) -> list[int]:
    from PIL import Image

    assert isinstance(image, Image.Image)
    return list(image.convert("L").resize(_THUMB, Image.Resampling.BOX).getdata())


def _distance(a: list[int], b: list[int]) -> int:
    return sum(abs(x - y) for x, y in zip(a, b, strict=True))
