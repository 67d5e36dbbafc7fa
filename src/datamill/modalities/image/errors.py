"""Errors of the image modality, each with a stable ``code``."""

from __future__ import annotations

from datamill.core.errors import DatamillError, InvalidInput

__all__ = ["AnnotationFileError", "ImageDecodeError", "PreannotatorUnavailable"]


class ImageDecodeError(InvalidInput):
    """The file cannot be decoded as an image (not an image, truncated, corrupt or a bomb)."""

    code = "image_not_decodable"


class AnnotationFileError(InvalidInput):
    """A pre-labelled annotation file (COCO, YOLO, Pascal VOC) is malformed or inconsistent.

    ``details`` always carries ``file`` and, where known, ``line`` (YOLO), ``index`` (COCO
    annotation position) or ``object`` (VOC object position).
    """

    code = "annotation_file_invalid"


class PreannotatorUnavailable(DatamillError):
    """A pre-annotator's engine (a Python package, a program or its model data) is missing.

    ``details`` carries ``preannotator`` and ``install`` (what to install).
    """

    code = "preannotator_unavailable"
    status = 503
