"""What an image exporter needs to know about one delivered image (no DB objects)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from datamill.modalities.image.schema import ImageAnnotation

__all__ = ["ImageExportItem", "depth_of_mode"]


@dataclass(frozen=True)
class ImageExportItem:
    """One image and its current annotation.

    Attributes:
        id: Item id; becomes a file name stem, so it must not hold whitespace, control
            characters or path separators.
        image_path: The image file (read only when an exporter copies or crops it).
        sha256: sha256 of the image file, as stored by the loop.
        width: Displayed width in pixels (after EXIF orientation).
        height: Displayed height in pixels.
        annotation: The annotation, in displayed pixel coordinates.
        depth: Channels as a viewer shows the image: 1 for grayscale (8/16-bit, 1-bit, float),
            2 grayscale with alpha, 3 colour, 4 colour with alpha or CMYK (Pascal VOC's
            ``<depth>``; see :func:`depth_of_mode`).
        turned: Whether the file is stored turned (an EXIF orientation other than 1: the
            exporters that reference or embed it write it upright); None when not known, and
            then they read the file's header to tell (about 0.1 ms an image).
    """

    id: str
    image_path: Path
    sha256: str
    width: int
    height: int
    annotation: ImageAnnotation
    depth: int = 3
    turned: bool | None = None


def depth_of_mode(mode: str | None) -> int:
    """The channels of an image in Pillow mode ``mode`` as a viewer shows it (a palette image
    shows its colours: 3, with alpha 4); 3 when the mode is unknown."""
    from PIL import Image

    if not mode:
        return 3
    if mode in ("P", "PA"):
        return 3 if mode == "P" else 4
    try:
        return int(Image.getmodebands(mode))
    except (KeyError, ValueError):
        return 3
