"""Issue 14 §2: the llm modality passes the modality conformance kit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from datamill.modalities.base import Exporter, ModalityPlugin
from datamill.modalities.llm.records import canonical_record, parse_record
from datamill.testing.conformance import ModalityConformance, Sample
from tests.unit.modalities.llm._cases import PAIR_RECORDS, pair_payload, requirements


class TestLlmConformance(ModalityConformance):
    modality = "llm"

    def requirements(self) -> dict[str, Any]:
        return requirements("pairwise")

    def sample(self, folder: Path) -> list[Sample]:
        folder.mkdir(parents=True, exist_ok=True)
        out = []
        for raw in PAIR_RECORDS:
            record = parse_record(raw)
            path = folder / f"{record.id}.json"
            path.write_bytes(canonical_record(record))
            out.append(Sample(record.id, path, pair_payload(raw, "a")))
        return out

    def streaming_exporter(self, plugin: ModalityPlugin) -> Exporter[Any]:
        return plugin.make_exporter("llm_dpo", self.requirements())
