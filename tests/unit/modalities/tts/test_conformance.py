"""Issue 12 §2: speech.tts passes the modality conformance kit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from datamill.modalities.base import Exporter, ModalityPlugin
from datamill.testing.conformance import ModalityConformance, Sample
from datamill.testing.synth import make_tone

from ._helpers import tiers


class TestTtsConformance(ModalityConformance):
    modality = "speech.tts"
    stream_items = 5_000

    def requirements(self) -> dict[str, Any]:
        return {"audio": {"sample_rate_hz": 16000, "bit_depth": 16, "channels": 1}}

    def sample(self, folder: Path) -> list[Sample]:
        folder.mkdir(parents=True, exist_ok=True)
        return [Sample(f"utt{i}", make_tone(folder / f"utt{i}.wav", duration_ms=1000),
                       tiers(shift_ms=5 * i), {"speaker_id": "voice1", "session_id": "s1"})
                for i in range(3)]

    def streaming_exporter(self, plugin: ModalityPlugin) -> Exporter[Any]:
        return plugin.make_exporter("espnet_tts", self.requirements())
