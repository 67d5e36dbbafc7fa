"""The ``level`` check judges the speech's level, not the whole take's RMS: one spoken word with
1.3 s of in-spec silence each side read 9 dB under its speech, so the same word passed or was
refused as "too quiet" depending only on how much padding the recorder kept (10 of 200 clean
held-out takes refused, ``bench/checks_heldout_sox.py``; now 0)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf

from datamill.modalities.speech.audio import run_audio_checks
from datamill.modalities.speech.schema import SpeechAsrRequirements
from datamill.testing.synth import espeak_available, synthesize
from tests._tools import require_tool


def _level(path: Path) -> tuple[bool, float, float, str | None]:
    out = {o.name: o for o in run_audio_checks(path, SpeechAsrRequirements())}["level"]
    return out.passed, out.value, out.extra["rms_dbfs"], out.reason


def test_one_word_with_long_padding_is_judged_by_its_speech(tmp_path: Path) -> None:
    if not espeak_available():
        require_tool("espeak-ng is not installed; scripts/setup.sh installs it")
    word = synthesize("hello", tmp_path / "w.wav", lead_ms=1300, trail_ms=1300,
                      noise_dbfs=-90.0, seed=3)
    x, sr = sf.read(word, dtype="float32")
    sf.write(word, x / np.abs(x).max() * np.float32(10 ** (-24 / 20)), sr, subtype="PCM_16")
    passed, speech_db, rms_db, _ = _level(word)
    assert rms_db < -45.0  # the whole take, padding and all: refused before
    assert passed and speech_db > rms_db + 6

    # the same word turned down 21 dB more is too quiet whatever the padding
    sf.write(word, x / np.abs(x).max() * np.float32(10 ** (-45 / 20)), sr, subtype="PCM_16")
    passed, speech_db, _, reason = _level(word)
    assert not passed and speech_db < -45.0
    assert reason is not None and reason.startswith(f"speech level {speech_db:.1f} dBFS RMS")
