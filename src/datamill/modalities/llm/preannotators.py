"""The ``llm-record`` pre-annotator: a record's own conversation as the SFT starting point.

No model runs: for SFT work (correcting a conversation) the imported conversation *is* the
suggestion the annotator starts from, recorded as version 1 like any pre-annotation, so the
review page can show what the annotator changed. Preference and rubric work starts blank.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from datamill.modalities.base import ItemRecord
from datamill.modalities.llm.records import LlmRecord, read_record

__all__ = ["LlmRecordPreannotator"]


class LlmRecordPreannotator:
    name: ClassVar[str] = "llm-record"

    def predict(self, item: ItemRecord) -> LlmRecord:
        """The generic pre-annotator call (:class:`datamill.modalities.base.Preannotator`):
        the item's media file."""
        return self.predict_file(item.readable, item.language)

    def predict_file(self, path: Path, language: str) -> LlmRecord:
        return read_record(path)
