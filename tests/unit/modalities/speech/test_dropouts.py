"""The ``dropouts`` check: digital zero (or one held value) inside the speech is a recorder or
transmission fault and is refused; digital silence a noise gate leaves in the pauses, or before
and after the speech, is not a dropout (trial h3: 100 ms of zeros every 500 ms passed every
check)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from datamill.modalities.speech.audio import measure_audio, run_audio_checks
from datamill.modalities.speech.schema import AudioFormat, SpeechAsrRequirements
from datamill.testing.heldout import HeldoutClip, heldout_speech, noise_gate
from datamill.testing.synth import espeak_available
from datamill.web.i18n import EN, ZH_CN
from tests._tools import require_tool

SEEDS = (9201, 9202, 9204, 9210)  # 8 kHz white noise; two gated takes; 48 kHz pink


@pytest.fixture(scope="module")
def clips() -> list[HeldoutClip]:
    if not espeak_available():
        require_tool("espeak-ng is not installed (scripts/setup.sh installs it)")
    return [heldout_speech(seed) for seed in SEEDS]


def _dropouts(x: np.ndarray, sr: int) -> float:
    return measure_audio(x, sr)["dropouts"]


def _loudest(x: np.ndarray, sr: int) -> int:
    """Start of the loudest 10 ms (a dropout there cuts a word)."""
    f = sr // 100
    k = x.size // f
    return int(np.argmax((x[: k * f].reshape(k, f) ** 2).mean(axis=1))) * f


def test_clean_and_gated_takes_have_no_dropouts(clips: list[HeldoutClip]) -> None:
    for clip in clips:
        assert _dropouts(clip.samples, clip.sample_rate_hz) == 0, clip.description
    assert sum("gated" in c.description for c in clips) == 2
    for clip in clips:  # faster gates fade to their zeros all the same
        for below_peak_db, fade_ms in ((40.0, 2.0), (45.0, 1.0), (35.0, 5.0)):
            gated = noise_gate(clip.samples, clip.sample_rate_hz, below_peak_db=below_peak_db,
                               fade_ms=fade_ms)
            assert _dropouts(gated, clip.sample_rate_hz) == 0, (clip.description, below_peak_db)


def test_zeros_every_500_ms_are_refused(clips: list[HeldoutClip], tmp_path: Path) -> None:
    for clip in clips:
        x, sr = clip.samples, clip.sample_rate_hz
        broken = np.where(np.arange(x.size) % (sr // 2) >= sr // 10, x, np.float32(0))
        req = SpeechAsrRequirements(audio=AudioFormat(
            sample_rate_hz=sr, bit_depth=clip.bit_depth))  # type: ignore[arg-type]
        outcomes = {o.name: o for o in run_audio_checks(
            HeldoutClip(broken, sr, clip.bit_depth, "").write(tmp_path / "b.wav"), req)}
        dropouts = outcomes["dropouts"]
        assert not dropouts.passed, clip.description
        assert dropouts.value is not None and dropouts.value >= 1
        assert dropouts.reason is not None and "dropout" in dropouts.reason
        assert dropouts.extra["dropout_ms"] >= 100


def test_a_tts_take_with_dropouts_is_refused(clips: list[HeldoutClip], tmp_path: Path) -> None:
    from datamill.modalities.tts.checks import run_tts_checks
    from datamill.modalities.tts.schema import TtsRequirements

    clip = clips[3]
    x, sr = clip.samples, clip.sample_rate_hz
    req = TtsRequirements(audio=AudioFormat(
        sample_rate_hz=sr, bit_depth=clip.bit_depth))  # type: ignore[arg-type]
    clean = {o.name: o for o in run_tts_checks(clip.write(tmp_path / "c.wav"), req)}
    assert clean["dropouts"].passed
    broken = np.where(np.arange(x.size) % (sr // 2) >= sr // 10, x, np.float32(0))
    outcomes = {o.name: o for o in run_tts_checks(
        HeldoutClip(broken, sr, clip.bit_depth, "").write(tmp_path / "b.wav"), req)}
    assert not outcomes["dropouts"].passed


def test_one_short_dropout_is_refused_with_or_without_dc(clips: list[HeldoutClip]) -> None:
    for clip in clips:
        x, sr = clip.samples.copy(), clip.sample_rate_hz
        mid, gap = _loudest(x, sr), sr // 50  # 20 ms
        zero = x.copy()
        zero[mid : mid + gap] = 0.0
        assert _dropouts(zero, sr) == 1, clip.description
        offset = x + np.float32(0.02)  # digital zero in a take with a DC offset
        offset[mid : mid + gap] = 0.0
        assert _dropouts(offset, sr) == 1, clip.description


def test_a_very_quiet_take_quantised_to_runs_of_one_code_has_none(
        clips: list[HeldoutClip], tmp_path: Path) -> None:
    """At -45 dBFS peak a 16-bit take's pauses are runs of one code next to speech a few codes
    loud (seed 9017 read one dropout); a dropout in its loudest word is still one."""
    for n, clip in enumerate([heldout_speech(9017), *clips]):
        x, sr = clip.samples, clip.sample_rate_hz
        quiet = (x / np.abs(x).max() * np.float32(10 ** (-45 / 20))).astype(np.float32)
        req = SpeechAsrRequirements(audio=AudioFormat(sample_rate_hz=sr), min_rms_dbfs=-80.0)
        path = HeldoutClip(quiet, sr, 16, "").write(tmp_path / "q.wav")
        assert {o.name: o for o in run_audio_checks(path, req)}["dropouts"].passed, n
        if n in (1, 4):  # speech well above the 16-code floor (the gated takes are not)
            mid = _loudest(quiet, sr)
            quiet[mid : mid + sr // 50] = 0.0
            path = HeldoutClip(quiet, sr, 16, "").write(tmp_path / "q.wav")
            assert not {o.name: o for o in run_audio_checks(path, req)}["dropouts"].passed, n


def test_the_limits_are_the_specs(clips: list[HeldoutClip]) -> None:
    clip = clips[0]
    x, sr = clip.samples.copy(), clip.sample_rate_hz
    mid = _loudest(x, sr)
    x[mid : mid + sr // 250] = 0.0  # 4 ms: under the default 5 ms
    assert measure_audio(x, sr)["dropouts"] == 0
    assert measure_audio(x, sr, min_dropout_ms=3.0)["dropouts"] == 1
    lenient = SpeechAsrRequirements(max_dropouts=2)
    assert lenient.max_dropouts == 2 and SpeechAsrRequirements().max_dropouts == 0


def test_digital_silence_around_the_speech_and_clipped_tops_are_not_dropouts(
        clips: list[HeldoutClip]) -> None:
    clip = clips[1]
    x, sr = clip.samples, clip.sample_rate_hz
    padded = np.concatenate([np.zeros(sr, np.float32), x, np.zeros(sr, np.float32)])
    assert _dropouts(padded, sr) == 0
    clipped = np.clip(x / np.abs(x).max() * 8, -0.5, 0.5).astype(np.float32)
    assert _dropouts(clipped, sr) == 0


def test_the_check_is_worded_in_both_catalogues() -> None:
    for catalogue in (EN, ZH_CN):
        assert "check.name.dropouts" in catalogue
        assert "{value" in catalogue["check.fail.dropouts"]
        assert "collect.fix.dropouts" in catalogue
    assert "您" in ZH_CN["collect.fix.dropouts"]
