"""A take far longer than the spec allows (a vendor's hour-long raw session dropped among 30 s
takes) is refused by its duration without being held in memory: measuring a 1-hour 16 kHz take
held 1.9 GB and took 30 s, a 10-hour one would take the check worker down. Its format and
duration are judged from a block-wise read; the signal checks are not run."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import numpy as np
import soundfile as sf

from datamill.modalities.speech.audio import run_audio_checks
from datamill.modalities.speech.schema import SpeechAsrRequirements
from datamill.modalities.tts.checks import run_tts_checks
from datamill.modalities.tts.schema import TtsRequirements

SECONDS, RATE = 600, 16000


def _long(tmp_path: Path, seconds: int = SECONDS) -> Path:
    path = tmp_path / "session.wav"
    second = (6000 * np.sin(2 * np.pi * 220 * np.arange(RATE) / RATE)).astype(np.int16)
    sf.write(path, np.tile(second, seconds), RATE, subtype="PCM_16")
    return path


def test_a_take_far_too_long_is_refused_unmeasured(tmp_path: Path) -> None:
    path = _long(tmp_path)  # 10 minutes: 38 MB of float32 samples
    req = SpeechAsrRequirements(audio={"sample_rate_hz": RATE, "bit_depth": 16, "channels": 1})
    tracemalloc.start()
    try:
        outcomes = run_audio_checks(path, req)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [o.name for o in outcomes] == ["decodable", "format", "duration"]
    assert [o.passed for o in outcomes] == [True, True, False]
    assert outcomes[2].value == SECONDS * 1000
    assert outcomes[2].extra["measured"] is False
    assert peak < 20 * 2**20, peak  # a few blocks of 2^20 frames, not the whole take
    tts = run_tts_checks(path, TtsRequirements(audio={"sample_rate_hz": RATE, "bit_depth": 16,
                                                      "channels": 1}))
    assert [o.name for o in tts] == ["decodable", "format", "duration"]


def test_a_take_just_over_is_still_measured(tmp_path: Path) -> None:
    path = _long(tmp_path, 40)  # the default 30 s limit
    req = SpeechAsrRequirements(audio={"sample_rate_hz": RATE, "bit_depth": 16, "channels": 1})
    names = [o.name for o in run_audio_checks(path, req)]
    assert "duration" in names and "clipping" in names and "snr" in names  # 1.3 x: measured


def test_a_tts_import_does_not_measure_a_take_far_too_long(tmp_path: Path) -> None:
    """A TTS import measured each take's speech level by reading all of it: a 20-minute 48 kHz
    session held 1.25 GB at import (50 s)."""
    from datamill.modalities.registry import get_modality

    path = _long(tmp_path)
    tracemalloc.start()
    try:
        described = get_modality("speech.tts").describe(path, {"speaker_id": "F01"}, {})
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert described.duration_ms == SECONDS * 1000
    assert described.speech_level_dbfs is None  # not measured
    assert peak < 20 * 2**20, peak
