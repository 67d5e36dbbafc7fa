"""A float WAV holding NaN or infinite samples (a faulty export or effect chain) made every
measure NaN: its DC-offset check passed on NaN, the TTS checks raised ValueError, and on
PostgreSQL ``data check`` failed for the whole project ("Token "NaN" is invalid" inserting the
check results' JSON). Such a file is now undecodable (``audio_not_finite``, English and zh-CN):
refused at import, and its ``decodable`` check fails."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from datamill.modalities.problem_words import word_reason
from datamill.modalities.speech.audio import AudioDecodeError, probe_audio, run_audio_checks
from datamill.modalities.speech.schema import SpeechAsrRequirements
from datamill.modalities.tts.checks import run_tts_checks
from datamill.modalities.tts.schema import TtsRequirements


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_a_take_with_samples_that_are_not_numbers_is_undecodable(tmp_path: Path,
                                                                 bad: float) -> None:
    sr = 16000
    x = (0.3 * np.sin(2 * np.pi * 200 * np.arange(sr) / sr)).astype(np.float32)
    x[100:110] = bad
    path = tmp_path / "take.wav"
    sf.write(path, x, sr, subtype="FLOAT")
    with pytest.raises(AudioDecodeError, match="10 samples that are not numbers") as err:
        probe_audio(path)
    assert err.value.details["reason_code"] == "audio_not_finite"
    zh = word_reason(err.value.details, "zh-CN")
    assert zh is not None and "10 个采样值不是数字" in zh
    for outcomes in (run_audio_checks(path, SpeechAsrRequirements()),
                     run_tts_checks(path, TtsRequirements())):
        assert [o.name for o in outcomes if not o.passed] == ["decodable"]
    sf.write(path, np.nan_to_num(x, posinf=0.0), sr, subtype="FLOAT")  # the same, all numbers
    assert probe_audio(path).frames == sr
