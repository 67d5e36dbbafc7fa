"""Hugging Face ``datasets`` exporter (``image_hf``): one Parquet file with the images embedded.

Layout::

    data.parquet    one row per image; row groups of at most ``batch_rows`` rows and about
                    ``batch_bytes`` of image data

It loads with ``datasets.load_dataset("parquet", data_files="data.parquet", split="train")``;
the schema metadata (key ``huggingface``, ``{"info": {"features": ...}}``, :data:`FEATURES`)
makes ``image`` decode as a PIL image. Columns:

==============  ===========================================================================
``image``       HF ``Image``: ``{bytes, path}``, the file's bytes as stored (not re-encoded),
                except an image stored turned (EXIF orientation other than 1): re-encoded
                upright in its own format, the tag removed; ``path`` = ``<id><suffix>``
``image_id``    the item id (string)
``width``       displayed width in pixels (after EXIF orientation, which recent ``datasets``
                releases apply when they decode), int64
``height``      displayed height in pixels, int64
``sha256``      sha256 of the image file, as the loop stored it (of the original, also for
                an image embedded upright)
``objects``     list of ``{kind, label, bbox, rotated_box, points, text, skeleton, rle,
                attributes}`` (see below)
``classes``     image-level classes (list of strings)
``annotation``  the whole annotation document as JSON (what ``ImageAnnotation`` reads back)
==============  ===========================================================================

Objects (coordinates in displayed pixels; absent fields are null, ``points`` then ``[]``):

=============  ===========================================================================
Box            ``bbox`` ``[x, y, w, h]``
RotatedBox     ``rotated_box`` ``[cx, cy, w, h, angle_deg]``; ``points`` its 4 corners
Polygon        ``points`` ``[[x, y], ...]``
Polyline       ``points``
Keypoints      ``points`` ``[[x, y, visibility], ...]`` in skeleton order; ``skeleton``
Mask           ``rle``: the COCO RLE ``{size, counts}`` as JSON
TextLine       ``points`` and ``text`` (the transcription)
=============  ===========================================================================

``attributes`` is the object's attributes as JSON text. Every object kind fits, so nothing is
ever left out (``on_unsupported`` is accepted for a uniform constructor and has no effect);
:func:`annotation_from_row` turns a row back into the annotation.

No items make a valid Parquet file with the schema and no row group. ``load_dataset`` refuses
a split without rows (``Instruction "train" corresponds to no data``);
``datasets.Dataset(datasets.table.InMemoryTable(pyarrow.parquet.read_table(path)))`` gives the
empty dataset with its features.

Streaming: rows are collected for one row group at a time. The image bytes go into an Arrow
binary column built straight from their buffers, the other columns are JSON lines parsed by
Arrow's JSON reader against :data:`SCHEMA` (``pa.array`` on Python lists would import pandas).
"""

from __future__ import annotations

import array
import io
import json
from typing import TYPE_CHECKING, Any, ClassVar, Final

import pyarrow as pa
import pyarrow.json as pa_json
import pyarrow.parquet as pq

from datamill.core.errors import InvalidInput
from datamill.core.jsontext import dumps_function
from datamill.modalities.base import ExportManifest
from datamill.modalities.image.exporters._common import (
    OnUnsupported,
    UniqueIds,
    image_file_name,
    sha256_file,
    upright_bytes,
)
from datamill.modalities.image.schema import (
    Box,
    CocoRle,
    ImageAnnotation,
    Keypoint,
    Keypoints,
    Mask,
    Polygon,
    Polyline,
    RotatedBox,
    TextLine,
    rotated_box_corners,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from pathlib import Path

    from datamill.modalities.image.item import ImageExportItem

__all__ = [
    "FEATURES",
    "PARQUET_FILE",
    "SCHEMA",
    "ImageHfExporter",
    "annotation_from_row",
    "object_row",
]

PARQUET_FILE: Final = "data.parquet"
_MAX_BINARY: Final = 2**31 - 1  # int32 offsets of an Arrow binary column


def _value(dtype: str) -> dict[str, str]:
    return {"dtype": dtype, "_type": "Value"}


# Lists as one-element Python lists: the form every ``datasets`` release from 2.x on reads.
FEATURES: Final[dict[str, Any]] = {
    "image": {"_type": "Image"},
    "image_id": _value("string"),
    "width": _value("int64"),
    "height": _value("int64"),
    "sha256": _value("string"),
    "objects": [{
        "kind": _value("string"),
        "label": _value("string"),
        "bbox": [_value("float64")],
        "rotated_box": [_value("float64")],
        "points": [[_value("float64")]],
        "text": _value("string"),
        "skeleton": _value("string"),
        "rle": _value("string"),
        "attributes": _value("string"),
    }],
    "classes": [_value("string")],
    "annotation": _value("string"),
}
"""The ``datasets`` features of :data:`SCHEMA` (``Features.from_dict`` form)."""

_IMAGE_TYPE: Final = pa.struct([pa.field("bytes", pa.binary()), pa.field("path", pa.string())])
_FLOATS: Final = pa.list_(pa.float64())
_OBJECT_TYPE: Final = pa.struct([
    pa.field("kind", pa.string()),
    pa.field("label", pa.string()),
    pa.field("bbox", _FLOATS),
    pa.field("rotated_box", _FLOATS),
    pa.field("points", pa.list_(_FLOATS)),
    pa.field("text", pa.string()),
    pa.field("skeleton", pa.string()),
    pa.field("rle", pa.string()),
    pa.field("attributes", pa.string()),
])
# Every field nullable: ``datasets`` uses a metadata feature only where its Arrow field is
# exactly the file's, and its own fields are nullable.
_ROW_SCHEMA: Final = pa.schema([
    pa.field("image_id", pa.string()),
    pa.field("width", pa.int64()),
    pa.field("height", pa.int64()),
    pa.field("sha256", pa.string()),
    pa.field("objects", pa.list_(_OBJECT_TYPE)),
    pa.field("classes", pa.list_(pa.string())),
    pa.field("annotation", pa.string()),
])
SCHEMA: Final = pa.schema(
    [pa.field("image", _IMAGE_TYPE), *_ROW_SCHEMA],
    metadata={"huggingface": json.dumps({"info": {"features": FEATURES}})},
)
"""The Arrow schema of ``data.parquet``, with the ``huggingface`` features metadata."""

_encode: Final = dumps_function(ensure_ascii=False)
_JSON_OPTIONS: Final = pa_json.ParseOptions(explicit_schema=_ROW_SCHEMA,
                                            unexpected_field_behavior="error")


def _object_fields(obj: Any) -> dict[str, Any]:
    """The kind-specific fields of one object row."""
    if isinstance(obj, Box):
        return {"bbox": [obj.x, obj.y, obj.w, obj.h]}
    if isinstance(obj, RotatedBox):
        return {"rotated_box": [obj.cx, obj.cy, obj.w, obj.h, obj.angle_deg],
                "points": [list(p) for p in rotated_box_corners(obj)]}
    if isinstance(obj, Polygon | Polyline):
        return {"points": [list(p) for p in obj.points]}
    if isinstance(obj, TextLine):
        return {"points": [list(p) for p in obj.points], "text": obj.transcription}
    if isinstance(obj, Keypoints):
        return {"points": [[p.x, p.y, float(p.visibility)] for p in obj.points],
                "skeleton": obj.skeleton}
    if isinstance(obj, Mask):
        return {"rle": _encode(obj.rle.model_dump(mode="json"))}
    raise InvalidInput(f"unknown image object kind {getattr(obj, 'kind', None)!r}")


def object_row(obj: Any) -> dict[str, Any]:
    """One object as an element of the ``objects`` column (plain JSON values).

    Examples:
        >>> object_row(Box(label="car", x=1, y=2, w=3, h=4))["bbox"]
        [1.0, 2.0, 3.0, 4.0]
    """
    return {"kind": obj.kind, "label": obj.label, "bbox": None, "rotated_box": None,
            "points": [], "text": None, "skeleton": None, "rle": None,
            **_object_fields(obj), "attributes": _encode(obj.attributes)}


def _object_from_row(row: Mapping[str, Any]) -> Any:
    kind, common = row["kind"], {"label": row["label"],
                                 "attributes": json.loads(row["attributes"] or "{}")}
    points = [tuple(p) for p in row["points"] or ()]
    if kind == "box":
        x, y, w, h = row["bbox"]
        return Box(x=x, y=y, w=w, h=h, **common)
    if kind == "rotated_box":
        cx, cy, w, h, angle = row["rotated_box"]
        return RotatedBox(cx=cx, cy=cy, w=w, h=h, angle_deg=angle, **common)
    if kind == "keypoints":
        return Keypoints(skeleton=row["skeleton"], **common, points=tuple(
            Keypoint.model_validate({"x": x, "y": y, "visibility": int(v)}) for x, y, v in points))
    if kind == "mask":
        return Mask(rle=CocoRle.model_validate_json(row["rle"]), **common)
    if kind == "text_line":
        return TextLine(points=points, transcription=row["text"] or "", **common)
    if kind in ("polygon", "polyline"):
        return (Polygon if kind == "polygon" else Polyline)(points=points, **common)
    raise InvalidInput(f"unknown image object kind {kind!r}", field="objects.kind")


def annotation_from_row(row: Mapping[str, Any]) -> ImageAnnotation:
    """Rebuild the annotation from a row's ``objects`` and ``classes`` (the inverse of the
    export; the ``annotation`` column holds the same document as JSON).

    Raises:
        InvalidInput: An object of unknown kind.
    """
    return ImageAnnotation(objects=tuple(_object_from_row(o) for o in row["objects"] or ()),
                           classes=tuple(row["classes"] or ()))


def _read_image(item: ImageExportItem) -> bytes:
    try:
        # a turned original (EXIF orientation other than 1) is embedded upright, the tag
        # removed: ``width``, ``height`` and every coordinate are those of the upright image,
        # and a reader that ignores the tag (PIL or pyarrow without ``datasets``, older
        # ``datasets`` releases) would put the boxes on the wrong pixels
        data = ((upright_bytes(item.image_path) if item.turned is not False else None)
                or item.image_path.read_bytes())
    except OSError as err:
        raise InvalidInput(
            f"item {item.id!r}: cannot read its image {str(item.image_path)!r}: "
            f"{err.strerror or err}", item_id=item.id, field="image_path",
        ) from err
    if len(data) > _MAX_BINARY:
        raise InvalidInput(f"item {item.id!r}: image of {len(data)} bytes is over the 2 GiB a "
                           "Parquet image cell holds", item_id=item.id, field="image_path")
    return data


def _binary_array(values: list[bytes], kind: pa.DataType) -> pa.Array:
    """An Arrow binary (or string) array from its buffers: no Python-list conversion."""
    offsets = array.array("i", [0])
    end = 0
    for value in values:
        end += len(value)
        offsets.append(end)
    return pa.Array.from_buffers(kind, len(values),
                                 [None, pa.py_buffer(offsets), pa.py_buffer(b"".join(values))])


class _RowGroup:
    """The rows of one row group: image bytes, file names and the other columns' JSON lines."""

    def __init__(self) -> None:
        self.blobs: list[bytes] = []
        self.names: list[bytes] = []
        self.lines: list[str] = []
        self.size = 0

    def add(self, item: ImageExportItem, data: bytes) -> None:
        annotation = item.annotation
        self.blobs.append(data)
        self.names.append(image_file_name(item).encode("utf-8"))
        self.lines.append(_encode({
            "image_id": item.id, "width": item.width, "height": item.height,
            "sha256": item.sha256,
            "objects": [object_row(obj) for obj in annotation.objects],
            "classes": list(annotation.classes),
            "annotation": _encode(annotation.model_dump(mode="json")),
        }) + "\n")
        self.size += len(data)

    def batch(self) -> pa.RecordBatch:
        image = pa.StructArray.from_arrays(
            [_binary_array(self.blobs, pa.binary()), _binary_array(self.names, pa.string())],
            fields=list(_IMAGE_TYPE))
        rows = _rows(self.lines)
        columns = [rows.column(name) for name in _ROW_SCHEMA.names]
        return pa.RecordBatch.from_arrays([image, *columns], schema=SCHEMA)


def _rows(lines: list[str]) -> pa.RecordBatch:
    """The non-image columns of ``lines`` (JSON), parsed in C++ against ``_ROW_SCHEMA``.

    When Arrow's JSON reader refuses a value (a NaN coordinate, say), the rows are decoded
    with ``json.loads`` and converted by ``RecordBatch.from_pylist`` instead (same table).
    """
    data = "".join(lines).encode("utf-8")
    try:
        table = pa_json.read_json(
            io.BytesIO(data),
            read_options=pa_json.ReadOptions(use_threads=False, block_size=len(data) + 1),
            parse_options=_JSON_OPTIONS,
        )
        if table.num_rows == len(lines):
            return table.combine_chunks().to_batches()[0]
    except (pa.ArrowException, ValueError):
        pass
    return pa.RecordBatch.from_pylist([json.loads(line) for line in lines], schema=_ROW_SCHEMA)


class ImageHfExporter:
    """Write images and annotations as one Parquet file for HF ``datasets`` (module docs).

    Args:
        batch_rows: Most rows per row group.
        batch_bytes: A row group is closed once its images reach this many bytes (a single
            larger image makes a row group of its own); with ``batch_rows`` it bounds memory.
        on_unsupported: Accepted for a constructor like the other image exporters'; every
            object kind fits, so it has no effect.

    Raises:
        InvalidInput: ``batch_rows`` or ``batch_bytes`` out of range.
    """

    name: ClassVar[str] = "image_hf"

    def __init__(self, *, batch_rows: int = 256, batch_bytes: int = 64 << 20,
                 on_unsupported: OnUnsupported = "error") -> None:
        if batch_rows < 1:
            raise InvalidInput("batch_rows must be at least 1", field="batch_rows")
        if not 1 <= batch_bytes <= _MAX_BINARY:
            raise InvalidInput("batch_bytes must be between 1 and 2**31 - 1", field="batch_bytes")
        self.batch_rows = batch_rows
        self.batch_bytes = batch_bytes
        self.on_unsupported: OnUnsupported = on_unsupported

    def export(self, items: Iterable[ImageExportItem], out_dir: Path) -> ExportManifest:
        """Write ``out_dir/data.parquet``; see the module docstring.

        Args:
            items: Images to export; consumed once.
            out_dir: Output folder, created if missing.

        Returns:
            The manifest: ``data.parquet`` with its sha256, and the number of rows.

        Raises:
            InvalidInput: A duplicate or unsafe item id, or an image file that cannot be read
                (the message names the item).
        """
        out_dir.mkdir(parents=True, exist_ok=True)
        path = out_dir / PARQUET_FILE
        ids = UniqueIds()
        group = _RowGroup()
        count = 0
        with pq.ParquetWriter(path, SCHEMA, use_dictionary=False) as writer:
            for item in items:
                ids.add(item.id)
                data = _read_image(item)
                if group.lines and group.size + len(data) > self.batch_bytes:
                    writer.write_batch(group.batch())
                    group = _RowGroup()
                group.add(item, data)
                count += 1
                if len(group.lines) >= self.batch_rows:
                    writer.write_batch(group.batch())
                    group = _RowGroup()
            if group.lines:
                writer.write_batch(group.batch())
        return ExportManifest(format=self.name, files={PARQUET_FILE: sha256_file(path)},
                              items=count)
