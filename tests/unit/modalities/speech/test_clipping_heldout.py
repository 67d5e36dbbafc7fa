"""The clipping check on held-out speech (voices, languages, rates and levels the demo never
uses): a take clipped and then turned down has flat tops below full scale, and is clipped all
the same; clean takes, quiet ones and low tones at high rates are not."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from datamill.modalities.speech.audio import measure_audio, run_audio_checks
from datamill.modalities.speech.schema import AudioFormat, SpeechAsrRequirements
from datamill.testing.heldout import HeldoutClip, clip_then_attenuate, heldout_speech
from datamill.testing.synth import espeak_available
from tests._tools import require_tool

SEEDS = range(9100, 9108)  # never used by the demo or the calibration


@pytest.fixture(scope="module")
def clips() -> list[HeldoutClip]:
    if not espeak_available():
        require_tool("espeak-ng is not installed (scripts/setup.sh installs it)")
    return [heldout_speech(seed) for seed in SEEDS]


def _clipping(path: Path, clip: HeldoutClip) -> tuple[bool, float]:
    req = SpeechAsrRequirements(audio=AudioFormat(
        sample_rate_hz=clip.sample_rate_hz, bit_depth=clip.bit_depth))  # type: ignore[arg-type]
    outcome = next(o for o in run_audio_checks(path, req) if o.name == "clipping")
    assert outcome.value is not None
    return outcome.passed, outcome.value


@pytest.mark.parametrize(("drive", "after_db"), [(4.0, -6.0), (2.0, -3.0), (8.0, -12.0)])
def test_clipped_then_turned_down_reads_as_clipped_at_full_scale(
        clips: list[HeldoutClip], tmp_path: Path, drive: float, after_db: float) -> None:
    """Turned down after the clip, a take measures (nearly) the share it had at full scale,
    and a take driven x4 or x8 fails the check either way."""
    for i, clip in enumerate(clips):
        full = HeldoutClip(clip_then_attenuate(clip.samples, drive=drive, after_db=0.0),
                           clip.sample_rate_hz, clip.bit_depth, clip.description)
        down = HeldoutClip(clip_then_attenuate(clip.samples, drive=drive, after_db=after_db),
                           clip.sample_rate_hz, clip.bit_depth, clip.description)
        passed_full, ratio_full = _clipping(full.write(tmp_path / f"full{i}.wav"), full)
        passed, ratio = _clipping(down.write(tmp_path / f"down{i}.wav"), down)
        assert ratio == pytest.approx(ratio_full, rel=0.25), clip.description
        assert passed == passed_full, clip.description
        if drive >= 4:
            assert not passed, f"{clip.description}: clipping {ratio:.4%} passed"


def test_clean_heldout_takes_are_not_clipped(clips: list[HeldoutClip], tmp_path: Path) -> None:
    for i, clip in enumerate(clips):
        passed, ratio = _clipping(clip.write(tmp_path / f"clean{i}.wav"), clip)
        assert passed and ratio == 0.0, f"{clip.description}: clipping {ratio:.4%}"


@pytest.mark.parametrize("rate", [16000, 48000])
@pytest.mark.parametrize("freq", [50.0, 120.0, 440.0])
def test_steady_tones_have_no_flat_tops(tmp_path: Path, rate: int, freq: float) -> None:
    """A sine's rounded peaks repeat the same 16-bit code for a few samples every period: that
    is not a plateau with steep edges."""
    t = np.arange(rate * 2) / rate
    path = tmp_path / "tone.wav"
    sf.write(path, (0.3 * np.sin(2 * np.pi * freq * t)).astype(np.float32), rate,
             subtype="PCM_16")
    data, _ = sf.read(path, dtype="int16")
    assert measure_audio(data, rate)["clipping_ratio"] == 0.0


def test_quiet_integer_take_is_not_clipped(clips: list[HeldoutClip]) -> None:
    """At -40 dBFS a 16-bit take has few codes near its peak; repeats there are not clipping."""
    for clip in clips:
        x = clip.samples / np.abs(clip.samples).max() * 0.01
        pcm = np.round(x * 32767).astype(np.int16)
        assert measure_audio(pcm, clip.sample_rate_hz)["clipping_ratio"] == 0.0, clip.description
