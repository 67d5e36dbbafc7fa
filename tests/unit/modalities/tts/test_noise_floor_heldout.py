"""The studio noise floor on held-out voices: the soft ends of words are not the room's floor.

espeak-ng voices the TTS demo never uses, on a known floor, at 48 kHz: the measured floor is
within a few dB of the floor put there, however long and soft a voice's word endings are."""

from __future__ import annotations

import numpy as np
import pytest

from datamill.modalities.tts.checks import measure_studio
from datamill.testing.heldout import HELDOUT_TEXTS, espeak_raw, resample
from datamill.testing.noise import pink_noise
from datamill.testing.synth import espeak_available
from tests._tools import require_tool

SR = 48000
VOICES = ("en-us-nyc+f5", "en-us+f5", "cmn+f5", "en-gb-scotland+whisper", "de+Andrea",
          "en-029+croak")


@pytest.fixture(scope="module")
def takes() -> list[tuple[str, np.ndarray]]:
    if not espeak_available():
        require_tool("espeak-ng is not installed (scripts/setup.sh installs it)")
    out = []
    for i, voice in enumerate(VOICES):
        texts = HELDOUT_TEXTS["zh" if voice.startswith("cmn") else "de" if voice.startswith(
            "de") else "en"]
        d, sr = espeak_raw(texts[i % len(texts)], voice)
        d = resample(d, sr, SR)
        x = np.concatenate([np.zeros(SR // 2, np.float32), d, np.zeros(SR // 2, np.float32)])
        out.append((voice, (x / np.abs(x).max() * 0.5).astype(np.float32)))
    return out


@pytest.mark.parametrize("floor_dbfs", [-80.0, -70.0, -50.0])
def test_noise_floor_is_the_floor_put_there(
        takes: list[tuple[str, np.ndarray]], floor_dbfs: float) -> None:
    for i, (voice, x) in enumerate(takes):
        noisy = x + pink_noise(x.size, i) * np.float32(10 ** (floor_dbfs / 20))
        got = measure_studio(noisy, SR)["noise_floor_dbfs"]
        assert got == pytest.approx(floor_dbfs, abs=3.0), voice


def test_digital_silence_reads_far_below_a_studio_floor(
        takes: list[tuple[str, np.ndarray]]) -> None:
    for voice, x in takes:
        assert measure_studio(x, SR)["noise_floor_dbfs"] < -80.0, voice
