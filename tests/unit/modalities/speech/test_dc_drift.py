"""The ``dc_offset`` check sees an offset that drifts or steps within a take: its whole mean is
near 0, so before it passed and the take was refused for noise, hum and silence instead, with
advice to find a quieter room (trial h3 M2). Clean held-out speech, even at -1 dBFS peak, never
reads a local offset near the limit."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from datamill.modalities.speech.audio import measure_audio, run_audio_checks
from datamill.modalities.speech.schema import AudioFormat, SpeechAsrRequirements
from datamill.testing.heldout import HeldoutClip, heldout_speech
from datamill.testing.synth import espeak_available
from tests._tools import require_tool

SEEDS = (9008, 9022, 9021)  # Mandarin (the largest local means) twice, 8 kHz English


@pytest.fixture(scope="module")
def clips() -> list[HeldoutClip]:
    if not espeak_available():
        require_tool("espeak-ng is not installed (scripts/setup.sh installs it)")
    return [heldout_speech(seed) for seed in SEEDS]


def _dc(clip: HeldoutClip, y: np.ndarray, tmp_path: Path) -> tuple[bool, float, str | None]:
    req = SpeechAsrRequirements(audio=AudioFormat(
        sample_rate_hz=clip.sample_rate_hz, bit_depth=clip.bit_depth))  # type: ignore[arg-type]
    path = HeldoutClip(y.astype(np.float32), clip.sample_rate_hz, clip.bit_depth, "").write(
        tmp_path / "dc.wav")
    o = next(o for o in run_audio_checks(path, req) if o.name == "dc_offset")
    assert o.value is not None
    return o.passed, o.value, o.reason


def test_a_drifting_or_stepping_offset_is_refused_as_dc(clips: list[HeldoutClip],
                                                        tmp_path: Path) -> None:
    for clip in clips:
        x = clip.samples
        drift = x + np.linspace(0.15, -0.15, x.size, dtype=np.float32)
        passed, value, reason = _dc(clip, drift, tmp_path)
        assert not passed and abs(value) > 0.1, clip.description
        assert reason is not None and "drifts" in reason
        step = x + np.where(np.arange(x.size) < x.size // 2, 0.1, -0.1).astype(np.float32)
        passed, value, _ = _dc(clip, step, tmp_path)
        assert not passed and abs(value) == pytest.approx(0.1, abs=0.02), clip.description


def test_clean_takes_pass_even_loud(clips: list[HeldoutClip], tmp_path: Path) -> None:
    for clip in clips:
        loud = clip.samples / np.abs(clip.samples).max() * np.float32(10 ** (-1 / 20))
        m = measure_audio(loud, clip.sample_rate_hz)
        assert abs(m["dc_offset_local"]) < 0.02, clip.description
        assert _dc(clip, loud, tmp_path)[0]
        passed, value, reason = _dc(clip, loud + np.float32(0.08), tmp_path)  # a constant one
        assert not passed and value == pytest.approx(0.08, abs=0.005)
        assert reason is not None and "drifts" not in reason
