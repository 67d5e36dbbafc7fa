"""PaddleOCR exporters: text detection (``Label.txt``) and recognition (``rec_gt.txt`` + crops).

Detection (``paddleocr_det``), PPOCRLabel's format, one line per image::

    images/<id><suffix>\\t[{"transcription": "...", "points": [[x, y], ...], "difficult": false}]

Every :class:`~.schema.TextLine` becomes one entry. An empty transcription, or a line with
attribute ``illegible`` true, is written as ``###`` (PaddleOCR's "do not care" marker).
``difficult`` is the line's ``difficult`` attribute (false when absent). Images are copied to
``images/`` unless ``copy_images=False``, in which case the absolute path is written (an image
stored turned, EXIF orientation other than 1, still gets an upright copy in ``images/``).

Recognition (``paddleocr_rec``), one line per legible text line::

    crop_img/<id>_crop_<n>.png\\t<transcription>

Each crop is cut from the displayed image (EXIF orientation applied) as PPOCRLabel does: a
4-point line is warped to its own rectangle (perspective transform); another polygon uses its
minimum-area rectangle. A crop at least 1.5 times taller than wide is turned 90 degrees.
Transcriptions holding tabs or line breaks cannot be written (error naming item and object).

Objects that are not text lines are unsupported (error, or skipped with ``on_unsupported``).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Final

from datamill.core.errors import InvalidInput
from datamill.modalities.base import ExportManifest
from datamill.modalities.image.exporters._common import (
    OnUnsupported,
    UniqueIds,
    classes_left_out,
    deliver_image,
    image_file_name,
    sha256_file,
    unsupported,
    upright_reference,
)
from datamill.modalities.image.schema import TextLine

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    import numpy as np
    from numpy.typing import NDArray

    from datamill.modalities.image.item import ImageExportItem

__all__ = ["DET_LABEL_FILE", "ILLEGIBLE", "REC_LABEL_FILE", "PaddleOcrDetExporter",
           "PaddleOcrRecExporter"]

DET_LABEL_FILE: Final = "Label.txt"
REC_LABEL_FILE: Final = "rec_gt.txt"
ILLEGIBLE: Final = "###"
_TALL_RATIO: Final = 1.5
_QUAD: Final = 4


def _text(line: TextLine) -> str:
    if line.attributes.get("illegible") or not line.transcription.strip():
        return ILLEGIBLE
    return line.transcription


def _lines(item: ImageExportItem, fmt: str, policy: OnUnsupported,
           left_out: Counter[str]) -> Iterator[tuple[int, TextLine]]:
    classes_left_out(item, left_out)
    for index, obj in enumerate(item.annotation.objects):
        if isinstance(obj, TextLine):
            yield index, obj
        else:
            unsupported(item, index, obj, fmt, policy, left_out)


class PaddleOcrDetExporter:
    """Writes PaddleOCR/PPOCRLabel detection labels (see the module docstring)."""

    name: ClassVar[str] = "paddleocr_det"

    def __init__(self, *, copy_images: bool = True,
                 on_unsupported: OnUnsupported = "error") -> None:
        self.copy_images = copy_images
        self.on_unsupported: OnUnsupported = on_unsupported

    def export(self, items: Iterable[ImageExportItem], out_dir: Path) -> ExportManifest:
        """Write ``Label.txt`` (and images) under ``out_dir``."""
        out_dir.mkdir(parents=True, exist_ok=True)
        files: dict[str, str] = {}
        left_out: Counter[str] = Counter()
        ids = UniqueIds()
        count = 0
        with (out_dir / DET_LABEL_FILE).open("w", encoding="utf-8") as out:
            for item in items:
                ids.add(item.id)
                count += 1
                if self.copy_images:
                    path = f"images/{image_file_name(item)}"
                    files[path] = deliver_image(Path(item.image_path), out_dir / path)
                elif not upright_reference(item, out_dir,
                                           path := f"images/{image_file_name(item)}", files):
                    path = str(Path(item.image_path).resolve())  # upright as stored
                entries = [
                    {"transcription": _text(line), "points": [list(p) for p in line.points],
                     "difficult": bool(line.attributes.get("difficult", False))}
                    for _, line in _lines(item, "PaddleOCR det", self.on_unsupported, left_out)
                ]
                out.write(f"{path}\t{json.dumps(entries, ensure_ascii=False)}\n")
        files[DET_LABEL_FILE] = sha256_file(out_dir / DET_LABEL_FILE)
        return ExportManifest(format=self.name, files=dict(sorted(files.items())), items=count,
                              left_out=dict(left_out))


def _order_quad(points: NDArray[Any]) -> NDArray[Any]:
    """Order 4 points top-left, top-right, bottom-right, bottom-left."""
    import numpy as np

    by_x = points[np.argsort(points[:, 0], kind="stable")]
    left = by_x[:2][np.argsort(by_x[:2, 1], kind="stable")]
    right = by_x[2:][np.argsort(by_x[2:, 1], kind="stable")]
    return np.array([left[0], right[0], right[1], left[1]], dtype=np.float32)


def crop_text_line(image: NDArray[np.uint8], line: TextLine) -> NDArray[np.uint8]:
    """Cut ``line`` out of ``image`` (H x W x C) as PPOCRLabel's ``get_rotate_crop_image``."""
    import cv2
    import numpy as np

    points = np.array(line.points, dtype=np.float32)
    if len(points) != _QUAD:
        points = cv2.boxPoints(cv2.minAreaRect(points)).astype(np.float32)
        points = _order_quad(points)
    width = max(1, round(max(np.linalg.norm(points[0] - points[1]),
                             np.linalg.norm(points[2] - points[3]))))
    height = max(1, round(max(np.linalg.norm(points[0] - points[3]),
                              np.linalg.norm(points[1] - points[2]))))
    target = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(points, target)
    crop = cv2.warpPerspective(image, matrix, (width, height),
                               borderMode=cv2.BORDER_REPLICATE, flags=cv2.INTER_CUBIC)
    if height / width >= _TALL_RATIO:
        crop = np.rot90(crop)
    return np.ascontiguousarray(crop)


class PaddleOcrRecExporter:
    """Writes PaddleOCR recognition labels and line crops (see the module docstring)."""

    name: ClassVar[str] = "paddleocr_rec"

    def __init__(self, *, on_unsupported: OnUnsupported = "error") -> None:
        self.on_unsupported: OnUnsupported = on_unsupported

    def export(self, items: Iterable[ImageExportItem], out_dir: Path) -> ExportManifest:
        """Write ``rec_gt.txt`` and ``crop_img/`` under ``out_dir``."""
        import numpy as np
        from PIL import Image, ImageOps

        (out_dir / "crop_img").mkdir(parents=True, exist_ok=True)
        files: dict[str, str] = {}
        left_out: Counter[str] = Counter()
        ids = UniqueIds()
        count = 0
        with (out_dir / REC_LABEL_FILE).open("w", encoding="utf-8") as out:
            for item in items:
                ids.add(item.id)
                count += 1
                lines = [(i, line) for i, line in _lines(item, "PaddleOCR rec",
                                                         self.on_unsupported, left_out)
                         if _text(line) != ILLEGIBLE]
                if not lines:
                    continue
                with Image.open(item.image_path) as opened:
                    pixels = np.asarray(ImageOps.exif_transpose(opened).convert("RGB"))
                for n, (index, line) in enumerate(lines):
                    if any(c in line.transcription for c in "\t\r\n"):
                        raise InvalidInput(
                            f"item {item.id!r} objects[{index}]: transcription holds a tab or "
                            "line break, which the recognition label format cannot carry",
                            item_id=item.id, field=f"objects[{index}].transcription",
                        )
                    rel = f"crop_img/{item.id}_crop_{n}.png"
                    Image.fromarray(crop_text_line(pixels, line)).save(out_dir / rel)
                    files[rel] = sha256_file(out_dir / rel)
                    out.write(f"{rel}\t{line.transcription}\n")
        files[REC_LABEL_FILE] = sha256_file(out_dir / REC_LABEL_FILE)
        return ExportManifest(format=self.name, files=dict(sorted(files.items())), items=count,
                              left_out=dict(left_out))
