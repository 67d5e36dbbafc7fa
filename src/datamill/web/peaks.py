"""Waveform peaks computed on the server, so the browser never decodes long audio.

The file is read in blocks (``soundfile.blocks``), never whole: a 3-hour recording costs one
block of memory. Each output bucket holds the min and max of its samples (all channels mixed to
mono by averaging), quantised to int8 (-127..127) to keep the JSON small.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

import numpy as np

from datamill.core.errors import InvalidInput

__all__ = ["AUDIO_UNDECODABLE", "BUCKETS_PER_SECOND", "MAX_BUCKETS", "compute_peaks",
           "peaks_for", "undecodable"]

#: the refusal's code (worded in :mod:`datamill.modalities._reason_words`)
AUDIO_UNDECODABLE = "audio_undecodable"

BUCKETS_PER_SECOND = 100
MAX_BUCKETS = 60_000
_BLOCK_FRAMES = 1 << 16


def compute_peaks(path: Path, buckets: int | None = None) -> dict[str, object]:
    """``{"duration_s", "sample_rate_hz", "peaks": [min0, max0, min1, max1, ...]}`` in -127..127."""
    import soundfile as sf

    info = sf.info(str(path))
    frames = int(info.frames)
    duration_s = frames / info.samplerate if info.samplerate else 0.0
    if buckets is None:
        buckets = max(1, min(MAX_BUCKETS, math.ceil(duration_s * BUCKETS_PER_SECOND)))
    buckets = max(1, min(buckets, frames or 1))
    per = frames / buckets if frames else 1.0
    mins = np.zeros(buckets, dtype=np.float32)
    maxs = np.zeros(buckets, dtype=np.float32)
    pos = 0
    for block in sf.blocks(str(path), blocksize=_BLOCK_FRAMES, dtype="float32", always_2d=True):
        mono = block.mean(axis=1)
        n = mono.shape[0]
        idx = (np.arange(pos, pos + n, dtype=np.int64) / per).astype(np.int64)
        np.minimum(idx, buckets - 1, out=idx)
        # Blocks are contiguous, so bucket indices are sorted: reduce each run at once.
        starts = np.flatnonzero(np.r_[True, idx[1:] != idx[:-1]])
        bmin = np.minimum.reduceat(mono, starts)
        bmax = np.maximum.reduceat(mono, starts)
        where = idx[starts]
        np.minimum.at(mins, where, bmin)
        np.maximum.at(maxs, where, bmax)
        pos += n
    inter = np.empty(buckets * 2, dtype=np.int8)
    inter[0::2] = np.clip(np.round(mins * 127), -127, 127).astype(np.int8)
    inter[1::2] = np.clip(np.round(maxs * 127), -127, 127).astype(np.int8)
    return {
        "duration_s": duration_s,
        "sample_rate_hz": int(info.samplerate),
        "peaks": inter.tolist(),
    }


@lru_cache(maxsize=64)
def _cached(path: str, sha256: str) -> dict[str, object]:
    return compute_peaks(Path(path))


def undecodable(item_id: int, err: Exception) -> InvalidInput:
    """The refusal for an item whose file the audio reader cannot decode (an image's, a text's,
    a damaged or swapped recording): 422 ``audio_undecodable`` naming the item, instead of the
    reader's error escaping as a 500."""
    return InvalidInput(f"item {item_id}'s file is not audio this page can draw ({err})",
                        reason_code=AUDIO_UNDECODABLE, item_id=item_id)


def peaks_for(path: Path, sha256: str, item_id: int = 0) -> dict[str, object]:
    """Peaks of a content-addressed blob (cached per process: blobs never change);
    :func:`undecodable` when the file is no audio the reader decodes."""
    try:
        return _cached(str(path), sha256)
    except (RuntimeError, ValueError) as err:  # soundfile's LibsndfileError is a RuntimeError
        raise undecodable(item_id, err) from err
