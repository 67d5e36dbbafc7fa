"""Pascal VOC importer: ``Annotations/*.xml`` to image annotations (boxes).

Files are read in path order, one at a time, from ``Annotations/`` and its sub-folders. Coordinates are VOC's 1-based inclusive pixel
indices: ``x = xmin - 1``, ``y = ymin - 1``, ``w = xmax - xmin + 1``, ``h = ymax - ymin + 1``
(the inverse of the exporter); a box at most a pixel outside the image (CVAT and Datumaro
write 0-based ``xmin`` 0 at the left edge) is put on its edge (:func:`._common.fit_inside`).
``pose`` other than ``Unspecified`` and the flags ``truncated``,
``difficult`` and ``occluded`` when ``1`` become attributes (a ``0`` flag is the same as none),
as do CVAT-style ``<attributes><attribute><name/><value/>`` entries (as text).

The image path is ``JPEGImages/<filename>`` when that file exists (for an XML file in a
sub-folder of ``Annotations/``, ``JPEGImages/<that sub-folder>/<filename>`` first), else
``<filename>`` next to the folder. The item id is the image's path below ``JPEGImages/`` (or the
folder) without its suffix, folders kept: ``a/x.jpg`` and ``b/x.jpg`` are two items. Malformed XML (with its line and column), a root other than ``<annotation>``, or an
object without ``name`` or a numeric ``bndbox``, or a ``<size>`` that is not the image's
displayed size (EXIF orientation applied; see :func:`._common.check_declared_size`) raises
:class:`~datamill.modalities.image.errors.AnnotationFileError` naming the file and object.

XML is parsed with the standard library; its expat parser does not fetch external entities and
refuses entity-expansion bombs.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import ValidationError

from datamill.modalities.image.errors import AnnotationFileError
from datamill.modalities.image.importers._common import (
    Refused,
    check_declared_size,
    displayed_size,
    fit_inside,
    inside,
    item_id,
    read_head,
)
from datamill.modalities.image.schema import Box, ImageAnnotation

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["VocImporter"]

_FLAGS = ("truncated", "difficult", "occluded")


def _text(element: ET.Element, tag: str) -> str | None:
    found = element.find(tag)
    return found.text.strip() if found is not None and found.text is not None else None


def _attributes(obj: ET.Element) -> dict[str, Any]:
    attributes: dict[str, Any] = {}
    pose = _text(obj, "pose")
    if pose and pose != "Unspecified":
        attributes["pose"] = pose
    for flag in _FLAGS:
        if _text(obj, flag) == "1":
            attributes[flag] = True
    for attribute in obj.findall("attributes/attribute"):
        name = _text(attribute, "name")
        if name:
            attributes[name] = _text(attribute, "value") or ""
    return attributes


def _box(obj: ET.Element, where: str) -> Box:
    label = _text(obj, "name")
    if not label:
        raise Refused(f"{where} has no <name>", "voc_no_name")
    corners = {}
    for tag in ("xmin", "ymin", "xmax", "ymax"):
        text = _text(obj, f"bndbox/{tag}")
        try:
            corners[tag] = float(text) if text is not None else math.nan
        except ValueError:
            corners[tag] = math.nan
        if not math.isfinite(corners[tag]):
            raise Refused(f"{where} ({label!r}): bndbox/{tag} is missing or not a number",
                          "voc_bndbox", label=label, tag=tag, given=text or "")
    try:
        return Box(label=label, x=corners["xmin"] - 1, y=corners["ymin"] - 1,
                   w=corners["xmax"] - corners["xmin"] + 1,
                   h=corners["ymax"] - corners["ymin"] + 1, attributes=_attributes(obj))
    except ValidationError as err:
        raise Refused(f"{where} ({label!r}): xmax/ymax must not be below xmin/ymin",
                      "voc_box_inverted", label=label, **{k: f"{v:g}" for k, v in
                                                          corners.items()}) from err


class VocImporter:
    """Reads Pascal VOC XML (see the module docstring)."""

    name: ClassVar[str] = "voc"

    def detect(self, path: Path) -> float:
        """0.9 when ``Annotations/`` holds an XML file whose head has ``<annotation``."""
        folder = Path(path) / "Annotations"
        first = next(folder.rglob("*.xml"), None) if folder.is_dir() else None
        return 0.9 if first is not None and "<annotation" in read_head(first, 4096) else 0.0

    def _image(self, root_dir: Path, file: Path, filename: str) -> tuple[Path, str]:
        """The image an XML file names and its item id (see the module docstring)."""
        images = root_dir / "JPEGImages"
        folder = file.parent.relative_to(root_dir / "Annotations")
        for candidate in dict.fromkeys((images / folder / filename, images / filename)):
            if candidate.exists():
                return candidate, item_id(candidate.relative_to(images))
        return root_dir / filename, item_id(filename)

    def iter_items(self, path: Path) -> Iterator[tuple[Path, ImageAnnotation, str]]:
        """Yield ``(image path, annotation, item id)`` per XML file, in path order.

        Raises:
            AnnotationFileError: Malformed XML or objects (see the module docstring).
        """
        root_dir = Path(path)
        for file in sorted((root_dir / "Annotations").rglob("*.xml")):
            inside(root_dir, file, "the annotation file")
            try:
                root = ET.parse(file).getroot()  # noqa: S314 - expat: no external entities
            except ET.ParseError as err:
                line, column = err.position
                raise AnnotationFileError(
                    f"{file}: malformed XML at line {line}, column {column} ({err})",
                    file=str(file), line=line, column=column, reason_code="voc_xml",
                    detail=str(err).split(": line ")[0]) from err
            if root.tag != "annotation":
                raise AnnotationFileError(f"{file}: root element is <{root.tag}>, not "
                                          "<annotation>", file=str(file),
                                          reason_code="voc_root", root=root.tag)
            objects = []
            for index, obj in enumerate(root.findall("object")):
                try:
                    objects.append(_box(obj, f"{file}: object {index}"))
                except ValueError as err:
                    coded = err.coded if isinstance(err, Refused) else {}
                    raise AnnotationFileError(str(err), file=str(file), object=index,
                                              **coded) from err
            image, name = self._image(root_dir, file, _text(root, "filename") or f"{file.stem}.jpg")
            check_declared_size(image, _text(root, "size/width"), _text(root, "size/height"),
                                f"{file}: <size>", file=str(file))
            annotation = ImageAnnotation(objects=tuple(objects))
            if objects and image.is_file():
                annotation = fit_inside(annotation, *displayed_size(image))
            yield image, annotation, name
