"""Spoken personal data bleeped out of a delivered recording.

A desensitized project's transcripts are masked when they are delivered; its audio says the
same words aloud. Every segment whose transcript holds personal data has its whole time span
replaced by a 1 kHz tone at -20 dBFS (the broadcaster's bleep) with 10 ms raised-cosine ramps
(no click), in every channel. The whole segment rather than the words: a final transcript
carries no word timings, and a forced alignment of digits read aloud ("one three eight",
"一三八") is not reliable enough to stake a person's phone number on.

The file keeps its sample rate, channels, length, container and sample format; samples
outside the bleeped spans are written back exactly as read (integer formats are read and
written as integers, so nothing is rescaled).
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf

from datamill.core.errors import InvalidInput

__all__ = ["BLEEP_DBFS", "BLEEP_HZ", "bleep_spans"]

BLEEP_HZ = 1000.0
BLEEP_DBFS = -20.0
_RAMP_S = 0.010
#: how samples are read so that writing them back changes nothing: integers stay integers
_INT16 = frozenset({"PCM_S8", "PCM_U8", "PCM_16"})
_INT32 = frozenset({"PCM_24", "PCM_32"})


def bleep_spans(path: Path, spans_ms: Iterable[tuple[int, int]]) -> bytes:
    """The bytes of ``path`` with every ``[start_ms, end_ms)`` span bleeped (spans are clipped
    to the file; empty ones are skipped). InvalidInput when the file cannot be read or written
    back in its own format."""
    try:
        info = sf.info(str(path))
        dtype = "int16" if info.subtype in _INT16 else "int32" if info.subtype in _INT32 \
            else "float64"
        data, rate = sf.read(str(path), dtype=dtype, always_2d=True)
    except (sf.LibsndfileError, RuntimeError, OSError) as err:
        raise InvalidInput(f"{path.name} cannot be read to bleep its personal data ({err}): "
                           "it is not delivered") from err
    full = float(np.iinfo(data.dtype).max) if data.dtype.kind == "i" else 1.0
    amplitude = full * 10 ** (BLEEP_DBFS / 20)
    frames = data.shape[0]
    for start_ms, end_ms in spans_ms:
        a = max(0, min(frames, int(start_ms) * rate // 1000))
        b = max(0, min(frames, -(-int(end_ms) * rate // 1000)))  # end rounded up: all of it
        if b > a:
            data[a:b, :] = _tone(b - a, rate, amplitude).astype(data.dtype)[:, None]
    out = io.BytesIO()
    try:
        sf.write(out, data, rate, format=info.format, subtype=info.subtype)
    except (sf.LibsndfileError, RuntimeError, ValueError, TypeError) as err:
        raise InvalidInput(f"{path.name} cannot be written back as {info.format}/"
                           f"{info.subtype} after bleeping ({err}): it is not delivered") from err
    return out.getvalue()


def _tone(n: int, rate: int, amplitude: float) -> np.ndarray[Any, np.dtype[np.float64]]:
    t = np.arange(n) / rate
    tone = amplitude * np.sin(2 * np.pi * BLEEP_HZ * t)
    ramp = min(n // 2, int(_RAMP_S * rate))
    if ramp > 0:
        edge = 0.5 - 0.5 * np.cos(np.pi * np.arange(ramp) / ramp)
        tone[:ramp] *= edge
        tone[-ramp:] *= edge[::-1]
    return np.round(tone) if amplitude > 1.0 else tone
