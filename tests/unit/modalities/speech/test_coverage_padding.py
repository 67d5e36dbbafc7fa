"""The coverage of a CJK prompt is measured over the take's speech, not its padding: its own
trim kept every frame within 35 dB of the loudest, so a whole reading on a room tone ~30 dB
under the speech, with 1.5 s of it either side, was more take than three times the reference
(no alignment path), read as ~2 % covered and refused as cut off (a Korean take in
``bench/checks_heldout_sox.py``)."""

from __future__ import annotations

from pathlib import Path

from datamill.modalities.speech.audio import run_audio_checks
from datamill.modalities.speech.prompt_rate import speaking_rate_outcome
from datamill.modalities.speech.schema import SpeechAsrRequirements
from datamill.testing.synth import espeak_available, synthesize
from tests._tools import require_tool


def test_a_whole_reading_in_room_tone_is_covered(tmp_path: Path) -> None:
    if not espeak_available():
        require_tool("espeak-ng is not installed; scripts/setup.sh installs it")
    prompt = "你好"
    take = synthesize(prompt, tmp_path / "t.wav", voice="cmn-latn-pinyin", lead_ms=1500,
                      trail_ms=1500, noise_dbfs=-42.0, seed=1)
    outcomes = run_audio_checks(take, SpeechAsrRequirements())
    out = speaking_rate_outcome(prompt, outcomes, take)
    assert out.passed, out.reason
    assert out.extra["coverage"] >= 0.84
