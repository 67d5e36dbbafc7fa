"""Helpers shared by the image importers (internal)."""

from __future__ import annotations

import os
from pathlib import PurePath, PurePosixPath
from typing import TYPE_CHECKING, Any, Final

from datamill.core.encodings import conversion_advice, recode_bom
from datamill.modalities.image.errors import AnnotationFileError

if TYPE_CHECKING:
    from pathlib import Path

    from datamill.modalities.image.schema import ImageAnnotation, ImageLabelSchema, ImageObject

__all__ = [
    "EDGE_TOLERANCE",
    "IMAGE_SUFFIXES",
    "Refused",
    "boxes_where_polygons_are_not_allowed",
    "check_declared_size",
    "displayed_size",
    "fit_inside",
    "inside",
    "item_id",
    "read_head",
    "read_label_text",
]

IMAGE_SUFFIXES: Final = frozenset(
    {".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff", ".gif"}
)
_SWAPPING: Final = frozenset({5, 6, 7, 8})
#: pixels: how far past an image edge another tool's coordinate may lie and be put on the edge
#: (rounding, a 0-based VOC ``xmin`` 0 read as 1-based, a normalised 1.0000001)
EDGE_TOLERANCE: Final = 1.0


class Refused(ValueError):
    """An object a label file holds that cannot be read: the English message, its reason
    ``code`` and the values its words name (the file and position are added where it is
    caught, as an :class:`AnnotationFileError`'s details)."""

    def __init__(self, message: str, code: str, **params: Any) -> None:
        super().__init__(message)
        self.code, self.params = code, params

    @property
    def coded(self) -> dict[str, Any]:
        """The details that word it: ``reason_code`` and its values."""
        return {"reason_code": self.code, **self.params}


def inside(root: Path, path: Path, what: str) -> Path:
    """``path`` itself when it resolves (symbolic links, ``..``) inside ``root``; an importer
    reads nothing outside the folder it was given.

    Raises:
        AnnotationFileError: ``path`` lies outside ``root``.
    """
    real, base = os.path.realpath(path), os.path.realpath(root)
    if real != base and not real.startswith(base.rstrip(os.sep) + os.sep):
        raise AnnotationFileError(f"{what} {os.path.basename(path)} lies outside the source "
                                  "folder", file=os.path.basename(path),
                                  reason_code="labels_outside_source")
    return path


def item_id(relative: PurePath | str) -> str:
    """The item id of an image at ``relative`` (its path below the source's image folder):
    the path without its suffix, folders kept (``a/x.jpg`` -> ``a/x``), as a folder import of
    that image folder names it. ``a/x.jpg`` and ``b/x.jpg`` are two items, and importing the
    same source again names them the same way (so it finds them again)."""
    parts = [p for p in PurePosixPath(PurePath(relative).as_posix()).parts if p not in ("", ".")]
    return PurePosixPath(*parts).with_suffix("").as_posix() if parts else ""


def read_label_text(path: Path) -> str:
    """A label file's text (COCO's JSON, YOLO's ``data.yaml`` and ``.txt``): UTF-8, with or
    without the byte-order mark Windows tools write (``json`` refused it: "Unexpected UTF-8
    BOM"), or UTF-16/32 with one. Another encoding (a Chinese Windows tool's GBK) is refused
    naming the likely one and the ``iconv`` line that converts it."""
    data = recode_bom(path.read_bytes())
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise AnnotationFileError(f"{path.name}: {conversion_advice(data, path.name)}",
                                  file=str(path)) from err


def read_head(path: Path, size: int = 65536) -> str:
    """The first ``size`` bytes of ``path`` as text (undecodable bytes replaced)."""
    with path.open("rb") as fh:
        return fh.read(size).decode("utf-8", errors="replace")


def _header(path: Path) -> tuple[int, int, int]:
    """``(width, height, EXIF orientation)`` of the stored pixels; header only.

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
            f"{path}: cannot read the image size ({err})", file=str(path),
            reason_code="labels_image_unreadable", detail=str(err)[:200]
        ) from err
    return width, height, orientation if isinstance(orientation, int) else 1


def displayed_size(path: Path) -> tuple[int, int]:
    """``(width, height)`` of the image as displayed (EXIF orientation applied); header only.

    Raises:
        AnnotationFileError: The image is missing or unreadable.
    """
    width, height, orientation = _header(path)
    return (height, width) if orientation in _SWAPPING else (width, height)


def _dimension(value: Any) -> int | None:
    """A declared width or height as a positive whole number, else None (not declared:
    absent, ``0`` as some tools write for unknown, or not a number)."""
    if isinstance(value, str):
        value = value.strip()
        if not value.isdigit():
            return None
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        return None
    return int(value) if value > 0 else None


def check_declared_size(path: Path, width: Any, height: Any, where: str,
                        **details: Any) -> None:
    """Refuse labels measured on another frame than the image as datamill shows it.

    A source declares the size its coordinates were measured on (COCO ``images[].width`` and
    ``height``, VOC ``<size>``). datamill measures on the image as displayed (EXIF orientation
    applied), so a declared size that is the stored size of a photo whose orientation swaps
    its sides means the labels were drawn on the unrotated pixels (labelImg and many scripts
    ignore the tag): imported as they are, every box would land in the wrong place. Any other
    declared size that is not the image's also means another frame. Nothing is checked when the
    size is not declared or the image file is missing (the import names a missing file).

    Raises:
        AnnotationFileError: The declared size is not the displayed size; ``details`` name the
            file (and the caller's position), ``declared`` and ``displayed``.
    """
    declared = (_dimension(width), _dimension(height))
    if None in declared or not path.is_file():
        return
    stored_w, stored_h, orientation = _header(path)
    shown = (stored_h, stored_w) if orientation in _SWAPPING else (stored_w, stored_h)
    if declared == shown:
        return
    said = f"{declared[0]}x{declared[1]}"
    seen = f"{shown[0]}x{shown[1]}"
    if orientation in _SWAPPING and declared == (stored_w, stored_h):
        message = (f"{where} declares {said}, the size of {path.name}'s stored pixels, but its "
                   f"EXIF orientation {orientation} shows it rotated, as {seen}: the labels were "
                   "drawn on the unrotated pixels and would land in the wrong place. Remove the "
                   "orientation tag (exiftool -Orientation=1 -n FILE) to import them as drawn, "
                   "or convert them to the displayed image")
        code = "labels_size_rotated"
    else:
        message = (f"{where} declares {said} but {path.name} is {seen} (as displayed, EXIF "
                   "orientation applied): its coordinates were measured on another image")
        code = "labels_size_other"
    raise AnnotationFileError(message, declared=said, displayed=seen, image=path.name,
                              orientation=orientation, reason_code=code, **details)


_CORNER_TOLERANCE: Final = 1e-6  # pixels: the corners of one box read back from one text
_CORNERS: Final = 4


def _rectangle(points: Any) -> tuple[float, float, float, float] | None:
    """``(x0, y0, x1, y1)`` when ``points`` are the 4 corners of an axis-aligned rectangle
    walked round its edges (any start, either way), else None."""
    if len(points) != _CORNERS:
        return None
    xs, ys = [float(p[0]) for p in points], [float(p[1]) for p in points]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    if x1 - x0 <= _CORNER_TOLERANCE or y1 - y0 <= _CORNER_TOLERANCE:
        return None
    corners = []  # (right?, bottom?) of each point
    for x, y in zip(xs, ys, strict=True):
        right, bottom = abs(x - x1) <= _CORNER_TOLERANCE, abs(y - y1) <= _CORNER_TOLERANCE
        if not (right or abs(x - x0) <= _CORNER_TOLERANCE) or not (
                bottom or abs(y - y0) <= _CORNER_TOLERANCE):
            return None
        corners.append((right, bottom))
    if len(set(corners)) != _CORNERS:
        return None
    for i in range(_CORNERS):  # each edge changes one coordinate (not a bow-tie)
        (ax, ay), (bx, by) = corners[i], corners[(i + 1) % _CORNERS]
        if (ax != bx) == (ay != by):
            return None
    return x0, y0, x1, y1


def boxes_where_polygons_are_not_allowed(annotation: ImageAnnotation,
                                         schema: ImageLabelSchema) -> ImageAnnotation:
    """``annotation`` with each polygon that is exactly an axis-aligned rectangle (4 corners)
    turned into that :class:`~..schema.Box` where its label takes boxes but not polygons.

    YOLO segment labels (datamill's, Ultralytics') write a box as its 4 corners: read back
    literally, a delivery of box labels beside polygon labels could not be imported into its
    own spec. A polygon under a label that takes polygons stays a polygon."""
    from datamill.modalities.image.schema import Box, Polygon

    kinds = {label.name: set(label.kinds) for label in schema.labels}
    objects: list[ImageObject] = []
    changed = False
    for obj in annotation.objects:
        allowed = kinds.get(obj.label, set())
        if isinstance(obj, Polygon) and "polygon" not in allowed and "box" in allowed:
            rect = _rectangle(obj.points)
            if rect is not None:
                x0, y0, x1, y1 = rect
                objects.append(Box(label=obj.label, attributes=obj.attributes, x=x0, y=y0,
                                   w=x1 - x0, h=y1 - y0))
                changed = True
                continue
        objects.append(obj)
    return annotation.model_copy(update={"objects": tuple(objects)}) if changed else annotation


def _onto(value: float, size: int) -> float:
    """``value`` on the edge it lies at most :data:`EDGE_TOLERANCE` past, else unchanged."""
    if -EDGE_TOLERANCE <= value < 0:
        return 0.0
    if size < value <= size + EDGE_TOLERANCE:
        return float(size)
    return value


def fit_inside(annotation: ImageAnnotation, width: int, height: int) -> ImageAnnotation:
    """``annotation`` with coordinates at most :data:`EDGE_TOLERANCE` pixel outside the
    ``width`` x ``height`` image put on its edge: a box's sides, the points of a polygon,
    polyline or text line, labelled keypoints. Other tools' sources land a hair outside
    (a CVAT or Datumaro VOC box at the left edge has ``xmin`` 0, one pixel left of the image
    read as VOC's 1-based pixels; float rounding), and one such object refused the whole
    import. Anything further out is unchanged (validation refuses it, naming it)."""
    from datamill.modalities.image.schema import Box, Keypoints, Polygon, Polyline, TextLine

    objects: list[ImageObject] = []
    for obj in annotation.objects:
        fitted: ImageObject = obj
        if isinstance(obj, Box):
            x0, y0 = _onto(obj.x, width), _onto(obj.y, height)
            x1, y1 = _onto(obj.x + obj.w, width), _onto(obj.y + obj.h, height)
            if (x0, y0, x1, y1) != (obj.x, obj.y, obj.x + obj.w, obj.y + obj.h) and \
                    x1 > x0 and y1 > y0:
                fitted = obj.model_copy(update={"x": x0, "y": y0, "w": x1 - x0, "h": y1 - y0})
        elif isinstance(obj, Polygon | Polyline | TextLine):
            points = tuple((_onto(x, width), _onto(y, height)) for x, y in obj.points)
            if points != obj.points:
                fitted = obj.model_copy(update={"points": points})
        elif isinstance(obj, Keypoints):
            moved = tuple(p if p.visibility == 0 else p.model_copy(update={
                "x": _onto(p.x, width), "y": _onto(p.y, height)}) for p in obj.points)
            if moved != obj.points:
                fitted = obj.model_copy(update={"points": moved})
        objects.append(fitted)
    if all(a is b for a, b in zip(objects, annotation.objects, strict=True)):
        return annotation
    return annotation.model_copy(update={"objects": tuple(objects)})
