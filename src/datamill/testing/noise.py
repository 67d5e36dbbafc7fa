"""Noise and mains hum at a known level, for calibrating and testing the audio checks.

Everything is generated here (numpy, seeded) or spoken by espeak-ng through
:mod:`datamill.testing.synth`; nothing is downloaded.

**True SNR** (what :func:`mix_at_snr` sets and the SNR estimator is calibrated against) is the
ratio of the *active speech level* of the clean signal to the mean power of the noise over the
whole file, in dB. The active speech level is the mean square of the clean speech over its
active 20 ms frames, those within :data:`ACTIVE_RANGE_DB` of its loudest frame (a simplified
ITU-T P.56: pauses and leading/trailing silence do not dilute it).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Final

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = [
    "ACTIVE_RANGE_DB",
    "active_speech_power",
    "add_hum",
    "babble_noise",
    "mix_at_snr",
    "pink_noise",
    "white_noise",
]

ACTIVE_RANGE_DB: Final = 40.0
"""Clean frames this far or less below the loudest one are active speech."""
_FRAME_MS: Final = 20


def active_speech_power(clean: NDArray[np.float32], sample_rate_hz: int) -> float:
    """Mean square of ``clean`` over its active frames (see the module docstring)."""
    frame = max(1, sample_rate_hz * _FRAME_MS // 1000)
    n = clean.size // frame
    energies = np.square(clean[: n * frame].astype(np.float64)).reshape(n, frame).mean(axis=1)
    top = float(energies.max())
    if top <= 0.0:
        return 0.0
    active = energies[energies >= top * 10.0 ** (-ACTIVE_RANGE_DB / 10.0)]
    return float(active.mean())


def white_noise(n: int, seed: int) -> NDArray[np.float32]:
    """Gaussian white noise, unit power."""
    return np.random.default_rng(seed).normal(0.0, 1.0, n).astype(np.float32)


def pink_noise(n: int, seed: int) -> NDArray[np.float32]:
    """1/f noise (spectrum shaped in the frequency domain), unit power."""
    rng = np.random.default_rng(seed)
    spec = np.fft.rfft(rng.normal(0.0, 1.0, n))
    f = np.arange(spec.size, dtype=np.float64)
    f[0] = 1.0
    x = np.fft.irfft(spec / np.sqrt(f), n)
    return (x / math.sqrt(float(np.mean(x * x)))).astype(np.float32)


def babble_noise(
    talkers: list[NDArray[np.float32]], n: int, seed: int, *, streams: int = 8
) -> NDArray[np.float32]:
    """``streams`` voices (the ``talkers`` reused, each trimmed of its leading and trailing
    silence and looped from a random offset) summed, unit power: a babble-like, non-stationary
    noise without pauses, as in a canteen."""
    rng = np.random.default_rng(seed)
    trimmed = []
    for t in talkers:
        loud = np.flatnonzero(np.abs(t) > 1e-3 * float(np.abs(t).max() or 1.0))
        seg = t[loud[0] : loud[-1] + 1] if loud.size else t
        trimmed.append(seg.astype(np.float64) / math.sqrt(float(np.mean(seg * seg)) or 1.0))
    out = np.zeros(n, dtype=np.float64)
    for i in range(streams):
        voice = trimmed[i % len(trimmed)]
        looped = np.tile(voice, n // voice.size + 2)
        start = int(rng.integers(0, voice.size))
        out += looped[start : start + n]
    return (out / math.sqrt(float(np.mean(out * out)) or 1.0)).astype(np.float32)


def mix_at_snr(
    clean: NDArray[np.float32], noise: NDArray[np.float32], snr_db: float, sample_rate_hz: int
) -> NDArray[np.float32]:
    """``clean`` plus ``noise`` scaled so the true SNR (module docstring) is ``snr_db``."""
    speech = active_speech_power(clean, sample_rate_hz)
    noise_power = float(np.mean(np.square(noise[: clean.size].astype(np.float64))))
    gain = math.sqrt(speech / (noise_power * 10.0 ** (snr_db / 10.0)))
    return (clean + noise[: clean.size] * np.float32(gain)).astype(np.float32)


def add_hum(
    x: NDArray[np.float32],
    sample_rate_hz: int,
    *,
    mains_hz: float,
    level_db: float,
    harmonics: int = 3,
    seed: int = 0,
) -> NDArray[np.float32]:
    """Add mains hum (``mains_hz`` and its first ``harmonics`` multiples, falling 6 dB each)
    whose total power is ``level_db`` relative to the active speech level of ``x``."""
    rng = np.random.default_rng(seed)
    t = np.arange(x.size, dtype=np.float64) / sample_rate_hz
    hum = np.zeros(x.size, dtype=np.float64)
    for k in range(1, harmonics + 1):
        phase = float(rng.uniform(0.0, 2.0 * math.pi))
        hum += 0.5 ** (k - 1) * np.sin(2.0 * math.pi * k * mains_hz * t + phase)
    power = float(np.mean(hum * hum))
    speech = active_speech_power(x, sample_rate_hz)
    hum *= math.sqrt(speech * 10.0 ** (level_db / 10.0) / power)
    return (x + hum).astype(np.float32)
