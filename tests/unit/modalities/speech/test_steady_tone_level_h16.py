"""A loud steady tone is no quiet take: no speech stands out of it, so its speech level reads
the -120 dBFS floor. Before, the level check refused it as "speech level -120.0 dBFS RMS is too
quiet ... raise the input gain" (the take reads -13.5 dBFS) and a TTS item stored -120 dBFS as
its speech level (the session check then called it 100 dB below its session). Now the SNR check
says no speech stands out of a steady sound, the level check does not judge, and a TTS item
has no speech level; silence is still too quiet."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf

from datamill.modalities.registry import get_modality
from datamill.modalities.speech.audio import run_audio_checks
from datamill.modalities.speech.schema import SpeechAsrRequirements
from datamill.testing.synth import make_tone


def test_a_loud_tone_is_not_called_too_quiet(tmp_path: Path) -> None:
    tone = make_tone(tmp_path / "tone.wav", duration_ms=1000)
    req = SpeechAsrRequirements.model_validate({"read_speech": False})
    failed = {o.name: o for o in run_audio_checks(tone, req) if not o.passed}
    assert "level" not in failed
    assert "steady sound: the whole take is -13.5 dBFS RMS" in str(failed["snr"].reason)
    assert "input gain" not in str(failed["snr"].reason)
    assert get_modality("speech.tts").describe(tone, {}, {}).model_dump()[
        "speech_level_dbfs"] is None

    silent = tmp_path / "silent.wav"
    sf.write(silent, np.zeros(16000, dtype=np.float32), 16000, subtype="PCM_16")
    failed = {o.name: o for o in run_audio_checks(silent, req) if not o.passed}
    assert "input gain" in str(failed["level"].reason)
