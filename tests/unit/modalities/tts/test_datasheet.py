"""The speech datasheets break the speakers down: a customer asked how many speakers a TTS
delivery holds, their gender / age / accent split and the minutes per speaker. Before, the
``speech.tts`` datasheet gave only the number of speakers and the ``speech.asr`` one the split
without minutes per speaker. Both now come from one
:class:`~datamill.modalities.speech.speakers.SpeakerBreakdown`, called by each plugin's
statistics (the loop never names speech), and reach ``datasheet.json`` and
``datamill delivery show --json``.

The statistics are compared with golden files; when they change on purpose, run::

    DATAMILL_UPDATE_GOLDEN=1 python -m pytest tests/unit/modalities/tts/test_datasheet.py

and review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.demo.catalog_demo import seed_product_batch, tone_wav
from datamill.modalities.base import ItemRecord
from datamill.modalities.registry import get_modality
from datamill.production.delivery import deliver_batch
from datamill.runtime import Runtime

from ._helpers import tiers

GOLDEN = Path(__file__).resolve().parents[3] / "golden" / "speech" / "datasheet"
UPDATE_GOLDEN = os.environ.get("DATAMILL_UPDATE_GOLDEN") == "1"

#: (speaker, gender, age, accent, duration_ms) per recording: three voices, one with no age
RECORDINGS = [("voice1", "female", 34, "General American", 90_000),
              ("voice1", "female", 34, "General American", 30_000),
              ("voice2", "male", 51, "Scottish", 45_000),
              ("voice3", "female", None, None, 15_000)]


def _attributes(speaker: str, gender: str, age: int | None, accent: str | None,
                duration_ms: int) -> dict[str, Any]:
    out: dict[str, Any] = {"speaker_id": speaker, "gender": gender, "duration_ms": duration_ms,
                           "sample_rate_hz": 16000, "channels": 1, "session_id": "s1"}
    if age is not None:
        out["age"] = age
    if accent is not None:
        out["accent"] = accent
    return out


def _sheet(modality: str) -> dict[str, Any]:
    stats = get_modality(modality).statistics()
    for i, rec in enumerate(RECORDINGS):
        stats.add(ItemRecord(external_id=f"utt{i}", sha256="0" * 64, filename=f"utt{i}.wav",
                             path=Path(f"/delivery/audio/utt{i}.wav"), source=None,
                             attributes=_attributes(*rec), language="en-US"),
                  tiers() if modality == "speech.tts" else [])
    return dict(stats.result())


def _compare_golden(name: str, sheet: dict[str, Any]) -> None:
    actual = json.dumps(sheet, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    golden = GOLDEN / name
    if UPDATE_GOLDEN:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
    assert golden.is_file(), f"missing golden file {golden}; run with DATAMILL_UPDATE_GOLDEN=1"
    assert actual == golden.read_text(encoding="utf-8"), f"{name} differs from golden"


@pytest.mark.parametrize(("modality", "golden"), [("speech.tts", "tts.json"),
                                                  ("speech.asr", "asr.json")])
def test_speech_datasheets_break_the_speakers_down(modality: str, golden: str) -> None:
    sheet = _sheet(modality)
    assert sheet["speakers"] == 3
    assert sheet["gender"] == {"female": 2, "male": 1}
    assert sheet["age_bands"] == {"30-39": 1, "50-59": 1, "unknown": 1}
    assert sheet["accent"] == {"General American": 1, "Scottish": 1, "unknown": 1}
    assert sheet["per_speaker"] == [
        {"speaker_id": "voice1", "gender": "female", "age_band": "30-39",
         "accent": "General American", "utterances": 2, "duration_ms": 120_000, "minutes": 2.0},
        {"speaker_id": "voice2", "gender": "male", "age_band": "50-59", "accent": "Scottish",
         "utterances": 1, "duration_ms": 45_000, "minutes": 0.75},
        {"speaker_id": "voice3", "gender": "female", "age_band": "unknown",
         "accent": "unknown", "utterances": 1, "duration_ms": 15_000, "minutes": 0.25}]
    assert sheet["minutes_per_speaker"] == {"min": 0.25, "mean": 1.0, "max": 2.0}
    assert sum(s["duration_ms"] for s in sheet["per_speaker"]) == sheet["duration_ms"]
    _compare_golden(golden, sheet)


def test_an_empty_batch_has_no_speakers() -> None:
    sheet = get_modality("speech.tts").statistics().result()
    assert sheet["speakers"] == 0 and sheet["per_speaker"] == []
    assert sheet["minutes_per_speaker"] is None


def test_the_tts_delivery_datasheet_and_the_cli_show_the_speakers(
    runtime: Runtime, users: dict[str, User], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datamill.cli import _common
    from datamill.cli.main import app

    files = [{"name": f"utt{i}.wav", "data": tone_wav(300 + 50 * i, ms=1000), "volume": 1000,
              "text": "the dog", "labels": tiers(),
              "attributes": _attributes(spk, gender, age, accent, 1000)}
             for i, (spk, gender, age, accent, _) in enumerate(RECORDINGS)]
    with runtime.session() as s:
        pid, batch_id = seed_product_batch(s, runtime, "tts-speakers", files,
                                           modality="speech.tts", language="en-US",
                                           project_type="custom_service", workdir=tmp_path)
        add_member(s, pid, users["pm"], actor_id=None)
    with runtime.session() as s:
        d = deliver_batch(s, runtime.blobs, batch_id, tmp_path / "out", formats=["mfa_corpus"])
    sheet = json.loads((Path(d.path) / "datasheet.json").read_text())
    assert sheet["speakers"] == 3 and sheet["gender"] == {"female": 2, "male": 1}
    assert [(s["speaker_id"], s["utterances"], s["duration_ms"])
            for s in sheet["per_speaker"]] == [("voice1", 2, 2000), ("voice2", 1, 1000),
                                                 ("voice3", 1, 1000)]
    monkeypatch.setattr(_common, "_runtime", [runtime])
    shown = CliRunner().invoke(app, ["delivery", "show", str(d.id), "--as", "pm", "--json"])
    assert shown.exit_code == 0, shown.stdout
    got = json.loads(shown.stdout)["datasheet"]
    assert got["per_speaker"] == sheet["per_speaker"]
    assert got["minutes_per_speaker"] == {"min": 0.02, "mean": 0.02, "max": 0.03}
