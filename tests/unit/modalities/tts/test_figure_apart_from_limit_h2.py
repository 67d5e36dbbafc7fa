"""A take just past a limit was refused with a figure that read as the limit: "noise floor -60.0
dBFS in the pauses between the words, spec allows at most -60.0 dBFS" (measured -59.96, a
trial's espeak-ng take of 今天天气很好。), a refusal that contradicts itself. The figure now
has as many decimals as it takes to differ from the limit (the TTS noise floor and level
deviation, the speech SNR, level and hum)."""

from __future__ import annotations

import re
from pathlib import Path

from datamill.modalities.speech.audio import run_audio_checks
from datamill.modalities.speech.schema import SpeechAsrRequirements
from datamill.modalities.tts.checks import measure_file, run_tts_checks
from datamill.modalities.tts.schema import TtsRequirements
from datamill.testing.synth import espeak_available, synthesize
from tests._tools import require_tool


def _figures(reason: str) -> list[str]:
    return re.findall(r"-?\d+\.\d+", reason)


def test_noise_floor_and_snr_read_apart_from_their_limits(tmp_path: Path) -> None:
    if not espeak_available():
        require_tool("espeak-ng is not installed")
    take = synthesize("the quick brown fox jumps over the lazy dog", tmp_path / "a.wav",
                      sample_rate_hz=22050, seed=7)
    floor = measure_file(take)["noise_floor_dbfs"]
    limit = floor - 0.001
    assert f"{floor:.1f}" == f"{limit:.1f}"  # one decimal reads as the limit
    failed = {o.name: o for o in run_tts_checks(take, TtsRequirements(
        max_noise_floor_dbfs=limit)) if not o.passed}
    said, allowed = _figures(str(failed["noise_floor"].reason))[:2]
    assert said != allowed and float(said) > float(allowed), failed["noise_floor"].reason

    snr = next(o for o in run_audio_checks(take, SpeechAsrRequirements(
        audio={"sample_rate_hz": 22050})) if o.name == "snr").value
    assert snr is not None
    low = {o.name: o for o in run_audio_checks(take, SpeechAsrRequirements(
        audio={"sample_rate_hz": 22050}, min_snr_db=snr + 0.001)) if not o.passed}
    reason = str(low["snr"].reason)
    figures = _figures(reason)
    assert figures[0] != figures[-1] and float(figures[0]) < float(figures[-1]), reason
