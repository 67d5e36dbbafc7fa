"""Issue 14 §1: the text modality passes the modality conformance kit (CoNLL, JSONL and
back)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from datamill.testing.conformance import ModalityConformance, Sample
from tests.unit.modalities.text._cases import TEXT_REQUIREMENTS, write_sentences


class TestTextConformance(ModalityConformance):
    modality = "text"
    round_trips: ClassVar[dict[str, str]] = {"conll": "conll", "text_jsonl": "text_jsonl"}
    not_media = b"caf\xe9 au lait\n" * 8  # Latin-1, not UTF-8

    def requirements(self) -> dict[str, Any]:
        return TEXT_REQUIREMENTS

    def sample(self, folder: Path) -> list[Sample]:
        return [Sample(ext, path, payload) for ext, path, payload in write_sentences(folder)]
