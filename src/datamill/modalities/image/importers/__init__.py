"""Importers for pre-labelled image data: COCO, YOLO and Pascal VOC.

Each importer is a plugin with a stable ``name: ClassVar[str]``, ``detect(path) -> float`` (a
confidence in [0, 1] that ``path`` holds its format, reading as little as possible) and
``iter_items(path)`` yielding ``(image_path, ImageAnnotation, item id)`` one image at a time
(the item id is the image's path below the source's image folder without its suffix).
Malformed input raises :class:`~datamill.modalities.image.errors.AnnotationFileError` naming the
file and the row, line or object. Coordinates come back in the displayed pixel coordinates of
:mod:`datamill.modalities.image.schema`, so ``export -> import`` returns equal annotations for
everything the format can hold.
"""

from __future__ import annotations

__all__: list[str] = []
