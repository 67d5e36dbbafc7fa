"""Issue 10 §1: speech.asr passes the modality conformance kit (a Kaldi data directory read
back into the segments it was written from)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from datamill.modalities.base import Exporter, ModalityPlugin
from datamill.testing.conformance import ModalityConformance, Sample
from datamill.testing.synth import make_tone


class TestSpeechConformance(ModalityConformance):
    modality = "speech.asr"
    round_trips: ClassVar[dict[str, str]] = {"kaldi": "kaldi"}

    def requirements(self) -> dict[str, Any]:
        return {"read_speech": False}

    def sample(self, folder: Path) -> list[Sample]:
        folder.mkdir(parents=True, exist_ok=True)
        out = []
        for i, ms in enumerate((800, 1200, 1500)):
            path = make_tone(folder / f"utt{i}.wav", freq_hz=300 + 100 * i, duration_ms=ms)
            payload = [{"start_ms": 0, "end_ms": ms, "text": f"words number {i}",
                        "speaker": None, "noise": []}]
            out.append(Sample(f"utt{i}", path, payload, {"speaker_id": f"spk{i}"}))
        return out

    def streaming_exporter(self, plugin: ModalityPlugin) -> Exporter[Any]:
        return plugin.make_exporter("kaldi", self.requirements())
