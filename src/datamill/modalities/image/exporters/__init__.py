"""Image exporters: COCO, YOLO, Pascal VOC, PaddleOCR (detection and recognition) and Hugging
Face Parquet with the images embedded (``image_hf``).

Each exporter is a plugin with a stable ``name: ClassVar[str]`` and one
``export(items, out_dir) -> ExportManifest`` method taking an ``Iterable`` of
:class:`~datamill.modalities.image.item.ImageExportItem`. Exporters stream: they consume the
items once and write as they go (COCO writes its JSON incrementally; only the category list is
kept). The manifest lists every written file relative to ``out_dir`` with its sha256.

Objects a format cannot represent raise :class:`~datamill.core.errors.InvalidInput` naming the
item and object index, unless the exporter is built with ``on_unsupported="skip"``.
"""

from __future__ import annotations

__all__: list[str] = []
