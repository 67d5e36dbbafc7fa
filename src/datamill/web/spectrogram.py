"""A small spectrogram of an item's audio, computed on the server with numpy.

At most :data:`MAX_FRAMES` analysis windows of :data:`N_FFT` samples are used. Short files are
read once; longer ones window by window, each by a seek (``soundfile``), so a 3-hour file costs
as little memory as a 3-second one. The result is an
8-bit magnitude image in dB (the top 80 dB, 0 = quiet, 255 = loudest), ``bins`` rows from 0 Hz
to Nyquist, sent base64-encoded with its shape; the page paints it on a canvas.
"""

from __future__ import annotations

import base64
from functools import lru_cache
from pathlib import Path

import numpy as np

__all__ = ["BINS", "MAX_FRAMES", "N_FFT", "compute_spectrogram", "spectrogram_for"]

N_FFT = 512
BINS = 128
MAX_FRAMES = 1500
DYNAMIC_RANGE_DB = 80.0
WHOLE_READ_FRAMES = 16_000 * 60 * 5  # files up to ~5 minutes at 16 kHz are read in one go


def compute_spectrogram(path: Path, frames: int | None = None) -> dict[str, object]:
    """``{"duration_s", "sample_rate_hz", "frames", "bins", "max_hz", "data"}``; ``data`` is
    base64 of ``frames * bins`` uint8 values, frame-major (one column of the image per frame)."""
    import soundfile as sf

    with sf.SoundFile(str(path)) as f:
        total = int(f.frames)
        rate = int(f.samplerate)
        duration_s = total / rate if rate else 0.0
        if frames is None:
            frames = min(MAX_FRAMES, max(1, total // (N_FFT // 2)))
        frames = max(1, frames)
        hop = max(1, (total - N_FFT) / max(1, frames - 1)) if total > N_FFT else 1
        starts = (np.arange(frames) * hop).astype(np.int64)
        windows = np.zeros((frames, N_FFT), dtype=np.float32)
        if total <= WHOLE_READ_FRAMES:  # short: one read, windows by index (no seeks)
            mono = f.read(dtype="float32", always_2d=True).mean(axis=1)
            padded = np.concatenate([mono, np.zeros(N_FFT, dtype=np.float32)])
            windows[:] = padded[starts[:, None] + np.arange(N_FFT)[None, :]]
        else:  # long: one seek and a window's read per frame, memory stays small
            for i, start in enumerate(starts):
                if start >= total:
                    break
                f.seek(int(start))
                chunk = f.read(N_FFT, dtype="float32", always_2d=True).mean(axis=1)
                windows[i, : chunk.shape[0]] = chunk
    mags = np.abs(np.fft.rfft(windows * np.hanning(N_FFT).astype(np.float32), axis=1))
    mags = mags[:, : (mags.shape[1] // BINS) * BINS].reshape(frames, BINS, -1).mean(axis=2)
    db = 20 * np.log10(mags + 1e-9)
    top = float(db.max()) if db.size else 0.0
    scaled = np.clip((db - (top - DYNAMIC_RANGE_DB)) / DYNAMIC_RANGE_DB, 0, 1)
    data = np.round(scaled * 255).astype(np.uint8)
    return {
        "duration_s": duration_s,
        "sample_rate_hz": rate,
        "frames": frames,
        "bins": BINS,
        "max_hz": rate / 2,
        "data": base64.b64encode(data.tobytes()).decode("ascii"),
    }


@lru_cache(maxsize=32)
def _cached(path: str, sha256: str) -> dict[str, object]:
    return compute_spectrogram(Path(path))


def spectrogram_for(path: Path, sha256: str, item_id: int = 0) -> dict[str, object]:
    """The spectrogram of a content-addressed blob (cached per process: blobs never change);
    :func:`datamill.web.peaks.undecodable` when the file is no audio the reader decodes."""
    from datamill.web.peaks import undecodable

    try:
        return _cached(str(path), sha256)
    except (RuntimeError, ValueError) as err:  # soundfile's LibsndfileError is a RuntimeError
        raise undecodable(item_id, err) from err
