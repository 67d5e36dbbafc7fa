"""Issue 12 §4 part B: the spectrogram endpoint's numpy computation (shape, a tone lands in its
frequency row, bounded frames for long files)."""

from __future__ import annotations

import base64
from pathlib import Path

import numpy as np
import soundfile as sf

from datamill.web.spectrogram import BINS, MAX_FRAMES, compute_spectrogram


def test_a_tone_shows_in_its_row(tmp_path: Path) -> None:
    rate = 16000
    t = np.arange(rate * 2) / rate
    sf.write(tmp_path / "tone.wav", (0.5 * np.sin(2 * np.pi * 2000 * t)).astype(np.float32), rate,
             subtype="PCM_16")
    sp = compute_spectrogram(tmp_path / "tone.wav")
    assert sp["bins"] == BINS and sp["max_hz"] == 8000
    frames = int(sp["frames"])  # type: ignore[call-overload]
    img = np.frombuffer(base64.b64decode(str(sp["data"])), dtype=np.uint8).reshape(frames, BINS)
    loudest = np.bincount(img.argmax(axis=1)).argmax()
    assert loudest == round(2000 / 8000 * BINS)  # 2 kHz of 8 kHz, in 128 rows: row 32


def test_long_files_are_sampled_not_read_whole(tmp_path: Path) -> None:
    rate = 8000
    sf.write(tmp_path / "long.wav", np.zeros(rate * 600, dtype=np.float32), rate, subtype="PCM_16")
    sp = compute_spectrogram(tmp_path / "long.wav")
    assert sp["frames"] == MAX_FRAMES and abs(float(sp["duration_s"]) - 600) < 1e-6  # type: ignore[arg-type]
    assert len(base64.b64decode(str(sp["data"]))) == MAX_FRAMES * BINS
