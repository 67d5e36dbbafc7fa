"""Spoken personal data bleeped out of a delivered recording (``modalities.speech.bleep``):
the spans become a -20 dBFS 1 kHz tone, every other sample is written back exactly as read,
in the file's own container and sample format."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from hypothesis import given, settings
from hypothesis import strategies as st

from datamill.core.errors import InvalidInput
from datamill.modalities.speech.bleep import BLEEP_DBFS, BLEEP_HZ, bleep_spans
from datamill.modalities.speech.plugin import SpeechAsrPlugin

RATE = 16000


def _noise(frames: int, channels: int, seed: int = 1) -> np.ndarray:
    return np.random.default_rng(seed).uniform(-0.5, 0.5, (frames, channels))


@pytest.mark.parametrize(("fmt", "subtype", "suffix", "dtype"), [
    ("WAV", "PCM_16", ".wav", "int16"), ("FLAC", "PCM_24", ".flac", "int32"),
    ("WAV", "FLOAT", ".wav", "float32"), ("WAV", "PCM_U8", ".wav", "int16"),
])
def test_only_the_spans_change_and_the_format_stays(
    tmp_path: Path, fmt: str, subtype: str, suffix: str, dtype: str,
) -> None:
    path = tmp_path / f"take{suffix}"
    sf.write(path, _noise(RATE * 2, 2), RATE, format=fmt, subtype=subtype)
    out = bleep_spans(path, [(500, 1000), (1900, 5000)])  # the second runs past the end
    info = sf.info(io.BytesIO(out))
    assert (info.format, info.subtype, info.samplerate, info.channels, info.frames) == \
        (fmt, subtype, RATE, 2, RATE * 2)
    said, _ = sf.read(path, dtype=dtype, always_2d=True)
    heard, _ = sf.read(io.BytesIO(out), dtype=dtype, always_2d=True)
    kept = np.ones(len(said), bool)
    kept[8000:16000] = kept[30400:] = False
    assert (heard[kept] == said[kept]).all()  # exactly as read, not rescaled
    tone = sf.read(io.BytesIO(out), dtype="float64", always_2d=True)[0][8000:16000, 0]
    assert (tone == sf.read(io.BytesIO(out), dtype="float64", always_2d=True)[0]
            [8000:16000, 1]).all()  # every channel
    rms_db = 20 * np.log10(np.sqrt(np.mean(tone[400:-400] ** 2)))
    assert abs(rms_db - (BLEEP_DBFS - 3.01)) < 0.3  # a sine's RMS is 3 dB under its peak
    spectrum = np.abs(np.fft.rfft(tone))
    assert abs(np.argmax(spectrum) * RATE / len(tone) - BLEEP_HZ) < 5
    assert abs(tone[0]) < 1e-3 and abs(tone[-1]) < 1e-3  # ramped in and out: no click


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(-500, 3000), st.integers(-500, 3000)), max_size=4))
def test_any_spans_keep_the_length_and_change_nothing_else(
    tmp_path_factory: pytest.TempPathFactory, spans: list[tuple[int, int]],
) -> None:
    path = tmp_path_factory.mktemp("bleep") / "take.wav"
    sf.write(path, _noise(RATE, 1), RATE, subtype="PCM_16")
    out = bleep_spans(path, spans)
    said, _ = sf.read(path, dtype="int16")
    heard, _ = sf.read(io.BytesIO(out), dtype="int16")
    assert len(heard) == len(said)
    touched = np.zeros(len(said), bool)
    for a, b in spans:
        lo, hi = max(0, min(RATE, a * RATE // 1000)), max(0, min(RATE, -(-b * RATE // 1000)))
        touched[lo:hi] = True
    assert (heard[~touched] == said[~touched]).all()


def test_a_file_that_is_not_audio_is_refused_with_its_name(tmp_path: Path) -> None:
    path = tmp_path / "broken.wav"
    path.write_bytes(b"RIFF\x00\x00not really a wave file")
    with pytest.raises(InvalidInput, match=r"broken\.wav cannot be read"):
        bleep_spans(path, [(0, 100)])


def test_the_plugin_bleeps_only_segments_whose_transcript_holds_personal_data(
    tmp_path: Path,
) -> None:
    path = tmp_path / "take.wav"
    sf.write(path, _noise(RATE * 3, 1), RATE, subtype="PCM_16")
    payload = [{"start_ms": 0, "end_ms": 1000, "text": "hello there"},
               {"start_ms": 1000, "end_ms": 2000, "text": "call 13812345678"},
               {"start_ms": 2000, "end_ms": 3000, "text": "bye"}]
    plugin = SpeechAsrPlugin()
    assert plugin.mask_media(path, payload, lambda t: False) is None  # nothing to mask
    masked = plugin.mask_media(path, payload, lambda t: any(c.isdigit() for c in t))
    assert masked is not None
    data, stretches = masked
    assert stretches == 1
    said, _ = sf.read(path, dtype="int16")
    heard, _ = sf.read(io.BytesIO(data), dtype="int16")
    assert (heard[:16000] == said[:16000]).all() and (heard[32000:] == said[32000:]).all()
    assert not (heard[16000:32000] == said[16000:32000]).all()
