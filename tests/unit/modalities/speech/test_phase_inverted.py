"""Trial h12: a stereo take with one channel's polarity flipped cancels to silence when mixed
to mono, and was refused as "level -120.0 dBFS RMS is too quiet" (and "no speech stands out":
check the microphone), which sent the speaker back to a microphone that worked. Now the
``phase`` check names the cause (reason code ``phase_inverted``, English and zh-CN) and the
other checks measure one channel, so they pass where the take itself is good."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from datamill.cli._check_reasons import reason_lines
from datamill.config import get_settings
from datamill.modalities.base import CheckOutcome
from datamill.modalities.problem_words import word_reason
from datamill.modalities.speech.audio import run_audio_checks
from datamill.modalities.speech.schema import AudioFormat, SpeechAsrRequirements
from datamill.testing.heldout import HeldoutClip, heldout_speech
from datamill.testing.synth import espeak_available
from datamill.web.check_text import check_sentence
from datamill.web.i18n import translator
from tests._tools import require_tool


@pytest.fixture(scope="module")
def clip() -> HeldoutClip:
    if not espeak_available():
        require_tool("espeak-ng is not installed (scripts/setup.sh installs it)")
    return heldout_speech(9201)


def _checks(clip: HeldoutClip, stereo: np.ndarray, path: Path) -> dict[str, CheckOutcome]:
    sf.write(path, stereo, clip.sample_rate_hz, subtype="PCM_16")
    req = SpeechAsrRequirements(audio=AudioFormat(sample_rate_hz=clip.sample_rate_hz,
                                                  channels=2))
    return {o.name: o for o in run_audio_checks(path, req)}


def test_a_flipped_channel_is_refused_for_its_phase_not_as_silence(
        clip: HeldoutClip, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    x = clip.samples
    good = _checks(clip, np.stack([x, x * np.float32(0.9)], axis=1), tmp_path / "good.wav")
    assert all(o.passed for o in good.values()), {n: o.reason for n, o in good.items()
                                                   if not o.passed}
    out = _checks(clip, np.stack([x, -x], axis=1), tmp_path / "flipped.wav")
    phase = out["phase"]
    assert not phase.passed and phase.value == pytest.approx(-1.0, abs=0.01)
    assert phase.extra["reason_code"] == "phase_inverted"
    assert "channels 1 and 2 are phase-inverted" in str(phase.reason)
    assert "cancel to -120.0 dBFS" in str(phase.reason)
    failed = sorted(n for n, o in out.items() if not o.passed)
    assert failed == ["phase"]  # was level -120.0 dBFS, snr "check the microphone", silences
    record = {"name": "phase", "value": phase.value, "reason": phase.reason, "extra": phase.extra}
    zh = check_sentence(translator("zh-CN"), "zh-CN")(record)
    assert zh.startswith("声道 1+2 相位反转（相关系数 -1.00") and "-120.0 dBFS" in zh, zh
    # the CLI (datamill data items) words it from the same tables: it said "相位检查未通过"
    monkeypatch.setenv("DATAMILL_LANG", "zh-CN")
    get_settings.cache_clear()
    try:
        assert reason_lines([f"phase: {phase.reason}"], [record]) == [zh]
    finally:
        get_settings.cache_clear()
    coded = {**phase.extra, "value": phase.value}
    assert "phase-inverted" in (word_reason(coded, "en") or "")
    assert "相位反转" in (word_reason(coded, "zh-CN") or "")
