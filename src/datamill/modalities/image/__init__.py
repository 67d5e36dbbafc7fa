"""The image/OCR modality: item schema, checks, annotation schema, QC metric, formats.

Building blocks only; none of them touches the database or the production loop, so the loop can
wire them in unchanged. Submodules and what they need:

* :mod:`.schema`: item attributes, annotation objects, the label schema and
  :func:`~.schema.validate_annotation` (pydantic; shapely for polygon validity).
* :mod:`.checks`: automatic checks on collected images (Pillow, OpenCV, imagehash).
* :mod:`.metric`: the QC scorer (scipy, rapidfuzz).
* :mod:`.exporters`: COCO, YOLO, Pascal VOC and PaddleOCR writers.
* :mod:`.importers`: COCO, YOLO and Pascal VOC readers for pre-labelled data.
* :mod:`.preannotators`: rapidocr (PP-OCR models inside its wheel; the ``ocr`` extra) and
  Tesseract (a Debian program) text lines, OpenCV Haar-cascade face boxes.
* :mod:`.synth`: rendered OCR and object scenes with exact ground truth, and bad files (Pillow;
  Debian fonts), for tests, benchmarks and the demo.

Heavy third-party libraries are imported by those submodules only; importing this package
imports nothing but this docstring (the ``vision`` extra provides them).
"""

from __future__ import annotations

__all__: list[str] = []
