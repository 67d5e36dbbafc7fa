"""Helpers shared by the image exporters (internal): ids, copies, checksums, policies."""

from __future__ import annotations

import hashlib
import io
import re
import shutil
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal

from datamill.core.errors import InvalidInput
from datamill.core.hashing import sha256_file

if TYPE_CHECKING:
    from datamill.modalities.image.item import ImageExportItem
    from datamill.modalities.image.schema import ImageLabelSchema

__all__ = [
    "LabelIds",
    "OnUnsupported",
    "UniqueIds",
    "classes_left_out",
    "copy_with_sha256",
    "deliver_image",
    "exif_orientation",
    "image_file_name",
    "num",
    "sha256_file",
    "unsupported",
    "upright_bytes",
    "upright_reference",
]

OnUnsupported = Literal["error", "skip"]
_CHUNK: Final = 1 << 20
_ORIENTATION: Final = 0x0112
_BAD_ID: Final = re.compile(r"[\s\x00-\x1f\x7f/\\]")


def copy_with_sha256(src: Path, dst: Path) -> str:
    """Copy ``src`` to ``dst`` (parents created) and return the sha256 of the bytes copied."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with src.open("rb") as fin, dst.open("wb") as fout:
        while chunk := fin.read(_CHUNK):
            digest.update(chunk)
            fout.write(chunk)
    shutil.copymode(src, dst)
    return digest.hexdigest()


def deliver_image(src: Path, dst: Path) -> str:
    """Write ``src`` to ``dst`` as a training loader reads it; return the sha256 written.

    An image whose EXIF orientation is 1 or absent is copied byte for byte. One with another
    orientation (a phone photo held upright: the pixels stored sideways, the tag saying so) is
    written **upright** with the tag removed, as labelme's export does: the annotation's
    coordinates, width and height are those of the image as displayed, and readers that ignore
    the tag (torchvision's ``read_image``, OpenCV with ``IMREAD_IGNORE_ORIENTATION``, many
    loaders) would otherwise draw every box sideways. Only such images are re-encoded, in their
    own format: a JPEG with its own quantisation tables and chroma subsampling, a TIFF with its
    own compression; the ICC profile, the rest of the EXIF and the XMP are kept.
    """
    data = upright_bytes(src)
    if data is None:
        return copy_with_sha256(src, dst)
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_bytes(data)
    return hashlib.sha256(data).hexdigest()


def exif_orientation(src: Path) -> int:
    """``src``'s EXIF orientation: 1 when it has none or cannot be read."""
    from PIL import Image, UnidentifiedImageError  # noqa: PLC0415 - only here

    try:
        with Image.open(src) as image:
            value = image.getexif().get(_ORIENTATION, 1)
    except (OSError, UnidentifiedImageError, ValueError, SyntaxError,
            Image.DecompressionBombError):
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1  # noqa: PLR2004


def upright_bytes(src: Path) -> bytes | None:
    """``src`` re-encoded upright (see :func:`deliver_image`), or None when it is upright as
    stored (EXIF orientation 1 or absent) or cannot be read here: then its own bytes serve."""
    from PIL import Image, ImageOps, UnidentifiedImageError  # noqa: PLC0415 - only here

    try:
        with Image.open(src) as image:
            if image.getexif().get(_ORIENTATION, 1) in (1, None) or not image.format:
                return None
            upright = ImageOps.exif_transpose(image)
            options = _save_options(image, upright)
            fmt = "JPEG" if image.format == "MPO" else image.format
            out = io.BytesIO()
            upright.save(out, format=fmt, **options)
    except (OSError, UnidentifiedImageError, ValueError, SyntaxError,
            Image.DecompressionBombError):
        return None  # not readable here: the checks said so already
    return out.getvalue()


def upright_reference(item: ImageExportItem, out_dir: Path, rel: str,
                      files: dict[str, str]) -> bool:
    """For an export that references the stored images rather than copying them: write an
    upright copy of ``item``'s image to ``out_dir/rel`` (recorded in ``files``) when it is
    stored turned (EXIF orientation other than 1), and say whether it did. The annotation's
    coordinates, width and height are those of the image as displayed; a reader that ignores
    the tag would put them on the wrong pixels of the stored original."""
    src = Path(item.image_path)
    if item.turned is False or (item.turned is None and exif_orientation(src) == 1):
        return False
    files[rel] = deliver_image(src, out_dir / rel)
    return True


def _save_options(image: Any, upright: Any) -> dict[str, Any]:
    """Encoder options that keep ``image``'s quality and metadata for ``upright``."""
    from PIL import JpegImagePlugin  # noqa: PLC0415 - only here

    options: dict[str, Any] = {"exif": upright.getexif().tobytes()}
    for key in ("icc_profile", "xmp", "dpi"):
        if upright.info.get(key):
            options[key] = upright.info[key]
    if image.format in ("JPEG", "MPO"):
        options["qtables"] = image.quantization
        sampling = JpegImagePlugin.get_sampling(image)
        if sampling >= 0:
            options["subsampling"] = sampling
        options["progressive"] = "progressive" in image.info or "progression" in image.info
    elif image.format == "TIFF":
        options["compression"] = image.info.get("compression", "raw")
    elif image.format == "WEBP":
        options["quality"] = 95
    return options


class UniqueIds:
    """Checks item ids (usable as file names, not repeated); keeps only the id strings."""

    def __init__(self) -> None:
        self._seen: set[str] = set()

    def add(self, item_id: str) -> str:
        """Record ``item_id`` and return it.

        Raises:
            InvalidInput: The id is empty, ``.``/``..``, holds whitespace, control characters or
                path separators, or was already exported.
        """
        if not item_id or item_id in {".", ".."} or _BAD_ID.search(item_id):
            raise InvalidInput(
                f"item id {item_id!r} is empty or contains whitespace, control characters or "
                "path separators", item_id=item_id, field="id",
            )
        if item_id in self._seen:
            raise InvalidInput(f"duplicate item id {item_id!r}", item_id=item_id, field="id")
        self._seen.add(item_id)
        return item_id


def image_file_name(item: ImageExportItem) -> str:
    """``<id><suffix>``: the name an exporter gives a copied image."""
    return f"{item.id}{item.image_path.suffix.lower()}"


class LabelIds:
    """Stable label -> index mapping: the schema's order when given, else first appearance.

    With a schema, a label outside it is an error (the format's class list is fixed up front).
    """

    def __init__(self, schema: ImageLabelSchema | None, start: int) -> None:
        self._fixed = schema is not None
        self._start = start
        self.ids: dict[str, int] = {}
        if schema is not None:
            for label in schema.labels:
                self.ids[label.name] = start + len(self.ids)

    def get(self, label: str, item: ImageExportItem, index: int) -> int:
        """Return the index of ``label``, assigning the next one on first use (no schema)."""
        found = self.ids.get(label)
        if found is not None:
            return found
        if self._fixed:
            raise InvalidInput(
                f"item {item.id!r} objects[{index}]: label {label!r} is not in the label schema",
                item_id=item.id, field=f"objects[{index}].label",
            )
        self.ids[label] = self._start + len(self.ids)
        return self.ids[label]


def unsupported(item: ImageExportItem, index: int, obj: Any, fmt: str,
                policy: OnUnsupported, left_out: Counter[str]) -> None:
    """Raise for an object ``fmt`` cannot hold, unless ``policy`` is ``skip``: then count it
    by kind in ``left_out`` (the export's manifest and the delivery's datasheet say so)."""
    left_out[obj.kind] += 1
    if policy == "error":
        raise InvalidInput(
            f"item {item.id!r} objects[{index}]: {fmt} cannot represent a {obj.kind} object "
            "(export with on_unsupported='skip' to leave such objects out)",
            item_id=item.id, field=f"objects[{index}]", kind=obj.kind,
        )


def classes_left_out(item: ImageExportItem, left_out: Counter[str]) -> None:
    """Count ``item``'s image-level classes in ``left_out`` (``image_classes``) for a format
    that has no place for them (YOLO, Pascal VOC, PaddleOCR): a classification project
    delivered in one of them got images and empty label files, and the manifest and the
    datasheet said nothing was left out."""
    if item.annotation.classes:
        left_out["image_classes"] += len(item.annotation.classes)


def num(value: float) -> int | float:
    """A coordinate for text formats: an int when integral, else rounded to 6 decimals.

    Examples:
        >>> num(3.0), num(2.5), num(1 / 3)
        (3, 2.5, 0.333333)
    """
    rounded = round(float(value), 6)
    return int(rounded) if rounded.is_integer() else rounded
