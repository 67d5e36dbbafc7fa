"""Pascal VOC exporter: one XML file per image under ``Annotations/``.

Layout::

    Annotations/<id>.xml            <annotation> with <size> and one <object> per box
    ImageSets/Main/default.txt      the item ids, one per line, in export order
    JPEGImages/<id><suffix>         with ``copy_images=True``; without it, only the images
                                    stored turned (EXIF orientation other than 1), upright

Boxes use VOC's 1-based inclusive pixel indices, as Pascal VOC and its readers (supervision,
Datumaro) do: ``xmin = x + 1``, ``ymin = y + 1``, ``xmax = x + w``, ``ymax = y + h``. Numbers
are written as integers when integral, else with up to 6 decimals.

Object attributes ``pose`` (text), ``truncated``, ``difficult`` and ``occluded`` (booleans) go to
VOC's own elements (``pose`` ``Unspecified`` and ``0`` when absent, so false and absent read back
the same); any other attribute goes to ``<attributes><attribute><name/><value/>`` (CVAT's
extension) as text. ``<depth>`` is the image's channels as a viewer shows it (1 for grayscale,
3 for colour, 4 for CMYK or with alpha: ``ImageExportItem.depth``). Only :class:`~.schema.Box` objects are
representable; image-level classes are not written (counted as ``image_classes``).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Final

from datamill.modalities.base import ExportManifest
from datamill.modalities.image.exporters._common import (
    OnUnsupported,
    UniqueIds,
    classes_left_out,
    deliver_image,
    image_file_name,
    num,
    sha256_file,
    unsupported,
    upright_reference,
)
from datamill.modalities.image.schema import Box

if TYPE_CHECKING:
    from collections.abc import Iterable

    from datamill.modalities.image.item import ImageExportItem

__all__ = ["VOC_FLAGS", "VocExporter"]

VOC_FLAGS: Final = ("truncated", "difficult", "occluded")
"""Boolean object attributes written as VOC elements (``0``/``1``)."""
IMAGE_SET: Final = "ImageSets/Main/default.txt"


def _sub(parent: ET.Element, tag: str, text: Any) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = str(text)
    return element


def _object(parent: ET.Element, box: Box) -> None:
    element = ET.SubElement(parent, "object")
    _sub(element, "name", box.label)
    _sub(element, "pose", box.attributes.get("pose", "Unspecified"))
    for flag in VOC_FLAGS:
        _sub(element, flag, int(bool(box.attributes.get(flag, False))))
    bndbox = ET.SubElement(element, "bndbox")
    for tag, value in (("xmin", box.x + 1), ("ymin", box.y + 1),
                       ("xmax", box.x + box.w), ("ymax", box.y + box.h)):
        _sub(bndbox, tag, num(value))
    others = {k: v for k, v in box.attributes.items() if k not in {"pose", *VOC_FLAGS}}
    if others:
        attributes = ET.SubElement(element, "attributes")
        for key, value in sorted(others.items()):
            attribute = ET.SubElement(attributes, "attribute")
            _sub(attribute, "name", key)
            _sub(attribute, "value", value)


class VocExporter:
    """Writes Pascal VOC XML (see the module docstring).

    Args:
        copy_images: Copy images to ``JPEGImages/`` (whatever their format, as VOC tools expect).
        on_unsupported: ``error`` (default) or ``skip`` objects other than boxes.
    """

    name: ClassVar[str] = "voc"

    def __init__(self, *, copy_images: bool = False,
                 on_unsupported: OnUnsupported = "error") -> None:
        self.copy_images = copy_images
        self.on_unsupported: OnUnsupported = on_unsupported

    def export(self, items: Iterable[ImageExportItem], out_dir: Path) -> ExportManifest:
        """Write one XML per item (and images) under ``out_dir``."""
        (out_dir / "Annotations").mkdir(parents=True, exist_ok=True)
        (out_dir / IMAGE_SET).parent.mkdir(parents=True, exist_ok=True)
        files: dict[str, str] = {}
        left_out: Counter[str] = Counter()
        ids = UniqueIds()
        count = 0
        with (out_dir / IMAGE_SET).open("w", encoding="utf-8") as image_set:
            for item in items:
                ids.add(item.id)
                count += 1
                image_set.write(f"{item.id}\n")
                file_name = image_file_name(item)
                rel = f"JPEGImages/{file_name}"
                if self.copy_images:
                    files[rel] = deliver_image(Path(item.image_path), out_dir / rel)
                else:  # a turned original gets an upright copy: <size> and boxes are upright
                    upright_reference(item, out_dir, rel, files)
                root = ET.Element("annotation")
                _sub(root, "folder", "JPEGImages")
                _sub(root, "filename", file_name)
                size = ET.SubElement(root, "size")
                _sub(size, "width", item.width)
                _sub(size, "height", item.height)
                _sub(size, "depth", item.depth)
                _sub(root, "segmented", 0)
                classes_left_out(item, left_out)
                for index, obj in enumerate(item.annotation.objects):
                    if isinstance(obj, Box):
                        _object(root, obj)
                    else:
                        unsupported(item, index, obj, "Pascal VOC", self.on_unsupported,
                                left_out)
                ET.indent(root)
                rel = f"Annotations/{item.id}.xml"
                ET.ElementTree(root).write(out_dir / rel, encoding="utf-8", xml_declaration=True)
                files[rel] = sha256_file(out_dir / rel)
        files[IMAGE_SET] = sha256_file(out_dir / IMAGE_SET)
        return ExportManifest(format=self.name, files=dict(sorted(files.items())), items=count,
                              left_out=dict(left_out))
