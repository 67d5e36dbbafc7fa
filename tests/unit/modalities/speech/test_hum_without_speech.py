"""The hum check compares the hum with the speech; on a take with no speech it said "mains
hum ... 27.2 dB below the speech" with the speech at -120 dBFS. It is not judged then (the snr
check rejects the take), and still judged where speech stands out."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf

from datamill.modalities.speech.audio import run_audio_checks
from datamill.modalities.speech.schema import SpeechAsrRequirements

_SR = 16000


def _take(path: Path, with_burst: bool) -> Path:
    t = np.arange(_SR * 3) / _SR
    rng = np.random.default_rng(0)
    x = 0.01 * np.sin(2 * np.pi * 50 * t) + 0.003 * rng.standard_normal(t.size)
    if with_burst:  # a loud stretch in the middle stands out as speech
        x[_SR : 2 * _SR] += 0.05 * rng.standard_normal(_SR)
    sf.write(path, x.astype(np.float32), _SR, subtype="PCM_16")
    return path


def test_hum_is_not_judged_against_speech_that_is_not_there(tmp_path: Path) -> None:
    req = SpeechAsrRequirements.model_validate({"read_speech": False})
    out = {o.name: o for o in run_audio_checks(_take(tmp_path / "hum.wav", False), req)}
    assert not out["snr"].passed and out["snr"].extra["speech_dbfs"] == -120.0
    assert out["hum"].passed and out["hum"].value is None and out["hum"].reason is None
    assert out["hum"].extra["no_speech"] is True
    spoken = {o.name: o for o in run_audio_checks(_take(tmp_path / "spoken.wav", True), req)}
    assert spoken["snr"].extra["speech_dbfs"] > -60
    assert not spoken["hum"].passed and "below the speech" in (spoken["hum"].reason or "")
