"""Audio probe and automatic ASR audio checks, on real files made with espeak-ng and soundfile."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from hypothesis import given, settings
from hypothesis import strategies as st

from datamill.core.errors import InvalidInput, NotFound
from datamill.modalities.base import CheckOutcome
from datamill.modalities.speech.audio import (
    AudioDecodeError,
    AudioProbe,
    measure_audio,
    probe_audio,
    run_audio_checks,
)
from datamill.modalities.speech.schema import SpeechAsrRequirements
from datamill.testing.synth import VOICES, espeak_available, make_clipped, make_silent, synthesize
from tests._tools import require_tool


@pytest.fixture(autouse=True)
def _espeak() -> None:
    if not espeak_available():
        require_tool("espeak-ng is not installed (scripts/setup.sh installs it)")

TEXT = "The quick brown fox jumps over the lazy dog near the river bank."
CHECK_NAMES = [
    "decodable",
    "format",
    "duration",
    "clipping",
    "level",
    "snr",
    "hum",
    "leading_silence",
    "trailing_silence",
    "dc_offset",
    "dropouts",
]
REQ = SpeechAsrRequirements()


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("audio")


@pytest.fixture(scope="module")
def good_wav(media: Path) -> Path:
    return synthesize(TEXT, media / "good.wav")


def _by_name(outcomes: list[CheckOutcome]) -> dict[str, CheckOutcome]:
    return {o.name: o for o in outcomes}


def _failed(outcomes: list[CheckOutcome]) -> set[str]:
    return {o.name for o in outcomes if not o.passed}


def _read(path: Path) -> tuple[np.ndarray, int]:
    data, sr = sf.read(path, dtype="float32")
    return np.asarray(data, dtype=np.float32), int(sr)


# --------------------------------------------------------------------------- good speech


@pytest.mark.parametrize(("voice", "gender"), VOICES)
def test_good_speech_passes_every_check(media: Path, voice: str, gender: str) -> None:
    path = synthesize(TEXT, media / f"voice_{voice.replace('+', '_')}.wav", voice=voice)
    outcomes = run_audio_checks(path, REQ)
    assert [o.name for o in outcomes] == CHECK_NAMES
    assert _failed(outcomes) == set(), [o.reason for o in outcomes if not o.passed]
    assert all(o.value is not None for o in outcomes)
    assert all(o.reason is None for o in outcomes)


def test_short_good_utterance_passes(media: Path) -> None:
    path = synthesize("Yes.", media / "yes.wav")
    assert _failed(run_audio_checks(path, REQ)) == set()


def test_good_speech_measurements_are_plausible(good_wav: Path) -> None:
    m = measure_audio(*_read(good_wav))
    assert m["clipping_ratio"] == 0.0
    assert -35.0 < m["rms_dbfs"] < -15.0
    assert m["snr_db"] > 30.0  # speech against synth's -60 dBFS noise floor
    assert 250.0 <= m["leading_silence_ms"] <= 400.0  # synthesize() adds 300 ms
    assert 250.0 <= m["trailing_silence_ms"] <= 1000.0  # 300 ms + espeak's own tail
    assert abs(m["dc_offset"]) < 0.01
    assert m["peak_dbfs"] <= 0.0


def test_probe_describes_the_file(good_wav: Path) -> None:
    info = sf.info(str(good_wav))
    probe = probe_audio(good_wav)
    assert probe == AudioProbe(
        sample_rate_hz=16000,
        channels=1,
        bit_depth=16,
        subtype="PCM_16",
        format="WAV",
        frames=info.frames,
        duration_ms=round(info.frames * 1000 / 16000),
    )


def test_values_are_stored_for_passing_checks(good_wav: Path) -> None:
    by = _by_name(run_audio_checks(good_wav, REQ))
    assert by["format"].value == 16000.0
    assert by["format"].extra["channels"] == 1
    assert by["duration"].value == float(probe_audio(good_wav).duration_ms)
    assert by["level"].value is not None and by["level"].value < 0
    assert "peak_dbfs" in by["clipping"].extra


# --------------------------------------------------------------------------- bad audio


def test_clipped_file_fails_clipping(media: Path, good_wav: Path) -> None:
    path = make_clipped(good_wav, media / "clipped.wav")
    by = _by_name(run_audio_checks(path, REQ))
    assert not by["clipping"].passed
    assert by["clipping"].value is not None and by["clipping"].value > REQ.max_clipping_ratio
    assert by["clipping"].reason is not None and "clipped" in by["clipping"].reason


def test_silent_file_fails_snr_and_level(media: Path) -> None:
    path = make_silent(media / "silent.wav")
    outcomes = run_audio_checks(path, REQ)
    failed = _failed(outcomes)
    assert {"snr", "level"} <= failed
    assert "decodable" not in failed and "format" not in failed
    # the advice fits a silent file (a trial user was told to find a quieter room)
    snr = _by_name(outcomes)["snr"].reason or ""
    assert "no speech stands out" in snr and "quieter place" not in snr


def test_8khz_file_fails_format(media: Path) -> None:
    path = synthesize(TEXT, media / "narrow.wav", sample_rate_hz=8000)
    by = _by_name(run_audio_checks(path, REQ))
    assert not by["format"].passed
    assert by["format"].reason == "sample rate 8000 Hz, spec requires 16000 Hz"
    assert by["format"].value == 8000.0


def test_stereo_file_fails_format(media: Path, good_wav: Path) -> None:
    data, sr = _read(good_wav)
    path = media / "stereo.wav"
    sf.write(path, np.stack([data, data], axis=1), sr, subtype="PCM_16")
    outcomes = run_audio_checks(path, REQ)
    by = _by_name(outcomes)
    assert not by["format"].passed
    assert by["format"].reason == "2 channels, spec requires 1"
    assert _failed(outcomes) == {"format"}  # measured on the mix-down, otherwise fine


def test_24_bit_file_fails_format(media: Path, good_wav: Path) -> None:
    data, sr = _read(good_wav)
    path = media / "deep.wav"
    sf.write(path, data, sr, subtype="PCM_24")
    by = _by_name(run_audio_checks(path, REQ))
    assert by["format"].reason == "bit depth 24-bit, spec requires 16-bit"


def test_too_short_file_fails_duration(media: Path, good_wav: Path) -> None:
    data, sr = _read(good_wav)
    path = media / "short.wav"
    sf.write(path, data[sr // 2 : sr // 2 + sr // 5], sr, subtype="PCM_16")  # 200 ms of speech
    by = _by_name(run_audio_checks(path, REQ))
    assert by["duration"].value == 200.0
    assert not by["duration"].passed
    assert by["duration"].reason == "duration 200 ms, spec requires at least 500 ms"


def test_long_leading_silence_fails(media: Path) -> None:
    path = synthesize(TEXT, media / "late.wav", lead_ms=3000)
    by = _by_name(run_audio_checks(path, REQ))
    assert not by["leading_silence"].passed
    assert by["leading_silence"].value == pytest.approx(3000.0, abs=60.0)
    assert by["trailing_silence"].passed
    assert by["leading_silence"].reason is not None
    assert "at most 2000 ms" in by["leading_silence"].reason


def test_long_trailing_silence_fails(media: Path) -> None:
    path = synthesize(TEXT, media / "tail.wav", trail_ms=3000)
    failed = _failed(run_audio_checks(path, REQ))
    assert failed == {"trailing_silence"}


def test_lone_click_in_leading_silence_is_ignored(media: Path) -> None:
    path = synthesize(TEXT, media / "click_src.wav", lead_ms=3000)
    data, sr = _read(path)
    data[sr // 2 : sr // 2 + 40] = 0.8  # a 2.5 ms button click
    clicked = media / "click.wav"
    sf.write(clicked, data, sr, subtype="PCM_16")
    lead = _by_name(run_audio_checks(clicked, REQ))["leading_silence"]
    assert lead.value is not None and lead.value > 2900.0


def test_dc_offset_file_fails_dc_offset(media: Path, good_wav: Path) -> None:
    data, sr = _read(good_wav)
    path = media / "dc.wav"
    sf.write(path, np.clip(data + 0.2, -1.0, 1.0), sr, subtype="PCM_16")
    outcomes = run_audio_checks(path, REQ)
    by = _by_name(outcomes)
    assert not by["dc_offset"].passed
    assert by["dc_offset"].value == pytest.approx(0.2, abs=0.01)
    # The offset is removed before the other measurements, so only this check fails.
    assert _failed(outcomes) == {"dc_offset"}


def test_thresholds_come_from_the_requirements(good_wav: Path) -> None:
    strict = SpeechAsrRequirements(min_snr_db=80.0, max_leading_silence_ms=100, min_rms_dbfs=-10.0)
    failed = _failed(run_audio_checks(good_wav, strict))
    assert failed == {"snr", "leading_silence", "level"}


def test_8_bit_full_scale_counts_as_clipped(tmp_path: Path) -> None:
    n = 16000
    data = np.zeros(n, dtype=np.float32)
    data[:400] = 1.0  # positive full scale in 8 bit is 127/128, below 0.999
    path = tmp_path / "u8.wav"
    sf.write(path, data, 16000, subtype="PCM_U8")
    by = _by_name(run_audio_checks(path, REQ))
    assert by["clipping"].value == pytest.approx(400 / n)


# --------------------------------------------------------------------------- undecodable


def _empty(path: Path, good: Path) -> Path:
    path.write_bytes(b"")
    return path


def _text(path: Path, good: Path) -> Path:
    path.write_text("this is a transcript, not a recording\n", encoding="utf-8")
    return path


def _truncated_wav(path: Path, good: Path) -> Path:
    raw = good.read_bytes()
    path.write_bytes(raw[: len(raw) // 2])
    return path


def _header_only_wav(path: Path, good: Path) -> Path:
    path.write_bytes(good.read_bytes()[:44])
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_empty, "file is empty (0 bytes)"),
        (_text, "file is not decodable audio: Format not recognised."),
        (_truncated_wav, "file is truncated: the WAV header declares"),
        (_header_only_wav, "file is truncated: the WAV header declares"),
    ],
)
def test_undecodable_files(tmp_path: Path, good_wav: Path, make: object, message: str) -> None:
    assert callable(make)
    path = make(tmp_path / "bad.wav", good_wav)
    with pytest.raises(AudioDecodeError) as info:
        probe_audio(path)
    assert str(info.value).startswith(message)
    assert isinstance(info.value, InvalidInput)

    outcomes = run_audio_checks(path, REQ)
    assert len(outcomes) == 1
    assert outcomes[0].name == "decodable"
    assert not outcomes[0].passed
    assert outcomes[0].reason is not None and outcomes[0].reason.startswith(message)


def test_truncated_flac_is_not_decodable(tmp_path: Path, good_wav: Path) -> None:
    data, sr = _read(good_wav)
    flac = tmp_path / "good.flac"
    sf.write(flac, data, sr, subtype="PCM_16")
    assert _failed(run_audio_checks(flac, REQ)) == set()
    raw = flac.read_bytes()
    cut = tmp_path / "cut.flac"
    cut.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(AudioDecodeError):
        probe_audio(cut)
    assert _failed(run_audio_checks(cut, REQ)) == {"decodable"}


def test_missing_file_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(NotFound):
        probe_audio(tmp_path / "nope.wav")


# --------------------------------------------------------------------------- measure_audio


def test_full_scale_sine_levels() -> None:
    t = np.arange(16000) / 16000
    sine = np.sin(2 * np.pi * 440 * t).astype(np.float32) * np.float32(0.5)
    m = measure_audio(sine, 16000)
    assert m["rms_dbfs"] == pytest.approx(-9.03, abs=0.05)
    assert m["peak_dbfs"] == pytest.approx(-6.02, abs=0.05)
    assert m["clipping_ratio"] == 0.0
    assert m["leading_silence_ms"] == 0.0 and m["trailing_silence_ms"] == 0.0


def test_integer_and_stereo_input() -> None:
    rng = np.random.default_rng(3)
    x = (rng.normal(0, 0.1, 8000)).astype(np.float32)
    ints = np.round(x * 32768).astype(np.int16)
    assert measure_audio(ints, 16000)["rms_dbfs"] == pytest.approx(
        measure_audio(x, 16000)["rms_dbfs"], abs=0.01
    )
    stereo = np.stack([x, x], axis=1)
    assert measure_audio(stereo, 16000)["snr_db"] == pytest.approx(
        measure_audio(x, 16000)["snr_db"], abs=1e-6
    )
    before = x.copy()
    measure_audio(x, 16000)
    np.testing.assert_array_equal(x, before)  # the caller's array is never modified


def test_measure_audio_rejects_bad_input() -> None:
    with pytest.raises(InvalidInput):
        measure_audio(np.zeros(10, dtype=np.float32), 0)
    with pytest.raises(InvalidInput):
        measure_audio(np.zeros((2, 2, 2), dtype=np.float32), 16000)


def _burst_signal(seed: int, n: int, noise_db: float, start: float, length: float) -> np.ndarray:
    """Gaussian noise at ``noise_db`` dBFS with a louder noise burst (a stand-in for speech)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(0.0, 10 ** (noise_db / 20), n)
    a = int(start * n)
    b = min(n, a + max(1, int(length * n)))
    x[a:b] += rng.normal(0.0, 0.2, b - a)
    return np.clip(x, -1.0, 1.0).astype(np.float32)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**16),
    n=st.integers(0, 40000),
    noise_db=st.floats(-90.0, -20.0),
    start=st.floats(0.0, 1.0),
    length=st.floats(0.0, 1.0),
    sr=st.sampled_from([8000, 16000, 44100]),
)
def test_measure_audio_invariants(
    seed: int, n: int, noise_db: float, start: float, length: float, sr: int
) -> None:
    x = _burst_signal(seed, n, noise_db, start, length)
    m = measure_audio(x, sr)
    duration_ms = n * 1000 / sr
    assert 0.0 <= m["clipping_ratio"] <= 1.0
    assert m["snr_db"] >= 0.0
    assert m["rms_dbfs"] <= m["peak_dbfs"] + 1e-6 or n == 0
    assert m["peak_dbfs"] <= 0.0 + 1e-6
    lead, trail = m["leading_silence_ms"], m["trailing_silence_ms"]
    assert 0.0 <= lead <= duration_ms + 1e-9
    assert 0.0 <= trail <= duration_ms + 1e-9
    assert lead + trail <= duration_ms + 1e-9 or lead == trail == pytest.approx(duration_ms)
    assert all(np.isfinite(v) for v in m.values())


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**16),
    noise_db=st.floats(-70.0, -30.0),
    start=st.floats(0.0, 0.8),
    gain=st.floats(0.02, 1.0),
    offset=st.floats(-0.05, 0.05),
)
def test_snr_and_silence_ignore_gain_and_dc(
    seed: int, noise_db: float, start: float, gain: float, offset: float
) -> None:
    x = _burst_signal(seed, 32000, noise_db, start, 0.2)
    base = measure_audio(x, 16000)
    scaled = measure_audio(x * np.float32(gain), 16000)
    shifted = measure_audio(x + np.float32(offset), 16000)
    assert scaled["snr_db"] == pytest.approx(base["snr_db"], abs=0.05)
    assert scaled["leading_silence_ms"] == base["leading_silence_ms"]
    assert scaled["trailing_silence_ms"] == base["trailing_silence_ms"]
    assert scaled["rms_dbfs"] == pytest.approx(base["rms_dbfs"] + 20 * np.log10(gain), abs=0.05)
    assert shifted["dc_offset"] == pytest.approx(base["dc_offset"] + offset, abs=1e-5)
    assert shifted["snr_db"] == pytest.approx(base["snr_db"], abs=0.5)
    assert shifted["rms_dbfs"] == pytest.approx(base["rms_dbfs"], abs=0.05)
