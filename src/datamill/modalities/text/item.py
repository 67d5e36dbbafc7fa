"""What a text exporter needs to know about one delivered item (no DB objects)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datamill.modalities.text.schema import TextAnnotation

__all__ = ["TextExportItem"]


@dataclass(frozen=True)
class TextExportItem:
    """One text and its current annotation (offsets are code points into ``text``)."""

    id: str
    text: str
    sha256: str
    language: str
    annotation: TextAnnotation
