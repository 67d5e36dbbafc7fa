"""Preview renditions of images for the web workbench: the picture at about the canvas's size.

A 4K photo takes longer to fetch and decode than everything else on the workbench page; a
rendition whose long side is at most :data:`PREVIEW_MAX_SIDE` pixels (about what a canvas shows
when the image is fitted) is drawn first, stretched to the full image's size, and the full image
is swapped in later (coordinates are always the full image's). See ``static/image/boot.js``.

A preview is the image **as displayed**: the EXIF orientation applied (browsers apply it to the
full image too), every mode (CMYK, 16-bit, paletted, greyscale) turned into 8-bit RGB, or RGBA
when the image has transparency. It is a JPEG (quality :data:`PREVIEW_QUALITY`), or a WebP when
there is transparency. Previews are derived data, cached per blob under
``<cache>/derived/preview-<side>/<sha[:2]>/<sha>.<jpg|webp>`` (written to a temporary name and
renamed into place, so a crash never leaves half a file), and never stored as items.

A browser cannot show every format Pillow reads (TIFF, JPEG 2000, PPM ...): for such an image
the workbench's "full image" is a **display rendition** instead (:func:`cached_display`): the
picture as displayed at its full size, as a lossless PNG, cached under
``<cache>/derived/display/<sha[:2]>/<sha>.png``. :func:`browser_shows` says which formats the
browser decodes itself.

Decoding is guarded like the checks: a file declaring more than ``max_pixels`` pixels is refused
before its pixels are decoded; truncated, corrupt or unknown files raise
:class:`~datamill.modalities.image.errors.ImageDecodeError` naming the file.
"""

from __future__ import annotations

import os
import uuid
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from datamill.modalities.image.errors import ImageDecodeError

if TYPE_CHECKING:
    from PIL import Image as PILImage

__all__ = [
    "BROWSER_FORMATS",
    "DEFAULT_MAX_PIXELS",
    "PREVIEW_MAX_SIDE",
    "PREVIEW_QUALITY",
    "Preview",
    "browser_shows",
    "cached_display",
    "cached_preview",
    "needs_preview",
    "preview_size",
    "render_preview",
]

PREVIEW_MAX_SIDE = 1920
PREVIEW_QUALITY = 82
DEFAULT_MAX_PIXELS = 200_000_000  # the decompression-bomb guard (the checks' own is per spec)
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError)
#: the formats (Pillow's names) an <img> decodes in Chromium, Firefox and Safari; MPO is a
#: camera's JPEG with a second picture appended
BROWSER_FORMATS = frozenset({"JPEG", "MPO", "PNG", "GIF", "WEBP", "BMP", "ICO", "AVIF"})
_EXIF_ORIENTATION = 0x0112
# EXIF orientation -> PIL.Image.Transpose value that shows the image upright
_TRANSPOSE = {2: 0, 3: 3, 4: 1, 5: 5, 6: 4, 7: 6, 8: 2}


@dataclass(frozen=True)
class Preview:
    """A preview file and the sizes that go with it.

    Attributes:
        path: The preview file (JPEG or WebP).
        media_type: ``image/jpeg`` or ``image/webp``.
        width: The preview's width in pixels.
        height: The preview's height in pixels.
        cached: True when the file was already there (nothing decoded).
    """

    path: Path
    media_type: str
    width: int
    height: int
    cached: bool


def preview_size(width: int, height: int, max_side: int = PREVIEW_MAX_SIDE) -> tuple[int, int]:
    """The preview's size for a ``width`` x ``height`` image: the long side at most
    ``max_side``, the aspect ratio kept (each side at least 1), never enlarged."""
    if width <= 0 or height <= 0:
        raise ValueError(f"an image size must be positive, not {width}x{height}")
    long_side = max(width, height)
    if long_side <= max_side:
        return width, height
    f = max_side / long_side
    return max(1, round(width * f)), max(1, round(height * f))


def needs_preview(width: int | None, height: int | None,
                  max_side: int = PREVIEW_MAX_SIDE) -> bool:
    """Whether an image of this (displayed) size gains from a preview: its long side is above
    ``max_side``. Unknown sizes never do (the page then loads the image itself)."""
    return bool(width and height and width > 0 and height > 0 and max(width, height) > max_side)


def _orientation(image: PILImage.Image) -> int:
    value = image.getexif().get(_EXIF_ORIENTATION, 1)
    return value if isinstance(value, int) and 1 <= value <= 8 else 1  # noqa: PLR2004


def _displayed(image: PILImage.Image) -> PILImage.Image:
    """8-bit RGB or RGBA, whatever the stored mode (16-bit greyscale scaled, not clipped;
    32-bit greyscale beyond 0..65535 scaled from the bits it uses; float greyscale of 0..1 scaled
    to 0..255), as the checks measure it."""
    mode = image.mode
    if mode.startswith("I") or mode == "F":
        from datamill.modalities.image.checks import _luminance

        return _luminance(image).convert("RGB")
    if mode in {"RGBA", "LA", "PA"} or (mode == "P" and "transparency" in image.info):
        return image.convert("RGBA")
    if mode == "RGB":
        return image
    return image.convert("RGB")


def browser_shows(image_format: str | None) -> bool:
    """Whether a browser shows a file of this format (Pillow's name) itself; an unknown format
    (None) is assumed to be one it does."""
    return image_format is None or image_format.upper() in BROWSER_FORMATS


def render_preview(src: Path, dest_stem: Path, *, max_side: int = PREVIEW_MAX_SIDE,
                   max_pixels: int = DEFAULT_MAX_PIXELS, lossless: bool = False) -> Preview:
    """Decode ``src`` and write its preview to ``dest_stem`` + ``.jpg`` (``.webp`` when the
    image has transparency; ``.png`` when ``lossless``). Returns the :class:`Preview`; raises
    :class:`ImageDecodeError` for files that are not decodable images (and for bombs)."""
    from PIL import Image, UnidentifiedImageError

    name = src.name
    try:
        with warnings.catch_warnings():  # our own limit applies; Pillow's warning is noise
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(src)
    except FileNotFoundError as err:
        raise ImageDecodeError(f"{name}: file not found", file=str(src)) from err
    except UnidentifiedImageError as err:
        raise ImageDecodeError(f"{name}: not an image format Pillow can read",
                               file=str(src)) from err
    except Image.DecompressionBombError as err:
        raise ImageDecodeError(f"{name}: refused as a decompression bomb ({err})",
                               file=str(src)) from err
    except _DECODE_ERRORS as err:
        raise ImageDecodeError(f"{name}: unreadable header ({err})", file=str(src)) from err
    with image:
        width, height = image.size
        if width * height > max_pixels:
            raise ImageDecodeError(
                f"{name}: declares {width}x{height} = {width * height} pixels, above the limit "
                f"of {max_pixels} (decompression-bomb guard); not decoded",
                file=str(src), width=width, height=height)
        orientation = _orientation(image)
        rotated = orientation in (5, 6, 7, 8)  # noqa: PLR2004 - EXIF's transposing orientations
        shown = (height, width) if rotated else (width, height)
        target = preview_size(*shown, max_side=max_side)
        if image.format == "JPEG" and not lossless:
            # libjpeg's DCT scaling: decode at 1/2, 1/4 or 1/8 size when that is still large
            # enough (several times faster than decoding every pixel, then shrinking)
            image.draft("RGB", (target[1], target[0]) if rotated else target)
        try:
            image.load()
            small = _displayed(image)
            flip = _TRANSPOSE.get(orientation)
            if flip is not None:
                small = small.transpose(Image.Transpose(flip))
            if small.size != target:
                small = small.resize(target, Image.Resampling.LANCZOS, reducing_gap=3.0)
        except _DECODE_ERRORS as err:
            raise ImageDecodeError(
                f"{name}: cannot decode {image.format or 'image'} data ({err})", file=str(src)
            ) from err
        alpha = small.mode == "RGBA"
        suffix = ".png" if lossless else ".webp" if alpha else ".jpg"
        dest = dest_stem.with_name(dest_stem.name + suffix)
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(f"{dest.name}.tmp-{uuid.uuid4().hex}")
        try:
            if lossless:  # level 1: a 20 MP scan takes ~1 s, not ~8 s at the default
                small.save(tmp, "PNG", compress_level=1)
            elif alpha:
                small.save(tmp, "WEBP", quality=PREVIEW_QUALITY, method=4)
            else:
                small.save(tmp, "JPEG", quality=PREVIEW_QUALITY, optimize=False, progressive=False)
            os.replace(tmp, dest)
        finally:
            tmp.unlink(missing_ok=True)
        media_type = "image/png" if lossless else "image/webp" if alpha else "image/jpeg"
        return Preview(dest, media_type, target[0], target[1], False)


def cached_preview(src: Path, sha256: str, cache_dir: Path, *,
                   max_side: int = PREVIEW_MAX_SIDE,
                   max_pixels: int = DEFAULT_MAX_PIXELS) -> Preview:
    """The preview of the blob ``sha256`` (whose bytes are at ``src``), rendered once and then
    served from ``cache_dir`` (see the module docstring)."""
    if len(sha256) < 2 or not sha256.isalnum():  # noqa: PLR2004 - a fan-out folder needs 2
        raise ValueError(f"not a content hash: {sha256!r}")
    stem = cache_dir / "derived" / f"preview-{max_side}" / sha256[:2] / sha256
    for suffix, media_type in ((".jpg", "image/jpeg"), (".webp", "image/webp")):
        path = stem.with_name(stem.name + suffix)
        if path.exists():
            from PIL import Image

            with Image.open(path) as done:
                w, h = done.size
            return Preview(path, media_type, w, h, True)
    return render_preview(src, stem, max_side=max_side, max_pixels=max_pixels)


def cached_display(src: Path, sha256: str, cache_dir: Path, *,
                   max_pixels: int = DEFAULT_MAX_PIXELS) -> Preview:
    """The display rendition of the blob ``sha256`` (bytes at ``src``, a format the browser
    cannot show): the picture as displayed, full size, lossless PNG; rendered once, then
    served from ``cache_dir`` (see the module docstring)."""
    if len(sha256) < 2 or not sha256.isalnum():  # noqa: PLR2004 - a fan-out folder needs 2
        raise ValueError(f"not a content hash: {sha256!r}")
    stem = cache_dir / "derived" / "display" / sha256[:2] / sha256
    path = stem.with_name(stem.name + ".png")
    if path.exists():
        from PIL import Image

        with Image.open(path) as done:
            w, h = done.size
        return Preview(path, "image/png", w, h, True)
    return render_preview(src, stem, max_side=1 << 30, max_pixels=max_pixels, lossless=True)
