"""Issue 12 §1: the SNR estimate read 4-5 dB high (a true 11 dB passed a 15 dB gate) and 50 Hz
hum 20 dB below the speech passed every check.

Speech from espeak-ng, noise and hum mixed at known levels (``datamill.testing.noise``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from datamill.modalities.speech.audio import measure_audio, run_audio_checks
from datamill.modalities.speech.schema import SpeechAsrRequirements
from datamill.testing import noise as nz
from datamill.testing.sentences import SENTENCES
from datamill.testing.synth import VOICES, espeak_available, synthesize
from tests._tools import require_tool

SR = 16000
REQ = SpeechAsrRequirements()


@pytest.fixture(autouse=True)
def _espeak() -> None:
    if not espeak_available():
        require_tool("espeak-ng is not installed (scripts/setup.sh installs it)")


@pytest.fixture(scope="module")
def speech(tmp_path_factory: pytest.TempPathFactory) -> list[np.ndarray]:
    """One clean utterance per voice (different sentences), no noise floor."""
    tmp = tmp_path_factory.mktemp("speech")
    out = []
    for i, (voice, _) in enumerate(VOICES):
        path = synthesize(SENTENCES[i], tmp / f"{i}.wav", voice=voice, noise_dbfs=None,
                          subtype="FLOAT")
        out.append(np.asarray(sf.read(path, dtype="float32")[0], dtype=np.float32))
    return out


@pytest.fixture(scope="module")
def babble(tmp_path_factory: pytest.TempPathFactory) -> list[np.ndarray]:
    tmp = tmp_path_factory.mktemp("babble")
    talkers = []
    for i in range(4):
        voice = VOICES[(i + 2) % len(VOICES)][0]
        path = synthesize(SENTENCES[-1 - i], tmp / f"{i}.wav", voice=voice, noise_dbfs=None)
        talkers.append(np.asarray(sf.read(path, dtype="float32")[0], dtype=np.float32))
    return talkers


def _noise(kind: str, n: int, seed: int, talkers: list[np.ndarray]) -> np.ndarray:
    if kind == "white":
        return nz.white_noise(n, seed)
    if kind == "pink":
        return nz.pink_noise(n, seed)
    return nz.babble_noise(talkers, n, seed)


def _write(path: Path, x: np.ndarray) -> Path:
    sf.write(path, np.clip(x, -1.0, 1.0), SR, subtype="PCM_16")
    return path


@pytest.mark.parametrize("kind", ["white", "pink", "babble"])
@pytest.mark.parametrize("true_snr", [5.0, 11.0, 20.0, 25.0])
def test_snr_estimate_is_within_2_db(
    speech: list[np.ndarray], babble: list[np.ndarray], kind: str, true_snr: float
) -> None:
    for i, clean in enumerate(speech[:3]):
        x = nz.mix_at_snr(clean, _noise(kind, clean.size, i, babble), true_snr, SR)
        assert measure_audio(x, SR)["snr_db"] == pytest.approx(true_snr, abs=2.0)


def test_true_11_db_fails_a_15_db_gate(
    tmp_path: Path, speech: list[np.ndarray], babble: list[np.ndarray]
) -> None:
    for i, clean in enumerate(speech):
        for kind in ("white", "pink", "babble"):
            x = nz.mix_at_snr(clean, _noise(kind, clean.size, i, babble), 11.0, SR)
            snr = {o.name: o for o in run_audio_checks(_write(tmp_path / "n.wav", x), REQ)}["snr"]
            assert not snr.passed, (i, kind, snr.value)
            assert snr.value is not None and 9.0 <= snr.value <= 13.0
            assert snr.reason is not None and "background noise" in snr.reason
            assert snr.extra["noise_dbfs"] < snr.extra["speech_dbfs"]


@pytest.mark.parametrize("mains_hz", [50.0, 60.0])
def test_hum_20_db_below_speech_is_caught(
    tmp_path: Path, speech: list[np.ndarray], mains_hz: float
) -> None:
    rng = np.random.default_rng(7)
    for i, clean in enumerate(speech):
        floor = clean + rng.normal(0.0, 1e-3, clean.size).astype(np.float32)
        x = nz.add_hum(floor, SR, mains_hz=mains_hz, level_db=-20.0, seed=i)
        outcomes = run_audio_checks(_write(tmp_path / "hum.wav", x), REQ)
        hum = {o.name: o for o in outcomes}["hum"]
        assert not hum.passed
        assert hum.value == pytest.approx(-20.0, abs=1.5)
        assert hum.extra["hum_hz"] == mains_hz
        assert hum.reason is not None and f"{mains_hz:.0f} Hz" in hum.reason
        # the hum is not noise the SNR check would have caught
        assert {o.name for o in outcomes if not o.passed} == {"hum"}


def test_hum_without_pauses_is_caught(speech: list[np.ndarray]) -> None:
    for i, clean in enumerate(speech):
        loud = np.flatnonzero(np.abs(clean) > 0.05 * float(np.abs(clean).max()))
        trimmed = clean[loud[0] : loud[-1] + 1]
        assert measure_audio(trimmed, SR)["hum_db"] < REQ.max_hum_db
        x = nz.add_hum(trimmed, SR, mains_hz=50.0, level_db=-20.0, seed=i)
        m = measure_audio(x, SR)
        assert m["hum_db"] > REQ.max_hum_db
        assert m["hum_in_pauses"] == 0.0


def test_clean_and_noisy_speech_has_no_hum(
    speech: list[np.ndarray], babble: list[np.ndarray]
) -> None:
    rejected = []
    for i, clean in enumerate(speech):
        variants = [clean + np.float32(1e-3) * nz.white_noise(clean.size, i)]
        variants += [nz.mix_at_snr(clean, _noise(k, clean.size, i, babble), 20.0, SR)
                     for k in ("white", "pink", "babble")]
        rejected += [(i, j) for j, x in enumerate(variants)
                     if measure_audio(x, SR)["hum_db"] > REQ.max_hum_db]
    assert rejected == []


def test_hum_threshold_comes_from_the_spec(tmp_path: Path, speech: list[np.ndarray]) -> None:
    x = nz.add_hum(speech[0] + np.float32(1e-3) * nz.white_noise(speech[0].size, 1), SR,
                   mains_hz=50.0, level_db=-40.0)
    path = _write(tmp_path / "faint.wav", x)
    assert {o.name: o for o in run_audio_checks(path, REQ)}["hum"].passed
    strict = SpeechAsrRequirements(max_hum_db=-50.0)
    assert not {o.name: o for o in run_audio_checks(path, strict)}["hum"].passed
