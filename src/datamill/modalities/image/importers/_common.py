"""Helpers shared by the image importers (internal)."""

from __future__ import annotations

import os
from pathlib import PurePath, PurePosixPath
from typing import TYPE_CHECKING, Final

from datamill.modalities.image.errors import AnnotationFileError

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["IMAGE_SUFFIXES", "displayed_size", "inside", "item_id", "read_head"]

IMAGE_SUFFIXES: Final = frozenset(
    {".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff", ".gif"}
)
_SWAPPING: Final = frozenset({5, 6, 7, 8})


def inside(root: Path, path: Path, what: str) -> Path:
    """``path`` itself when it resolves (symbolic links, ``..``) inside ``root``; an importer
    reads nothing outside the folder it was given.

    Raises:
        AnnotationFileError: ``path`` lies outside ``root``.
    """
    real, base = os.path.realpath(path), os.path.realpath(root)
    if real != base and not real.startswith(base.rstrip(os.sep) + os.sep):
        raise AnnotationFileError(f"{what} {os.path.basename(path)} lies outside the source "
                                  "folder", file=os.path.basename(path))
    return path


def item_id(relative: PurePath | str) -> str:
    """The item id of an image at ``relative`` (its path below the source's image folder):
    the path without its suffix, folders kept (``a/x.jpg`` -> ``a/x``), as a folder import of
    that image folder names it. ``a/x.jpg`` and ``b/x.jpg`` are two items, and importing the
    same source again names them the same way (so it finds them again)."""
    parts = [p for p in PurePosixPath(PurePath(relative).as_posix()).parts if p not in ("", ".")]
    return PurePosixPath(*parts).with_suffix("").as_posix() if parts else ""


def read_head(path: Path, size: int = 65536) -> str:
    """The first ``size`` bytes of ``path`` as text (undecodable bytes replaced)."""
    with path.open("rb") as fh:
        return fh.read(size).decode("utf-8", errors="replace")


def displayed_size(path: Path) -> tuple[int, int]:
    """``(width, height)`` of the image as displayed (EXIF orientation applied); header only.

    Raises:
        AnnotationFileError: The image is missing or unreadable.
    """
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            width, height = image.size
            orientation = image.getexif().get(0x0112, 1)
    except (OSError, UnidentifiedImageError, ValueError) as err:
        raise AnnotationFileError(
            f"{path}: cannot read the image size ({err})", file=str(path)
        ) from err
    return (height, width) if orientation in _SWAPPING else (width, height)
