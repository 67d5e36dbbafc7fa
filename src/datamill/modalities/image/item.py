"""What an image exporter needs to know about one delivered image (no DB objects)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from datamill.modalities.image.schema import ImageAnnotation

__all__ = ["ImageExportItem"]


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
    """

    id: str
    image_path: Path
    sha256: str
    width: int
    height: int
    annotation: ImageAnnotation
