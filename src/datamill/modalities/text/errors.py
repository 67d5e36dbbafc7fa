"""Errors of the text modality, each with a stable ``code``."""

from __future__ import annotations

from datamill.core.errors import InvalidInput

__all__ = ["TextDecodeError", "TextSourceError"]


class TextDecodeError(InvalidInput):
    """A file is not UTF-8 text; ``details`` carry ``file`` and the ``byte`` offset (and, for
    line-based sources, ``line``) of the first undecodable byte."""

    code = "text_not_decodable"


class TextSourceError(InvalidInput):
    """A text corpus (TXT, CSV, JSONL, Parquet, CoNLL, spaCy JSON) is malformed; ``details``
    carry ``file`` and, where known, ``row``/``line``. Nothing of the source is imported."""

    code = "text_source_invalid"
